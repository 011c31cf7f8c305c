/**
 * The reading contract (lib/reading/validate), once and in every node that takes readings, in real Node-RED: each
 * malformed element (value "9", NaN, null, a bad or missing ts, an unknown sensor, another asset) is refused with an
 * error naming it, the valid elements of the same message still go out, and no alarm skips its minimum duration.
 */
import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import type { FeatureVector } from '../lib/features/feature-vector';
import { Normaliser } from '../lib/ingest/normaliser';
import type { Reading } from '../lib/reading/reading';
import { MAX_EPOCH_MS, validateReadings } from '../lib/reading/validate';
import type { AlertEvent } from '../lib/threshold/alert';
import { testNode } from './support/test-node';
import { until } from './support/until';
import assetNode = require('../nodes/twin-asset/twin-asset');
import driftNode = require('../nodes/twin-drift/twin-drift');
import featuresNode = require('../nodes/twin-features/twin-features');
import ingestNode = require('../nodes/twin-ingest/twin-ingest');
import kpiNode = require('../nodes/twin-kpi/twin-kpi');
import thresholdNode = require('../nodes/twin-threshold/twin-threshold');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const ASSET_CONFIG = { id: 'a1', type: 'twin-asset', assetId: 'spindle-1', maxRpm: '15000', idealCycleTimeS: '60', sensors: SPINDLE_ASSET.sensors };
const T0 = Date.UTC(2026, 0, 5, 8);

