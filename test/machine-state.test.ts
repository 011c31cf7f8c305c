/**
 * The machine-state rule (lib/machine-state) and what each node of the chain does when a machine stops or fails:
 * twin-features leaves the stop transient and the standstill out, says the state and raises the machine-down alarm;
 * twin-rul holds its last estimate; twin-urgency holds its level and keeps the work order open until a person
 * settles it.
 */
import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import { MACHINE_STATE, SPINDLE_ASSET } from '../lib/asset/presets';
import { plantFacts } from '../lib/facts/plant-facts';
import { DEFAULT_FEATURE_OPTIONS, FeatureEngine } from '../lib/features/feature-engine';
import type { FeatureVector } from '../lib/features/feature-vector';
import { MachineStateTracker, type MachineStateRecord } from '../lib/machine-state/machine-state';
import type { Reading } from '../lib/reading/reading';
import type { RulRecord, UrgencyRecord } from '../lib/rul/records';
import { UrgencyTracker, DOWN_ACTIONS } from '../lib/rul/urgency';
import type { AlertEvent } from '../lib/threshold/alert';
import { testNode } from './support/test-node';
import { tinyRulModel } from './support/tiny-model';
import assetNode = require('../nodes/twin-asset/twin-asset');
import featuresNode = require('../nodes/twin-features/twin-features');
import modelNode = require('../nodes/twin-model/twin-model');
import rulNode = require('../nodes/twin-rul/twin-rul');
import urgencyNode = require('../nodes/twin-urgency/twin-urgency');
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const T0 = Date.UTC(2026, 11, 6, 8);
const RULE = { sensor: 'state', test: 'equals' as const, value: MACHINE_STATE.running, downValue: MACHINE_STATE.down, warmUpMs: 15_000 };

function scalar(sensor: string, ts: number, value: number): Reading {
  return { asset: 'spindle-1', sensor, unit: SPINDLE_ASSET.sensors.find((s) => s.id === sensor)?.unit ?? '', ts, value, quality: 'good' };
}

describe('the machine-state rule', function () {
  it('runs after its warm-up, calls the down code DOWN and any other code STOPPED, and ignores a late sample', function () {
    const tracker = new MachineStateTracker(RULE);
    assert.deepEqual(tracker.fact, { state: 'unknown', since: 0 });
    assert.deepEqual(tracker.observe(T0, MACHINE_STATE.running), { state: 'warming-up', since: T0 });
    assert.equal(tracker.advance(T0 + 14_999), null, 'still warming up');
    assert.deepEqual(tracker.advance(T0 + 20_000), { state: 'running', since: T0 + 15_000 }, 'the warm-up ends 15 s after the start');
    assert.equal(tracker.observe(T0 + 21_000, MACHINE_STATE.running), null, 'a repeated sample is no change');
    assert.deepEqual(tracker.observe(T0 + 30_000, MACHINE_STATE.down), { state: 'down', since: T0 + 30_000 });
    assert.equal(tracker.observe(T0 + 25_000, MACHINE_STATE.running), null, 'a sample older than the newest changes nothing');
    assert.deepEqual(tracker.observe(T0 + 40_000, MACHINE_STATE.idle), { state: 'stopped', since: T0 + 40_000 });
    const restored = new MachineStateTracker(RULE, JSON.parse(JSON.stringify(tracker.toJSON())));
    assert.deepEqual(restored.fact, { state: 'stopped', since: T0 + 40_000 }, 'the state survives a restart');
  });

  it('without a down code, a stop is only STOPPED; without a warm-up, a start runs at once', function () {
    const tracker = new MachineStateTracker({ sensor: 'speed', test: 'above', value: 100, warmUpMs: 0 });
    assert.deepEqual(tracker.observe(T0, 3000), { state: 'running', since: T0 });
    assert.deepEqual(tracker.observe(T0 + 1000, 2), { state: 'stopped', since: T0 + 1000 });
  });
});

