/**
 * Sparkplug B: the metric mapping and the edge session read back by the host tracker and by an independent decoder
 * written from the specification; then both nodes on the real Mosquitto broker.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import mqtt, { type MqttClient } from 'mqtt';
import { decodePayload, encodePayload } from '../lib/sparkplug/codec';
import { EdgeSession } from '../lib/sparkplug/edge-session';
import { HostTracker, type HostUpdate } from '../lib/sparkplug/host-tracker';
import { samplesOfPayload } from '../lib/sparkplug/metrics';
import { parseTopic } from '../lib/sparkplug/topic';
import { readPayload, SpecChecker } from './support/sparkplug-wire';
import { testNode } from './support/test-node';
import edgeNode = require('../nodes/twin-sparkplug-edge/twin-sparkplug-edge');
import hostNode = require('../nodes/twin-sparkplug-host/twin-sparkplug-host');
import healthNode = require('../nodes/twin-health/twin-health');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const T0 = Date.UTC(2026, 5, 1, 8);

const reading = (sensor: string, value: number, i: number, extra: Record<string, unknown> = {}) =>
  ({ asset: 'spindle-1', sensor, value, unit: '°C', ts: T0 + i * 1000, quality: 'good', ...extra });

const mixedPayload = () => [
  reading('bearingTemp', 41.5, 0),
  reading('bearingTemp', 41.75, 1, { quality: 'uncertain' }),
  { asset: 'spindle-1', sensor: 'vibration', samples: new Float32Array([0.25, -0.5, 1.5]), sampleRate: 25600, unit: 'g', ts: T0 + 500, quality: 'good' },
  { asset: 'spindle-1', ts: T0 + 2000, features: { 'bearingTemp.mean.1h': 40.25, 'vibration.rms': 0.8 }, units: { 'bearingTemp.mean.1h': '°C', 'vibration.rms': 'mm/s' }, windows: {}, quality: {}, isoZones: { vibration: 'B' } },
  { kind: 'rul', asset: 'spindle-1', ts: T0 + 3000, rulHours: 412, lowerHours: 300, upperHours: 520, capped: false, confidence: 'normal', modelVersion: 'v3' },
  { kind: 'failure-event', id: 'f-1', asset: 'spindle-1', component: 'bearing', outcome: 'failure', failedAt: T0, confirmedBy: 'maria', notes: '', ts: T0 + 4000 },
  { id: 'a-1', asset: 'spindle-1', sensor: 'bearingTemp', level: 'warning', direction: 'high', state: 'raised', value: 66, limit: 65, unit: '°C', ts: T0 + 5000, raisedAt: T0 + 5000, message: 'hot' },
  reading('bearingTemp', 42, 6, { asset: 'pump-1', unit: 'bar', sensor: 'pressure' }),
];

/** Runs messages of an edge session through a host tracker, returning what the host rebuilt. */
function throughHost(tracker: HostTracker, messages: Array<{ topic: string; payload: Uint8Array }>): HostUpdate[] {
  return messages.map((m) => tracker.handle(parseTopic(m.topic)!, decodePayload(m.payload), T0));
}

