import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PUMP_ASSET, SPINDLE_ASSET } from '../lib/asset/presets';
import { FeatureEngine } from '../lib/features/feature-engine';
import type { Reading } from '../lib/reading/reading';
import { OnnxScorer } from '../lib/rul/onnx-scorer';
import { UrgencyTracker, type UrgencyLevel } from '../lib/rul/urgency';
import { vectorTrainingSet, type LabelledVector } from '../lib/rul/vector-training';
import { featureOptions } from '../nodes/twin-features/options';
import { PLANT_FEATURE_PERIOD_S, PLANT_FEATURE_SETTINGS, plantFeatureSettings } from '../plant/feature-settings';
import { fleetRuns } from '../plant/fleet-runs';
import { DEFAULT_PLANT_OPTIONS } from '../plant/plant';
import { runAllToFailure } from '../plant/run-pool';
import { DEFAULT_RUN_OPTIONS, LIVE_PLANT_CLOCK, runToFailure, SimulatedRun, type RunSpec } from '../plant/run-to-failure';
import { DEFAULT_MODEL_FEATURES, DEFAULT_RUL_CAP_HOURS } from '../scripts/train-default';

const ROOT = path.resolve(__dirname, '..', '..');
const MODEL_FILE = path.join(ROOT, 'models', 'default-rul.onnx');
/** A speed-up at which a spindle bearing lives two minutes of virtual time: a whole life in two dozen vectors. */
const QUICK_SPEEDUP = 14_400;

function spec(assetId: string, seed: number, setpointRpm: number, extra: Partial<RunSpec> = {}): RunSpec {
  return { id: `${assetId}/test-${seed}`, assetId, seed, ambientC: 22, setpointRpm, ...extra };
}

function rmse(errors: readonly number[]): number {
  return Math.sqrt(errors.reduce((sum, e) => sum + e * e, 0) / errors.length);
}

