import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import type { FeatureVector } from '../lib/features/feature-vector';
import type { HealthAssessment } from '../lib/health/sensor-health';
import type { Reading } from '../lib/reading/reading';
import { Random } from '../lib/math/random';
import { accelerationBlock } from '../plant/physics/waveform';
import { testRuntime, httpGet, type NodeRedProcess } from './support/node-red-process';
import { persistentNodeRed, type PersistentNodeRed } from './support/persistent-node-red';
import { testNode } from './support/test-node';
import assetNode = require('../nodes/twin-asset/twin-asset');
import driftNode = require('../nodes/twin-drift/twin-drift');
import featuresNode = require('../nodes/twin-features/twin-features');

helper.init(testRuntime.resolve('node-red'));

const ASSET_CONFIG = {
  id: 'a1', type: 'twin-asset', assetId: 'spindle-1', nominalRpm: '12000', machineGroup: '2', mounting: 'rigid',
  bearingElements: '18', bearingRollerMm: '11.1', bearingPitchMm: '92.5', bearingAngleDeg: '15', sensors: SPINDLE_ASSET.sensors,
};
const START = Date.UTC(2026, 10, 24);

function scalar(sensor: string, ts: number, value: number): Reading {
  return { asset: 'spindle-1', sensor, unit: SPINDLE_ASSET.sensors.find((s) => s.id === sensor)?.unit ?? '', ts, value, quality: 'good' };
}

describe('twin-features node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('loads with defaults', async function () {
    await helper.load([assetNode, featuresNode], [ASSET_CONFIG, { id: 'n1', type: 'twin-features', asset: 'a1' }] as never);
    assert.ok(helper.getNode('n1'));
  });

  it('emits one vector with scalar windows, operating hours and waveform features', function (done) {
    const flow = [ASSET_CONFIG, { id: 'n1', type: 'twin-features', asset: 'a1', periodS: '3600', windows: '1h, 7d', statistics: 'mean,max,slope',
      scalarSensors: 'bearingTemp, speed', waveformSensors: 'acceleration', speedSensor: 'speed', runningSensor: 'state', runningTest: 'equals',
      runningValue: '1', bands: 'shaft:80-120', wires: [['out']] }, { id: 'out', type: 'helper' }];
    helper.load([assetNode, featuresNode], flow as never, () => {
      testNode('out').on('input', (msg: { topic: string; payload: FeatureVector }) => {
        // The machine starting to run is said first, on the same output (lib/machine-state).
        if (msg.topic === 'machine-state/spindle-1') return;
        try {
          const v = msg.payload;
          assert.equal(msg.topic, 'features/spindle-1');
          assert.deepEqual(v.machineState, { state: 'running', since: START });
          assert.ok(Math.abs(v.features['bearingTemp.mean.7d'] - 50.5) < 1e-9);
          assert.ok(Math.abs(v.features.operatingHours - 0.5) < 1e-9);
          assert.equal(v.units['bearingTemp.slope.1h'], '°C/d');
          assert.ok(Math.abs(v.features['acceleration.velocityRms'] - 2.5) < 0.2, `velocity ${v.features['acceleration.velocityRms']}`);
          assert.equal(v.isoZones?.acceleration, 'B');
          assert.ok(v.features['acceleration.band.shaft'] > 0);
          assert.ok(Math.abs(v.features['acceleration.bpfoHz'] - 795.7) < 0.5, `BPFO ${v.features['acceleration.bpfoHz']}`);
          done();
        } catch (err) { done(err); }
      });
      const readings: Reading[] = [];
      for (let s = 0; s <= 1800; s += 10) readings.push(scalar('bearingTemp', START + s * 1000, 50 + s / 1800), scalar('speed', START + s * 1000, 6000), scalar('state', START + s * 1000, 1));
      readings.push({ asset: 'spindle-1', sensor: 'acceleration', unit: 'g', ts: START + 1800_000, quality: 'good', sampleRate: 12_800,
        samples: accelerationBlock({ rpm: 6000, velocityMmS: 2.5, wear: 0.2 }, SPINDLE_ASSET.bearing, 12_800, 12_800, new Random(4)) });
      const n1 = testNode('n1');
      n1.receive({ payload: readings });
      n1.receive({ topic: 'emit' });
    });
  });

  it('refuses a configuration naming a sensor the asset lacks, and input that is not readings', function (done) {
    const flow = [ASSET_CONFIG, { id: 'n1', type: 'twin-features', asset: 'a1', scalarSensors: 'bearingTemp, nonsense' },
      { id: 'n2', type: 'twin-features', asset: 'a1' }];
    helper.load([assetNode, featuresNode], flow as never, () => {
      const errors: string[] = [];
      const check = (call: { firstArg: Error }): void => {
        errors.push(call.firstArg.message);
        if (errors.length < 2) return;
        try {
          assert.ok(errors.some((e) => /has no scalar sensor "nonsense"/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /expected msg.payload to be an array of readings/.test(e)), errors.join(' | '));
          done();
        } catch (err) { done(err); }
      };
      testNode('n1').on('call:error', check);
      testNode('n2').on('call:error', check);
      testNode('n1').receive({ payload: [] });
      testNode('n2').receive({ payload: 'hello' });
    });
  });
});

