import assert from 'node:assert/strict';
import { Random } from '../lib/math/random';
import { pinball, pinballLoss, quantileOf } from '../lib/rul/boosting-loss';
import { matrixFromRecords } from '../lib/rul/feature-matrix';
import { boost, DEFAULT_BOOSTING_OPTIONS, predictBoosted, prepareSet, trainBoosted, type TrainingSet } from '../lib/rul/gradient-boosting';
import { ensembleToOnnx, INTERVAL_KEY, OUTPUTS_KEY, rulModelToOnnx } from '../lib/rul/onnx-export';
import { OnnxScorer, readMetadata } from '../lib/rul/onnx-scorer';
import { predictRulModel, trainRulModel, type TrainingProgress } from '../lib/rul/rul-training';

const FEATURES = ['vibration.rms', 'load.mean.24h'];
const NOISE = 10;
/** The standard normal's 90 % quantile: an 80 % central interval of N(μ, σ²) is μ ± 1.2816 σ. */
const Z90 = 1.2815515655446004;

/**
 * Run-to-failure lives of 150-300 cycles. The vibration follows the wear exactly (a known, smooth, monotone function
 * of the remaining life), load is noise the model must ignore, and the recorded remaining life is off by Gaussian
 * noise of σ = 10 cycles per row. Given the features, the remaining life is then N(true life left, 10²): the ideal
 * 80 % interval is ±12.8 cycles wide and covers 80 % of any rows.
 */
function noisyLives(units: number, seed: number, prefix: string): TrainingSet & { truth: number[] } {
  const random = new Random(seed);
  const records: Array<Record<string, number>> = [];
  const target: number[] = [];
  const truth: number[] = [];
  const groups: string[] = [];
  for (let unit = 0; unit < units; unit++) {
    const life = 150 + Math.floor(random.next() * 150);
    for (let t = 0; t < life; t++) {
      const left = life - t;
      records.push({ 'vibration.rms': 1 + 4 * (1 - left / 300) ** 2, 'load.mean.24h': 50 + 10 * random.gaussian() });
      truth.push(left);
      target.push(left + NOISE * random.gaussian());
      groups.push(`${prefix}-${unit}`);
    }
  }
  return { matrix: matrixFromRecords(FEATURES, records), target, truth, groups };
}

