/**
 * A multivariate baseline of healthy feature vectors, robust to the odd outlier in the learning period and usable
 * with few rows:
 * - location and scale per feature are the median and the MAD (×1.4826, the normal-consistent factor), so a burst in
 *   the learning period neither moves the centre nor inflates the spread much;
 * - the correlation is computed from the rows whose every robust z is within `trimZ` (a trimmed estimate) and shrunk
 *   toward the identity with the Schäfer–Strimmer (2005) analytic intensity, so it stays invertible when features
 *   outnumber rows or move together;
 * - the anomaly is the Mahalanobis distance of the robust z vector, d² = zᵀ R⁻¹ z, split exactly into per-feature
 *   contributions cᵢ = zᵢ (R⁻¹ z)ᵢ (Σ cᵢ = d²).
 */
import { choleskyFactor, choleskySolve } from './cholesky';

const MAD_TO_SIGMA = 1.4826;

export interface BaselineState {
  features: string[];
  center: number[];
  scale: number[];
  /** Lower-triangular Cholesky factor of the shrunk correlation, row-major. */
  factor: number[];
  shrinkage: number;
  rows: number;
}

export interface BaselineOptions {
  /** Rows whose robust |z| exceeds this on any feature are left out of the correlation. */
  trimZ: number;
  /** Smallest scale per feature, as a share of |median| (a resolution floor for constant features). */
  relativeScaleFloor: number;
}

export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = { trimZ: 4, relativeScaleFloor: 1e-3 };

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function robustScale(values: readonly number[], center: number, floor: number): number {
  const mad = median(values.map((v) => Math.abs(v - center))) * MAD_TO_SIGMA;
  if (mad > floor) return mad;
  // Half the values identical: fall back to the standard deviation before the floor.
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - center) ** 2, 0) / Math.max(1, values.length - 1));
  return Math.max(sd, floor);
}

/** Schäfer–Strimmer shrinkage of a correlation toward the identity, from standardised rows. */
function shrunkCorrelation(rows: readonly number[][], p: number): { matrix: number[]; shrinkage: number } {
  const n = rows.length;
  const matrix = new Array<number>(p * p).fill(0);
  for (let i = 0; i < p; i++) matrix[i * p + i] = 1;
  if (n < 3) return { matrix, shrinkage: 1 };
  const mean = new Array<number>(p).fill(0);
  for (const row of rows) for (let i = 0; i < p; i++) mean[i] += row[i] / n;
  const sd = mean.map((m, i) => Math.sqrt(rows.reduce((s, row) => s + (row[i] - m) ** 2, 0) / (n - 1)) || 1);
  const standard = rows.map((row) => row.map((v, i) => (v - mean[i]) / sd[i]));
  let sumVariance = 0;
  let sumSquares = 0;
  const correlation = new Array<number>(p * p).fill(0);
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      let w = 0;
      const products = standard.map((row) => row[i] * row[j]);
      for (const product of products) w += product;
      const r = w / (n - 1);
      const varianceOfR = (n / (n - 1) ** 3) * products.reduce((s, product) => s + (product - w / n) ** 2, 0);
      correlation[i * p + j] = r;
      sumVariance += varianceOfR;
      sumSquares += r * r;
    }
  }
  const shrinkage = sumSquares > 0 ? Math.min(1, Math.max(0, sumVariance / sumSquares)) : 1;
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const value = (1 - shrinkage) * correlation[i * p + j];
      matrix[i * p + j] = value;
      matrix[j * p + i] = value;
    }
  }
  return { matrix, shrinkage };
}

export function fitBaseline(features: readonly string[], rows: readonly number[][], options: BaselineOptions = DEFAULT_BASELINE_OPTIONS): BaselineState {
  if (rows.length < 2) throw new Error(`a baseline needs at least 2 rows, got ${rows.length}`);
  const p = features.length;
  const center = features.map((_, i) => median(rows.map((row) => row[i])));
  const scale = center.map((c, i) => robustScale(rows.map((row) => row[i]), c, Math.max(Math.abs(c) * options.relativeScaleFloor, 1e-12)));
  const z = rows.map((row) => row.map((v, i) => (v - center[i]) / scale[i]));
  const kept = z.filter((row) => row.every((v) => Math.abs(v) <= options.trimZ));
  const { matrix, shrinkage } = shrunkCorrelation(kept.length >= 3 ? kept : z, p);
  return { features: [...features], center, scale, factor: choleskyFactor(matrix, p), shrinkage, rows: rows.length };
}

export interface AnomalyScore {
  /** Mahalanobis distance d of the robust z vector. */
  distance: number;
  /** Per feature, its share cᵢ / d² of the squared distance (may be negative for a feature that offsets another). */
  contributions: number[];
  /** Robust z per feature: how many baseline σ it sits from the median, signed. */
  z: number[];
}

/** Scores one vector; features listed in `ignored` (their sensor is faulty) count as at their median. */
export function scoreAgainst(baseline: BaselineState, values: ArrayLike<number>, ignored?: ReadonlySet<number>, scratch?: Float64Array): AnomalyScore {
  const p = baseline.features.length;
  const z = new Array<number>(p);
  for (let i = 0; i < p; i++) z[i] = ignored?.has(i) ? 0 : (values[i] - baseline.center[i]) / baseline.scale[i];
  const solved = choleskySolve(baseline.factor, p, z, scratch);
  let d2 = 0;
  const contributions = new Array<number>(p);
  for (let i = 0; i < p; i++) {
    contributions[i] = z[i] * solved[i];
    d2 += contributions[i];
  }
  for (let i = 0; i < p; i++) contributions[i] = d2 > 0 ? contributions[i] / d2 : 0;
  return { distance: Math.sqrt(Math.max(0, d2)), contributions, z };
}

/** Bare squared Mahalanobis distance, no allocation: the engine the bench compares the full scoring with. */
export function squaredDistance(baseline: BaselineState, values: ArrayLike<number>, z: Float64Array, solved: Float64Array): number {
  const p = baseline.features.length;
  for (let i = 0; i < p; i++) z[i] = (values[i] - baseline.center[i]) / baseline.scale[i];
  choleskySolve(baseline.factor, p, z, solved);
  let d2 = 0;
  for (let i = 0; i < p; i++) d2 += z[i] * solved[i];
  return d2;
}

/**
 * Upper quantile of χ² with `dof` degrees of freedom (Wilson–Hilferty: (χ²/k)^(1/3) is near normal), accurate to a
 * few per cent from k = 1 up; the alert limit for d² of a healthy vector.
 */
export function chiSquareQuantile(dof: number, zQuantile: number): number {
  const a = 2 / (9 * dof);
  return dof * (1 - a + zQuantile * Math.sqrt(a)) ** 3;
}
