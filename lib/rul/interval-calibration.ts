/**
 * Conformalised quantile regression (Romano, Patterson and Candès, 2019): quantile models fitted on some assets
 * under- or over-cover on others, because boosting fits its own rows more closely than unseen ones. On held-out
 * rows each row's conformity score is how far the truth lies outside its interval, max(lower − y, y − upper)
 * (negative inside); widening both bounds by the (1 − α) quantile of those scores covers a share 1 − α of the
 * held-out rows, and so of rows from assets like them. A negative shift narrows an interval that was too wide.
 */
export interface IntervalCalibration {
  /** Taken from every lower bound and added to every upper bound. */
  shift: number;
  /** Share of held-out rows inside the quantile models' own interval. */
  coverageBeforeCalibration: number;
  /** Share inside the shifted interval. */
  coverage: number;
  /** Mean of upper − lower over the held-out rows, after the shift. */
  meanWidth: number;
  rows: number;
}

export function calibrateInterval(target: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, rows: ArrayLike<number>, coverage: number): IntervalCalibration {
  if (!(coverage > 0 && coverage < 1)) throw new Error(`the interval's coverage must lie strictly between 0 and 1, not ${coverage}`);
  const n = rows.length;
  if (n === 0) throw new Error('no held-out rows to calibrate the interval on');
  const scores = new Float64Array(n);
  let width = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    scores[i] = Math.max(lower[row] - target[row], target[row] - upper[row]);
    width += upper[row] - lower[row];
  }
  const inside = (limit: number) => scores.reduce((count, score) => count + (score <= limit ? 1 : 0), 0) / n;
  const before = inside(0);
  scores.sort();
  // The ⌈(1 − α)(n + 1)⌉-th smallest score: the finite-sample correction that makes the coverage hold for a new
  // row exchangeable with the held-out ones (the largest score when n is too small for it).
  const rank = Math.min(n, Math.ceil(coverage * (n + 1)));
  const shift = scores[rank - 1];
  return { shift, coverageBeforeCalibration: before, coverage: inside(shift), meanWidth: width / n + 2 * shift, rows: n };
}