describe('RUL prediction intervals', function () {
  this.timeout(60000);

  it('takes the ⌈q·n⌉-th smallest value as the q-quantile, a minimiser of the pinball loss', function () {
    const random = new Random(5);
    for (const q of [0.1, 0.5, 0.9]) {
      const values = Float64Array.from({ length: 37 }, () => Math.round(random.gaussian() * 20));
      const loss = (c: number) => values.reduce((sum, v) => sum + pinball(v - c, q), 0);
      const chosen = quantileOf(Float64Array.from(values), q);
      for (const candidate of values) assert.ok(loss(chosen) <= loss(candidate) + 1e-9, `q ${q}: ${chosen} loses ${loss(chosen)}, ${candidate} only ${loss(candidate)}`);
    }
    assert.equal(quantileOf(Float64Array.from([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]), 0.1), 1, 'the 1st of 10');
    assert.equal(quantileOf(Float64Array.from([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]), 0.9), 9, 'the 9th of 10');
  });

  it('grows a quantile tree on the pinball pseudo-residuals and sets each leaf to the quantile of its rows', function () {
    // x = 0 carries targets 1..10, x = 1 targets 101..110; one stump at full learning rate must land on each
    // side's own 10 % and 90 % quantiles (the 1st and 9th of its ten values) from the pooled one it starts at.
    const records: Array<Record<string, number>> = [];
    const target: number[] = [];
    const groups: string[] = [];
    for (const group of ['train', 'held']) {
      for (let i = 1; i <= 10; i++) {
        records.push({ x: 0 }, { x: 1 });
        target.push(i, 100 + i);
        groups.push(group, group);
      }
    }
    const set: TrainingSet = { matrix: matrixFromRecords(['x'], records), target, groups };
    const options = { ...DEFAULT_BOOSTING_OPTIONS, rounds: 1, learningRate: 1, maxDepth: 1, minLeaf: 1, lambda: 0, subsample: 1 };
    const prepared = prepareSet(set, options, ['held']);
    for (const [q, low, high] of [[0.1, 1, 101], [0.9, 9, 109]]) {
      const fit = boost(prepared, pinballLoss(q), options);
      assert.equal(fit.baseScore, q === 0.1 ? 2 : 108, 'starts at the pooled quantile (2nd / 18th of 20)');
      assert.equal(fit.trees.length, 1);
      const predicted = predictBoosted(fit, matrixFromRecords(['x'], [{ x: 0 }, { x: 1 }]));
      assert.deepEqual(Array.from(predicted), [low, high], `q ${q}`);
    }
  });

  it('covers its nominal 80 % of rows on units it never saw, about as wide as the noise demands, around the estimate', function () {
    const set = noisyLives(40, 17, 'train');
    const progress: TrainingProgress[] = [];
    const model = trainRulModel(set, {}, (p) => progress.push(p));
    const interval = model.interval;
    assert.ok(interval && model.lower && model.upper);
    assert.deepEqual(interval.quantiles, [0.1, 0.9]);
    assert.equal(interval.calibratedOn, 'out-of-fold');
    assert.equal(interval.heldOutGroups, 40, 'every unit, each from models that never saw it');
    assert.ok(interval.coverage >= 0.8, `by construction the calibrated interval covers at least 80 % of the held-out rows (${interval.coverage})`);
    assert.ok(interval.belowLower <= 0.1 && interval.aboveUpper <= 0.1, `each bound misses at most 10 % of the held-out cases (${interval.belowLower}, ${interval.aboveUpper})`);
    assert.deepEqual([...new Set(progress.map((p) => p.model))], ['point', 'lower', 'upper'], 'progress names each model in turn');
    assert.ok(progress.filter((p) => p.model === 'lower').every((p) => p.metric === 'pinball'));

    const fresh = noisyLives(40, 99, 'fresh');
    const { rul, lower, upper } = predictRulModel(model, fresh.matrix);
    assert.ok(lower && upper);
    let covered = 0;
    let ordered = 0;
    let width = 0;
    for (let row = 0; row < fresh.matrix.rows; row++) {
      if (fresh.target[row] >= lower[row] && fresh.target[row] <= upper[row]) covered++;
      if (lower[row] <= rul[row] && rul[row] <= upper[row]) ordered++;
      width += upper[row] - lower[row];
    }
    const coverage = covered / fresh.matrix.rows;
    const meanWidth = width / fresh.matrix.rows;
    const ideal = 2 * Z90 * NOISE;
    process.stdout.write(`      fresh units: coverage ${(100 * coverage).toFixed(1)} % (held-out ${(100 * interval.coverageBeforeCalibration).toFixed(1)} % before calibration), ` +
      `width ${meanWidth.toFixed(1)} (ideal ${ideal.toFixed(1)}), estimate inside its bounds on ${(100 * ordered / fresh.matrix.rows).toFixed(1)} % of rows\n`);
    // ~9,000 fresh rows with independent noise (binomial SD of the coverage 0.4 %) and a calibration on the
    // out-of-fold rows of 40 units (SD of the coverage it achieves under 0.9 %): ±5 % is five SDs of the two together.
    assert.ok(Math.abs(coverage - 0.8) <= 0.05, `coverage on fresh units ${coverage}`);
    // No interval can cover 80 % of N(μ, 10²) narrower than ±12.8; the trees' error in μ may add a little.
    assert.ok(meanWidth >= 0.95 * ideal && meanWidth <= 1.3 * ideal, `mean width ${meanWidth} against the ideal ${ideal}`);
    assert.ok(ordered / fresh.matrix.rows >= 0.98, `lower <= estimate <= upper on ${ordered} of ${fresh.matrix.rows} rows`);
    const alone = trainBoosted(set, {});
    assert.deepEqual(Array.from(predictBoosted(alone, fresh.matrix)), Array.from(rul), 'the estimate is the least-squares model, untouched by the interval');
  });

  it('exports estimate and bounds as three columns of tree ensembles that onnxruntime scores as the trainer does', async function () {
    const set = noisyLives(12, 3, 'unit');
    const model = trainRulModel(set, { boosting: { rounds: 60 } });
    const bytes = rulModelToOnnx(model, { rul_cap: '300' }, '0.1.0');
    const metadata = readMetadata(bytes);
    assert.deepEqual(JSON.parse(metadata[OUTPUTS_KEY]), ['rul', 'rul_lower', 'rul_upper']);
    const interval = JSON.parse(metadata[INTERVAL_KEY]) as Record<string, unknown>;
    assert.deepEqual(interval.quantiles, [0.1, 0.9]);
    assert.equal(interval.coverage, model.interval?.coverage);
    assert.equal(metadata.rul_cap, '300');
    const scorer = await OnnxScorer.fromBytes(bytes);
    try {
      assert.equal(scorer.hasInterval, true);
      const ours = predictRulModel(model, set.matrix);
      const theirs = await scorer.scoreIntervals(set.matrix);
      for (const output of ['rul', 'lower', 'upper'] as const) {
        const a = ours[output];
        const b = theirs[output];
        assert.ok(a && b, output);
        assert.equal(b.length, set.matrix.rows);
        let worst = 0;
        for (let row = 0; row < a.length; row++) worst = Math.max(worst, Math.abs(b[row] - a[row]) / Math.max(1, Math.abs(a[row])));
        assert.ok(worst < 1e-5, `${output}: onnxruntime and the trainer differ by up to ${worst} (relative)`);
      }
      assert.deepEqual(Array.from(await scorer.score(set.matrix)), Array.from(theirs.rul), 'score() is the estimate column');
    } finally {
      await scorer.release();
    }
  });

  it('continues from a model trained before: its trees first, then only rounds that improve on it', function () {
    const set = noisyLives(12, 8, 'unit');
    const first = trainRulModel(set, { boosting: { rounds: 30 } });
    assert.ok(first.lower && first.upper);
    const more = trainRulModel(set, { boosting: { rounds: 60 }, warmStart: [first.point, first.lower, first.upper] });
    assert.deepEqual(more.validationGroups, first.validationGroups, 'the same seed holds out the same units');
    assert.deepEqual(more.point.trees.slice(0, first.point.trees.length), first.point.trees);
    assert.ok(more.point.validationRmse <= first.point.validationRmse, `${more.point.validationRmse} after ${first.point.validationRmse}`);
    assert.deepEqual(more.lower?.trees.slice(0, first.lower.trees.length), first.lower.trees);
    assert.throws(() => trainRulModel(set, { warmStart: [{ featureNames: ['other'], baseScore: 0, trees: [] }] }), /reads other, not the training set's/);
  });

  it('still scores a one-output model (an estimate alone, an imported model): no interval', async function () {
    const set = noisyLives(6, 4, 'unit');
    const alone = trainRulModel(set, { interval: false, boosting: { rounds: 20 } });
    assert.equal(alone.interval, undefined);
    const bytes = rulModelToOnnx(alone, {}, '0');
    assert.deepEqual(JSON.parse(readMetadata(bytes)[OUTPUTS_KEY]), ['rul']);
    const bare = ensembleToOnnx({ featureNames: ['x'], baseScore: 1, trees: [[{ feature: -1, threshold: 0, left: -1, right: -1, value: 2 }]] }, {}, '0');
    for (const [model, matrix] of [[bytes, set.matrix], [bare, matrixFromRecords(['x'], [{ x: 5 }])]] as const) {
      const scorer = await OnnxScorer.fromBytes(model);
      try {
        assert.equal(scorer.hasInterval, false);
        const scores = await scorer.scoreIntervals(matrix);
        assert.equal(scores.lower, undefined);
        assert.equal(scores.upper, undefined);
        assert.equal(scores.rul.length, matrix.rows);
      } finally {
        await scorer.release();
      }
    }
    assert.throws(() => trainRulModel(set, { interval: { lower: 0.9, upper: 0.1 } }), /need 0 < lower < upper < 1/);
    assert.throws(() => trainRulModel(set, { validationGroups: ['nobody'] }), /held-out group nobody not in the training set/);
  });
});
