import assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import { Random } from '../lib/math/random';
import { binFeatures, binOf } from '../lib/rul/binning';
import { matrixFromRecords, type FeatureMatrix } from '../lib/rul/feature-matrix';
import { predictBoosted, rmse, trainBoosted, type TrainingSet } from '../lib/rul/gradient-boosting';
import { ensembleToOnnx, FEATURE_NAMES_KEY } from '../lib/rul/onnx-export';
import { OnnxScorer, readMetadata } from '../lib/rul/onnx-scorer';

const FEATURES = ['vibration.rms', 'bearingTemp.slope.7d', 'load.mean.24h'];

/** Run-to-failure histories: vibration grows with wear, temperature trends up, load is noise the model must ignore. */
function degradationSet(units: number, seed: number): TrainingSet & { units: string[] } {
  const random = new Random(seed);
  const records: Array<Record<string, number>> = [];
  const target: number[] = [];
  const groups: string[] = [];
  for (let unit = 0; unit < units; unit++) {
    const life = 150 + Math.floor(random.next() * 150);
    for (let t = 0; t < life; t++) {
      const wear = t / life;
      records.push({
        'vibration.rms': 1 + 4 * wear ** 2 + 0.2 * random.gaussian(),
        'bearingTemp.slope.7d': 0.5 + 3 * wear ** 3 + 0.3 * random.gaussian(),
        'load.mean.24h': 50 + 10 * random.gaussian(),
      });
      target.push(Math.min(125, life - t));
      groups.push(`unit-${unit}`);
    }
  }
  return { matrix: matrixFromRecords(FEATURES, records), target, groups, units: [...new Set(groups)] };
}

