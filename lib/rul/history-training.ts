import { matrixFromRecords } from './feature-matrix';
import type { BoostingOptions, TrainingSet } from './gradient-boosting';
import { historyFeatures, isComplete, recipeFeatureNames, type HistoryRecipe } from './history-recipe';
import type { AssetHistory } from './history-table';
import { rulModelToOnnx } from './onnx-export';
import { trainRulModel, type IntervalQuantiles, type RulModel, type TrainingProgress } from './rul-training';

/**
 * Run-to-failure histories → training set → model. Each history ends at its failure, so the remaining life at a
 * step is the time left to the last step, capped: far from failure nothing in the data tells 300 h from 500 h,
 * and the customary piecewise-linear target (cap 125 for C-MAPSS cycles) keeps the model from chasing that noise.
 */
export interface FitOptions {
  recipe: HistoryRecipe;
  rulCap: number;
  boosting: Partial<BoostingOptions>;
  /** The prediction interval's quantiles (0.1 and 0.9 when absent); false: the estimate alone. */
  interval?: IntervalQuantiles | false;
}

export interface HistorySet extends TrainingSet {
  /** Steps left out because the window could not give every feature yet. */
  skipped: number;
}

export function historyTrainingSet(histories: readonly AssetHistory[], recipe: HistoryRecipe, rulCap: number): HistorySet {
  const names = recipeFeatureNames(recipe);
  const records: Array<Record<string, number>> = [];
  const target: number[] = [];
  const groups: string[] = [];
  let skipped = 0;
  for (const history of histories) {
    const end = history.time[history.time.length - 1];
    historyFeatures(history, recipe).forEach((record, step) => {
      if (!isComplete(record, names)) { skipped++; return; }
      records.push(record);
      target.push(Math.min(rulCap, end - history.time[step]));
      groups.push(history.asset);
    });
  }
  return { matrix: matrixFromRecords(names, records), target, groups, skipped };
}

/** The feature record of each history's last step: what a prediction for a truncated run is made from. */
export function lastStepRecords(histories: readonly AssetHistory[], recipe: HistoryRecipe): Array<Record<string, number>> {
  return histories.map((history) => historyFeatures(history, recipe).at(-1) ?? {});
}

export interface FittedModel {
  model: RulModel;
  set: HistorySet;
  trainingMs: number;
}

export function fitHistories(histories: readonly AssetHistory[], options: FitOptions, onProgress?: (progress: TrainingProgress) => void): FittedModel {
  const started = Date.now();
  const set = historyTrainingSet(histories, options.recipe, options.rulCap);
  const model = trainRulModel(set, { boosting: options.boosting, interval: options.interval }, onProgress);
  return { model, set, trainingMs: Date.now() - started };
}

export function fittedToOnnx(fitted: FittedModel, options: FitOptions, source: string, producerVersion: string): Uint8Array {
  const { set } = fitted;
  return rulModelToOnnx(fitted.model, {
    recipe: JSON.stringify(options.recipe),
    rul_cap: String(options.rulCap),
    trained_at: new Date().toISOString(),
    training_source: source,
    training_rows: String(set.matrix.rows),
    training_groups: String(new Set(set.groups).size),
    boosting: JSON.stringify(options.boosting),
  }, producerVersion);
}
