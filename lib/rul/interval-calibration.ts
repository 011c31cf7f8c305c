/**
 * Conformalised quantile regression (Romano, Patterson and Candès, 2019), one bound at a time: quantile models fitted
 * on some assets under- or over-cover on others, because boosting fits its own rows more closely than unseen ones.
 * On held-out assets each bound is moved by the quantile of its own misses, so that the truth falls below the lower
 * bound on a share `lower` (10 %) of cases and above the upper bound on a share 1 − `upper` (10 %). A symmetric
 * shift only fixes the total: on C-MAPSS it left 10-17 % of engines below the lower bound with the total on target,
 * and twin-urgency decides on the lower bound, so that tail is the one that must hold.
 *
 * A live asset is seen at any point of its life, not at every point of a long one: each held-out asset weighs the
 * same, its rows sharing that weight, which is the expectation of cutting every held-out asset at a uniformly random
 * point of its life, without the noise of drawing the cuts.
 */
export interface IntervalCalibration {
  /** Taken from every lower bound (negative: the bound moves up). */
  lowerShift: number;
  /** Added to every upper bound (negative: the bound moves down). */
  upperShift: number;
  /** Weighted share of held-out cases inside the quantile models' own interval. */
  coverageBeforeCalibration: number;
  /** Weighted shares after the shifts: inside, below the lower bound, above the upper bound. */
  coverage: number;
  belowLower: number;
  aboveUpper: number;
  /** Weighted mean of upper − lower, after the shifts. */
  meanWidth: number;
  rows: number;
  assets: number;
}

export interface CalibrationQuantiles {
  lower: number;
  upper: number;
}

/**
 * The smallest score s such that the weighted share of scores above s is at most `miss`, with the split-conformal
 * finite-sample correction (the level raised by a factor (n + 1) / n, the largest score when n is too small for it).
 */
function weightedQuantile(scores: Float64Array, weights: Float64Array, miss: number): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const total = weights.reduce((a, b) => a + b, 0);
  const level = Math.min(1, (1 - miss) * (n + 1) / n) * total;
  let cumulative = 0;
  for (const i of order) {
    cumulative += weights[i];
    if (cumulative >= level - 1e-12 * total) return scores[i];
  }
  return scores[order[n - 1]];
}

/**
 * `rows` index the held-out rows of target, lower and upper; `groups` (per row of those arrays) name their assets,
 * without them every row weighs the same.
 */
export function calibrateInterval(target: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, rows: ArrayLike<number>,
  quantiles: CalibrationQuantiles, groups?: ArrayLike<string>): IntervalCalibration {
  if (!(quantiles.lower > 0 && quantiles.lower < quantiles.upper && quantiles.upper < 1)) {
    throw new Error(`interval quantiles ${quantiles.lower} and ${quantiles.upper}: need 0 < lower < upper < 1`);
  }
  const n = rows.length;
  if (n === 0) throw new Error('no held-out rows to calibrate the interval on');
  const perAsset = new Map<string, number>();
  if (groups) for (let i = 0; i < n; i++) perAsset.set(groups[rows[i]], (perAsset.get(groups[rows[i]]) ?? 0) + 1);
  const weights = new Float64Array(n);
  // How far the truth lies below the lower bound and above the upper one (negative inside).
  const below = new Float64Array(n);
  const above = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    weights[i] = groups ? 1 / (perAsset.get(groups[row]) as number) : 1;
    below[i] = lower[row] - target[row];
    above[i] = target[row] - upper[row];
  }
  const lowerShift = weightedQuantile(below, weights, quantiles.lower);
  const upperShift = weightedQuantile(above, weights, 1 - quantiles.upper);
  const total = weights.reduce((a, b) => a + b, 0);
  const share = (test: (i: number) => boolean) => {
    let sum = 0;
    for (let i = 0; i < n; i++) if (test(i)) sum += weights[i];
    return sum / total;
  };
  let width = 0;
  for (let i = 0; i < n; i++) width += weights[i] * (upper[rows[i]] - lower[rows[i]]);
  const belowLower = share((i) => below[i] > lowerShift);
  const aboveUpper = share((i) => above[i] > upperShift);
  return {
    lowerShift, upperShift,
    coverageBeforeCalibration: share((i) => below[i] <= 0 && above[i] <= 0),
    coverage: share((i) => below[i] <= lowerShift && above[i] <= upperShift),
    belowLower, aboveUpper,
    meanWidth: width / total + lowerShift + upperShift,
    rows: n,
    assets: groups ? perAsset.size : n,
  };
}
