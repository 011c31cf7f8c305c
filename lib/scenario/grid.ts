import { CHANGE_KEYS, validateChanges, type ParameterChanges } from './parameter-changes';

export const MAX_GRID_SCENARIOS = 100_000;

/** A grid: for each parameter a list of values (cooling may also be "all"); the scenarios are every combination. */
export function expandGrid(input: unknown, coolingNames: readonly string[]): ParameterChanges[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error(`grid must be an object of value lists, e.g. {cooling: "all", speedPercent: [0, 5, 10, 15, 20]}; allowed keys: ${CHANGE_KEYS.join(', ')}`);
  }
  const axes: Array<[string, unknown[]]> = [];
  for (const [key, values] of Object.entries(input as Record<string, unknown>)) {
    if (key === 'cooling' && values === 'all') {
      axes.push([key, [...coolingNames]]);
      continue;
    }
    if (!Array.isArray(values) || values.length === 0) throw new Error(`grid.${key} must be a non-empty list of values${key === 'cooling' ? ' or "all"' : ''}`);
    axes.push([key, values]);
  }
  if (axes.length === 0) throw new Error('grid has no parameters: give at least one list, e.g. {speedPercent: [0, 10, 20]}');
  const count = axes.reduce((n, [, values]) => n * values.length, 1);
  if (count > MAX_GRID_SCENARIOS) throw new Error(`grid has ${count} combinations, more than ${MAX_GRID_SCENARIOS}: use fewer values`);
  const scenarios: ParameterChanges[] = [];
  const index = new Array<number>(axes.length).fill(0);
  for (let n = 0; n < count; n++) {
    const raw: Record<string, unknown> = {};
    axes.forEach(([key, values], axis) => { raw[key] = values[index[axis]]; });
    scenarios.push(validateChanges(raw, coolingNames, `grid combination ${n + 1}`));
    for (let axis = axes.length - 1; axis >= 0; axis--) {
      index[axis] += 1;
      if (index[axis] < axes[axis][1].length) break;
      index[axis] = 0;
    }
  }
  return scenarios;
}
