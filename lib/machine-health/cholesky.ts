/** Cholesky factor L (row-major, lower) of a symmetric positive-definite p×p matrix, with a jitter if it is not. */
export function choleskyFactor(matrix: readonly number[], p: number): number[] {
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-9 : jitter * 10) {
    const factor = tryFactor(matrix, p, jitter);
    if (factor) return factor;
    if (jitter > 1) throw new Error('correlation matrix is not positive definite');
  }
}

function tryFactor(a: readonly number[], p: number, jitter: number): number[] | undefined {
  const l = new Array<number>(p * p).fill(0);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * p + j] + (i === j ? jitter : 0);
      for (let k = 0; k < j; k++) sum -= l[i * p + k] * l[j * p + k];
      if (i === j) {
        if (!(sum > 0)) return undefined;
        l[i * p + i] = Math.sqrt(sum);
      } else {
        l[i * p + j] = sum / l[j * p + j];
      }
    }
  }
  return l;
}

/** Solves (L Lᵀ) x = b; writes x into `out` when given. */
export function choleskySolve(l: readonly number[], p: number, b: ArrayLike<number>, out?: Float64Array): Float64Array {
  const x = out ?? new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i * p + k] * x[k];
    x[i] = sum / l[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let sum = x[i];
    for (let k = i + 1; k < p; k++) sum -= l[k * p + i] * x[k];
    x[i] = sum / l[i * p + i];
  }
  return x;
}
