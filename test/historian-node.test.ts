import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import { HistorianConnection } from '../lib/historian/connection';
import { readingsTable } from '../lib/historian/tables/readings';
import { BatchWriter, type BatchResult, type TableRow } from '../lib/historian/writer';
import { LOCAL_POSTGRES_URL, postgresAnswers, proxiedPostgres, testDatabase, uniqueSchema, withClient, type TestDatabase } from './support/database';
import { coreNode } from './support/core-nodes';
import { testNode } from './support/test-node';
import dbNode = require('../nodes/twin-db/twin-db');
import historianNode = require('../nodes/twin-historian/twin-historian');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

describe('twin-historian node', function () {
  this.timeout(120000);
  let db: TestDatabase;
  let schema: string;
  const savedUrl = process.env.DATABASE_URL;

  before(async function () {
    db = await testDatabase('twin-hist-node');
    process.env.DATABASE_URL = db.url;
    schema = uniqueSchema('twin_node');
  });
  after(async function () {
    if (savedUrl === undefined) delete process.env.DATABASE_URL; else process.env.DATABASE_URL = savedUrl;
    await withClient(db.url, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
    db.release();
  });
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  const dbConfig = (): Record<string, unknown> => ({ id: 'db', type: 'twin-db', mode: 'auto', schema, poolMax: '2' });

  it('loads with defaults', async function () {
    const flow = [dbConfig(), { id: 'n1', type: 'twin-historian', db: 'db' }];
    await helper.load([dbNode, historianNode], flow as never);
    assert.ok(helper.getNode('n1'));
  });

  it('writes readings, alerts and feature vectors, completes each message once committed and returns its ack', function (done) {
    const flow = [dbConfig(),
      { id: 'n1', type: 'twin-historian', db: 'db', batchMs: '50', wires: [['results']] }, { id: 'results', type: 'helper' },
      { id: 'c1', type: 'complete', scope: ['n1'], wires: [['completed']] }, { id: 'completed', type: 'helper' }];
    helper.load([dbNode, historianNode, coreNode('common/24-complete.js')], flow as never, () => {
      const now = Date.now();
      const acks: unknown[] = [];
      testNode('results').on('input', (msg: { payload: BatchResult }) => { if (msg.payload.ok) acks.push(...msg.payload.acks); });
      testNode('completed').on('input', async (msg: { ack: string }) => {
        try {
          assert.equal(msg.ack, 'batch-1');
          assert.deepEqual(acks, ['batch-1']);
          await withClient(db.url, async (client) => {
            const rows = await client.query(`SELECT sensor, value FROM "${schema}".twin_readings ORDER BY ts`);
            assert.deepEqual(rows.rows, [{ sensor: 'speed', value: 100 }, { sensor: 'speed', value: 101 }]);
            const alerts = await client.query(`SELECT id, state FROM "${schema}".twin_alerts`);
            assert.deepEqual(alerts.rows, [{ id: 'm1:speed:alarm:1', state: 'raised' }]);
            const features = await client.query(`SELECT feature, value, unit FROM "${schema}".twin_features ORDER BY feature`);
            assert.deepEqual(features.rows, [{ feature: 'operatingHours', value: 12.5, unit: 'h' }, { feature: 'speed.mean.1h', value: 100.5, unit: 'rpm' }]);
          });
          done();
        } catch (err) { done(err); }
      });
      testNode('n1').receive({ ack: 'batch-1', payload: [
        { asset: 'm1', sensor: 'speed', unit: 'rpm', value: 100, ts: now - 1000, quality: 'good' },
        { asset: 'm1', sensor: 'speed', unit: 'rpm', value: 101, ts: now, quality: 'good' },
        { id: 'm1:speed:alarm:1', asset: 'm1', sensor: 'speed', level: 'alarm', direction: 'high', state: 'raised', value: 101, limit: 100, unit: 'rpm', ts: now, raisedAt: now, message: 'too fast' },
        { asset: 'm1', ts: now, features: { 'speed.mean.1h': 100.5, operatingHours: 12.5 }, units: { 'speed.mean.1h': 'rpm', operatingHours: 'h' }, windows: {}, quality: {} },
      ] });
    });
  });

  it('reports unrecognised input with the message', function (done) {
    const flow = [dbConfig(), { id: 'n1', type: 'twin-historian', db: 'db' }];
    helper.load([dbNode, historianNode], flow as never, () => {
      const n1 = testNode('n1');
      n1.on('call:error', (call: { firstArg: Error }) => {
        try {
          assert.match(call.firstArg.message, /nothing to store: element 0 is neither a reading/);
          done();
        } catch (err) { done(err); }
      });
      n1.receive({ payload: { hello: 'world' } });
    });
  });

  it('answers history queries as rows and as chart data', function (done) {
    const flow = [dbConfig(), { id: 'q1', type: 'twin-historian', db: 'db', mode: 'query', output: 'chart', wires: [['out']] }, { id: 'out', type: 'helper' }];
    helper.load([dbNode, historianNode], flow as never, () => {
      testNode('out').on('input', (msg: { payload: Array<{ series: string[]; data: Array<Array<{ y: number }>> }>; keep: string }) => {
        try {
          assert.equal(msg.keep, 'me');
          assert.deepEqual(msg.payload[0].series, ['speed']);
          assert.deepEqual(msg.payload[0].data[0].map((p) => p.y), [100, 101]);
          done();
        } catch (err) { done(err); }
      });
      testNode('q1').receive({ keep: 'me', payload: { asset: 'm1', sensor: 'speed', from: Date.now() - 3600000, to: new Date(Date.now() + 1000).toISOString() } });
    });
  });
});

describe('historian writer across a broken connection', function () {
  this.timeout(120000);

  it('queues while the database is unreachable, reconnects by itself and writes every row once, in order', async function () {
    if (!(await postgresAnswers())) this.skip();
    const { proxy, url } = await proxiedPostgres();
    const schema = uniqueSchema('twin_cut');
    const connection = new HistorianConnection({ target: { kind: 'url', url, ssl: false }, poolMax: 2, schema, compressAfterDays: 7, retentionDays: undefined });
    const results: BatchResult[] = [];
    const states: string[] = [];
    const causes: string[] = [];
    const writer = new BatchWriter(connection, { batchSize: 50, batchMs: 20, maxQueuedRows: 100000 }, (r) => results.push(r), (s, _queued, cause) => {
      states.push(s);
      if (cause) causes.push(cause);
    });
    try {
      await connection.ready();
      const start = Date.UTC(2026, 1, 1);
      const row = (i: number): TableRow => ({ table: readingsTable as TableRow['table'], row: { asset: 'm1', sensor: 'seq', unit: '', value: i, ts: start + i, quality: 'good' } });
      const writes: Array<Promise<void>> = [];
      for (let i = 0; i < 600; i++) {
        if (i === 200) proxy.cut();
        if (i === 400) setTimeout(() => proxy.restore(), 1500);
        writes.push(writer.write([row(i)]));
        if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 30));
      }
      await Promise.all(writes);
      assert.ok(states.includes('reconnecting'), `went through reconnecting: ${states.join()}`);
      assert.ok(causes.length > 0 && causes.every((cause) => cause.length > 0), `the node's warning names why: ${causes.join(' | ')}`);
      assert.ok(results.some((r) => !r.ok && /unreachable/.test(r.error ?? '')), 'reported the outage');
      await withClient(LOCAL_POSTGRES_URL, async (client) => {
        const stored = await client.query(`SELECT value FROM "${schema}".twin_readings ORDER BY ts`);
        assert.deepEqual(stored.rows.map((r: { value: number }) => r.value), Array.from({ length: 600 }, (_, i) => i));
      });
    } finally {
      await writer.close(2000);
      await withClient(LOCAL_POSTGRES_URL, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
      await connection.close();
      await proxy.stop();
    }
  });
});
