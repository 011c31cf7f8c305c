import assert from 'node:assert/strict';
import type { FeatureVector } from '../lib/features/feature-vector';
import { labelHistory, type TimedVector } from '../lib/rul/ground-truth';
import { featureSensor, scoreVectors } from '../lib/rul/live-scoring';
import type { FailureEvent } from '../lib/rul/records';
import type { FeatureRecord, RulColumns, RulModelHandle, RulPrediction } from '../lib/rul/rul-model';

const HOUR = 3_600_000;

function failure(asset: string, id: string, failedAt: number, outcome: FailureEvent['outcome'] = 'failure'): FailureEvent {
  return { kind: 'failure-event', id, asset, component: 'bearing', outcome, failedAt, confirmedBy: 'test', notes: '', ts: failedAt };
}

function hourly(from: number, count: number): TimedVector[] {
  return Array.from({ length: count }, (_, i) => ({ ts: from + i * HOUR, features: { x: i } }));
}

describe('training labels from confirmed failures', function () {
  it('counts each life down to the failure that ended it, capped, and labels the running life only where it has outlived the cap', function () {
    // 30 hourly vectors; failures at hours 10 and 20 (false alarm at 5 ends nothing); now is hour 29.5.
    const vectors = new Map([['m1', hourly(0, 30)]]);
    const events = [failure('m1', 'f1', 10 * HOUR), failure('m1', 'fa', 5 * HOUR, 'false-alarm'), failure('m1', 'f2', 20 * HOUR)];
    const { rows, lives, unlabelled } = labelHistory(vectors, events, { rulCap: 6, timeScale: 1, now: 29.5 * HOUR });
    const life = (unit: string) => rows.filter((r) => r.group === unit).map((r) => [r.features.x, r.rulHours]);
    assert.deepEqual(life('m1#1'), [[0, 6], [1, 6], [2, 6], [3, 6], [4, 6], [5, 5], [6, 4], [7, 3], [8, 2], [9, 1], [10, 0]]);
    assert.deepEqual(life('m1#2').map(([x]) => x), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    assert.equal(life('m1#2')[0][1], 6);
    // Hours 21..23 have outlived the 6 h cap by now (29.5 h): at least 6 h left. Hours 24..29 are too recent to tell.
    assert.deepEqual(life('m1#3'), [[21, 6], [22, 6], [23, 6]]);
    assert.equal(unlabelled, 6);
    assert.deepEqual(lives.map((l) => [l.unit, l.failureId, l.rows]), [['m1#1', 'f1', 11], ['m1#2', 'f2', 10], ['m1#3', undefined, 3]]);
  });

  it('scales clock time to machine life for an accelerated plant, and ignores failures after the end of the history', function () {
    const vectors = new Map([['sim', Array.from({ length: 5 }, (_, i) => ({ ts: i * 60_000, features: { x: i } }))]]);
    // 1440x: a clock minute is a day of life.
    const { rows } = labelHistory(vectors, [failure('sim', 'f', 4 * 60_000), failure('sim', 'later', 99 * 60_000)], { rulCap: 1000, timeScale: 1440, now: 5 * 60_000 });
    assert.deepEqual(rows.map((r) => r.rulHours), [96, 72, 48, 24, 0]);
  });

  it('refuses a cap or time scale that is not positive', function () {
    assert.throws(() => labelHistory(new Map(), [], { rulCap: 0, timeScale: 1, now: 0 }), /RUL cap must be a positive/);
    assert.throws(() => labelHistory(new Map(), [], { rulCap: 1, timeScale: 0, now: 0 }), /time scale must be positive/);
  });
});

/** A model whose estimate is the feature `life` itself, with a ±10 h interval: what scoreVectors does around it is under test. */
class LifeModel implements RulModelHandle {
  readonly version = 'life-1';
  readonly featureNames = ['vibration.rms', 'life'];
  readonly rulCap = 300;
  readonly metadata = {};
  batches = 0;
  async score(records: readonly FeatureRecord[]): Promise<RulPrediction[]> {
    this.batches++;
    return records.map((r) => ({ rulHours: r.life, lowerHours: r.life - 10, upperHours: r.life + 10 }));
  }

  async scoreColumns(records: readonly FeatureRecord[]): Promise<RulColumns> {
    this.batches++;
    return { rulHours: records.map((r) => r.life), lowerHours: records.map((r) => r.life - 10), upperHours: records.map((r) => r.life + 10) };
  }
}

function vector(asset: string, features: Record<string, number>, quality: FeatureVector['quality'] = {}): FeatureVector {
  return { asset, ts: 1000, features, units: {}, windows: {}, quality };
}

describe('live RUL scoring', function () {
  it('scores every asset in one batch, refuses a vector lacking a feature by name, and marks estimates at the cap', async function () {
    const model = new LifeModel();
    const batch = await scoreVectors(model, [
      vector('a', { 'vibration.rms': 1, life: 120 }), vector('b', { life: 50 }), vector('c', { 'vibration.rms': 1, life: 299 }),
      vector('d', { 'vibration.rms': 1, life: 301 }),
    ]);
    assert.equal(model.batches, 1);
    assert.deepEqual(batch.records.map((r) => [r.asset, r.rulHours, r.lowerHours, r.upperHours, r.capped, r.modelVersion]),
      [['a', 120, 110, 130, false, 'life-1'], ['c', 299, 289, 309, true, 'life-1'], ['d', 300, 291, 311, true, 'life-1']],
      'an estimate past the cap says "at least the cap", not more');
    assert.deepEqual(batch.refused, [{ asset: 'b', ts: 1000, cause: 'missing-features', reason: "the model needs vibration.rms, missing from b's features" }]);
    assert.deepEqual(batch.records[0].features, { 'vibration.rms': 1, life: 120 }, 'the inputs it was scored on, by name');
  });

  it('widens the interval when a sensor the features come from is unhealthy, or withholds the estimate', async function () {
    const drifting = vector('a', { 'vibration.rms': 1, life: 100 }, { vibration: 'uncertain', speed: 'bad' });
    const widened = await scoreVectors(new LifeModel(), [drifting]);
    assert.deepEqual(widened.records.map((r) => [r.lowerHours, r.upperHours, r.confidence, r.unhealthy]), [[80, 120, 'reduced', { vibration: 'uncertain' }]],
      'twice the half-widths; speed feeds no feature of this model');
    const blocked = await scoreVectors(new LifeModel(), [drifting], { unhealthy: 'block', unhealthyQuality: 'uncertain', widenFactor: 2, fallbackSpread: 0.5 });
    assert.deepEqual(blocked.records, []);
    assert.deepEqual(blocked.refused.map((r) => [r.cause, r.reason]), [['unhealthy-sensors', 'not predicted: vibration is uncertain']]);
    const onlyBad = await scoreVectors(new LifeModel(), [drifting], { unhealthy: 'block', unhealthyQuality: 'bad', widenFactor: 2, fallbackSpread: 0.5 });
    assert.equal(onlyBad.records[0].confidence, 'normal', 'uncertain is tolerated when only bad counts');
  });

  it('names the sensor of a feature by the part before its first dot', function () {
    assert.equal(featureSensor('bearingTemp.mean.1h'), 'bearingTemp');
    assert.equal(featureSensor('operatingHours'), undefined);
  });
});
