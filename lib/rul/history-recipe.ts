import { WindowStats } from '../features/window-stats';
import type { AssetHistory } from './history-table';

/**
 * The default feature recipe for run histories, built on the pack's own windowed statistics (the same code
 * twin-features runs live): per sensor the last value, the rolling mean and the least-squares slope over the last
 * `window` time units, plus the time run so far (operating hours or cycles). Stored in the model's metadata, so
 * prediction computes exactly the features the model was trained on.
 */
export interface HistoryRecipe {
  window: number;
  sensors: string[];
}

export const RECIPE_KEY = 'recipe';
export const DEFAULT_RECIPE_WINDOW = 30;
export const TIME_FEATURE = 'time';

/** One time unit of a history (a cycle, an hour) as a day of window time, so slopes come out per time unit. */
const UNIT_MS = 86_400_000;

/** The recipe's feature names, in model column order. */
export function recipeFeatureNames(recipe: HistoryRecipe): string[] {
  return [TIME_FEATURE, ...recipe.sensors.flatMap((s) => [`${s}.last`, `${s}.mean.${recipe.window}`, `${s}.slope.${recipe.window}`])];
}

/** Sensors that vary somewhere in the data; a constant column (a fixed setting, a dead channel) carries nothing. */
export function varyingSensors(histories: readonly AssetHistory[]): string[] {
  const names = Object.keys(histories[0]?.sensors ?? {});
  return names.filter((sensor) => {
    let min = Infinity;
    let max = -Infinity;
    for (const history of histories) {
      for (const value of history.sensors[sensor] ?? []) {
        if (value < min) min = value;
        if (value > max) max = value;
      }
    }
    return max - min > 1e-9 * Math.max(1, Math.abs(max));
  });
}

/**
 * Feature records of a history, one per time step; a step whose slope the window cannot give yet (the first
 * step) holds NaN there, and callers skip it.
 */
export function historyFeatures(history: AssetHistory, recipe: HistoryRecipe): Array<Record<string, number>> {
  const missing = recipe.sensors.filter((s) => !history.sensors[s]);
  if (missing.length > 0) throw new Error(`asset ${history.asset} has no column ${missing.join(', ')} that the recipe needs`);
  const windows = recipe.sensors.map(() => new WindowStats(recipe.window * UNIT_MS, Math.max(2, Math.round(recipe.window))));
  return history.time.map((time, step) => {
    const record: Record<string, number> = { [TIME_FEATURE]: time - history.time[0] };
    recipe.sensors.forEach((sensor, i) => {
      const value = history.sensors[sensor][step];
      windows[i].add(time * UNIT_MS, value);
      const summary = windows[i].summary();
      record[`${sensor}.last`] = value;
      record[`${sensor}.mean.${recipe.window}`] = summary?.mean ?? NaN;
      record[`${sensor}.slope.${recipe.window}`] = summary?.slopePerDay ?? NaN;
    });
    return record;
  });
}

export function isComplete(record: Readonly<Record<string, number>>, names: readonly string[]): boolean {
  return names.every((name) => Number.isFinite(record[name]));
}
