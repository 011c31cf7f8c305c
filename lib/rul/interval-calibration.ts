/**
 * Conformalised quantile regression (Romano, Patterson and Candès, 2019), one bound at a time: quantile models fitted
 * on some assets under- or over-cover on others, because boosting fits its own rows more closely than unseen ones.
 * On held-out assets each bound is moved by the quantile of its own misses, so that the truth falls below the lower
 * bound on a share `lower` (10 %) of cases and above the upper bound on a share 1 − `upper` (10 %). A symmetric
 * shift only fixes the total: on C-MAPSS it left 10-17 % of engines below the lower bound with the total on target,
 * and twin-urgency decides on the lower bound, so that tail is the one that must hold.
 *
 * A live asset is seen at one point of its life, not at every point of a long one: each held-out asset weighs the
 * same, its rows between LIVE_CUTS' fractions of its life sharing that weight, which is the expectation of cutting
 * every held-out asset once at a uniformly random point of that span, without the noise of drawing the cuts. The
 * span matters: early in life the truth sits at the RUL cap and the lower bound rarely misses it, so counted over
 * whole lives those easy cases let the bound miss more of the cases in the span (with whole lives and the
 * early-stopping engines alone, 13.7-15.4 % of C-MAPSS FD002/FD004 engines with regimes).
 */
export interface LifeSpan {
  from: number;
  to: number;
}

/**
 * Where a live asset is seen: at a uniformly random point between these fractions of its life, as the C-MAPSS test
 * set cuts its runs. Its first 30 % are nearly always at the RUL cap, a state that needs no interval.
 */
export const LIVE_CUTS: LifeSpan = { from: 0.3, to: 0.95 };

/** The row (0-based, of an asset's `count` rows in life order) at `fraction` of its life. */
export function cutRow(count: number, fraction: number): number {
  return Math.min(count - 1, Math.floor(fraction * count));
}

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
 * The smallest score s such that the weighted share of scores above s is at most `miss`. No split-conformal
 * correction: that raises the level by (cases + 1) / cases to guarantee *at most* `miss` for one exchangeable draw per
 * asset, and so aims below the nominal share (8.9 % for 10 % over 80 assets); the cases here are each asset's
 * expected cut, and the target is the nominal share itself, the rate twin-urgency's lower bound is read at.
 */
function weightedQuantile(scores: Float64Array, weights: Float64Array, miss: number): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const total = weights.reduce((a, b) => a + b, 0);
  const level = (1 - miss) * total;
  let cumulative = 0;
  for (const i of order) {
    cumulative += weights[i];
    if (cumulative >= level - 1e-12 * total) return scores[i];
  }
  return scores[order[n - 1]];
}

/**
 * Each row's weight: with assets named, 1 / (the asset's rows in the span) for the rows between `cuts`' fractions
 * of its life (`rows` list each asset's rows in life order) and 0 for the others; without, 1 for every row.
 */
function cutWeights(rows: ArrayLike<number>, groups: ArrayLike<string> | undefined, cuts: LifeSpan): Float64Array {
  const weights = new Float64Array(rows.length);
  if (!groups) return weights.fill(1);
  const positions = new Map<string, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const asset = groups[rows[i]];
    const list = positions.get(asset);
    if (list) list.push(i);
    else positions.set(asset, [i]);
  }
  for (const list of positions.values()) {
    const first = cutRow(list.length, cuts.from);
    const last = cutRow(list.length, cuts.to);
    for (let k = first; k <= last; k++) weights[list[k]] = 1 / (last - first + 1);
  }
  return weights;
}

/**
 * `rows` index the held-out rows of target, lower and upper; `groups` (per row of those arrays) name their assets,
 * whose rows `rows` list in life order; without them every row weighs the same.
 */
export function calibrateInterval(target: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, rows: ArrayLike<number>,
  quantiles: CalibrationQuantiles, groups?: ArrayLike<string>, cuts: LifeSpan = LIVE_CUTS): IntervalCalibration {
  if (!(quantiles.lower > 0 && quantiles.lower < quantiles.upper && quantiles.upper < 1)) {
    throw new Error(`interval quantiles ${quantiles.lower} and ${quantiles.upper}: need 0 < lower < upper < 1`);
  }
  const n = rows.length;
  if (n === 0) throw new Error('no held-out rows to calibrate the interval on');
  const weights = cutWeights(rows, groups, cuts);
  const assets = groups ? new Set(Array.from(rows, (row) => groups[row])).size : n;
  // How far the truth lies below the lower bound and above the upper one (negative inside).
  const below = new Float64Array(n);
  const above = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
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
    assets,
  };
}
