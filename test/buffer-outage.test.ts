/**
 * Store and forward against real faults: the real PostgreSQL behind a TCP proxy that the test cuts and restores,
 * and a real Node-RED process killed with SIGKILL mid-outage and restarted on the same data folder.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import mqtt, { type MqttClient } from 'mqtt';
import { coreNode } from './support/core-nodes';
import { LOCAL_POSTGRES_URL, withClient } from './support/database';
import { testRuntime, startNodeRed, type NodeRedProcess } from './support/node-red-process';
import { proxiedDatabase } from './support/proxied-database';
import { TcpProxy } from './support/tcp-proxy';
import { testNode } from './support/test-node';
import bufferNode = require('../nodes/twin-buffer/twin-buffer');
import dbNode = require('../nodes/twin-db/twin-db');
import historianNode = require('../nodes/twin-historian/twin-historian');

helper.init(testRuntime.resolve('node-red'));
const root = path.resolve(__dirname, '..', '..');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('twin-buffer in front of twin-historian, database connection cut', function () {
  this.timeout(120000);
  const db = proxiedDatabase('twin_buf');
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('delivers every reading of a steady stream exactly once, in order, across the outage', async function () {
    const flow = [
      { id: 'db', type: 'twin-db', mode: 'auto', schema: db.schema, poolMax: '2' },
      { id: 'buffer', type: 'twin-buffer', maxReplayRate: '2000', ackTimeoutS: '2', maxInFlight: '200', wires: [['historian'], []] },
      { id: 'historian', type: 'twin-historian', db: 'db', batchMs: '50', wires: [['buffer']] },
    ];
    await helper.load([dbNode, historianNode, bufferNode], flow as never);
    const buffer = testNode('buffer');
    const start = Date.UTC(2026, 2, 1);
    const total = 400;
    for (let i = 0; i < total; i++) {
      if (i === 100) db.proxy.cut();
      if (i === 300) db.proxy.restore();
      buffer.receive({ payload: [{ asset: 'm1', sensor: 'seq', unit: '', value: i, ts: start + i * 1000, quality: 'good' }] });
      await sleep(20);
    }
    const deadline = Date.now() + 90000;
    let rows: Array<{ value: number; ts: Date }> = [];
    while (Date.now() < deadline) {
      rows = await withClient(LOCAL_POSTGRES_URL, async (c) =>
        (await c.query(`SELECT value, ts FROM "${db.schema}".twin_readings ORDER BY ts`).catch(() => ({ rows: [] }))).rows as Array<{ value: number; ts: Date }>);
      if (rows.length >= total) break;
      await sleep(1000);
    }
    assert.deepEqual(rows.map((r) => r.value), Array.from({ length: total }, (_, i) => i), 'every reading once, in order');
  });

  it('lets go of messages with nothing to store or that the historian refuses, so nothing behind them waits', async function () {
    const flow = [
      { id: 'db', type: 'twin-db', mode: 'auto', schema: db.schema, poolMax: '2' },
      { id: 'buffer', type: 'twin-buffer', maxReplayRate: '0', ackTimeoutS: '2', maxInFlight: '10', wires: [['historian'], ['metrics']] },
      { id: 'historian', type: 'twin-historian', db: 'db', batchMs: '50', waveformIntervalS: '60', wires: [['buffer']] },
      { id: 'metrics', type: 'helper' },
    ];
    await helper.load([dbNode, historianNode, bufferNode], flow as never);
    const buffer = testNode('buffer');
    let latest: unknown;
    const drained = new Promise<{ backlog: number; rejected: number }>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`the buffer did not drain within 30 s: ${JSON.stringify(latest)}`)), 30000);
      testNode('metrics').on('input', (msg: { topic: string; payload: { backlog: number; inFlight: number; rejected: number } }) => {
        if (msg.topic !== 'buffer/metrics') return;
        latest = msg.payload;
        if (msg.payload.backlog === 0 && msg.payload.inFlight === 0) { clearTimeout(timeout); resolve(msg.payload); }
      });
    });
    const start = Date.UTC(2026, 3, 1);
    const block = (ts: number) => ({ payload: [{ asset: 'm2', sensor: 'acc', unit: 'g', ts, sampleRate: 1000, samples: new Float32Array(64).fill(0.5), quality: 'good' }] });
    buffer.receive(block(start));
    // Within the waveform interval: thinned out, nothing to store.
    for (let i = 1; i <= 15; i++) buffer.receive(block(start + i * 1000));
    buffer.receive({ payload: { hello: 'world' } });
    for (let i = 0; i < 30; i++) buffer.receive({ payload: [{ asset: 'm2', sensor: 'temp', unit: '°C', value: i, ts: start + i * 1000, quality: 'good' }] });
    const metrics = await drained;
    assert.equal(metrics.rejected, 1, 'the refused message is let go and counted');
    const stored = await withClient(LOCAL_POSTGRES_URL, async (c) => ({
      readings: (await c.query(`SELECT count(*)::int AS n FROM "${db.schema}".twin_readings WHERE asset = 'm2'`)).rows[0].n as number,
      blocks: (await c.query(`SELECT count(*)::int AS n FROM "${db.schema}".twin_waveforms WHERE asset = 'm2'`)).rows[0].n as number,
    }));
    assert.deepEqual(stored, { readings: 30, blocks: 1 }, 'everything behind the thinned blocks and the refused message is stored');
  });
});

function post(url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => { try { resolve(JSON.parse(body) as T); } catch (err) { reject(err); } });
    }).on('error', reject);
  });
}

describe('twin-buffer survives SIGKILL of Node-RED', function () {
  this.timeout(180000);
  let workDir: string;
  let nodeRed: NodeRedProcess | undefined;

  // Producer → buffer; a Complete node on the buffer answers the HTTP request, so a 200 means "on disk".
  // The sink acknowledges only while SINK_UP=1, and records what it received in flow context.
  const flow = [
    { id: 'tab', type: 'tab', label: 'buffer' },
    { id: 'in', type: 'http in', z: 'tab', url: '/produce', method: 'post', wires: [['buffer']] },
    { id: 'buffer', type: 'twin-buffer', z: 'tab', maxReplayRate: '0', ackTimeoutS: '1', maxInFlight: '50', wires: [['sink'], []] },
    { id: 'done', type: 'complete', z: 'tab', scope: ['buffer'], uncaught: false, wires: [['ok']] },
    { id: 'ok', type: 'http response', z: 'tab', statusCode: '200', wires: [] },
    { id: 'sink', type: 'function', z: 'tab', outputs: 1, func: "if (env.get('SINK_UP') !== '1') return null;\nconst got = flow.get('got', 'memory') || [];\ngot.push(msg.payload.i);\nflow.set('got', got, 'memory');\nreturn msg;", wires: [['buffer']] },
    { id: 'list', type: 'http in', z: 'tab', url: '/delivered', method: 'get', wires: [['read']] },
    { id: 'read', type: 'function', z: 'tab', outputs: 1, func: "msg.payload = flow.get('got', 'memory') || [];\nreturn msg;", wires: [['reply']] },
    { id: 'reply', type: 'http response', z: 'tab', statusCode: '200', wires: [] },
  ];

  before(function () {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-kill-'));
    fs.mkdirSync(path.join(workDir, 'user'));
    fs.writeFileSync(path.join(workDir, 'user', 'flows.json'), JSON.stringify(flow));
    fs.writeFileSync(path.join(workDir, 'settings.js'), `module.exports = Object.assign({}, require(${JSON.stringify(path.join(root, 'scripts', 'node-red-settings.js'))}), {
      contextStorage: { default: { module: 'memory' }, memory: { module: 'memory' } } });\n`);
  });
  after(async function () {
    await nodeRed?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  const start = (sinkUp: boolean): Promise<NodeRedProcess> =>
    startNodeRed(['--settings', path.join(workDir, 'settings.js'), '--userDir', path.join(workDir, 'user')], { SINK_UP: sinkUp ? '1' : '0' });

  it('loses nothing it acknowledged, and replays the backlog after the restart', async function () {
    nodeRed = await start(false);
    const acknowledged: number[] = [];
    const sending = (async () => {
      for (let i = 0; ; i++) {
        try {
          if ((await post(`${nodeRed!.baseUrl}/produce`, { i })) === 200) acknowledged.push(i);
        } catch {
          return;
        }
      }
    })();
    await sleep(3000);
    nodeRed.child.kill('SIGKILL');
    await sending;
    await sleep(500);
    assert.ok(acknowledged.length > 50, `produced ${acknowledged.length} before the kill`);

    nodeRed = await start(true);
    let delivered: number[] = [];
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      delivered = await getJson<number[]>(`${nodeRed.baseUrl}/delivered`);
      if (acknowledged.every((i) => delivered.includes(i))) break;
      await sleep(500);
    }
    const missing = acknowledged.filter((i) => !delivered.includes(i));
    assert.deepEqual(missing, [], `all ${acknowledged.length} acknowledged messages delivered after the restart`);
    const firstDelivery = delivered.filter((v, k) => delivered.indexOf(v) === k);
    assert.deepEqual(firstDelivery, [...firstDelivery].sort((a, b) => a - b), 'replayed in order');
  });
});

describe('twin-buffer in front of an MQTT out node, broker connection cut', function () {
  this.timeout(120000);
  let proxy: TcpProxy;
  let subscriber: MqttClient | undefined;
  let userDir: string;

  before(async function () {
    const probe = mqtt.connect('mqtt://127.0.0.1:1883', { connectTimeout: 2000, reconnectPeriod: 0 });
    const reachable = await new Promise<boolean>((resolve) => { probe.once('connect', () => resolve(true)); probe.once('error', () => resolve(false)); setTimeout(() => resolve(false), 2500); });
    probe.end(true);
    if (!reachable) this.skip();
    proxy = new TcpProxy('127.0.0.1', 1883);
    await proxy.start();
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-buf-mqtt-'));
    helper.settings({ userDir });
  });
  after(async function () {
    helper.settings({});
    subscriber?.end(true);
    await proxy?.stop();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('every message reaches a subscriber of the real broker at least once', async function () {
    const topic = `twin/test/${process.pid}/${Date.now()}`;
    const received = new Map<number, number>();
    subscriber = mqtt.connect('mqtt://127.0.0.1:1883');
    await new Promise<void>((resolve) => subscriber!.on('connect', () => subscriber!.subscribe(topic, { qos: 1 }, () => resolve())));
    subscriber.on('message', (_t, message) => {
      const i = (JSON.parse(message.toString()) as { i: number }).i;
      received.set(i, (received.get(i) ?? 0) + 1);
    });
    const flow = [
      { id: 'broker', type: 'mqtt-broker', broker: '127.0.0.1', port: String(proxy.port), clientid: '', autoConnect: true, usetls: false, protocolVersion: '4', keepalive: '5', cleansession: true },
      { id: 'buffer', type: 'twin-buffer', maxReplayRate: '0', ackTimeoutS: '2', maxInFlight: '20', wires: [['out'], []] },
      { id: 'out', type: 'mqtt out', broker: 'broker', topic, qos: '1', retain: 'false' },
      { id: 'done', type: 'complete', scope: ['out'], uncaught: false, wires: [['buffer']] },
    ];
    await helper.load([bufferNode, coreNode('network/10-mqtt.js'), coreNode('common/24-complete.js')], flow as never);
    await sleep(1000);
    const buffer = testNode('buffer');
    const total = 300;
    for (let i = 0; i < total; i++) {
      if (i === 100) proxy.cut();
      if (i === 200) proxy.restore();
      buffer.receive({ topic, payload: { i } });
      await sleep(20);
    }
    const deadline = Date.now() + 60000;
    while (received.size < total && Date.now() < deadline) await sleep(500);
    const missing = Array.from({ length: total }, (_, i) => i).filter((i) => !received.has(i));
    assert.deepEqual(missing, [], 'no message lost');
    const duplicates = [...received.values()].filter((n) => n > 1).length;
    process.stdout.write(`      (${duplicates} message(s) delivered more than once: at-least-once)\n`);
  });
});
