import { Random } from '../math/random';
import { binFeatures, type FeatureBins } from './binning';
import { SQUARED_ERROR, type BoostingLoss } from './boosting-loss';
import type { FeatureMatrix } from './feature-matrix';
import { growTree, treeValue, type TreeEnsemble, type TreeNode } from './regression-tree';

/**
 * Gradient-boosted regression trees: each round fits a tree to the pseudo-residuals of a random subsample of the
 * training rows and adds it, shrunk by the learning rate; least squares for the estimate (`trainBoosted`), any
 * `BoostingLoss` through `boost` (the pinball loss for the bounds of a prediction interval). The validation rows
 * are whole groups (assets, engine units) held out, never single rows, because rows of one machine's life are
 * nearly copies of each other and a row split would report the model's memory as its skill.
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
  const prepared = prepareSet(set, o);
  const fit = boost(prepared, SQUARED_ERROR, o, onRound && ((r) => onRound({ round: r.round, trainRmse: r.trainLoss, validationRmse: r.validationLoss })));
  return asBoostedModel(fit, prepared.validationGroups);
}

/** A least-squares fit as the estimate's model, its losses named as the RMSEs they are. */
export function asBoostedModel(fit: BoostedFit, validationGroups: string[]): BoostedModel {
  return {
    featureNames: fit.featureNames, baseScore: fit.baseScore, trees: fit.trees, bestRound: fit.bestRound, validationRmse: fit.validationLoss,
    validationGroups, history: fit.history.map((r) => ({ round: r.round, trainRmse: r.trainLoss, validationRmse: r.validationLoss })),
  };
}

/**
 * A training set split for boosting: the held-out groups' rows, the training rows, and the features binned by
 * the training rows. The models of one training run (estimate and interval bounds) share it, so they are
 * validated on the same assets.
 */
export interface PreparedSet {
  set: TrainingSet;
  validationGroups: string[];
  trainRows: Uint32Array;
  validRows: Uint32Array;
  bins: FeatureBins;
}

/** `validationGroups`, when given, are held out instead of a random `validationFraction` of the groups. */
export function prepareSet(set: TrainingSet, options: BoostingOptions, validationGroups?: readonly string[]): PreparedSet {
  checkSet(set, options);
  const chosen = validationGroups ? checkedGroups(set.groups, validationGroups) : holdOutGroups(set.groups, options.validationFraction, new Random(options.seed));
  const held = new Set(chosen);
  const trainRows: number[] = [];
  const validRows: number[] = [];
  set.groups.forEach((group, row) => (held.has(group) ? validRows : trainRows).push(row));
  const training = Uint32Array.from(trainRows);
  return { set, validationGroups: chosen, trainRows: training, validRows: Uint32Array.from(validRows), bins: binFeatures(set.matrix, options.maxBins, training) };
}

export interface LossRound {
  round: number;
  trainLoss: number;
  validationLoss: number;
}

export interface BoostedFit extends TreeEnsemble {
  /** Trees added and kept: the round with the lowest validation loss (0: the starting model was not improved on). */
  bestRound: number;
  validationLoss: number;
  history: LossRound[];
}

/** Subsampling draws from a stream of its own, so which groups are held out does not depend on it. */
const SUBSAMPLE_STREAM = 0x5bd1e995;

/**
 * Boosts trees for `loss` on the prepared rows, early-stopped on the held-out groups. `start` (a model trained
 * before, e.g. the one in service) is continued from instead of the loss's best constant.
 */
export function boost(prepared: PreparedSet, loss: BoostingLoss, o: BoostingOptions, onRound?: (round: LossRound) => void, start?: TreeEnsemble): BoostedFit {
  const { set: { matrix, target }, trainRows, validRows, bins } = prepared;
  const width = matrix.featureNames.length;
  if (start && start.featureNames.join('\u0000') !== matrix.featureNames.join('\u0000')) {
    throw new Error(`the model to continue from reads ${start.featureNames.join(', ')}, not the training set's ${matrix.featureNames.join(', ')}`);
  }
  const random = new Random(o.seed + SUBSAMPLE_STREAM);
  const baseScore = start ? start.baseScore : loss.initialScore(target, trainRows);
  const prediction = start ? predictBoosted(start, matrix) : new Float64Array(matrix.rows).fill(baseScore);
  const residual = new Float64Array(matrix.rows);
  const trees: TreeNode[][] = [];
  const history: LossRound[] = [];
  let best = { round: 0, loss: loss.evaluate(target, prediction, validRows) };
  const sampleSize = Math.max(1, Math.round(trainRows.length * o.subsample));
  const leafValue = loss.leafValue && ((rows: Uint32Array) => (loss.leafValue as NonNullable<BoostingLoss['leafValue']>)(rows, target, prediction));
  const treeOptions = { maxDepth: o.maxDepth, minLeaf: o.minLeaf, lambda: o.lambda, shrinkage: o.learningRate };

  for (let round = 1; round <= o.rounds; round++) {
    for (const row of trainRows) residual[row] = loss.pseudoResidual(target[row], prediction[row]);
    const sample = o.subsample < 1 ? sampleRows(trainRows, sampleSize, random) : trainRows;
    const tree = growTree(bins, width, residual, sample, treeOptions, leafValue);
    trees.push(tree);
    for (let row = 0; row < matrix.rows; row++) prediction[row] += treeValue(tree, matrix.values, row * width);
    const score = { round, trainLoss: loss.evaluate(target, prediction, trainRows), validationLoss: loss.evaluate(target, prediction, validRows) };
    history.push(score);
    onRound?.(score);
    if (score.validationLoss < best.loss) best = { round, loss: score.validationLoss };
    else if (round - best.round >= o.earlyStoppingRounds) break;
  }
  return {
    featureNames: [...matrix.featureNames], baseScore, trees: [...(start?.trees ?? []), ...trees.slice(0, best.round)], bestRound: best.round,
    validationLoss: best.loss, history,
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

function checkedGroups(groups: readonly string[], chosen: readonly string[]): string[] {
  const present = new Set(groups);
  const unknown = chosen.filter((g) => !present.has(g));
  if (unknown.length > 0) throw new Error(`held-out group${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} not in the training set: name groups the rows belong to`);
  if (chosen.length === 0) throw new Error('name at least one group to hold out for validation');
  const held = new Set(chosen);
  if ([...present].every((g) => held.has(g))) throw new Error('every group is held out: leave at least one to train on');
  return [...held].sort();
}

/** `size` distinct rows drawn without replacement (a partial Fisher–Yates shuffle). */
function sampleRows(rows: Uint32Array, size: number, random: Random): Uint32Array {
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
