import { Random } from '../math/random';
import { binFeatures } from './binning';
import type { FeatureMatrix } from './feature-matrix';
import { growTree, treeValue, type TreeEnsemble, type TreeNode } from './regression-tree';

/**
 * Gradient-boosted regression trees for least squares: each round fits a tree to the residuals of a random
 * subsample of the training rows and adds it, shrunk by the learning rate. The validation rows are whole groups
 * (assets, engine units) held out, never single rows, because rows of one machine's life are nearly copies of
 * each other and a row split would report the model's memory as its skill.
 */
export interface BoostingOptions {
  rounds: number;
  learningRate: number;
  maxDepth: number;
  minLeaf: number;
  lambda: number;
  /** Fraction of training rows each tree sees. */
  subsample: number;
  maxBins: number;
  /** Fraction of the groups held out for validation and early stopping. */
  validationFraction: number;
  /** Stop when validation error has not improved for this many rounds. */
  earlyStoppingRounds: number;
  seed: number;
}

export const DEFAULT_BOOSTING_OPTIONS: BoostingOptions = {
  rounds: 400,
  learningRate: 0.05,
  maxDepth: 4,
  minLeaf: 20,
  lambda: 1,
  subsample: 0.8,
  maxBins: 256,
  validationFraction: 0.2,
  earlyStoppingRounds: 40,
  seed: 1,
};

export interface TrainingSet {
  matrix: FeatureMatrix;
  target: ArrayLike<number>;
  /** The asset or unit each row belongs to: the validation split keeps groups whole. */
  groups: readonly string[];
}

export interface RoundScore {
  round: number;
  trainRmse: number;
  validationRmse: number;
}

export interface BoostedModel extends TreeEnsemble {
  /** Trees kept: the round with the lowest validation error. */
  bestRound: number;
  validationRmse: number;
  validationGroups: string[];
  history: RoundScore[];
}

export function trainBoosted(set: TrainingSet, options: Partial<BoostingOptions> = {}, onRound?: (score: RoundScore) => void): BoostedModel {
  const o = { ...DEFAULT_BOOSTING_OPTIONS, ...options };
  checkSet(set, o);
  const { matrix, target } = set;
  const width = matrix.featureNames.length;
  const random = new Random(o.seed);
  const validationGroups = holdOutGroups(set.groups, o.validationFraction, random);
  const held = new Set(validationGroups);
  const trainRows: number[] = [];
  const validRows: number[] = [];
  set.groups.forEach((group, row) => (held.has(group) ? validRows : trainRows).push(row));

  const bins = binFeatures(matrix, o.maxBins);
  const baseScore = trainRows.reduce((sum, row) => sum + target[row], 0) / trainRows.length;
  const prediction = new Float64Array(matrix.rows).fill(baseScore);
  const residual = new Float64Array(matrix.rows);
  const trees: TreeNode[][] = [];
  const history: RoundScore[] = [];
  let best = { round: 0, rmse: rmse(target, prediction, validRows) };
  const sampleSize = Math.max(1, Math.round(trainRows.length * o.subsample));

  for (let round = 1; round <= o.rounds; round++) {
    for (const row of trainRows) residual[row] = target[row] - prediction[row];
    const sample = o.subsample < 1 ? sampleRows(trainRows, sampleSize, random) : Uint32Array.from(trainRows);
    const tree = growTree(bins, width, residual, sample, { maxDepth: o.maxDepth, minLeaf: o.minLeaf, lambda: o.lambda, shrinkage: o.learningRate });
    trees.push(tree);
    for (let row = 0; row < matrix.rows; row++) prediction[row] += treeValue(tree, matrix.values, row * width);
    const score = { round, trainRmse: rmse(target, prediction, trainRows), validationRmse: rmse(target, prediction, validRows) };
    history.push(score);
    onRound?.(score);
    if (score.validationRmse < best.rmse) best = { round, rmse: score.validationRmse };
    else if (round - best.round >= o.earlyStoppingRounds) break;
  }
  return {
    featureNames: [...matrix.featureNames], baseScore, trees: trees.slice(0, best.round), bestRound: best.round,
    validationRmse: best.rmse, validationGroups, history,
  };
}

export function predictBoosted(model: TreeEnsemble, matrix: FeatureMatrix): Float64Array {
  if (matrix.featureNames.join('\u0000') !== model.featureNames.join('\u0000')) {
    throw new Error(`the matrix's features are not the model's (${model.featureNames.join(', ')})`);
  }
  const width = model.featureNames.length;
  const out = new Float64Array(matrix.rows).fill(model.baseScore);
  for (const tree of model.trees) {
    for (let row = 0; row < matrix.rows; row++) out[row] += treeValue(tree, matrix.values, row * width);
  }
  return out;
}

function checkSet(set: TrainingSet, o: BoostingOptions): void {
  const { rows } = set.matrix;
  if (rows === 0) throw new Error('no training rows');
  if (set.target.length !== rows || set.groups.length !== rows) throw new Error(`${rows} rows but ${set.target.length} targets and ${set.groups.length} groups`);
  for (let row = 0; row < rows; row++) {
    if (!Number.isFinite(set.target[row])) throw new Error(`target of row ${row} (group ${set.groups[row]}) is not a number`);
  }
  if (!(o.learningRate > 0 && o.learningRate <= 1)) throw new Error('learning rate must be in (0, 1]');
  if (!(o.subsample > 0 && o.subsample <= 1)) throw new Error('subsample must be in (0, 1]');
  if (!(o.validationFraction > 0 && o.validationFraction < 1)) throw new Error('validation fraction must be between 0 and 1');
  if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error('rounds must be a whole number above 0');
}

function holdOutGroups(groups: readonly string[], fraction: number, random: Random): string[] {
  const distinct = [...new Set(groups)].sort();
  if (distinct.length < 2) throw new Error(`validation holds out whole assets or units, and the data has ${distinct.length}: need at least 2`);
  for (let i = distinct.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [distinct[i], distinct[j]] = [distinct[j], distinct[i]];
  }
  const count = Math.min(distinct.length - 1, Math.max(1, Math.round(distinct.length * fraction)));
  return distinct.slice(0, count).sort();
}

/** `size` distinct rows drawn without replacement (a partial Fisher–Yates shuffle). */
function sampleRows(rows: readonly number[], size: number, random: Random): Uint32Array {
  const pool = Uint32Array.from(rows);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random.next() * (pool.length - i));
    const swap = pool[i];
    pool[i] = pool[j];
    pool[j] = swap;
  }
  return pool.subarray(0, size);
}

export function rmse(target: ArrayLike<number>, prediction: ArrayLike<number>, rows: readonly number[]): number {
  if (rows.length === 0) return NaN;
  let sum = 0;
  for (const row of rows) sum += (prediction[row] - target[row]) ** 2;
  return Math.sqrt(sum / rows.length);
}
