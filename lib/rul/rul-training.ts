import { pinballLoss, SQUARED_ERROR } from './boosting-loss';
import type { FeatureMatrix } from './feature-matrix';
import {
  asBoostedModel, boost, DEFAULT_BOOSTING_OPTIONS, predictBoosted, prepareSet,
  type BoostedFit, type BoostedModel, type BoostingOptions, type LossRound, type PreparedSet, type TrainingSet,
} from './gradient-boosting';
import { Random } from '../math/random';
import { calibrateInterval } from './interval-calibration';
import type { TreeEnsemble } from './regression-tree';

/**
 * A remaining-useful-life model with its prediction interval: the least-squares estimate and two quantile models
 * (10 % and 90 % by default), all early-stopped on the same held-out assets, the interval then calibrated on every
 * asset's out-of-fold bounds so each tail holds on machines the models never saw.
 *
 * Each quantile model starts from a constant (its quantile of the targets), not from the estimate's trees. Started
 * from the estimate, it would learn the spread of in-sample residuals, which the estimate has made small, and the
 * calibration would then widen every interval by about the same amount: on C-MAPSS FD001 (5-fold CV) that gave
 * 97.8 % coverage at 19 cycles wide in the last 25 cycles before failure and 66 % in mid-life, where the models
 * started from a constant cover 80 % at 12.6 cycles near failure and 70-85 % elsewhere (81 % and 80 % overall).
 * Fitted apart, the bounds can cross the estimate where they are narrow (near failure, at the RUL cap: 9 % of
 * FD001's rows): a consumer pulls a crossing bound to the estimate.
 */
export interface IntervalQuantiles {
  lower: number;
  upper: number;
}

export const DEFAULT_INTERVAL: IntervalQuantiles = { lower: 0.1, upper: 0.9 };

export interface RulTrainingOptions {
  boosting?: Partial<BoostingOptions>;
  /** Quantiles of the interval's bounds (their difference is the nominal coverage); false: the estimate alone. */
  interval?: IntervalQuantiles | false;
  /** Groups to hold out, instead of a random `validationFraction` of them. */
  validationGroups?: readonly string[];
  /**
   * A model trained before, one ensemble per output (estimate, lower, upper: what onnxTreeEnsembles reads back),
   * to continue boosting from rather than starting over.
   */
  warmStart?: readonly TreeEnsemble[];
}

export type RulOutput = 'point' | 'lower' | 'upper';

export interface TrainingProgress {
  model: RulOutput;
  round: number;
  /** The most rounds this model may take (early stopping usually ends it sooner). */
  maxRounds: number;
  /** RMSE for the estimate, the mean pinball loss for a bound. */
  metric: 'rmse' | 'pinball';
  trainLoss: number;
  validationLoss: number;
}

export interface IntervalReport {
  quantiles: [number, number];
  /** Share of held-out cases (each held-out asset weighing the same) inside the calibrated interval. */
  coverage: number;
  coverageBeforeCalibration: number;
  /** Shares of held-out cases below the calibrated lower bound and above the upper one (nominally 10 % each). */
  belowLower: number;
  aboveUpper: number;
  meanWidth: number;
  /**
   * Whose bounds the calibration read: every asset's from models that never saw it (out-of-fold), or with under 3
   * assets the held-out groups' from the final models.
   */
  calibratedOn: 'out-of-fold' | 'held-out';
  /** Assets and rows the calibration read. */
  heldOutGroups: number;
  heldOutRows: number;
  /** Taken from the lower bound and added to the upper one (already in the bounds' base values). */
  lowerShift: number;
  upperShift: number;
  /** Trees of the lower and upper bound models. */
  trees: [number, number];
}

export interface RulModel {
  featureNames: string[];
  point: BoostedModel;
  /** The calibrated bounds, present when trained with an interval. */
  lower?: BoostedFit;
  upper?: BoostedFit;
  interval?: IntervalReport;
  validationGroups: string[];
}

export interface RulPredictions {
  rul: Float64Array;
  lower?: Float64Array;
  upper?: Float64Array;
}

export function trainRulModel(set: TrainingSet, options: RulTrainingOptions = {}, onProgress?: (progress: TrainingProgress) => void): RulModel {
  const o = { ...DEFAULT_BOOSTING_OPTIONS, ...options.boosting };
  const interval = options.interval === undefined ? DEFAULT_INTERVAL : options.interval;
  if (interval) checkQuantiles(interval);
  const prepared = prepareSet(set, o, options.validationGroups);
  const point = asBoostedModel(boost(prepared, SQUARED_ERROR, o, progressOf('point', o.rounds, onProgress), options.warmStart?.[0]), prepared.validationGroups);
  const model: RulModel = { featureNames: [...set.matrix.featureNames], point, validationGroups: prepared.validationGroups };
  if (!interval) return model;
  return { ...model, ...trainInterval(prepared, interval, o, onProgress, { lower: options.warmStart?.[1], upper: options.warmStart?.[2] }) };
}

/** Folds of the out-of-fold calibration: each asset's bounds come from models that never saw it. */
export const CALIBRATION_FOLDS = 5;

/** The rows of a training set, in their order, as a set of their own. */
function subset(set: TrainingSet, rows: readonly number[]): TrainingSet {
  const width = set.matrix.featureNames.length;
  const values = new Float32Array(rows.length * width);
  rows.forEach((row, i) => values.set(set.matrix.values.subarray(row * width, (row + 1) * width), i * width));
  return {
    matrix: { featureNames: set.matrix.featureNames, rows: rows.length, values },
    target: Float64Array.from(rows, (row) => set.target[row]),
    groups: rows.map((row) => set.groups[row]),
  };
}