describe('gradient-boosted RUL trees', function () {
  this.timeout(60000);

  it('bins at float32 thresholds that send x <= t to the lower bin', function () {
    const matrix = matrixFromRecords(['x'], [0.1, 0.2, 0.2, 0.3, 0.7].map((x) => ({ x })));
    const bins = binFeatures(matrix);
    assert.equal(bins.thresholds[0].length, 3, 'three cuts between four distinct values');
    for (let row = 0; row < matrix.rows; row++) {
      const code = bins.codes[row];
      const x = matrix.values[row];
      assert.ok(code === bins.thresholds[0].length || x <= bins.thresholds[0][code], `row ${row} not above its bin's threshold`);
      assert.ok(code === 0 || x > bins.thresholds[0][code - 1], `row ${row} above the previous threshold`);
    }
    assert.equal(binOf(bins.thresholds[0], bins.thresholds[0][1]), 1, 'a value equal to a threshold goes left (x <= t)');
    const many = matrixFromRecords(['x'], Array.from({ length: 5000 }, (_, i) => ({ x: i })));
    assert.equal(binFeatures(many, 16).thresholds[0].length, 15, 'quantile cuts for more distinct values than bins');
  });

  it('cuts a feature of repeated values (cycles run) at a boundary per share, not only where a share happens to fall between two values', function () {
    // 300 values, each on 40 rows: every gap between neighbours (1/300 of the rows) is narrower than one of 256
    // equal shares (1/256), so each of the 255 share boundaries lands in a different gap and gets its own cut.
    const matrix = matrixFromRecords(['cycles'], Array.from({ length: 12_000 }, (_, i) => ({ cycles: Math.floor(i / 40) })));
    const cuts = binFeatures(matrix, 256).thresholds[0];
    assert.equal(cuts.length, 255);
    for (const cut of cuts) assert.equal(cut % 1, 0.5, `cut ${cut} lies halfway between two neighbouring values`);
    const placedByFirstHalf = binFeatures(matrix, 256, Array.from({ length: 6000 }, (_, row) => row)).thresholds[0];
    assert.equal(placedByFirstHalf.length, 149, 'placed by the rows named: 150 distinct values, a cut between each pair');
  });

  it('fits a step exactly with one stump', function () {
    const xs = Array.from({ length: 100 }, (_, i) => i / 100);
    const set: TrainingSet = {
      matrix: matrixFromRecords(['x'], xs.map((x) => ({ x }))),
      target: xs.map((x) => (x > 0.5 ? 10 : 0)),
      groups: xs.map((_, i) => `g${i % 5}`),
    };
    const model = trainBoosted(set, { rounds: 1, learningRate: 1, lambda: 0, maxDepth: 1, minLeaf: 1, subsample: 1, validationFraction: 0.2 });
    const predicted = predictBoosted(model, set.matrix);
    xs.forEach((x, i) => assert.ok(Math.abs(predicted[i] - (x > 0.5 ? 10 : 0)) < 1e-9, `x=${x}: ${predicted[i]}`));
  });

  it('learns remaining life from run-to-failure histories, validated on held-out units', function () {
    const set = degradationSet(40, 11);
    const model = trainBoosted(set, { rounds: 300, earlyStoppingRounds: 30 });
    const held = new Set(model.validationGroups);
    assert.equal(model.validationGroups.length, 8, '20 % of 40 units held out');
    const validRows = set.groups.map((g, row) => (held.has(g) ? row : -1)).filter((row) => row >= 0);
    const mean = validRows.reduce((a, row) => a + set.target[row], 0) / validRows.length;
    const baseline = Math.sqrt(validRows.reduce((a, row) => a + (set.target[row] - mean) ** 2, 0) / validRows.length);
    const predicted = predictBoosted(model, set.matrix);
    const error = rmse(set.target, predicted, validRows);
    assert.ok(Math.abs(error - model.validationRmse) < 1e-9, 'the reported validation error is the kept model\'s');
    assert.ok(error < 0.5 * baseline, `validation RMSE ${error.toFixed(1)} h against ${baseline.toFixed(1)} h for the mean`);
    assert.equal(model.trees.length, model.bestRound);
    assert.ok(model.history.length >= model.bestRound);
    process.stdout.write(`      validation RMSE ${error.toFixed(1)} (mean predictor ${baseline.toFixed(1)}), ${model.bestRound} trees of ${model.history.length} rounds\n`);
  });

  it('exports an ONNX TreeEnsembleRegressor that onnxruntime scores as the trainer does', async function () {
    const set = degradationSet(20, 3);
    const model = trainBoosted(set, { rounds: 80, earlyStoppingRounds: 80 });
    const bytes = ensembleToOnnx(model, { trained_at: '2026-11-26T00:00:00Z', validation_rmse: String(model.validationRmse) }, '0.1.0');
    const metadata = readMetadata(bytes);
    assert.deepEqual(JSON.parse(metadata[FEATURE_NAMES_KEY]), FEATURES);
    assert.equal(metadata.trained_at, '2026-11-26T00:00:00Z');
    const scorer = await OnnxScorer.fromBytes(bytes);
    try {
      const ours = predictBoosted(model, set.matrix);
      const theirs = await scorer.score(set.matrix);
      assert.equal(theirs.length, set.matrix.rows, 'one run() scores every row');
      let worst = 0;
      for (let row = 0; row < set.matrix.rows; row++) worst = Math.max(worst, Math.abs(theirs[row] - ours[row]) / Math.max(1, Math.abs(ours[row])));
      assert.ok(worst < 1e-5, `onnxruntime and the trainer differ by up to ${worst} (relative)`);
      await assert.rejects(scorer.scoreRecords([{ 'vibration.rms': 2, 'load.mean.24h': 50 }], () => 'spindle-1'),
        /missing features: spindle-1 lacks bearingTemp\.slope\.7d/);
      const one = await scorer.scoreRecords([{ 'vibration.rms': 1, 'bearingTemp.slope.7d': 0.5, 'load.mean.24h': 50 }]);
      const matrix: FeatureMatrix = matrixFromRecords(FEATURES, [{ 'vibration.rms': 1, 'bearingTemp.slope.7d': 0.5, 'load.mean.24h': 50 }]);
      assert.ok(Math.abs(one[0] - predictBoosted(model, matrix)[0]) < 1e-3);
    } finally {
      await scorer.release();
    }
  });

  it('refuses a single unit, a non-numeric target and a model without feature names; scores a one-leaf model', async function () {
    const matrix = matrixFromRecords(['x'], [{ x: 1 }, { x: 2 }]);
    assert.throws(() => trainBoosted({ matrix, target: [1, 2], groups: ['a', 'a'] }), /need at least 2/);
    assert.throws(() => trainBoosted({ matrix, target: [1, NaN], groups: ['a', 'b'] }), /target of row 1 \(group b\)/);
    const bare = ensembleToOnnx({ featureNames: ['x'], baseScore: 1, trees: [[{ feature: -1, threshold: 0, left: -1, right: -1, value: 2 }]] }, {}, '0');
    const scorer = await OnnxScorer.fromBytes(bare);
    assert.deepEqual(scorer.featureNames, ['x']);
    assert.deepEqual(Array.from(await scorer.score(matrixFromRecords(['x'], [{ x: 5 }]))), [3], 'base value plus the leaf');
    await scorer.release();
    const anonymous = onnx.ModelProto.decode(bare);
    anonymous.metadataProps = [];
    await assert.rejects(OnnxScorer.fromBytes(onnx.ModelProto.encode(anonymous).finish()), /no "feature_names" in its metadata/);
  });
});