describe('Sparkplug B mapping, session and host tracker', function () {
  it('turns every kind of the pack\'s messages into metrics and the host rebuilds them', function () {
    const session = new EdgeSession('plant-a', 'cell-1', 7);
    const { devices, problems } = samplesOfPayload(mixedPayload());
    assert.deepEqual(problems, []);
    assert.deepEqual(devices.map((d) => d.asset), ['spindle-1', 'pump-1']);
    const tracker = new HostTracker();
    const messages = [...session.births(T0), ...devices.flatMap((d) => session.data(d.asset, d.samples, false, T0))];
    assert.deepEqual(messages.map((m) => m.type), ['NBIRTH', 'DBIRTH', 'DDATA', 'DBIRTH', 'DDATA']);
    const updates = throughHost(tracker, messages);
    assert.equal(updates.filter((u) => u.rebirth).length, 0, 'no rebirth asked');
    const spindle = updates.flatMap((u) => u.data).find((d) => d.origin.device === 'spindle-1')!;
    assert.deepEqual(spindle.origin, { group: 'plant-a', edge: 'cell-1', device: 'spindle-1' });
    const byKind = (pred: (e: Record<string, unknown>) => boolean) => spindle.elements.filter(pred);
    assert.deepEqual(byKind((e) => e.sensor === 'bearingTemp' && e.value !== undefined && e.kind === undefined && e.level === undefined).map((e) => [e.value, e.quality, e.unit, e.ts]),
      [[41.5, 'good', '°C', T0], [41.75, 'uncertain', '°C', T0 + 1000]]);
    const wave = byKind((e) => e.samples !== undefined)[0];
    assert.deepEqual(Array.from(wave.samples as Float32Array), [0.25, -0.5, 1.5]);
    assert.equal(wave.sampleRate, 25600);
    const vector = byKind((e) => e.features !== undefined)[0] as { features: Record<string, number>; units: Record<string, string>; isoZones: Record<string, string>; ts: number };
    assert.deepEqual(vector.features, { 'bearingTemp.mean.1h': 40.25, 'vibration.rms': 0.8 });
    assert.deepEqual(vector.units, { 'bearingTemp.mean.1h': '°C', 'vibration.rms': 'mm/s' });
    assert.deepEqual(vector.isoZones, { vibration: 'B' });
    assert.equal(byKind((e) => e.kind === 'rul')[0].rulHours, 412);
    assert.equal(byKind((e) => e.kind === 'failure-event')[0].confirmedBy, 'maria');
    assert.equal(byKind((e) => e.level === 'warning')[0].message, 'hot');
  });

  it('is read without error by a decoder written from the specification, seq and aliases as the rules say', function () {
    const session = new EdgeSession('plant-a', 'cell-1', 3);
    const checker = new SpecChecker();
    const { devices } = samplesOfPayload(mixedPayload());
    const messages = [...session.births(T0)];
    for (let round = 0; round < 150; round++) messages.push(...devices.flatMap((d) => session.data(d.asset, d.samples, round % 2 === 1, T0)));
    messages.push(...session.births(T0)); // a rebirth restarts seq at 0
    messages.push(...devices.flatMap((d) => session.data(d.asset, d.samples, false, T0)));
    for (const m of messages) checker.read(m.topic, m.payload);
    assert.deepEqual(checker.errors, []);
    assert.equal(checker.counts.DDATA, 302, 'seq wrapped past 255 without a complaint');
    const birth = readPayload(messages[0].payload);
    assert.equal(birth.seq, 0);
    assert.deepEqual(birth.metrics.find((m) => m.name === 'bdSeq'), { name: 'bdSeq', datatype: 'Int64', value: 3, timestamp: T0, isHistorical: false, isNull: false, properties: {} });
    const dbirth = readPayload(messages[1].payload);
    const temp = dbirth.metrics.find((m) => m.name === 'Readings/bearingTemp')!;
    assert.equal(temp.datatype, 'Double');
    assert.deepEqual(temp.properties.engUnit, { type: 'String', value: '°C' });
    const ddata = readPayload(messages[2].payload);
    assert.ok(ddata.metrics.every((m) => m.name === undefined && m.alias !== undefined), 'data carries aliases only');
    const replayed = readPayload(messages[5].payload);
    assert.ok(replayed.metrics.every((m) => m.isHistorical), 'replayed data flagged is_historical');
    const death = readPayload(session.death(T0));
    assert.deepEqual(death.metrics.map((m) => [m.name, m.datatype, m.value]), [['bdSeq', 'Int64', 3]]);
  });

  it('asks for a rebirth on a sequence gap, on data without a birth, and ignores a late NDEATH of an earlier session', function () {
    const session = new EdgeSession('g', 'e', 1);
    const tracker = new HostTracker();
    const births = session.births(T0);
    throughHost(tracker, births);
    const { devices } = samplesOfPayload([reading('t', 1, 0)]);
    const first = session.data('spindle-1', devices[0].samples, false, T0);
    session.data('spindle-1', devices[0].samples, false, T0); // lost on the way
    const third = session.data('spindle-1', devices[0].samples, false, T0);
    throughHost(tracker, first);
    const [gap] = throughHost(tracker, third);
    assert.match(gap.rebirth?.reason ?? '', /sequence gap: expected seq 3, got 4/);
    assert.equal(gap.data.length, 1, 'the data after the gap is still used');

    const stranger = new HostTracker();
    const [unknown] = throughHost(stranger, first.slice(-1));
    assert.match(unknown.rebirth?.reason ?? '', /without a birth/);
    assert.equal(unknown.data.length, 0);

    session.startSession(2);
    throughHost(tracker, session.births(T0));
    const staleDeath = { topic: 'spBv1.0/g/NDEATH/e', payload: encodePayload({ timestamp: T0, metrics: [{ name: 'bdSeq', type: 'Int64', value: 1 }] }) };
    const [stale] = throughHost(tracker, [staleDeath]);
    assert.deepEqual(stale.presence, []);
    assert.equal(tracker.fleet()[0].online, true);
    const [dead] = throughHost(tracker, [{ topic: 'spBv1.0/g/NDEATH/e', payload: session.death(T0) }]);
    assert.deepEqual(dead.presence.map((p) => [p.device ?? 'node', p.online]), [['node', false], ['spindle-1', false]]);
  });

  it('names what it cannot publish and keeps the rest', function () {
    const { devices, problems } = samplesOfPayload([reading('t', 1, 0), { asset: 'x', sensor: 't', value: 'hot', ts: T0 }, { asset: 'x' }, 5]);
    assert.equal(devices.length, 1);
    assert.deepEqual(problems, ['element 1: value must be a finite number', 'element 2: no valid ts (epoch ms)', 'element 3: not an object']);
  });
});

