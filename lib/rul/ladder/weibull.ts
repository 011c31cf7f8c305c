/**
 * Two-parameter Weibull life distribution: maximum-likelihood fit to lives with right censoring (assets still
 * running count as "lived at least this long"), and the remaining life of an asset that has survived to its age.
 */
export interface Life {
  hours: number;
  /** false: still running (or removed unfailed) at `hours`: a right-censored life. */
  failed: boolean;
}

export interface Weibull {
  shape: number;
  scale: number;
}

const SHAPE_RANGE: [number, number] = [0.05, 50];

/** Profile-likelihood score for the shape β; its root is the MLE (Lawless, Statistical Models for Lifetime Data, 6.1). */
function shapeScore(shape: number, lives: readonly Life[], failures: number, meanLogFailed: number): number {
  let sumPower = 0;
  let sumPowerLog = 0;
  for (const life of lives) {
    const power = Math.pow(life.hours, shape);
    sumPower += power;
    sumPowerLog += power * Math.log(life.hours);
  }
  return sumPowerLog / sumPower - 1 / shape - meanLogFailed;
}

/** MLE of a Weibull from lives, censored ones included; needs at least `minFailures` failures. */
export function fitWeibull(lives: readonly Life[], minFailures = 2): Weibull {
  if (lives.some((life) => !(life.hours > 0))) throw new Error('every life must be longer than 0 hours');
  const failed = lives.filter((life) => life.failed);
  if (failed.length < minFailures) throw new Error(`a Weibull fit needs at least ${minFailures} failures, got ${failed.length}`);
  const meanLogFailed = failed.reduce((s, life) => s + Math.log(life.hours), 0) / failed.length;
  // Rescale so powers stay finite for large shapes.
  const unit = Math.max(...lives.map((life) => life.hours));
  const scaled = lives.map((life) => ({ hours: life.hours / unit, failed: life.failed }));
  const scaledMeanLog = meanLogFailed - Math.log(unit);
  let [low, high] = SHAPE_RANGE;
  // The score rises with the shape; bisection is safe where Newton can overshoot.
  if (shapeScore(high, scaled, failed.length, scaledMeanLog) < 0) low = high;
  for (let i = 0; i < 200 && high - low > 1e-10; i++) {
    const mid = (low + high) / 2;
    if (shapeScore(mid, scaled, failed.length, scaledMeanLog) < 0) low = mid;
    else high = mid;
  }
  const shape = (low + high) / 2;
  const sumPower = scaled.reduce((s, life) => s + Math.pow(life.hours, shape), 0);
  return { shape, scale: unit * Math.pow(sumPower / failed.length, 1 / shape) };
}

/** Hours of life left at each quantile q (0.5 the median) for an asset that has survived `ageHours`. */
export function residualLifeQuantiles(weibull: Weibull, ageHours: number, quantiles: readonly number[]): number[] {
  const age = Math.max(0, ageHours);
  const used = Math.pow(age / weibull.scale, weibull.shape);
  return quantiles.map((q) => weibull.scale * Math.pow(used - Math.log(1 - q), 1 / weibull.shape) - age);
}

export function residualLifeQuantile(weibull: Weibull, ageHours: number, q: number): number {
  return residualLifeQuantiles(weibull, ageHours, [q])[0];
}

/** ISO 281 L10 (10 % fail before it) as a Weibull of the given shape: η = L10 / (−ln 0.9)^(1/β). */
export function weibullFromL10(l10Hours: number, shape: number): Weibull {
  if (!(l10Hours > 0)) throw new Error('the L10 life must be above 0 hours');
  return { shape, scale: l10Hours / Math.pow(-Math.log(0.9), 1 / shape) };
}
