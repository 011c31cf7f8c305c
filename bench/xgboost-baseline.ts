/**
 * The XGBoost half of the RUL benchmark: Debian's python3-xgboost trained on exactly the features, rows and
 * validation groups our trainer gets, with the same depth, learning rate, subsample and early stopping. Absent
 * python3-xgboost, the benchmark says so and reports our half alone.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BoostingOptions } from '../lib/rul/gradient-boosting';

const PYTHON = '/usr/bin/python3';

// XGBoost's own training API: its scikit-learn wrapper needs scikit-learn, which Debian's python3-xgboost lacks.
const SCRIPT = `
import sys, json, numpy as np, xgboost as xgb
d = sys.argv[1]
o = json.load(open(d + '/options.json'))
X = np.load(d + '/train_x.npy'); y = np.load(d + '/train_y.npy'); valid = np.load(d + '/train_valid.npy')
T = np.load(d + '/test_x.npy')
params = {'objective': 'reg:squarederror', 'eta': o['learningRate'], 'max_depth': o['maxDepth'], 'subsample': o['subsample'],
    'lambda': o['lambda'], 'min_child_weight': o['minLeaf'], 'tree_method': 'hist', 'max_bin': o['maxBins'], 'seed': o['seed'], 'nthread': 1}
booster = xgb.train(params, xgb.DMatrix(X[~valid], label=y[~valid]), num_boost_round=o['rounds'],
    evals=[(xgb.DMatrix(X[valid], label=y[valid]), 'valid')], early_stopping_rounds=o['earlyStoppingRounds'], verbose_eval=False)
pred = booster.predict(xgb.DMatrix(T), iteration_range=(0, booster.best_iteration + 1))
np.save(d + '/test_pred.npy', pred.astype(np.float64))
`;

export function xgboostAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import xgboost'], { stdio: 'ignore' }).status === 0;
}

/** Writes a float64 or bool array as a .npy file (format version 1.0). */
function writeNpy(file: string, data: Float64Array | Uint8Array, shape: number[], dtype: '<f8' | '|b1'): void {
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const preamble = Buffer.alloc(10);
  preamble.write('\x93NUMPY', 0, 'latin1');
  preamble[6] = 1;
  preamble[7] = 0;
  preamble.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([preamble, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

function readNpyFloat64(file: string): Float64Array {
  const bytes = fs.readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const body = bytes.subarray(10 + headerLength);
  return new Float64Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
}

export interface XgboostFold {
  train: Float32Array;
  trainTarget: ArrayLike<number>;
  /** 1 for rows of the validation groups (early stopping), 0 for training rows. */
  validation: Uint8Array;
  test: Float32Array;
  width: number;
}

export function xgboostPredict(fold: XgboostFold, options: BoostingOptions): { predictions: Float64Array; seconds: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-xgb-'));
  try {
    const rows = fold.train.length / fold.width;
    writeNpy(path.join(dir, 'train_x.npy'), Float64Array.from(fold.train), [rows, fold.width], '<f8');
    writeNpy(path.join(dir, 'train_y.npy'), Float64Array.from(fold.trainTarget), [rows], '<f8');
    writeNpy(path.join(dir, 'train_valid.npy'), fold.validation, [rows], '|b1');
    writeNpy(path.join(dir, 'test_x.npy'), Float64Array.from(fold.test), [fold.test.length / fold.width, fold.width], '<f8');
    fs.writeFileSync(path.join(dir, 'options.json'), JSON.stringify(options));
    const started = process.hrtime.bigint();
    const result = spawnSync(PYTHON, ['-c', SCRIPT, dir], { encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) throw new Error(`python3-xgboost failed: ${result.stderr}`);
    return { predictions: readNpyFloat64(path.join(dir, 'test_pred.npy')), seconds };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