describe('run-to-failure histories from the simulated plant', function () {
  it('steps the machines on the live plant\'s clock', function () {
    const { speedup, tickMs, publishMs, waveformLength } = DEFAULT_PLANT_OPTIONS;
    assert.deepEqual(LIVE_PLANT_CLOCK, { speedup, tickMs, publishMs, waveformLength });
    assert.equal(DEFAULT_RUN_OPTIONS.periodS, Number(PLANT_FEATURE_PERIOD_S));
  });

  it('feature settings are those of the shipped reference flow, so live vectors are computed as the training ones', function () {
    const flow = JSON.parse(fs.readFileSync(path.join(ROOT, 'flows', 'reference-twin.json'), 'utf8')) as Array<Record<string, unknown>>;
    const assetIdOf = new Map(flow.filter((n) => n.type === 'twin-asset').map((n) => [n.id, n.assetId]));
    const featureNodes = flow.filter((n) => n.type === 'twin-features');
    // A machine's own node names its twin-asset; the Plant tab's serve a catalogue filter by type, with the settings of
    // that type's first machine (the one the default model was trained on).
    const typeFilter = (n: Record<string, unknown>) => /(?:^|\s)type=(\S+)/.exec(String(n.filter ?? ''))?.[1];
    const presetOfType = new Map([SPINDLE_ASSET, PUMP_ASSET].map((preset) => [preset.type, preset.id]));
    const modelAsset = (n: Record<string, unknown>) => (n.asset ? assetIdOf.get(n.asset) : presetOfType.get(typeFilter(n) ?? ''));
    const own = featureNodes.filter((n) => n.asset);
    assert.deepEqual(own.map((n) => assetIdOf.get(n.asset)).sort(), Object.keys(PLANT_FEATURE_SETTINGS).sort());
    assert.deepEqual(featureNodes.filter((n) => !n.asset).map(typeFilter).sort(), [PUMP_ASSET.type, SPINDLE_ASSET.type].sort(), 'one catalogue node per machine type');
    for (const node of featureNodes) {
      const assetId = String(modelAsset(node));
      assert.equal(node.periodS, PLANT_FEATURE_PERIOD_S, `${assetId}: period`);
      for (const [field, value] of Object.entries(plantFeatureSettings(assetId))) assert.equal(node[field], value, `${assetId}: ${field}`);
    }
  });

  it('runs end in the bearing failure, labelled with the time left, counting down to 0', function () {
    for (const run of [runToFailure(spec(SPINDLE_ASSET.id, 11, 12000), { speedup: QUICK_SPEEDUP }), runToFailure(spec(PUMP_ASSET.id, 12, 2970), { speedup: QUICK_SPEEDUP })]) {
      const step = (DEFAULT_RUN_OPTIONS.periodS * QUICK_SPEEDUP) / 3600;
      const labels = run.vectors.map((v) => v.rulHours);
      assert.ok(labels.length > 5, `${run.spec.id}: ${labels.length} vectors`);
      // The first vector is taken one period after the start; each next one a period later.
      assert.ok(Math.abs(run.lifeHours - labels[0] - step) < 1e-9, `${run.spec.id}: first label ${labels[0]} h of a ${run.lifeHours} h life`);
      labels.slice(1).forEach((label, i) => assert.ok(Math.abs(labels[i] - label - step) < 1e-9, `${run.spec.id}: label ${i + 1} is ${label} after ${labels[i]}`));
      assert.ok(labels[labels.length - 1] > 0 && labels[labels.length - 1] <= step, `${run.spec.id}: the last vector is the last period before the failure (${labels.at(-1)} h)`);

      const replay = new SimulatedRun(run.spec, { ...LIVE_PLANT_CLOCK, speedup: QUICK_SPEEDUP });
      while (replay.advance());
      assert.equal(replay.machine.state, 'down');
      assert.ok(replay.machine.wear >= 1);
      assert.ok(Math.abs(((replay.failedAtMs ?? NaN) / 3_600_000) * QUICK_SPEEDUP - run.lifeHours) < 1e-9, 'the labels count to the tick the bearing failed on');
    }
  });

  it('a pump at constant speed lives as long as the ISO 281 wear law says', function () {
    const setpoint = 2700;
    const run = runToFailure(spec(PUMP_ASSET.id, 21, setpoint), { keepFeatures: [] });
    // Wear rate ∝ speed × load³ with pump load ∝ speed²: the 720 h nominal life shrinks or grows as (n/n0)^7.
    const expected = 720 / Math.pow(setpoint / (PUMP_ASSET.ratings.nominalRpm ?? NaN), 7);
    // Only the start-up adds life: the speed rises with a 3 s time constant and the stress goes as speed^7, which
    // loses about 2.6 time constants of wear (8 s, 3 h at the live speed-up): 0.2 % of this life.
    assert.ok(Math.abs(run.lifeHours - expected) < 0.01 * expected, `${run.lifeHours} h, expected about ${expected} h`);
  });

  it('vectors are exactly what the live engine shows when fed every reading and every block', function () {
    for (const runSpec of [spec(SPINDLE_ASSET.id, 31, 11000), spec(PUMP_ASSET.id, 32, 2800, { setpointChange: { atWear: 0.3, rpm: 2500 } })]) {
      const generated = runToFailure(runSpec, { speedup: QUICK_SPEEDUP * 4 });
      const live = new SimulatedRun(runSpec, { ...LIVE_PLANT_CLOCK, speedup: QUICK_SPEEDUP * 4 });
      const engine = new FeatureEngine(live.asset, featureOptions(plantFeatureSettings(runSpec.assetId)));
      const publishesPerVector = (DEFAULT_RUN_OPTIONS.periodS * 1000) / LIVE_PLANT_CLOCK.publishMs;
      const shown: Array<Record<string, number>> = [];
      const publish = (): Reading[] => [...live.scalarReadings(DEFAULT_RUN_OPTIONS.startMs), live.waveformReading(DEFAULT_RUN_OPTIONS.startMs)];
      engine.add(publish());
      while (live.advance()) {
        engine.add(publish());
        if (live.publishIndex % publishesPerVector === 0) shown.push(engine.vector()?.features ?? {});
      }
      assert.equal(generated.vectors.length, shown.length);
      generated.vectors.forEach((vector, i) => assert.deepEqual(vector.features, shown[i], `${runSpec.id}, vector ${i}`));
      for (const name of DEFAULT_MODEL_FEATURES) assert.ok(name in shown[shown.length - 1], `the ${runSpec.assetId} vectors hold ${name}`);
    }
  });

  it('a fleet repeats from its seed, whatever the number of worker threads', async function () {
    const specs = fleetRuns(4, 5);
    assert.deepEqual(fleetRuns(4, 5), specs);
    assert.notDeepEqual(fleetRuns(4, 6), specs);
    const options = { speedup: QUICK_SPEEDUP, keepFeatures: DEFAULT_MODEL_FEATURES };
    const [alone, pooled] = await Promise.all([runAllToFailure(specs, options, { workers: 1 }), runAllToFailure(specs, options, { workers: 2 })]);
    assert.deepEqual(pooled, alone);
    for (const s of specs) {
      const asset = [SPINDLE_ASSET, PUMP_ASSET].find((a) => a.id === s.assetId);
      for (const rpm of [s.setpointRpm, s.setpointChange?.rpm ?? s.setpointRpm]) {
        assert.ok(rpm >= 0.75 * (asset?.ratings.nominalRpm ?? NaN) - 1 && rpm <= (asset?.ratings.maxRpm ?? NaN), `${s.id}: ${rpm} rpm`);
      }
    }
  });
});