describe('features while a machine stops or fails', function () {
  const options = { ...DEFAULT_FEATURE_OPTIONS, windows: ['1h'], statistics: ['mean' as const], scalarSensors: ['vibration', 'speed'],
    running: { sensor: 'state', test: 'equals' as const, value: MACHINE_STATE.running }, downValue: MACHINE_STATE.down, warmUpMs: 15_000 };

  it('leave out the stop transient, the standstill and the run-up, and keep the last valid figures', function () {
    const engine = new FeatureEngine(SPINDLE_ASSET, options);
    let result = engine.add([scalar('state', T0, MACHINE_STATE.running), scalar('vibration', T0 + 1000, 9), scalar('speed', T0 + 1000, 500)]);
    assert.equal(result.standstill, 2, 'the run-up is left out');
    assert.equal(engine.vector()?.features['vibration.mean.1h'], undefined);
    result = engine.add([scalar('vibration', T0 + 20_000, 2), scalar('speed', T0 + 20_000, 12000), scalar('vibration', T0 + 30_000, 2.2)]);
    assert.deepEqual(result.stateChanges, [{ state: 'running', since: T0 + 15_000 }]);
    assert.equal(result.used, 3);
    // The bearing fails: the state flips to DOWN and the spindle coasts down with the vibration dropping.
    result = engine.add([scalar('state', T0 + 31_000, MACHINE_STATE.down), scalar('vibration', T0 + 31_500, 0.1), scalar('speed', T0 + 31_500, 3000),
      scalar('vibration', T0 + 40_000, 0), scalar('speed', T0 + 40_000, 0)]);
    assert.deepEqual(result.stateChanges, [{ state: 'down', since: T0 + 31_000 }]);
    assert.equal(result.standstill, 4);
    const vector = engine.vector()!;
    assert.ok(Math.abs(vector.features['vibration.mean.1h'] - 2.1) < 1e-9, `the mean of the running readings only: ${vector.features['vibration.mean.1h']}`);
    assert.equal(vector.features['speed.last'], 12000, 'the last valid speed, not the coast-down');
    assert.deepEqual(vector.machineState, { state: 'down', since: T0 + 31_000 });
    assert.equal(engine.validUntil, T0 + 30_000, 'the features were computed from readings up to the last one taken running');
  });

  it('compute as before while the state is not known yet', function () {
    const engine = new FeatureEngine(SPINDLE_ASSET, options);
    const result = engine.add([scalar('vibration', T0, 2)]);
    assert.equal(result.used, 1);
    assert.equal(engine.vector()?.machineState?.state, 'unknown');
  });
});

interface Port { payload: unknown; topic?: string }

function collect(id: string): Port[] {
  const seen: Port[] = [];
  testNode(id).on('input', (msg: Port) => seen.push(msg));
  return seen;
}