describe('twin-sparkplug-edge and twin-sparkplug-host on the real broker', function () {
  this.timeout(60000);
  let userDir: string;
  let spy: MqttClient | undefined;
  const group = `twin-test-${process.pid}-${Date.now()}`;

  before(async function () {
    const probe = mqtt.connect('mqtt://127.0.0.1:1883', { connectTimeout: 2000, reconnectPeriod: 0 });
    const reachable = await new Promise<boolean>((resolve) => { probe.once('connect', () => resolve(true)); probe.once('error', () => resolve(false)); setTimeout(() => resolve(false), 2500); });
    probe.end(true);
    if (!reachable) this.skip();
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-spb-'));
    helper.settings({ userDir });
  });
  after(function () {
    helper.settings({});
    spy?.end(true);
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('loads with defaults and says when its settings are wrong', async function () {
    await helper.load([edgeNode, hostNode], [
      { id: 'bad', type: 'twin-sparkplug-edge', url: 'tcp://nowhere', group: 'g', edge: 'e', wires: [[], []] },
      { id: 'badhost', type: 'twin-sparkplug-host', url: 'mqtt://127.0.0.1:1883', hostId: 'a/b', wires: [[], []] },
    ] as never);
    const errors: string[] = [];
    testNode('bad').on('call:error', (call: { firstArg: Error }) => errors.push(call.firstArg.message));
    testNode('bad').receive({ payload: [] });
    testNode('badhost').receive({ topic: 'fleet' });
    await sleep(100);
    assert.match(errors[0] ?? '', /must start with mqtt:\/\//);
  });

  it('publishes births and data the host turns back into readings; answers a rebirth; leaves an NDEATH when closed', async function () {
    const hostId = `${group}-host`;
    const checker = new SpecChecker();
    spy = mqtt.connect('mqtt://127.0.0.1:1883');
    await new Promise<void>((resolve) => spy!.on('connect', () => spy!.subscribe(`spBv1.0/${group}/#`, { qos: 1 }, () => resolve())));
    spy.on('message', (topic, payload) => checker.read(topic, payload));
    await helper.load([edgeNode, hostNode], [
      { id: 'host', type: 'twin-sparkplug-host', url: 'mqtt://127.0.0.1:1883', hostId, groups: group, keepaliveS: '5', assetIds: 'device', wires: [['records'], ['fleet']] },
      { id: 'edge', type: 'twin-sparkplug-edge', url: 'mqtt://127.0.0.1:1883', group, edge: 'cell-1', primaryHostId: hostId, keepaliveS: '5', dataQos: '1', wires: [['stored'], ['events']] },
      { id: 'records', type: 'helper' }, { id: 'fleet', type: 'helper' }, { id: 'stored', type: 'helper' }, { id: 'events', type: 'helper' },
    ] as never);
    const received: Array<Record<string, unknown>> = [];
    const fleet: Array<{ payload: Array<{ edge: string; online: boolean; since: number }> }> = [];
    const rebirths: unknown[] = [];
    testNode('records').on('input', (msg: { payload: Array<Record<string, unknown>> }) => received.push(...msg.payload));
    testNode('fleet').on('input', (msg: { topic: string; payload: never }) => { if (msg.topic === 'sparkplug/fleet') fleet.push(msg); });
    testNode('events').on('input', (msg: { topic: string }) => { if (msg.topic === 'sparkplug/rebirth') rebirths.push(msg); });
    const stored: unknown[] = [];
    testNode('stored').on('input', (msg: unknown) => stored.push(msg));
    const waitFor = async (what: string, test: () => boolean, ms = 15000): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!test()) { if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`); await sleep(50); }
    };
    await waitFor('the edge online', () => fleet.some((f) => f.payload.some((e) => e.edge === 'cell-1' && e.online)));
    testNode('edge').receive({ payload: mixedPayload() });
    await waitFor('the readings at the host', () => received.filter((e) => e.sensor === 'pressure').length === 1);
    assert.equal(received.filter((e) => e.kind === 'rul').length, 1);
    assert.deepEqual(received[0].origin, { group, edge: 'cell-1', device: 'spindle-1' });

    testNode('host').receive({ topic: 'rebirth', payload: { group, edge: 'cell-1' } });
    await waitFor('the rebirth', () => rebirths.length === 1 && (checker.counts.NBIRTH ?? 0) >= 2);
    for (let i = 10; i < 20; i++) testNode('edge').receive({ payload: [reading('bearingTemp', i, i)] });
    await waitFor('the data after the rebirth', () => received.filter((e) => e.sensor === 'bearingTemp' && (e.ts as number) >= T0 + 10000).length === 10);
    assert.deepEqual(stored, [], 'nothing needed storing while the host was online');
    assert.deepEqual(checker.errors, [], 'the independent decoder found nothing wrong');

    await helper.unload();
    await waitFor('the NDEATH of the closed edge', () => (checker.counts.NDEATH ?? 0) === 1);
    assert.deepEqual(checker.errors, []);
  });

  it('installs a model the host sends only when its checksum matches, where twin-model reads it', async function () {
    const edgeId = 'cell-models';
    spy?.end(true);
    spy = mqtt.connect('mqtt://127.0.0.1:1883');
    await new Promise<void>((resolve) => spy!.on('connect', () => resolve()));
    await helper.load([edgeNode], [
      { id: 'edge', type: 'twin-sparkplug-edge', url: 'mqtt://127.0.0.1:1883', group, edge: edgeId, primaryHostId: '', keepaliveS: '5', modelType: 'RUL', modelFile: 'models/delivered.onnx', wires: [[], ['events']] },
      { id: 'events', type: 'helper' },
    ] as never);
    const events: Array<{ topic: string; payload: Record<string, unknown> }> = [];
    testNode('events').on('input', (msg: { topic: string; payload: Record<string, unknown> }) => events.push(msg));
    const deadline = Date.now() + 10000;
    while (!events.some((e) => e.payload.state === 'online')) { if (Date.now() > deadline) throw new Error('edge not online'); await sleep(50); }
    const bytes = Buffer.from('not really an ONNX model, but bytes all the same');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const command = (checksum: string) => Buffer.from(encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Models/RUL', type: 'Bytes', value: bytes, timestamp: Date.now(),
      properties: { version: { type: 'String', value: 'v7' }, sha256: { type: 'String', value: checksum } } }] }));
    const file = path.join(userDir, 'models', 'delivered.onnx');
    spy.publish(`spBv1.0/${group}/NCMD/${edgeId}`, command('0'.repeat(64)), { qos: 1 });
    const modelEvents = () => events.filter((e) => e.topic === 'sparkplug/model');
    while (modelEvents().length < 1) { if (Date.now() > deadline) throw new Error('no model event'); await sleep(50); }
    assert.equal(modelEvents()[0].payload.error, 'checksum mismatch');
    assert.equal(fs.existsSync(file), false, 'a model whose checksum does not match is not installed');
    spy.publish(`spBv1.0/${group}/NCMD/${edgeId}`, command(sha256), { qos: 1 });
    while (modelEvents().length < 2) { if (Date.now() > deadline) throw new Error('no second model event'); await sleep(50); }
    assert.deepEqual({ version: modelEvents()[1].payload.version, file: modelEvents()[1].payload.file }, { version: 'v7', file });
    assert.deepEqual(fs.readFileSync(file), bytes);
  });

  it('a twin-health at the centre pools the lives every site confirms: the third failure moves a site to the fleet\'s Weibull', async function () {
    const hostId = `${group}-pool`;
    const MINUTE = 60_000;
    await helper.load([edgeNode, hostNode, healthNode], [
      { id: 'host', type: 'twin-sparkplug-host', url: 'mqtt://127.0.0.1:1883', hostId, groups: group, keepaliveS: '5', assetIds: 'device', wires: [['health'], ['fleet']] },
      ...['site-a', 'site-b'].map((edge) => ({ id: `${edge}-node`, type: 'twin-sparkplug-edge', url: 'mqtt://127.0.0.1:1883', group, edge, primaryHostId: hostId, keepaliveS: '5', dataQos: '1', wires: [[], []] })),
      { id: 'health', type: 'twin-health', features: 'vibration.rms', thresholds: 'vibration.rms=7', learnMinutes: '30', smoothing: '1',
        ratingN: '30000', loadN: '3000', rpm: '12000', bearingType: 'ball', wires: [[], ['rul'], ['failures']] },
      { id: 'fleet', type: 'helper' }, { id: 'rul', type: 'helper' }, { id: 'failures', type: 'helper' },
    ] as never);
    const online = new Set<string>();
    testNode('fleet').on('input', (msg: { topic: string; payload: Array<{ edge: string; online: boolean }> }) => {
      if (msg.topic === 'sparkplug/fleet') for (const e of msg.payload) if (e.online) online.add(e.edge);
    });
    const rul: Array<{ asset: string; ts: number; model: string }> = [];
    testNode('rul').on('input', (msg: { payload: Array<{ asset: string; ts: number; model: string }> }) => rul.push(...msg.payload));
    const failures: Array<{ asset: string; fleet: { failures: number } }> = [];
    testNode('failures').on('input', (msg: { topic: string; payload: { asset: string; fleet: { failures: number } } }) => { if (msg.topic.startsWith('failure/')) failures.push(msg.payload); });
    const waitFor = async (what: string, test: () => boolean): Promise<void> => {
      const deadline = Date.now() + 20000;
      while (!test()) { if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: failures ${JSON.stringify(failures)}`); await sleep(50); }
    };
    await waitFor('both sites online at the centre', () => online.has('site-a') && online.has('site-b'));
    // Each site's spindle: a reading and a feature vector a minute, one DDATA each; the host's messages carry both.
    const vectors = (edge: string, asset: string, from: number, to: number): void => {
      for (let minute = from; minute < to; minute++) {
        const ts = T0 + minute * MINUTE;
        testNode(`${edge}-node`).receive({ payload: [{ asset, sensor: 'speed', value: 9000, unit: 'rpm', ts, quality: 'good' },
          { asset, ts, features: { 'vibration.rms': 2 + 0.01 * (minute % 7) }, units: { 'vibration.rms': 'mm/s' }, windows: {}, quality: {} }] });
      }
    };
    const failure = (edge: string, asset: string, minute: number): void => {
      testNode(`${edge}-node`).receive({ payload: [{ kind: 'failure-event', id: `${asset}:${minute}`, asset, component: 'spindle bearing', outcome: 'failure', failedAt: T0 + minute * MINUTE,
        confirmedBy: `${edge} maintenance`, notes: '', ts: T0 + minute * MINUTE }] });
    };
    vectors('site-a', 'spindle-a', 0, 40);
    vectors('site-b', 'spindle-b', 0, 40);
    await waitFor('both spindles scored at the centre', () => ['spindle-a', 'spindle-b'].every((a) => rul.some((r) => r.asset === a)));
    assert.ok(rul.every((r) => r.model === 'survival-iso281'), 'before any failure: the bearing\'s ISO 281 prior');
    failure('site-a', 'spindle-a', 50);
    failure('site-b', 'spindle-b', 60);
    await waitFor('both sites\' failures at the centre', () => failures.length === 2);
    assert.deepEqual(failures.map((f) => f.asset).sort(), ['spindle-a', 'spindle-b']);
    assert.deepEqual(failures.map((f) => f.fleet.failures), [1, 2], 'the lives of both sites are pooled in one fleet');
    // Site A runs a new spindle to its failure; site B's relearned spindle is then estimated from three lives.
    vectors('site-a', 'spindle-a', 100, 140);
    failure('site-a', 'spindle-a', 150);
    await waitFor('the third failure', () => failures.length === 3);
    assert.equal(failures[2].fleet.failures, 3);
    vectors('site-b', 'spindle-b', 100, 140);
    await waitFor('site B scored after its relearning', () => rul.some((r) => r.asset === 'spindle-b' && r.ts >= T0 + 100 * MINUTE));
    const latest = rul.filter((r) => r.asset === 'spindle-b' && r.ts >= T0 + 100 * MINUTE);
    assert.ok(latest.every((r) => r.model === 'survival-weibull'), `site B on the fleet's Weibull: ${[...new Set(latest.map((r) => r.model))].join(', ')}`);
  });

  it('keeps what arrives while the primary host is offline and publishes it flagged historical once the host is back', async function () {
    const edgeId = 'cell-host-away';
    const hostId = `${group}-away`;
    const stateTopic = `spBv1.0/STATE/${hostId}`;
    const checker = new SpecChecker();
    const seen: Array<{ type: string; historical: boolean[] }> = [];
    spy?.end(true);
    spy = mqtt.connect('mqtt://127.0.0.1:1883');
    await new Promise<void>((resolve) => spy!.on('connect', () => spy!.subscribe(`spBv1.0/${group}/+/${edgeId}/#`, { qos: 1 }, () => resolve())));
    spy.on('message', (topic, payload) => {
      const read = checker.read(topic, payload);
      if (read) seen.push({ type: topic.split('/')[2], historical: read.metrics.map((m) => m.isHistorical) });
    });
    const state = (online: boolean, timestamp: number) => new Promise<void>((resolve) => spy!.publish(stateTopic, JSON.stringify({ online, timestamp }), { qos: 1, retain: true }, () => resolve()));
    await state(true, 1000);
    await helper.load([edgeNode], [
      { id: 'edge', type: 'twin-sparkplug-edge', url: 'mqtt://127.0.0.1:1883', group, edge: edgeId, primaryHostId: hostId, keepaliveS: '5', wires: [['stored'], ['events']] },
      { id: 'stored', type: 'helper' }, { id: 'events', type: 'helper' },
    ] as never);
    const states: string[] = [];
    const stored: Array<Record<string, unknown>> = [];
    testNode('events').on('input', (msg: { topic: string; payload: { state?: string } }) => { if (msg.topic === 'sparkplug/edge' && msg.payload.state) states.push(msg.payload.state); });
    testNode('stored').on('input', (msg: Record<string, unknown>) => stored.push(msg));
    const until = async (what: string, test: () => boolean): Promise<void> => {
      const deadline = Date.now() + 15000;
      while (!test()) { if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: states ${states.join(' → ')}`); await sleep(50); }
    };
    try {
      await until('online', () => states.includes('online'));
      testNode('edge').receive({ payload: [reading('bearingTemp', 1, 1)] });
      await until('the live DDATA', () => seen.some((m) => m.type === 'DDATA'));
      await state(false, 1000);
      await until('the session ended', () => seen.some((m) => m.type === 'NDEATH') && states[states.length - 1] !== 'online');
      testNode('edge').receive({ topic: 'kept', payload: [reading('bearingTemp', 2, 2)] });
      await until('the reading handed to the buffer', () => stored.length === 1);
      assert.deepEqual((stored[0].payload as Array<{ value: number }>).map((r) => r.value), [2]);
      await state(true, 2000);
      await until('online again', () => states.filter((s) => s === 'online').length === 2);
      testNode('edge').receive({ ...stored[0], ack: { buffer: 'buffer-1', seq: 7 } });
      await until('the acknowledgement to the buffer', () => stored.length === 2);
      assert.deepEqual(stored[1].ack, { buffer: 'buffer-1', seq: 7 });
      const data = seen.filter((m) => m.type === 'DDATA');
      assert.deepEqual(data.map((m) => m.historical), [[false], [true]], 'the live reading, then the kept one flagged is_historical');
      assert.deepEqual(seen.map((m) => m.type), ['NBIRTH', 'DBIRTH', 'DDATA', 'NDEATH', 'NBIRTH', 'DBIRTH', 'DDATA']);
      assert.deepEqual(checker.errors, []);
    } finally {
      await new Promise<void>((resolve) => spy!.publish(stateTopic, '', { qos: 1, retain: true }, () => resolve()));
    }
  });
});
