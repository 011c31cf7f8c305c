/**
 * Ordinary least squares by Householder QR. The identification problems are small (up to five columns) but some
 * columns are nearly collinear (an intercept beside speed^e over a narrow speed range), where the normal equations
 * lose half the digits; QR keeps them and tells a rank-deficient design apart from a poor fit.
 */
export interface LeastSquaresFit {
  coefficients: number[];
  /** Residual sum of squares. */
  rss: number;
  /** Standard error of each coefficient (sigma^2 (X'X)^-1, sigma^2 = rss / (n - p)). */
  standardErrors: number[];
  rows: number;
}

export class CollinearError extends Error {}

/** Columns of the design (each of length n) and the response; throws CollinearError when a column adds nothing. */
export function leastSquares(columns: readonly Float64Array[], response: Float64Array): LeastSquaresFit {
  const n = response.length;
  const p = columns.length;
  if (n <= p) throw new CollinearError(`${n} rows cannot fit ${p} coefficients`);
  const q = columns.map((c) => Float64Array.from(c));
  const y = Float64Array.from(response);
  const r = Array.from({ length: p }, () => new Float64Array(p));
  const v = new Float64Array(n);
  for (let k = 0; k < p; k++) {
    const column = q[k];
    let original = 0;
    for (let i = 0; i < n; i++) original += columns[k][i] * columns[k][i];
    let norm = 0;
    for (let i = k; i < n; i++) norm += column[i] * column[i];
    norm = Math.sqrt(norm);
    if (original === 0 || !(norm > 1e-10 * Math.sqrt(original))) throw new CollinearError(`column ${k} is a combination of the others`);
    const alpha = column[k] > 0 ? -norm : norm;
    v[k] = column[k] - alpha;
    let vv = v[k] * v[k];
    for (let i = k + 1; i < n; i++) {
      v[i] = column[i];
      vv += v[i] * v[i];
    }
    for (let j = k; j <= p; j++) {
      const target = j < p ? q[j] : y;
      let dot = 0;
      for (let i = k; i < n; i++) dot += v[i] * target[i];
      const f = (2 * dot) / vv;
      for (let i = k; i < n; i++) target[i] -= f * v[i];
    }
    for (let j = k; j < p; j++) r[k][j] = q[j][k];
  }
  const coefficients = backSubstitute(r, Array.from(y.subarray(0, p)));
  let rss = 0;
  for (let i = p; i < n; i++) rss += y[i] * y[i];
  const sigma2 = rss / (n - p);
  const rInverse = invertUpper(r);
  const standardErrors = rInverse.map((row) => Math.sqrt(sigma2 * row.reduce((sum, x) => sum + x * x, 0)));
  return { coefficients, rss, standardErrors, rows: n };
}

function backSubstitute(r: Float64Array[], b: number[]): number[] {
  const p = b.length;
  const x = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let sum = b[i];
    for (let j = i + 1; j < p; j++) sum -= r[i][j] * x[j];
    x[i] = sum / r[i][i];
  }
  return x;
}

/** R^-1 for upper-triangular R; row i of the result, squared and summed, is (X'X)^-1 at (i, i). */
function invertUpper(r: Float64Array[]): number[][] {
  const p = r.length;
  const inverse = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    inverse[j][j] = 1 / r[j][j];
    for (let i = j - 1; i >= 0; i--) {
      let sum = 0;
      for (let k = i + 1; k <= j; k++) sum += r[i][k] * inverse[k][j];
      inverse[i][j] = -sum / r[i][i];
    }
  }
  return inverse;
}

/** Coefficient of determination of predictions against observations. */
export function rSquared(observed: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = observed.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += observed[i];
  mean /= n;
  let total = 0;
  let residual = 0;
  for (let i = 0; i < n; i++) {
    total += (observed[i] - mean) ** 2;
    residual += (observed[i] - predicted[i]) ** 2;
  }
  return total > 0 ? 1 - residual / total : 0;
}

export function rootMeanSquare(observed: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < observed.length; i++) sum += (observed[i] - predicted[i]) ** 2;
  return Math.sqrt(sum / Math.max(1, observed.length));
}