describe('twin-drift node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  const driftFlow = (checks: unknown, extra: Record<string, unknown> = {}): unknown[] => [ASSET_CONFIG,
    { id: 'n1', type: 'twin-drift', asset: 'a1', checks, learnMinutes: '10', reportS: '3600', wires: [['readings'], ['health']], ...extra },
    { id: 'readings', type: 'helper' }, { id: 'health', type: 'helper' }];

  it('passes readings through, marks an out-of-range one bad and reports the sensor faulty', function (done) {
    helper.load([assetNode, driftNode], driftFlow([{ sensor: 'bearingTemp', reference: 'none' }]) as never, () => {
      const batches: Reading[][] = [];
      testNode('readings').on('input', (msg: { payload: Reading[] }) => { batches.push(msg.payload); });
      testNode('health').on('input', (msg: { payload: { asset: string; changed: string[]; sensors: HealthAssessment[] } }) => {
        const bearing = msg.payload.sensors.find((s) => s.sensor === 'bearingTemp');
        if (bearing?.state !== 'faulty') return;
        try {
          assert.deepEqual(msg.payload.changed, ['bearingTemp']);
          assert.equal(bearing.issues[0].kind, 'out-of-range');
          const last = batches.at(-1) ?? [];
          assert.deepEqual(last.map((r) => `${r.sensor}:${r.quality}`), ['speed:good', 'bearingTemp:bad']);
          done();
        } catch (err) { done(err); }
      });
      const n1 = testNode('n1');
      n1.receive({ payload: [scalar('speed', START, 6000), scalar('bearingTemp', START, 50)] });
      n1.receive({ payload: [scalar('speed', START + 1000, 6000), scalar('bearingTemp', START + 1000, 500)] });
    });
  });

  it('catches motor current drifting against motor power, and a reset relearns it', function (done) {
    helper.load([assetNode, driftNode], driftFlow([{ sensor: 'motorCurrent', reference: 'motorPower' }], { stuckMinutes: '0' }) as never, () => {
      const n1 = testNode('n1');
      let phase: 'drifting' | 'reset' = 'drifting';
      testNode('health').on('input', (msg: { payload: { sensors: HealthAssessment[] } }) => {
        const current = msg.payload.sensors[0];
        try {
          if (phase === 'drifting' && current.state === 'suspect') {
            assert.ok(current.calibrationDue);
            assert.match(current.recommendation, /reads .* A high against motorPower/);
            phase = 'reset';
            n1.receive({ topic: 'reset', payload: { sensor: 'motorCurrent' } });
          } else if (phase === 'reset') {
            assert.equal(current.state, 'learning');
            done();
          }
        } catch (err) { done(err); }
      });
      const random = new Random(12);
      const batch: Reading[] = [];
      for (let s = 0; s < 3 * 3600; s++) {
        const ts = START + s * 1000;
        const power = 8 + 3 * Math.sin(s / 600) + 0.05 * random.gaussian();
        const drift = s > 3600 ? 0.05 * ((s - 3600) / 60) : 0;
        batch.push(scalar('motorPower', ts, power), scalar('motorCurrent', ts, (power * 1000) / (Math.sqrt(3) * 400 * 0.85) + drift));
      }
      for (let i = 0; i < batch.length; i += 600) n1.receive({ payload: batch.slice(i, i + 600) });
    });
  });

  it('refuses an empty sensor list and a reference sensor the asset lacks', function (done) {
    helper.load([assetNode, driftNode], [...driftFlow([]), { id: 'n2', type: 'twin-drift', asset: 'a1', checks: [{ sensor: 'motorCurrent', reference: 'nope' }] }] as never, () => {
      const errors: string[] = [];
      const check = (call: { firstArg: Error }): void => {
        errors.push(call.firstArg.message);
        if (errors.length < 2) return;
        try {
          assert.ok(errors.some((e) => /no sensors to check/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /reference sensor "nope"/.test(e)), errors.join(' | '));
          done();
        } catch (err) { done(err); }
      };
      testNode('n1').on('call:error', check);
      testNode('n2').on('call:error', check);
      testNode('n1').receive({ payload: [] });
      testNode('n2').receive({ payload: [] });
    });
  });
});