/**
 * Each row's bounds from quantile models that neither trained nor early-stopped on its asset: the assets dealt into
 * CALIBRATION_FOLDS folds, each fold predicted by models trained on the other folds but one, which stops them. The
 * final models' own held-out assets are a fifth of the assets, so their quantile is a noisy one, and they chose the
 * models' rounds, so they flatter them. Undefined with under 3 assets, too few to deal.
 */
function outOfFoldBounds(set: TrainingSet, quantiles: IntervalQuantiles, o: BoostingOptions): { lower: Float64Array; upper: Float64Array } | undefined {
  const assets = [...new Set(set.groups)].sort();
  const folds = Math.min(CALIBRATION_FOLDS, assets.length);
  if (folds < 3) return undefined;
  const random = new Random(o.seed + CALIBRATION_STREAM);
  for (let i = assets.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [assets[i], assets[j]] = [assets[j], assets[i]];
  }
  const foldOf = new Map(assets.map((asset, i) => [asset, i % folds]));
  const lower = new Float64Array(set.matrix.rows);
  const upper = new Float64Array(set.matrix.rows);
  for (let fold = 0; fold < folds; fold++) {
    const stopping = assets.filter((asset) => foldOf.get(asset) === (fold + 1) % folds);
    const outside: number[] = [];
    const inside: number[] = [];
    set.groups.forEach((group, row) => (foldOf.get(group) === fold ? inside : outside).push(row));
    const prepared = prepareSet(subset(set, outside), o, stopping);
    const held = subset(set, inside).matrix;
    const predictedLower = predictBoosted(boost(prepared, pinballLoss(quantiles.lower), o), held);
    const predictedUpper = predictBoosted(boost(prepared, pinballLoss(quantiles.upper), o), held);
    inside.forEach((row, i) => { lower[row] = predictedLower[i]; upper[row] = predictedUpper[i]; });
  }
  return { lower, upper };
}

/** Seeds the dealing of assets into calibration folds apart from the subsampling stream. */
const CALIBRATION_STREAM = 7919;

/**
 * The interval's bounds on a prepared set: one pinball-loss model per quantile (continuing from `starts`, models
 * trained before, when given), early-stopped on the held-out groups, then each shifted by the one-sided calibration
 * (each shift goes into its bound's base value) on every asset's out-of-fold bounds, or with under 3 assets on the
 * held-out groups' rows.
 */
export function trainInterval(prepared: PreparedSet, quantiles: IntervalQuantiles, o: BoostingOptions, onProgress?: (progress: TrainingProgress) => void,
  starts: { lower?: TreeEnsemble; upper?: TreeEnsemble } = {}): Required<Pick<RulModel, 'lower' | 'upper' | 'interval'>> {
  checkQuantiles(quantiles);
  const { set, validRows } = prepared;
  const lower = boost(prepared, pinballLoss(quantiles.lower), o, progressOf('lower', o.rounds, onProgress), starts.lower);
  const upper = boost(prepared, pinballLoss(quantiles.upper), o, progressOf('upper', o.rounds, onProgress), starts.upper);
  const outOfFold = outOfFoldBounds(set, quantiles, o);
  const calibration = outOfFold
    ? calibrateInterval(set.target, outOfFold.lower, outOfFold.upper, Uint32Array.from({ length: set.matrix.rows }, (_, row) => row), quantiles, set.groups)
    : calibrateInterval(set.target, predictBoosted(lower, set.matrix), predictBoosted(upper, set.matrix), validRows, quantiles, set.groups);
  return {
    lower: { ...lower, baseScore: lower.baseScore - calibration.lowerShift },
    upper: { ...upper, baseScore: upper.baseScore + calibration.upperShift },
    interval: {
      quantiles: [quantiles.lower, quantiles.upper],
      coverage: calibration.coverage,
      coverageBeforeCalibration: calibration.coverageBeforeCalibration,
      belowLower: calibration.belowLower,
      aboveUpper: calibration.aboveUpper,
      meanWidth: calibration.meanWidth,
      calibratedOn: outOfFold ? 'out-of-fold' : 'held-out',
      heldOutGroups: calibration.assets,
      heldOutRows: calibration.rows,
      lowerShift: calibration.lowerShift,
      upperShift: calibration.upperShift,
      trees: [lower.trees.length, upper.trees.length],
    },
  };
}

function checkQuantiles(q: IntervalQuantiles): void {
  if (!(q.lower > 0 && q.lower < q.upper && q.upper < 1)) throw new Error(`interval quantiles ${q.lower} and ${q.upper}: need 0 < lower < upper < 1 (e.g. 0.1 and 0.9)`);
}

function progressOf(model: RulOutput, maxRounds: number, onProgress: ((progress: TrainingProgress) => void) | undefined): ((round: LossRound) => void) | undefined {
  return onProgress && ((r) => onProgress({
    model, round: r.round, maxRounds, metric: model === 'point' ? 'rmse' : 'pinball', trainLoss: r.trainLoss, validationLoss: r.validationLoss,
  }));
}

/** The model's outputs in ONNX column order: the estimate, then the bounds when it has them. */
export function rulOutputs(model: RulModel): TreeEnsemble[] {
  return model.lower && model.upper ? [model.point, model.lower, model.upper] : [model.point];
}

/** The TypeScript evaluation of every output, as onnxruntime computes them from the exported model. */
export function predictRulModel(model: RulModel, matrix: FeatureMatrix): RulPredictions {
  const rul = predictBoosted(model.point, matrix);
  if (!model.lower || !model.upper) return { rul };
  return { rul, lower: predictBoosted(model.lower, matrix), upper: predictBoosted(model.upper, matrix) };
}
