import { expandGrid } from './grid';
import { validateChanges, type ParameterChanges } from './parameter-changes';
import { OBJECTIVES, type Objective } from './settings';

/**
 * A what-if request as a message carries it: `{asset?, changes: {...} | [{...}, ...], grid?: {...}, objective?}`.
 * `changes` and `grid` may be combined (the listed scenarios come first).
 */
export interface ScenarioRequest {
  asset?: string;
  changes: ParameterChanges[];
  grid: boolean;
  objective: Objective;
}

export function parseScenarioRequest(payload: unknown, coolingNames: readonly string[], defaultObjective: Objective): ScenarioRequest {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new Error('a scenario request needs msg.payload = {changes: {speedPercent: 15}} or {grid: {cooling: "all", speedPercent: [0, 5, 10, 15, 20]}}');
  }
  const record = payload as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !['asset', 'changes', 'grid', 'objective'].includes(k));
  if (unknown.length > 0) throw new Error(`unknown request field ${unknown.map((k) => `"${k}"`).join(', ')}: use asset, changes, grid, objective`);
  if (record.asset !== undefined && typeof record.asset !== 'string') throw new Error('request asset must be an asset id (string)');
  const objective = record.objective === undefined ? defaultObjective : record.objective;
  if (!OBJECTIVES.includes(objective as Objective)) throw new Error(`objective "${String(objective)}" is unknown: use ${OBJECTIVES.join(', ')}`);
  const listed = record.changes === undefined ? [] : Array.isArray(record.changes)
    ? record.changes.map((c, i) => validateChanges(c, coolingNames, `changes[${i}]`))
    : [validateChanges(record.changes, coolingNames)];
  const grid = record.grid === undefined ? [] : expandGrid(record.grid, coolingNames);
  const changes = [...listed, ...grid];
  if (changes.length === 0) throw new Error('the request has no scenario: give changes (e.g. {speedPercent: 15}) or a grid');
  return { asset: record.asset as string | undefined, changes, grid: record.grid !== undefined, objective: objective as Objective };
}
