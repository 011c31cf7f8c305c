/**
 * What gradient boosting minimises. Every tree's structure is grown by least squares on the loss's pseudo-residuals
 * (its negative gradient); a loss whose best constant is not their mean re-estimates each leaf from the rows it holds
 * (Friedman's gradient boosting: for the pinball loss, a quantile of the residuals).
 */
export interface BoostingLoss {
  /** How the validation figure reads in progress lines: 'rmse' or 'pinball'. */
  readonly metric: 'rmse' | 'pinball';
  /** The best constant prediction for these rows: where boosting starts. */
  initialScore(target: ArrayLike<number>, rows: ArrayLike<number>): number;
  /** Minus the loss's derivative at the prediction: what the next tree is grown to fit. */
  pseudoResidual(target: number, prediction: number): number;
  /**
   * The leaf value (before shrinkage) that minimises the loss over the leaf's rows, given the current predictions;
   * absent for least squares, whose leaf is the penalised mean of the pseudo-residuals the tree already has.
   */
  leafValue?(rows: Uint32Array, target: ArrayLike<number>, prediction: Float64Array): number;
  /** The loss over the rows: RMSE for least squares, the mean pinball loss for a quantile. */
  evaluate(target: ArrayLike<number>, prediction: ArrayLike<number>, rows: ArrayLike<number>): number;
}

export const SQUARED_ERROR: BoostingLoss = {
  metric: 'rmse',
  initialScore(target, rows) {
    let sum = 0;
    for (let i = 0; i < rows.length; i++) sum += target[rows[i]];
    return sum / rows.length;
  },
  pseudoResidual: (target, prediction) => target - prediction,
  evaluate(target, prediction, rows) {
    if (rows.length === 0) return NaN;
    let sum = 0;
    for (let i = 0; i < rows.length; i++) sum += (prediction[rows[i]] - target[rows[i]]) ** 2;
    return Math.sqrt(sum / rows.length);
  },
};

/**
 * The pinball (check) loss of quantile q: q·(y − f) above the prediction, (1 − q)·(f − y) below, minimised by the
 * q-quantile of y. Its pseudo-residual is q or q − 1, a sign that says nothing of how far off a row is, so each leaf
 * takes the q-quantile of its rows' residuals instead of the trees' mean step.
 */
export function pinballLoss(quantile: number): BoostingLoss {
  if (!(quantile > 0 && quantile < 1)) throw new Error(`a quantile must lie strictly between 0 and 1, not ${quantile}`);
  return {
    metric: 'pinball',
    initialScore: (target, rows) => quantileOf(Float64Array.from({ length: rows.length }, (_, i) => target[rows[i]]), quantile),
    // A row exactly at the prediction counts as above it: capped targets put many rows on one value, and when the
    // start (their quantile) is that value, a strict comparison would give every row the same pseudo-residual and
    // no tree could ever split.
    pseudoResidual: (target, prediction) => (target >= prediction ? quantile : quantile - 1),
    leafValue: (rows, target, prediction) => quantileOf(Float64Array.from(rows, (row) => target[row] - prediction[row]), quantile),
    evaluate(target, prediction, rows) {
      if (rows.length === 0) return NaN;
      let sum = 0;
      for (let i = 0; i < rows.length; i++) sum += pinball(target[rows[i]] - prediction[rows[i]], quantile);
      return sum / rows.length;
    },
  };
}

export function pinball(residual: number, quantile: number): number {
  return residual >= 0 ? quantile * residual : (quantile - 1) * residual;
}

/**
 * The q-quantile as the ⌈q·n⌉-th smallest value: a minimiser of the pinball loss over the values (any point between
 * it and the next order statistic is another when q·n is whole). Sorts `values` in place.
 */
export function quantileOf(values: Float64Array, quantile: number): number {
  if (values.length === 0) throw new Error('the quantile of no values is undefined');
  values.sort();
  return values[Math.min(values.length - 1, Math.max(0, Math.ceil(quantile * values.length) - 1))];
}