describe('twin-features keeps operating hours across a Node-RED restart', function () {
  this.timeout(120_000);
  let nodeRed: NodeRedProcess | undefined;

  const flow = [
    { id: 'tab', type: 'tab', label: 'features' },
    { ...ASSET_CONFIG, id: 'asset' },
    { id: 'in', type: 'http in', z: 'tab', url: '/hours', method: 'post', wires: [['minutes', 'ok']] },
    { id: 'ok', type: 'http response', z: 'tab', statusCode: '200', wires: [] },
    { id: 'minutes', type: 'function', z: 'tab', outputs: 1, wires: [['features']],
      func: "const from = msg.payload.from;\nmsg.payload = Array.from({ length: 61 }, (_, m) => ({ asset: 'spindle-1', sensor: 'state', unit: 'state', value: 1, ts: from + m * 60000, quality: 'good' }));\nreturn msg;" },
    { id: 'features', type: 'twin-features', z: 'tab', asset: 'asset', periodS: '0.2', windows: '1h', scalarSensors: 'bearingTemp', waveformSensors: 'acceleration',
      runningSensor: 'state', runningTest: 'equals', runningValue: '1', wires: [['keep']] },
    { id: 'keep', type: 'function', z: 'tab', outputs: 1, wires: [[]], func: "flow.set('hours', msg.payload.features.operatingHours, 'memory');\nreturn null;" },
    { id: 'hours-get', type: 'http in', z: 'tab', url: '/hours', method: 'get', wires: [['read']] },
    { id: 'read', type: 'function', z: 'tab', outputs: 1, wires: [['reply']], func: "msg.payload = { hours: flow.get('hours', 'memory') };\nreturn msg;" },
    { id: 'reply', type: 'http response', z: 'tab', statusCode: '200', wires: [] },
  ];

  let directory: PersistentNodeRed;
  before(function () {
    directory = persistentNodeRed('twin-hours-', flow);
  });
  after(async function () {
    await nodeRed?.stop();
    directory.remove();
  });

  const start = (): Promise<NodeRedProcess> => directory.start();

  async function runHour(from: number): Promise<number> {
    // The admin API answers before the flows have started: wait for the flow's own route.
    const routeDeadline = Date.now() + 30_000;
    while ((await httpGet(`${nodeRed!.baseUrl}/hours`)).status === 404) {
      assert.ok(Date.now() < routeDeadline, `the flow's /hours route did not appear\n${nodeRed!.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const res = await fetch(`${nodeRed!.baseUrl}/hours`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from }) });
    assert.equal(res.status, 200);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const reply = await httpGet(`${nodeRed!.baseUrl}/hours`);
      assert.equal(reply.status, 200, `${reply.body}\n${nodeRed!.output()}`);
      const { hours } = JSON.parse(reply.body) as { hours?: number };
      if (hours !== undefined && hours > 0.99 * ((from - START) / 3_600_000 + 1)) return hours;
      assert.ok(Date.now() < deadline, `operating hours did not arrive, last ${hours}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('counts two hours of running state across a stop and start', async function () {
    nodeRed = await start();
    assert.ok(Math.abs((await runHour(START)) - 1) < 1e-9);
    await nodeRed.stop();
    nodeRed = await start();
    // The minute between the two posts is a gap of 1 minute: under the 10-minute limit, so it counts as running.
    const hours = await runHour(START + 3_660_000);
    assert.ok(Math.abs(hours - (2 + 1 / 60)) < 1e-9, `hours after the restart: ${hours}`);
  });
});