/** A valid reading, and the malformed ones an operator's tag mapping produces, each with what its error must say. */
const valid = { asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', value: 50, ts: T0, quality: 'good' };
const MALFORMED: Array<[unknown, RegExp]> = [
  [{ ...valid, value: '9' }, /element 1 \(spindle-1\/bearingTemp\): value is the string "9", not a number/],
  [{ ...valid, value: Number.NaN }, /element 2 \(spindle-1\/bearingTemp\): value NaN is not a finite number/],
  [{ ...valid, value: null }, /element 3 \(spindle-1\/bearingTemp\): value is null, not a number/],
  // twin-kpi, which takes work orders and urgency decisions too, says so.
  [null, /element 4: (expected a reading object, got null|not a reading, an urgency decision or a work-order event)/],
  [{ ...valid, ts: undefined }, /element 5 \(spindle-1\/bearingTemp\): ts is missing/],
  [{ ...valid, ts: 9.3e15 }, /element 6 \(spindle-1\/bearingTemp\): ts 9300000000000000 is not a time/],
  [{ ...valid, ts: '2026-01-05' }, /element 7 \(spindle-1\/bearingTemp\): ts the string "2026-01-05" is not a time/],
  [{ ...valid, sensor: 'bearingTmp' }, /element 8 \(spindle-1\/bearingTmp\): unknown sensor: asset "spindle-1" has no sensor "bearingTmp"/],
  [{ ...valid, asset: 'pump-1' }, /element 9 \(pump-1\/bearingTemp\): a reading of asset "pump-1" sent to a node of "spindle-1"/],
  [{ ...valid, quality: 'fine' }, /element 10 \(spindle-1\/bearingTemp\): quality the string "fine" is not good, uncertain or bad/],
];

const MESSAGE = [valid, ...MALFORMED.map(([element]) => element)];

function errorsOf(id: string): string[] {
  const errors: string[] = [];
  testNode(id).on('call:error', (call: { firstArg: Error | string }) => errors.push(String(call.firstArg instanceof Error ? call.firstArg.message : call.firstArg)));
  return errors;
}

function assertNamesEvery(error: string | undefined): void {
  assert.ok(error, 'an error');
  assert.match(error, /^10 refused: /);
  // One error names the first five and counts the rest.
  for (const [, expected] of MALFORMED.slice(0, 5)) assert.match(error, expected);
  assert.match(error, /\(and 5 more\)$/);
}

describe('the reading contract', function () {
  it('names every malformed element and keeps the valid ones', function () {
    const { readings, problems } = validateReadings(MESSAGE, SPINDLE_ASSET);
    assert.deepEqual(readings, [valid]);
    assert.equal(problems.length, MALFORMED.length);
    MALFORMED.forEach(([, expected], i) => assert.match(problems[i], expected));
    const withoutQuality = validateReadings([{ ...valid, quality: undefined }]).readings[0];
    assert.equal(withoutQuality.quality, 'good', 'a missing quality is the one default');
    assert.deepEqual(validateReadings([{ ...valid, ts: MAX_EPOCH_MS }]).problems, [], 'the last time a Date holds is a time');
    const waveform = { asset: 'spindle-1', sensor: 'acceleration', unit: 'g', ts: T0, quality: 'good', sampleRate: 25600 };
    assert.deepEqual(validateReadings([{ ...waveform, samples: new Float32Array([0.1, -0.2]) }], SPINDLE_ASSET).problems, []);
    assert.match(validateReadings([{ ...waveform, samples: new Float32Array([0.1, Number.NaN]) }], SPINDLE_ASSET).problems[0], /sample 1 is NaN/);
    assert.match(validateReadings([{ ...waveform, samples: [], sampleRate: 25600 }], SPINDLE_ASSET).problems[0], /the sample block is empty/);
    assert.match(validateReadings([{ ...waveform, value: 1 }], SPINDLE_ASSET).problems[0], /samples are missing/);
  });

  it('twin-ingest keeps the valid readings of a message with impossible timestamps, naming each', function () {
    const normaliser = new Normaliser(SPINDLE_ASSET, { source: 'canonical', missingTimestamp: 'arrival' });
    const now = T0 + 1000;
    const { readings, problems } = normaliser.normalise({ payload: [valid, { ...valid, ts: 9.3e15 }, { ...valid, ts: -2.2e14 }, { ...valid, ts: 'soon' }] }, now);
    assert.deepEqual(readings.map((r) => r.ts), [T0]);
    assert.deepEqual(problems, [
      'element 1 (bearingTemp): timestamp 9300000000000000 is beyond the dates a clock can give (±8.64e15 ms)',
      'element 2 (bearingTemp): timestamp -220000000000000 is not a time',
      'element 3 (bearingTemp): timestamp the string "soon" is not a time',
    ], 'a present but impossible time is refused, never replaced by the arrival time');
  });
});

describe('nodes taking readings', function () {
  this.timeout(20000);
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('twin-threshold names malformed readings, checks the valid ones, and never raises an alarm before its minimum duration', async function () {
    await helper.load([assetNode, thresholdNode], [ASSET_CONFIG,
      { id: 'n1', type: 'twin-threshold', asset: 'a1', sensors: 'bearingTemp', staleAfterS: '0', wires: [['events'], []] }, { id: 'events', type: 'helper' }] as never);
    const errors = errorsOf('n1');
    const events: AlertEvent[] = [] as AlertEvent[];
    testNode('events').on('input', (msg: { payload: AlertEvent }) => events.push(msg.payload));
    const hot = (ts: number | undefined): object => ({ ...valid, value: 95, ts });
    testNode('n1').receive({ payload: MESSAGE });
    await until('the error', () => errors.length === 1, 5000);
    assertNamesEvery(errors[0]);
    // 95 °C is beyond the 80 °C alarm limit, which must hold for 10 s: a reading without ts must not raise it at once.
    testNode('n1').receive({ payload: [hot(undefined)] });
    testNode('n1').receive({ payload: [hot(T0 + 1000)] });
    testNode('n1').receive({ payload: [hot(T0 + 6000)] });
    await until('the missing ts refused', () => errors.length === 2, 5000);
    assert.match(errors[1], /ts is missing/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(events, [], 'no alarm before the minimum duration');
    testNode('n1').receive({ payload: [hot(T0 + 11000)] });
    await until('the alarm', () => events.length === 1, 5000);
    const raised = events[0] as AlertEvent;
    assert.deepEqual([raised.level, raised.ts], ['alarm', T0 + 11000]);
  });

  it('twin-features, twin-kpi and twin-drift name malformed readings and use the valid ones', async function () {
    await helper.load([assetNode, featuresNode, kpiNode, driftNode], [ASSET_CONFIG,
      { id: 'features', type: 'twin-features', asset: 'a1', periodS: '3600', wires: [['vectors']] }, { id: 'vectors', type: 'helper' },
      { id: 'kpi', type: 'twin-kpi', asset: 'a1', reportS: '3600', wires: [['kpis'], []] }, { id: 'kpis', type: 'helper' },
      { id: 'drift', type: 'twin-drift', asset: 'a1', checks: [{ sensor: 'bearingTemp', reference: 'none', tolerance: '' }], reportS: '3600', wires: [['passed'], [], []] },
      { id: 'passed', type: 'helper' }] as never);
    const errors = { features: errorsOf('features'), kpi: errorsOf('kpi'), drift: errorsOf('drift') };
    let vector: FeatureVector | undefined;
    testNode('vectors').on('input', (msg: { payload: FeatureVector }) => { vector = msg.payload; });
    const passed: Reading[][] = [];
    testNode('passed').on('input', (msg: { payload: Reading[] }) => passed.push(msg.payload));
    let kpiRecords = 0;
    testNode('kpis').on('input', (msg: { payload: unknown[] }) => { kpiRecords += msg.payload.length; });
    for (const id of ['features', 'kpi', 'drift']) testNode(id).receive({ payload: MESSAGE });
    await until('an error from each node', () => Object.values(errors).every((e) => e.length === 1) && passed.length === 1, 5000);
    for (const list of Object.values(errors)) assertNamesEvery(list[0]);
    assert.deepEqual(passed[0].map((r) => (r as { value?: number }).value), [50], 'twin-drift passes the valid reading on, and only it');
    testNode('features').receive({ topic: 'emit' });
    await until('the feature vector', () => vector !== undefined, 5000);
    assert.equal(vector!.features['bearingTemp.last'], 50, 'the valid reading is used');

    const state = (value: unknown, ts: number): object => ({ asset: 'spindle-1', sensor: 'state', unit: 'state', value, ts, quality: 'good' });
    testNode('kpi').receive({ payload: [state(1, T0), state('1', T0 + 60_000), 'a stranger', state(1, T0 + 120_000)] });
    await until('the kpi errors', () => errors.kpi.length === 2, 5000);
    assert.match(errors.kpi[1], /^2 refused: element 1 \(spindle-1\/state\): value is the string "1", not a number; element 2: not a reading, an urgency decision or a work-order event$/);
    testNode('kpi').receive({ topic: 'report' });
    await until('the KPI report from the valid state readings', () => kpiRecords > 0, 5000);
  });
});
