/**
 * twin-buffer in a real Node-RED (node-red-node-test-helper) in front of twin-historian on the real PostgreSQL:
 * a full disk (a real tmpfs) during a database outage, two buffers on one folder, an oversized message, and live
 * readings after a 10-minute outage's backlog.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { coreNode } from './support/core-nodes';
import { LOCAL_POSTGRES_URL, withClient } from './support/database';
import { mountSmallFilesystem } from './support/small-filesystem';
import { proxiedDatabase } from './support/proxied-database';
import { testNode } from './support/test-node';
import bufferNode = require('../nodes/twin-buffer/twin-buffer');
import dbNode = require('../nodes/twin-db/twin-db');
import historianNode = require('../nodes/twin-historian/twin-historian');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function storedValues(schema: string, sensor: string): Promise<number[]> {
  return withClient(LOCAL_POSTGRES_URL, async (c) =>
    ((await c.query(`SELECT value FROM "${schema}".twin_readings WHERE sensor = $1 ORDER BY ts`, [sensor]).catch(() => ({ rows: [] }))).rows as Array<{ value: number }>).map((r) => r.value));
}

describe('twin-buffer node at the edges (real Node-RED, real PostgreSQL, real filesystem)', function () {
  this.timeout(240000);
  const db = proxiedDatabase('twin_bufedge');
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('on a disk that fills during a database outage, refuses with an error and an alert and loses nothing it accepted', async function () {
    const disk = mountSmallFilesystem(512 * 1024);
    if (!disk) this.skip();
    try {
      const flow = [
        { id: 'db', type: 'twin-db', mode: 'auto', schema: db.schema, poolMax: '2' },
        { id: 'buffer', type: 'twin-buffer', directory: path.join(disk!.dir, 'buffer'), maxReplayRate: '0', ackTimeoutS: '2', wires: [['historian'], ['alerts']] },
        { id: 'historian', type: 'twin-historian', db: 'db', batchMs: '50', wires: [['buffer']] },
        { id: 'on-complete', type: 'complete', scope: ['buffer'], uncaught: false, wires: [['accepted']] },
        { id: 'on-catch', type: 'catch', scope: ['buffer'], uncaught: false, wires: [['refused']] },
        { id: 'accepted', type: 'helper' }, { id: 'refused', type: 'helper' }, { id: 'alerts', type: 'helper' },
      ];
      await helper.load([dbNode, historianNode, bufferNode, coreNode('common/24-complete.js'), coreNode('common/25-catch.js')], flow as never);
      const accepted: number[] = [];
      const refused: Array<{ i: number; error: string }> = [];
      const alerts: Array<{ message: string; code?: string; recovered?: boolean }> = [];
      testNode('accepted').on('input', (msg: { payload: Array<{ value: number }> }) => accepted.push(msg.payload[0].value));
      testNode('refused').on('input', (msg: { payload: Array<{ value: number }>; error: { message: string } }) => refused.push({ i: msg.payload[0].value, error: msg.error.message }));
      testNode('alerts').on('input', (msg: { topic: string; payload: { message: string; code?: string; recovered?: boolean } }) => { if (msg.topic === 'buffer/alert') alerts.push(msg.payload); });
      const buffer = testNode('buffer');
      const start = Date.UTC(2026, 6, 1);
      const send = (i: number): void => buffer.receive({ payload: [{ asset: 'm1', sensor: 'fill', unit: 'x'.repeat(3000), value: i, ts: start + i * 1000, quality: 'good' }] });
      // Other data takes most of the disk, then the database goes away.
      fs.writeFileSync(path.join(disk!.dir, 'other-data'), Buffer.alloc(300 * 1024, 1));
      db.proxy.cut();
      for (let i = 0; i < 150; i++) {
        send(i);
        await sleep(5);
      }
      await sleep(500);
      assert.ok(refused.length > 0, 'the full disk refused messages');
      assert.ok(refused.every((r) => /disk is full/.test(r.error)), refused[0]?.error);
      assert.equal(accepted.length + refused.length, 150, 'every message either accepted or refused with an error');
      const diskAlert = alerts.find((a) => a.code === 'ENOSPC');
      assert.ok(diskAlert, `an alert on output 2: ${JSON.stringify(alerts)}`);
      // Room comes back: 50 more are accepted behind the refusals; then the database.
      fs.rmSync(path.join(disk!.dir, 'other-data'));
      for (let i = 150; i < 200; i++) {
        send(i);
        await sleep(5);
      }
      await sleep(300);
      assert.ok(alerts.some((a) => a.recovered), 'the recovery is reported');
      assert.equal(accepted.filter((i) => i >= 150).length, 50, 'all 50 accepted once there is room');
      db.proxy.restore();
      let stored: number[] = [];
      const deadline = Date.now() + 90000;
      while (Date.now() < deadline) {
        stored = await storedValues(db.schema, 'fill');
        if (stored.length >= accepted.length) break;
        await sleep(1000);
      }
      assert.deepEqual(stored, [...accepted].sort((a, b) => a - b), 'every accepted message stored, once');
      process.stdout.write(`      (${accepted.length} accepted and all stored, ${refused.length} refused while the disk was full)\n`);
    } finally {
      disk!.unmount();
    }
  });

  it('refuses a second buffer on the same folder with a clear error, and the first keeps working', async function () {
    const shared = path.join(db.userDir, 'shared-buffer');
    const flow = [
      { id: 'b1', type: 'twin-buffer', directory: shared, wires: [['sink1'], []] },
      { id: 'b2', type: 'twin-buffer', name: 'copy', directory: shared, wires: [['sink2'], []] },
      { id: 'sink1', type: 'helper' }, { id: 'sink2', type: 'helper' },
    ];
    await helper.load(bufferNode, flow as never);
    const errors: string[] = [];
    const b1 = testNode('b1');
    const b2 = testNode('b2');
    b2.on('call:error', (call: { firstArg: Error | string }) => errors.push(String(call.firstArg instanceof Error ? call.firstArg.message : call.firstArg)));
    const delivered = new Promise<unknown>((resolve) => testNode('sink1').once('input', (msg: { payload: unknown }) => resolve(msg.payload)));
    b1.receive({ payload: { n: 1 } });
    assert.deepEqual(await delivered, { n: 1 });
    let second = false;
    testNode('sink2').on('input', () => { second = true; });
    b2.receive({ payload: { n: 2 } });
    await sleep(300);
    assert.equal(second, false, 'the copy delivers nothing');
    assert.ok(errors.some((e) => /already in use by twin-buffer b1 in this Node-RED: give each one its own folder/.test(e)), errors.join(' | '));
  });

  it('refuses a message that is a gigabyte as JSON without harm, and takes the next one', async function () {
    const flow = [{ id: 'b', type: 'twin-buffer', maxMessageMB: '16', wires: [['sink'], []] }, { id: 'sink', type: 'helper' }];
    await helper.load(bufferNode, flow as never);
    const buffer = testNode('b');
    const errors: string[] = [];
    buffer.on('call:error', (call: { firstArg: Error }) => errors.push(call.firstArg.message));
    const row = { asset: 'm1', sensor: 's', note: 'x'.repeat(1024 * 1024) };
    buffer.receive({ payload: new Array(1024).fill(row) });
    const next = new Promise<unknown>((resolve) => testNode('sink').once('input', (msg: { payload: unknown }) => resolve(msg.payload)));
    buffer.receive({ payload: [{ asset: 'm1', sensor: 's', value: 1, ts: 1 }] });
    assert.deepEqual(await next, [{ asset: 'm1', sensor: 's', value: 1, ts: 1 }]);
    assert.ok(errors.some((e) => /larger than 16 MB as JSON/.test(e)), errors.join(' | '));
  });
});
