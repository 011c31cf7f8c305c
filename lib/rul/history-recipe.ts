import { WindowStats } from '../features/window-stats';
import type { AssetHistory } from './history-table';
import { learnRegimes, normaliseHistory, type OperatingRegimes, type RegimeOptions } from './operating-regimes';

/**
 * The default feature recipe for run histories, built on the pack's own windowed statistics (the same code
 * twin-features runs live): per sensor the last value, the rolling mean and the least-squares slope over the last
 * `window` time units, plus the time run so far (operating hours or cycles). Stored in the model's metadata, so
 * prediction computes exactly the features the model was trained on. With operating regimes, each sensor is first
 * normalised within the regime of its step (lib/rul/operating-regimes.ts) by the statistics learned at training,
 * and the settings columns themselves are no features.
 */
export interface HistoryRecipe {
  window: number;
  sensors: string[];
  regimes?: OperatingRegimes;
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
export function historyFeatures(raw: AssetHistory, recipe: HistoryRecipe): Array<Record<string, number>> {
  const missing = [...recipe.sensors, ...recipe.regimes?.settings ?? []].filter((s) => !raw.sensors[s]);
  if (missing.length > 0) throw new Error(`asset ${raw.asset} has no column ${missing.join(', ')} that the recipe needs`);
  const history = recipe.regimes ? normaliseHistory(raw, recipe.regimes) : raw;
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

export interface RecipeOptions {
  window: number;
  /** Settings columns to find operating regimes in; none: sensors are taken as they are. */
  settings?: readonly string[];
  regimes?: RegimeOptions;
  /**
   * Steps at least this far from their history's end count as healthy for the regimes' statistics: the same cap
   * beyond which the training target calls a machine as good as new.
   */
  healthyBeyond: number;
}

/** The recipe for a set of run-to-failure histories: its varying sensors, normalised per regime when settings are named. */
export function buildRecipe(histories: readonly AssetHistory[], options: RecipeOptions): HistoryRecipe {
  const settings = options.settings ?? [];
  const sensors = varyingSensors(histories).filter((s) => !settings.includes(s));
  if (settings.length === 0) return { window: options.window, sensors };
  const healthy = (history: AssetHistory, step: number) => history.time[history.time.length - 1] - history.time[step] >= options.healthyBeyond;
  const regimes = learnRegimes(histories, settings, sensors, healthy, options.regimes);
  // A sensor that only follows the operating point (C-MAPSS FD002's s1, s5, s18, s19) is constant once normalised.
  const varying = varyingSensors(histories.map((h) => normaliseHistory(h, regimes))).filter((s) => sensors.includes(s));
  regimes.normal = regimes.normal.map((normal) => Object.fromEntries(varying.map((s) => [s, normal[s]])));
  return { window: options.window, sensors: varying, regimes };
}
