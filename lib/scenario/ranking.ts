import type { Objective } from './settings';
import type { ScenarioResult } from './scenario-result';

/**
 * Ranking and Pareto front over the feasible scenarios only: a scenario that crosses (or cannot be checked against)
 * a limit is never proposed, however good its figures.
 */
export interface RankEntry {
  id: string;
  label: string;
  value: number;
  unit: string;
}

export interface ParetoFront {
  /** The objectives the front is over, e.g. ["throughput ↑", "life ↑ (RUL)", "energy per part ↓"]. */
  objectives: string[];
  ids: string[];
}

function objectiveValue(result: ScenarioResult, objective: Objective): { value: number | null; unit: string } {
  switch (objective) {
    case 'roi': return { value: result.roi.perYear.value, unit: result.roi.perYear.unit };
    case 'throughput': return { value: result.throughput.partsPerHour.value, unit: result.throughput.partsPerHour.unit };
    case 'life': return lifeOf(result);
    case 'energy': return { value: result.energy.perPart.value, unit: result.energy.perPart.unit };
    case 'rul': return { value: result.rul.hours.value, unit: result.rul.hours.unit };
  }
}

function lifeOf(result: ScenarioResult): { value: number | null; unit: string } {
  const ratio = result.bearing.adjustedLifeRatio.value ?? result.bearing.basicLifeRatio.value;
  return { value: ratio, unit: '× today\'s bearing life' };
}

/** Feasible scenarios with a value for the objective, best first (lowest energy per part, highest otherwise). */
export function rank(results: readonly ScenarioResult[], objective: Objective): RankEntry[] {
  const sign = objective === 'energy' ? 1 : -1;
  return results
    .filter((r) => r.feasible)
    .map((r) => ({ r, o: objectiveValue(r, objective) }))
    .filter((x): x is { r: ScenarioResult; o: { value: number; unit: string } } => x.o.value !== null)
    .sort((a, b) => sign * (a.o.value - b.o.value))
    .map(({ r, o }) => ({ id: r.id, label: r.label, value: o.value, unit: o.unit }));
}

interface Point {
  id: string;
  /** Objectives, all to be maximised. */
  values: number[];
}

/**
 * Non-dominated feasible scenarios for throughput (max), life (max: RUL when every feasible scenario has one, else
 * the bearing life ratio) and energy per part (min, when available). Sorted by the first objective, each point is
 * compared only with the front found so far, so a large grid costs about n × front size comparisons.
 */
export function paretoFront(results: readonly ScenarioResult[]): ParetoFront {
  const feasible = results.filter((r) => r.feasible);
  const useRul = feasible.length > 0 && feasible.every((r) => r.rul.hours.value !== null);
  const useEnergy = feasible.length > 0 && feasible.every((r) => r.energy.perPart.value !== null);
  const useThroughput = feasible.length > 0 && feasible.every((r) => r.throughput.partsPerHour.value !== null);
  const objectives = [
    ...(useThroughput ? ['throughput ↑'] : []),
    useRul ? 'life ↑ (RUL)' : 'life ↑ (bearing life ratio)',
    ...(useEnergy ? ['energy per part ↓'] : []),
  ];
  const points: Point[] = feasible.map((r) => ({
    id: r.id,
    values: [
      ...(useThroughput ? [r.throughput.partsPerHour.value as number] : []),
      useRul ? r.rul.hours.value as number : lifeOf(r).value as number,
      ...(useEnergy ? [-(r.energy.perPart.value as number)] : []),
    ],
  }));
  points.sort((a, b) => {
    for (let i = 0; i < a.values.length; i++) if (a.values[i] !== b.values[i]) return b.values[i] - a.values[i];
    return 0;
  });
  const front: Point[] = [];
  for (const point of points) {
    if (!front.some((f) => dominates(f, point))) front.push(point);
  }
  return { objectives, ids: front.map((p) => p.id) };
}

/** a is at least as good in every objective and better in one. */
export function dominates(a: { values: readonly number[] }, b: { values: readonly number[] }): boolean {
  let better = false;
  for (let i = 0; i < a.values.length; i++) {
    if (a.values[i] < b.values[i]) return false;
    if (a.values[i] > b.values[i]) better = true;
  }
  return better;
}
