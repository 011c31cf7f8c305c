import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import type { FeatureVector } from '../lib/features/feature-vector';
import type { LadderRulRecord } from '../lib/machine-health/health-messages';
import type { HealthAlert } from '../lib/machine-health/machine-health';
import { Random } from '../lib/math/random';
import { FeatureArrival, missingFeatures } from '../lib/rul/feature-arrival';
import type { ScalarReading } from '../lib/reading/reading';
import { testRuntime, httpGet, type NodeRedProcess } from './support/node-red-process';
import { persistentNodeRed, type PersistentNodeRed } from './support/persistent-node-red';
import { testNode } from './support/test-node';
import healthNode = require('../nodes/twin-health/twin-health');
import urgencyNode = require('../nodes/twin-urgency/twin-urgency');

helper.init(testRuntime.resolve('node-red'));

const START = Date.UTC(2026, 10, 24);
const MINUTE = 60_000;
const HEALTH = {
  id: 'h1', type: 'twin-health', features: 'spindleVibration.rms, bearingTemp.mean', thresholds: 'spindleVibration.rms=7', learnMinutes: '60', smoothing: '1',
  ratingN: '30000', loadN: '3000', rpm: '12000', bearingType: 'ball', wires: [['readings'], ['rul', 'urgency'], ['alerts']],
};

/** One vector a minute: a healthy spindle, then from `onsetMin` its vibration grows exponentially toward 7 mm/s. */
function vector(random: Random, minute: number, onsetMin: number, temperature = 45 + 0.3 * random.gaussian()): FeatureVector {
  const wear = minute > onsetMin ? 0.05 * Math.exp((minute - onsetMin) / 120) : 0;
  return {
    asset: 'spindle-1', ts: START + minute * MINUTE,
    features: { 'spindleVibration.rms': 2 + 5 * wear + 0.05 * random.gaussian(), 'bearingTemp.mean': temperature },
    units: {}, windows: {}, quality: {},
  };
}