describe('labelled feature vectors as a training set', function () {
  const rows: LabelledVector[] = [
    { group: 'pump-1/life-1', ts: 0, features: { a: 1, b: 2 }, rulHours: 500 },
    { group: 'pump-1/life-1', ts: 1, features: { b: 4, a: 3 }, rulHours: 120 },
    { group: 'spindle-1/life-1', ts: 2, features: { a: 5, b: 6, c: 7 }, rulHours: 0 },
  ];

  it('puts the features in the order asked for, caps the target and keeps the groups', function () {
    const set = vectorTrainingSet(rows, ['b', 'a'], 300);
    assert.deepEqual(set.matrix.featureNames, ['b', 'a']);
    assert.deepEqual(Array.from(set.matrix.values), [2, 1, 4, 3, 6, 5]);
    assert.deepEqual(Array.from(set.target), [300, 120, 0]);
    assert.deepEqual(set.groups, ['pump-1/life-1', 'pump-1/life-1', 'spindle-1/life-1']);
  });

  it('names a missing feature and the row lacking it, and refuses labels after the failure', function () {
    assert.throws(() => vectorTrainingSet(rows, ['a', 'c'], 300), /row 0 \(pump-1\/life-1 at 1970-01-01T00:00:00\.000Z\) lacks c/);
    assert.throws(() => vectorTrainingSet([{ ...rows[0], rulHours: -2 }], ['a'], 300), /2\.0 h after its failure/);
    assert.throws(() => vectorTrainingSet(rows, ['a'], 0), /RUL cap/);
  });
});

