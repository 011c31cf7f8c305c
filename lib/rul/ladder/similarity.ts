/**
 * Similarity RUL: the current health-index trajectory since onset is matched against past run-to-failure
 * trajectories (each from its own onset to its failure). For each past history the best time shift is found; the
 * residual life that history had at the matched point is a candidate, weighted by exp(−d / d_best) with d the mean
 * squared HI difference. The estimate is the weighted median of the candidates, the interval their weighted 10 % and
 * 90 % quantiles.
 */
import type { RulInterval } from './degradation';

export interface TrajectoryPoint {
  /** Hours since this history's onset. */
  hours: number;
  health: number;
}

export interface RunToFailure {
  id: string;
  points: TrajectoryPoint[];
  /** Hours from onset to failure. */
  failureHours: number;
}

export interface SimilarityOptions {
  minHistories: number;
  /** Most recent current points compared. */
  window: number;
}

export const DEFAULT_SIMILARITY_OPTIONS: SimilarityOptions = { minHistories: 3, window: 60 };

function interpolate(points: readonly TrajectoryPoint[], hours: number): number | undefined {
  if (points.length === 0 || hours < points[0].hours || hours > points[points.length - 1].hours) return undefined;
  let i = 1;
  while (i < points.length && points[i].hours < hours) i++;
  if (i >= points.length) return points[points.length - 1].health;
  const a = points[i - 1];
  const b = points[i];
  return b.hours === a.hours ? b.health : a.health + ((b.health - a.health) * (hours - a.hours)) / (b.hours - a.hours);
}

function weightedQuantile(values: readonly { value: number; weight: number }[], q: number): number {
  const sorted = [...values].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((s, v) => s + v.weight, 0);
  let cumulative = 0;
  for (const v of sorted) {
    cumulative += v.weight;
    if (cumulative >= q * total) return v.value;
  }
  return sorted[sorted.length - 1].value;
}

export function similarityRul(current: readonly TrajectoryPoint[], library: readonly RunToFailure[], options: SimilarityOptions = DEFAULT_SIMILARITY_OPTIONS): RulInterval | undefined {
  if (library.length < options.minHistories || current.length === 0) return undefined;
  const recent = current.slice(-options.window);
  const now = current[current.length - 1].hours;
  const candidates: { value: number; distance: number }[] = [];
  for (const history of library) {
    let best: { value: number; distance: number } | undefined;
    const step = Math.max(history.failureHours / 200, 1e-6);
    for (let shift = -now; shift <= history.failureHours - now; shift += step) {
      let sum = 0;
      let n = 0;
      for (const point of recent) {
        const past = interpolate(history.points, point.hours + shift);
        if (past === undefined) continue;
        sum += (past - point.health) ** 2;
        n++;
      }
      if (n < Math.min(3, recent.length)) continue;
      const distance = sum / n;
      if (!best || distance < best.distance) best = { value: history.failureHours - (now + shift), distance };
    }
    if (best) candidates.push(best);
  }
  if (candidates.length < options.minHistories) return undefined;
  const closest = Math.max(1e-9, Math.min(...candidates.map((c) => c.distance)));
  const weighted = candidates.map((c) => ({ value: Math.max(0, c.value), weight: Math.exp(-c.distance / closest) }));
  return { rulHours: weightedQuantile(weighted, 0.5), lowerHours: weightedQuantile(weighted, 0.1), upperHours: weightedQuantile(weighted, 0.9) };
}
