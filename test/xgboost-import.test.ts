import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { matrixFromRecords } from '../lib/rul/feature-matrix';
import { predictBoosted } from '../lib/rul/gradient-boosting';
import { OnnxScorer, readMetadata } from '../lib/rul/onnx-scorer';
import { main } from '../lib/rul/train-cli';
import { float32Below, importXgboostJson } from '../lib/rul/xgboost-import';

const PYTHON = '/usr/bin/python3';

/** Trains a small XGBoost regressor in Python on a seeded data set and saves the model, the rows and its predictions. */
const TRAIN = `
import sys, json, numpy as np, xgboost as xgb
d = sys.argv[1]
rng = np.random.default_rng(7)
X = rng.normal(size=(2000, 3)).astype(np.float32)
X[:, 2] = np.round(X[:, 2], 1)
y = 100 - 20 * X[:, 0] ** 2 + 10 * X[:, 1] + 5 * (X[:, 2] > 0.3) + rng.normal(size=2000)
m = xgb.train({'max_depth': 4, 'eta': 0.1, 'objective': 'reg:squarederror', 'seed': 1}, xgb.DMatrix(X, label=y, feature_names=['vib', 'temp', 'load']), 60)
m.save_model(d + '/m.json')
json.dump({'x': X.tolist(), 'pred': m.predict(xgb.DMatrix(X, feature_names=['vib', 'temp', 'load'])).tolist()}, open(d + '/rows.json', 'w'))
`;

describe('XGBoost JSON import', function () {
  this.timeout(60000);
  let dir: string;
  before(function () {
    if (spawnSync(PYTHON, ['-c', 'import xgboost'], { stdio: 'ignore' }).status !== 0) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-xgb-import-'));
    const trained = spawnSync(PYTHON, ['-c', TRAIN, dir], { encoding: 'utf8' });
    assert.equal(trained.status, 0, trained.stderr);
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('turns a model trained by python3-xgboost into ONNX that predicts what XGBoost predicts', async function () {
    const ensemble = importXgboostJson(fs.readFileSync(path.join(dir, 'm.json'), 'utf8'));
    assert.deepEqual(ensemble.featureNames, ['vib', 'temp', 'load']);
    assert.equal(ensemble.trees.length, 60);
    const rows = JSON.parse(fs.readFileSync(path.join(dir, 'rows.json'), 'utf8')) as { x: number[][]; pred: number[] };
    const matrix = matrixFromRecords(ensemble.featureNames, rows.x.map(([vib, temp, load]) => ({ vib, temp, load })));
    const ours = predictBoosted(ensemble, matrix);
    const out = path.join(dir, 'm.onnx');
    const log: string[] = [];
    assert.equal(await main(['import-xgboost', path.join(dir, 'm.json'), '--out', out], () => undefined, (l) => log.push(l)), 0, log.join('\n'));
    assert.match(readMetadata(fs.readFileSync(out)).imported_from, /^xgboost:m\.json$/);
    const scorer = await OnnxScorer.fromBytes(fs.readFileSync(out));
    try {
      const onnx = await scorer.score(matrix);
      let worst = 0;
      rows.pred.forEach((expected, row) => {
        worst = Math.max(worst, Math.abs(onnx[row] - expected) / Math.abs(expected), Math.abs(ours[row] - expected) / Math.abs(expected));
      });
      assert.ok(worst < 1e-5, `relative difference to XGBoost's own predictions up to ${worst}`);
    } finally {
      await scorer.release();
    }
  });

  it('keeps XGBoost\'s strict split on values that sit exactly on a threshold', function () {
    assert.ok(float32Below(0.3) < Math.fround(0.3));
    assert.equal(Math.fround(float32Below(0.3)), float32Below(0.3), 'still a float32');
    assert.ok(float32Below(-2) < -2);
    assert.ok(float32Below(0) < 0);
  });

  it('refuses what it cannot import faithfully', function () {
    assert.throws(() => importXgboostJson('{"learner":{}}'), /no learner\.gradient_booster\.model\.trees/);
    const logistic = JSON.stringify({ learner: { objective: { name: 'binary:logistic' }, gradient_booster: { name: 'gbtree', model: { trees: [] } }, feature_names: ['a'] } });
    assert.throws(() => importXgboostJson(logistic), /binary:logistic" is not a plain regression/);
    const unnamed = JSON.stringify({ learner: { objective: { name: 'reg:squarederror' }, gradient_booster: { name: 'gbtree', model: { trees: [] } }, learner_model_param: { base_score: '5E-1', num_feature: '2' } } });
    assert.throws(() => importXgboostJson(unnamed), /no feature names/);
    assert.deepEqual(importXgboostJson(unnamed, ['a', 'b']).featureNames, ['a', 'b']);
  });
});