describe('the shipped default RUL model (models/default-rul.onnx)', function () {
  let scorer: OnnxScorer;
  let trainingSeeds: number[];

  before(async function () {
    if (!fs.existsSync(MODEL_FILE)) throw new Error(`${MODEL_FILE} is missing: run node dist/scripts/train-default.js`);
    scorer = await OnnxScorer.fromBytes(fs.readFileSync(MODEL_FILE));
    trainingSeeds = Object.values((JSON.parse(scorer.metadata.training_data) as { runSeeds: Record<string, number> }).runSeeds);
  });

  after(async function () {
    await scorer?.release();
  });

  it('says what it reads and predicts: live features of both machines, hours, capped', function () {
    assert.deepEqual(scorer.featureNames, DEFAULT_MODEL_FEATURES);
    assert.equal(scorer.metadata.rul_unit, 'h');
    assert.equal(Number(scorer.metadata.rul_cap), DEFAULT_RUL_CAP_HOURS);
    assert.ok(DEFAULT_RUL_CAP_HOURS > 168 + 12, 'the cap lets a healthy machine climb back past WARNING and its hysteresis');
    assert.ok(Number.isFinite(Number(scorer.metadata.validation_rmse)));
    assert.ok(trainingSeeds.length >= 10);
  });

  /**
   * An unseen run scored vector by vector, as the live twin would, through the urgency tracker. The RMSE bound is
   * 24 h, half the CRITICAL threshold, so a typical error cannot turn "two days left" into "none" or "four"; it is
   * also required to be under a quarter of what the best constant guess (the run's mean label) scores.
   */
  async function checkUnseenRun(runSpec: RunSpec, speedup: number): Promise<void> {
    assert.ok(!trainingSeeds.includes(runSpec.seed), `seed ${runSpec.seed} was used in training`);
    const run = runToFailure(runSpec, { speedup, keepFeatures: scorer.featureNames });
    const predictions = await scorer.scoreRecords(run.vectors.map((v) => v.features));
    const tracker = new UrgencyTracker();
    const levels: Array<{ level: UrgencyLevel; trueRul: number }> = run.vectors.map((v, i) => ({
      level: tracker.update({ asset: runSpec.assetId, ts: v.ts, rulHours: predictions[i] }).level, trueRul: v.rulHours,
    }));
    const label = `${runSpec.id} at speed-up ${speedup}`;
    assert.equal(levels[0].level, 'NORMAL', `${label}: a new bearing is NORMAL`);
    const firstWarning = levels.findIndex((l) => l.level !== 'NORMAL');
    const firstCritical = levels.findIndex((l) => l.level === 'CRITICAL');
    assert.ok(firstWarning > 0 && levels[firstWarning].level === 'WARNING', `${label}: WARNING comes before CRITICAL`);
    assert.ok(firstCritical > firstWarning, `${label}: CRITICAL is reached`);
    assert.ok(levels[firstWarning].trueRul > 48 && levels[firstWarning].trueRul <= DEFAULT_RUL_CAP_HOURS, `${label}: WARNING with ${levels[firstWarning].trueRul} h left`);
    assert.ok(levels[firstCritical].trueRul > 0, `${label}: CRITICAL before the failure`);
    assert.equal(levels[levels.length - 1].level, 'CRITICAL', `${label}: CRITICAL at the failure`);

    const capped = run.vectors.map((v) => Math.min(DEFAULT_RUL_CAP_HOURS, v.rulHours));
    const error = rmse(capped.map((y, i) => predictions[i] - y));
    const mean = capped.reduce((a, b) => a + b, 0) / capped.length;
    const constantGuess = rmse(capped.map((y) => mean - y));
    assert.ok(error < 24 && error < constantGuess / 4, `${label}: RMSE ${error.toFixed(1)} h (a constant guess: ${constantGuess.toFixed(1)} h)`);
  }

  it('warns, then calls it critical, ahead of an unseen spindle failure', async function () {
    await checkUnseenRun(spec(SPINDLE_ASSET.id, 9001, 12000), LIVE_PLANT_CLOCK.speedup);
  });

  it('warns, then calls it critical, ahead of an unseen pump failure', async function () {
    await checkUnseenRun(spec(PUMP_ASSET.id, 9002, 2970), LIVE_PLANT_CLOCK.speedup);
  });

  it('holds at four times the speed-up: it reads no wall-clock window', async function () {
    await checkUnseenRun(spec(SPINDLE_ASSET.id, 9003, 12000), 4 * LIVE_PLANT_CLOCK.speedup);
    await checkUnseenRun(spec(PUMP_ASSET.id, 9004, 2970), 4 * LIVE_PLANT_CLOCK.speedup);
  });
});