function collect<T>(id: string): T[] {
  const out: T[] = [];
  testNode(id).on('input', (msg: { payload: T | T[] }) => {
    if (Array.isArray(msg.payload)) out.push(...msg.payload);
    else out.push(msg.payload);
  });
  return out;
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('twin-health node', function () {
  this.timeout(30000);
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  const flow = [HEALTH, { id: 'readings', type: 'helper' }, { id: 'rul', type: 'helper' }, { id: 'alerts', type: 'helper' },
    { id: 'urgency', type: 'twin-urgency', wires: [['critical'], [], []] }, { id: 'critical', type: 'helper' }];

  it('learns the spindle\'s normal, gives the ISO 281 prior before onset, a degradation RUL after it, and an alert led by vibration', async function () {
    await helper.load([healthNode, urgencyNode], flow as never);
    const readings = collect<ScalarReading>('readings');
    const records = collect<LadderRulRecord>('rul');
    const alerts = collect<HealthAlert>('alerts');
    const critical = collect<{ asset: string; level: string }>('critical');
    const random = new Random(3);
    // Batches of 10 vectors, as a replay or a busy feature node sends them.
    for (let batch = 0; batch < 60; batch++) {
      testNode('h1').receive({ payload: Array.from({ length: 10 }, (_, i) => vector(random, batch * 10 + i, 300)) });
      await settle();
    }
    assert.ok(readings.length > 0 && readings.every((r) => r.ts >= START + 60 * MINUTE), 'no health readings while learning');
    assert.deepEqual(new Set(readings.map((r) => r.sensor)), new Set(['health.index', 'health.anomaly', 'health.rul']));
    const beforeOnset = records.filter((r) => r.ts < START + 300 * MINUTE);
    assert.ok(beforeOnset.length > 100 && beforeOnset.every((r) => r.model === 'survival-iso281' && r.modelVersion === 'ladder:survival-iso281'));
    const last = records[records.length - 1];
    assert.match(last.model, /^degradation-(exponential|linear)$/);
    // 0.05 e^{t/120} reaches 1 at t = 120 ln 20 ≈ 359 min after the onset at minute 300.
    const truthHours = (300 + 120 * Math.log(20) - 599) / 60;
    assert.ok((last.lowerHours ?? 0) <= truthHours + 0.5 && truthHours - 0.5 <= (last.upperHours ?? Infinity), `RUL ${last.lowerHours}..${last.upperHours} h vs ${truthHours.toFixed(2)} h`);
    assert.ok(last.onsetTs !== undefined && last.onsetTs > START + 280 * MINUTE, `onset ${last.onsetTs && (last.onsetTs - START) / MINUTE} min`);
    const raised = alerts.find((a) => a.action === 'raise');
    assert.ok(raised, 'a health alert');
    assert.equal(raised.leading, 'spindleVibration.rms');
    assert.ok(raised.ts > START + 300 * MINUTE);
    // twin-urgency reads the ladder's records as it reads twin-rul's: the degradation RUL of a few hours is CRITICAL.
    assert.ok(critical.length > 0, 'twin-urgency escalated to CRITICAL');
    assert.equal(critical[0].asset, 'spindle-1');
    assert.equal(critical[0].level, 'CRITICAL');
  });

  it('on an accelerated plant, learns and estimates in operating hours and keeps clock time; a stopped machine is not scored', async function () {
    await helper.load([healthNode, urgencyNode], [{ ...HEALTH, timeScale: '60' }, ...flow.slice(1)] as never);
    const readings = collect<ScalarReading>('readings');
    const records = collect<LadderRulRecord>('rul');
    const random = new Random(5);
    // One vector a second of clock time, a minute of operating time at a speed-up of 60: the 60-minute learning
    // period is 60 vectors, as in the test above, and the onset 300 vectors in.
    const clockVector = (second: number): FeatureVector => ({ ...vector(random, second, 300), ts: START + second * 1000 });
    const stopped = { kind: 'machine-state', asset: 'spindle-1', state: 'stopped', since: START, ts: START };
    testNode('h1').receive({ payload: [stopped, { ...clockVector(0), machineState: { state: 'stopped', since: START } }] });
    for (let batch = 0; batch < 60; batch++) {
      testNode('h1').receive({ payload: Array.from({ length: 10 }, (_, i) => clockVector(batch * 10 + i)) });
      await settle();
    }
    assert.ok(readings.length > 0 && readings.every((r) => r.ts >= START + 60_000 && r.ts < START + 600_000), 'clock time, after 60 operating minutes');
    const last = records[records.length - 1];
    assert.match(last.model, /^degradation-(exponential|linear)$/);
    assert.ok(last.ts < START + 600_000 && last.onsetTs !== undefined && last.onsetTs > START + 280_000 && last.onsetTs < START + 600_000, `onset at clock ${last.onsetTs}`);
    // The remaining life in operating hours, as the test above: about 3.4 h, not 60 times less.
    const truthHours = (300 + 120 * Math.log(20) - 599) / 60;
    assert.ok((last.lowerHours ?? 0) <= truthHours + 0.5 && truthHours - 0.5 <= (last.upperHours ?? Infinity), `RUL ${last.lowerHours}..${last.upperHours} h vs ${truthHours.toFixed(2)} h`);
  });

  it('sets a faulty thermometer apart on twin-drift\'s word, and counts a confirmed failure', async function () {
    await helper.load([healthNode, urgencyNode], flow as never);
    const readings = collect<ScalarReading>('readings');
    const alerts = collect<{ action?: string; asset: string; fleet?: { failures: number } } & Partial<HealthAlert>>('alerts');
    const random = new Random(4);
    testNode('h1').receive({ payload: Array.from({ length: 70 }, (_, i) => vector(random, i, 10_000)) });
    testNode('h1').receive({ topic: 'health/spindle-1', payload: { asset: 'spindle-1', sensors: [{ sensor: 'bearingTemp', state: 'faulty' }] } });
    testNode('h1').receive({ payload: Array.from({ length: 30 }, (_, i) => vector(random, 70 + i, 10_000, 95)) });
    await settle();
    assert.equal(alerts.filter((a) => a.action === 'raise').length, 0, 'a faulty thermometer raises no machine alert');
    assert.ok(readings.filter((r) => r.ts >= START + 70 * MINUTE).every((r) => r.quality === 'uncertain'));
    testNode('h1').receive({ topic: 'failure', payload: { asset: 'spindle-1', ts: START + 100 * MINUTE } });
    await settle();
    const failure = alerts.find((a) => a.fleet !== undefined);
    assert.equal(failure?.fleet?.failures, 1);
    // The maintenance dashboard's failure event counts as well; a false alarm does not.
    testNode('h1').receive({ payload: Array.from({ length: 10 }, (_, i) => vector(random, 200 + i, 10_000)) });
    const event = { kind: 'failure-event', id: 'spindle-1:failure:1', asset: 'spindle-1', component: 'spindle bearing', confirmedBy: 'test', notes: '', ts: START + 300 * MINUTE };
    testNode('h1').receive({ payload: { ...event, outcome: 'false-alarm', failedAt: START + 205 * MINUTE } });
    testNode('h1').receive({ payload: { ...event, outcome: 'failure', failedAt: START + 210 * MINUTE } });
    await settle();
    const counted = alerts.filter((a) => a.fleet !== undefined).map((a) => a.fleet?.failures);
    assert.deepEqual(counted, [1, 2]);
  });

  it('waits for a machine\'s features still on their way after a start, and fails one lost after they had arrived', async function () {
    await helper.load([healthNode], [{ ...HEALTH, wires: [['readings'], [], []] }, { id: 'readings', type: 'helper' }] as never);
    const h1 = testNode('h1');
    const errors: string[] = [];
    const statuses: string[] = [];
    h1.on('call:error', (call: { args: unknown[] }) => errors.push(String(call.args[0])));
    h1.on('call:status', (call: { firstArg: { text?: string } }) => statuses.push(call.firstArg.text ?? ''));
    const random = new Random(6);
    // Its scalar features first, the vibration (a waveform feature) from its first waveform block on.
    const scalarOnly = (minute: number): FeatureVector => {
      const v = vector(random, minute, 10_000);
      delete (v.features as Record<string, number | undefined>)['spindleVibration.rms'];
      return v;
    };
    h1.receive({ payload: [scalarOnly(0), scalarOnly(1)] });
    await settle();
    assert.deepEqual(errors, [], 'awaited, not an error');
    assert.match(statuses[statuses.length - 1], /^spindle-1 awaits spindleVib/);
    h1.receive({ payload: Array.from({ length: 70 }, (_, i) => vector(random, 2 + i, 10_000)) });
    await settle();
    assert.deepEqual(errors, []);
    assert.match(statuses[statuses.length - 1], /^spindle-1 HI /, 'scored once its features came');
    h1.receive({ payload: scalarOnly(72) });
    await settle();
    assert.match(errors[0] ?? '', /1 of 1 feature vectors refused; element 0: .*"spindleVibration.rms" missing/);
  });

  it('refuses a payload that is not feature vectors, and a node without features', async function () {
    await helper.load([healthNode], [{ ...HEALTH, wires: [] }, { id: 'h2', type: 'twin-health', features: '' }] as never);
    const errors: string[] = [];
    testNode('h1').on('call:error', (call: { args: unknown[] }) => errors.push(String(call.args[0])));
    testNode('h1').receive({ payload: [1, 2] });
    await settle();
    assert.match(errors[0] ?? '', /expected msg.payload to be feature vectors/);
    // One bad vector in a batch costs only itself.
    const random = new Random(2);
    const batch = Array.from({ length: 3 }, (_, i) => vector(random, i, 0));
    delete (batch[1].features as Record<string, number | undefined>)['bearingTemp.mean'];
    testNode('h1').receive({ payload: [...batch, vector(random, 3, 0)] });
    await settle();
    assert.match(errors[1] ?? '', /1 of 4 feature vectors refused; element 1: .*"bearingTemp.mean" missing/);
    // Minute 3, after the bad one, was taken: the same time again is no new row and no error, minute 2 is out of order.
    testNode('h1').receive({ payload: vector(random, 3, 0) });
    await settle();
    assert.equal(errors.length, 2, 'a vector again at the last row\'s time is passed over');
    testNode('h1').receive({ payload: vector(random, 2, 0) });
    await settle();
    assert.match(errors[2] ?? '', /1 of 1 feature vectors refused; element 0: .*time order/);
    const h2Errors: string[] = [];
    testNode('h2').on('call:error', (call: { args: unknown[] }) => h2Errors.push(String(call.args[0])));
    testNode('h2').receive({ payload: vector(new Random(1), 0, 0) });
    await settle();
    assert.match(h2Errors[0] ?? '', /name the health features/);
  });
});

describe('feature arrival (twin-rul and twin-health)', function () {
  it('awaits the features of an asset first seen within the grace time, not after it or once they had all arrived', function () {
    const arrival = new FeatureArrival(300_000);
    assert.deepEqual(missingFeatures({ 'a.rms': 1, 'b.mean': Number.NaN }, ['a.rms', 'b.mean', 'c.max']), ['b.mean', 'c.max']);
    assert.equal(arrival.awaited('pump-1', START), true, 'its first vector');
    assert.equal(arrival.awaited('pump-1', START + 299_000), true, 'still within the grace time');
    assert.equal(arrival.awaited('pump-1', START + 300_000), false, 'missing for the whole grace time: a fault');
    assert.equal(arrival.awaited('spindle-1', START), true);
    arrival.arrived('spindle-1');
    assert.equal(arrival.awaited('spindle-1', START + 1000), false, 'lost after it had them all: a fault at once');
  });
});

describe('twin-health keeps what it learned across a Node-RED restart', function () {
  this.timeout(120_000);
  let nodeRed: NodeRedProcess | undefined;
  const flow = [
    { id: 'n-tab', type: 'tab', label: 'health' },
    { id: 'n-post', type: 'http in', z: 'n-tab', url: '/vectors', method: 'post', wires: [['n-vectors', 'n-ok']] },
    { id: 'n-ok', type: 'http response', z: 'n-tab', statusCode: '200', wires: [] },
    { id: 'n-vectors', type: 'function', z: 'n-tab', outputs: 1, wires: [['h1']],
      func: "const { from, count } = msg.payload;\nmsg.payload = Array.from({ length: count }, (_, i) => ({ asset: 'spindle-1', ts: from + i * 60000, features: { 'spindleVibration.rms': 2 + 0.05 * Math.sin(i), 'bearingTemp.mean': 45 + 0.3 * Math.cos(i) } }));\nreturn msg;" },
    { ...HEALTH, z: 'n-tab', wires: [['n-count'], [], []] },
    { id: 'n-count', type: 'function', z: 'n-tab', outputs: 1, wires: [[]],
      func: "flow.set('scored', (flow.get('scored', 'memory') || 0) + msg.payload.filter((r) => r.sensor === 'health.index').length, 'memory');\nreturn null;" },
    { id: 'n-get', type: 'http in', z: 'n-tab', url: '/scored', method: 'get', wires: [['n-read']] },
    { id: 'n-read', type: 'function', z: 'n-tab', outputs: 1, wires: [['n-reply']], func: "msg.payload = { scored: flow.get('scored', 'memory') || 0 };\nreturn msg;" },
    { id: 'n-reply', type: 'http response', z: 'n-tab', statusCode: '200', wires: [] },
  ];

  let directory: PersistentNodeRed;
  before(function () {
    directory = persistentNodeRed('twin-health-restart-', flow);
  });
  after(async function () {
    await nodeRed?.stop();
    directory.remove();
  });

  const start = (): Promise<NodeRedProcess> => directory.start();

  async function send(from: number, count: number, expectScored: number): Promise<void> {
    const res = await fetch(`${nodeRed!.baseUrl}/vectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, count }) });
    assert.equal(res.status, 200);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const reply = await httpGet(`${nodeRed!.baseUrl}/scored`);
      assert.equal(reply.status, 200, `${reply.body.slice(0, 300)}\n${nodeRed!.output().slice(-3000)}`);
      const { scored } = JSON.parse(reply.body) as { scored: number };
      if (scored === expectScored) return;
      assert.ok(Date.now() < deadline, `${scored} vectors scored, expected ${expectScored}\n${nodeRed!.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('scores at once after a restart instead of learning a new normal', async function () {
    nodeRed = await start();
    // 70 one-minute vectors: the first hour is the learning period, the last 10 are scored.
    await send(START, 70, 10);
    await nodeRed.stop();
    nodeRed = await start();
    await send(START + 70 * MINUTE, 1, 1);
  });
});