const until = async (check: () => boolean, what: string, ms = 3000): Promise<void> => {
  for (const deadline = Date.now() + ms; !check();) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('twin-features node when the machine stops or fails', function () {
  this.timeout(10000);
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  const ASSET = { id: 'a1', type: 'twin-asset', assetId: 'spindle-1', nominalRpm: '12000', machineGroup: '2', mounting: 'rigid', sensors: SPINDLE_ASSET.sensors };
  const flow = [ASSET, { id: 'f1', type: 'twin-features', asset: 'a1', periodS: '0.1', windows: '1h', statistics: 'mean', scalarSensors: 'vibration, speed',
    runningSensor: 'state', runningTest: 'equals', runningValue: '1', downValue: '2', warmUpS: '0', wires: [['vectors'], ['alerts']] },
  { id: 'vectors', type: 'helper' }, { id: 'alerts', type: 'helper' }];

  it('says the state, holds the features, raises and clears the machine-down alarm, and publishes the state', async function () {
    await helper.load([assetNode, featuresNode], flow as never);
    const vectors = collect('vectors');
    const alerts = collect('alerts');
    const f1 = testNode('f1');
    f1.receive({ payload: [scalar('state', T0, 1), scalar('vibration', T0 + 500, 2), scalar('speed', T0 + 500, 12000)] });
    await until(() => vectors.some((m) => (m.payload as FeatureVector).features), 'a feature vector');
    assert.deepEqual(plantFacts.machineStateOf('spindle-1'), { state: 'running', since: T0 });

    f1.receive({ payload: [scalar('state', T0 + 1000, 2), scalar('vibration', T0 + 1100, 0.1), scalar('speed', T0 + 1100, 2000)] });
    await until(() => alerts.length > 0, 'the machine-down alarm');
    const record = vectors.map((m) => m.payload as MachineStateRecord).filter((p) => p.kind === 'machine-state').at(-1)!;
    assert.deepEqual([record.state, record.since, record.validUntil], ['down', T0 + 1000, T0 + 500]);
    const raised = alerts[0].payload as AlertEvent;
    assert.deepEqual([raised.id, raised.state, raised.level, raised.sensor], [`spindle-1:machine-down:${T0 + 1000}`, 'raised', 'alarm', 'state']);
    assert.equal(raised.message, 'spindle-1 is DOWN: remaining life is held at its last valid estimate', 'the time it went down is raisedAt, shown in the viewer\'s zone');
    assert.equal(raised.raisedAt, T0 + 1000);
    assert.deepEqual(plantFacts.machineStateOf('spindle-1'), { state: 'down', since: T0 + 1000 }, 'alarm suppression reads the state from lib/facts');
    const sentBefore = vectors.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(vectors.length, sentBefore, 'no vector of the standstill');

    f1.receive({ payload: [scalar('state', T0 + 5000, 1), scalar('vibration', T0 + 5100, 1)] });
    await until(() => alerts.length > 1, 'the machine-down alarm cleared');
    assert.deepEqual([(alerts[1].payload as AlertEvent).id, (alerts[1].payload as AlertEvent).state], [`spindle-1:machine-down:${T0 + 1000}`, 'cleared']);
    assert.match((alerts[1].payload as AlertEvent).message, /^spindle-1 is no longer down \(it was down for \d+ s\)$/);
    await until(() => vectors.some((m) => (m.payload as FeatureVector).features && (m.payload as FeatureVector).ts === T0 + 5100), 'vectors again');
    const last = vectors.at(-1)!.payload as FeatureVector;
    assert.ok(Math.abs(last.features['vibration.mean.1h'] - 1.5) < 1e-9, `the coast-down reading was never used: ${last.features['vibration.mean.1h']}`);
  });
});

describe('twin-rul and twin-urgency when the machine stops or fails', function () {
  this.timeout(20000);
  let dir: string;
  let modelFile: string;
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-machine-state-'));
    modelFile = path.join(dir, 'model.onnx');
    fs.writeFileSync(modelFile, tinyRulModel(50));
  });
  after(function () { fs.rmSync(dir, { recursive: true, force: true }); });
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  const vector = (vibration: number, ts: number, state = 'running'): FeatureVector => ({
    asset: 'spindle-1', ts, features: { 'vibration.rms': vibration, 'speed.last': 12000 }, units: {}, windows: {}, quality: {},
    machineState: { state: state as 'running', since: T0 },
  });
  const stateRecord = (state: MachineStateRecord['state'], since: number): MachineStateRecord => ({ kind: 'machine-state', asset: 'spindle-1', state, since, ts: since });

  it('twin-rul holds the last estimate, marked with the state, and does not score a vector of the stop transient', async function () {
    await helper.load([modelNode, rulNode], [{ id: 'm1', type: 'twin-model', source: 'file', file: modelFile },
      { id: 'r1', type: 'twin-rul', model: 'm1', periodS: '0.3', runningFeature: 'speed.last', runningAbove: '100', wires: [['out']] }, { id: 'out', type: 'helper' }] as never);
    const out = collect('out');
    const r1 = testNode('r1');
    r1.receive({ payload: vector(3, T0) });
    await until(() => out.length === 1, 'the first estimate');
    const [estimate] = out[0].payload as RulRecord[];
    assert.ok(Math.abs(estimate.rulHours - 250) < 8, `400 - 50 × 3 = 250 h, got ${estimate.rulHours}`);
    // A vector of the coast-down (taken as the machine stopped) reaches the cycle with the stop: it is not scored.
    r1.receive({ payload: vector(0.1, T0 + 1000) });
    r1.receive({ payload: stateRecord('down', T0 + 1000) });
    await until(() => out.length === 2, 'the held estimate');
    const held = out[1].payload as RulRecord[];
    assert.equal(held.length, 1);
    assert.deepEqual([held[0].rulHours, held[0].ts, held[0].held], [estimate.rulHours, T0, { state: 'down', since: T0 + 1000 }]);
    // A vector taken while the machine was not running is never scored.
    r1.receive({ payload: vector(0, T0 + 2000, 'stopped') });
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(out.length, 2);
  });

  it('twin-urgency never de-escalates on a held estimate, and a completed work order lets the next rise open a new one', async function () {
    await helper.load(urgencyNode, [{ id: 'u1', type: 'twin-urgency', send: 'changes', wires: [['critical'], ['warning'], ['normal']] },
      { id: 'critical', type: 'helper' }, { id: 'warning', type: 'helper' }, { id: 'normal', type: 'helper' }] as never);
    const seen: UrgencyRecord[] = [];
    for (const id of ['critical', 'warning', 'normal']) testNode(id).on('input', (msg: { payload: UrgencyRecord }) => seen.push(msg.payload));
    const u1 = testNode('u1');
    const rul = (rulHours: number, ts: number, held?: RulRecord['held']): RulRecord => ({ kind: 'rul', asset: 'spindle-1', ts, rulHours, capped: false,
      confidence: 'normal', modelVersion: 'v1', held });
    u1.receive({ payload: rul(30, T0) });
    await until(() => seen.length === 1, 'CRITICAL');
    const order = seen[0].workOrder!;
    assert.deepEqual([seen[0].level, order.action], ['CRITICAL', 'open']);
    u1.receive({ payload: rul(30, T0, { state: 'down', since: T0 + 1000 }) });
    await until(() => seen.length === 2, 'the held decision');
    assert.deepEqual([seen[1].level, seen[1].changed, seen[1].workOrder, seen[1].machineState, seen[1].actions],
      ['CRITICAL', false, undefined, { state: 'down', since: T0 + 1000 }, DOWN_ACTIONS]);
    assert.equal(plantFacts.urgencyOf('spindle-1')?.level, 'CRITICAL', 'the setpoint interlock still sees CRITICAL');
    // The failure is confirmed against the order (the form sends its completion); repaired, the machine runs NORMAL.
    u1.receive({ payload: [{ kind: 'failure-event', id: 'f1', asset: 'spindle-1', component: 'bearing', outcome: 'failure', failedAt: T0 + 1000,
      confirmedBy: 'ann', notes: '', workOrderId: order.id, ts: T0 + 2000 },
    { kind: 'work-order', id: order.id, asset: 'spindle-1', action: 'complete', by: 'ann', ts: T0 + 2000 }] });
    u1.receive({ payload: rul(300, T0 + 3000) });
    await until(() => seen.length === 3, 'NORMAL after the repair');
    assert.deepEqual([seen[2].level, seen[2].workOrder], ['NORMAL', undefined], 'a settled order is not touched again');
    u1.receive({ payload: rul(100, T0 + 4000) });
    await until(() => seen.length === 4, 'WARNING of the next life');
    assert.equal(seen[3].workOrder?.action, 'open');
    assert.notEqual(seen[3].workOrder?.id, order.id, 'the next life has its own work order');
  });
});

describe('work orders stay open until a person settles them', function () {
  it('coming back to NORMAL leaves the order open; holding keeps the level; release frees it', function () {
    const tracker = new UrgencyTracker();
    const open = tracker.update({ asset: 'a', ts: 1, rulHours: 30 });
    const held = tracker.hold({ asset: 'a', ts: 1, rulHours: 30 }, { state: 'stopped', since: 2 });
    assert.deepEqual([held.level, held.changed, held.workOrder], ['CRITICAL', false, undefined]);
    const back = tracker.update({ asset: 'a', ts: 3, rulHours: 400 });
    assert.deepEqual([back.level, back.workOrder?.action, back.workOrder?.id], ['NORMAL', 'de-escalate', open.workOrder?.id]);
    assert.match(back.workOrder?.message ?? '', /stays open until maintenance completes it/);
    assert.equal(tracker.openWorkOrder('a'), open.workOrder?.id);
    assert.equal(tracker.release('a', 'another'), false);
    assert.equal(tracker.release('a', open.workOrder!.id), true);
    assert.equal(tracker.openWorkOrder('a'), undefined);
  });
});
