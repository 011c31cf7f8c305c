/**
 * When a linear-Gaussian trend y(t) = c + β t, with (c, β) ~ N(μ, Σ) (a posterior), first reaches `level`: the
 * distribution Gebraeel et al. (2005/2006) use for the residual life of an exponential degradation signal,
 * P(T ≤ t) = Φ((μc + μβ t − level) / √(Σcc + 2t Σcβ + t² Σββ)), taken conditional on T > now.
 */
import { normalCdf } from '../../scenario/normal-distribution';

export interface LinearPosterior {
  mean: [number, number];
  /** [Σcc, Σcβ, Σββ]. */
  covariance: [number, number, number];
}

export function crossingProbability(posterior: LinearPosterior, level: number, t: number): number {
  const [c, slope] = posterior.mean;
  const [vcc, vcb, vbb] = posterior.covariance;
  const sd = Math.sqrt(Math.max(1e-300, vcc + 2 * t * vcb + t * t * vbb));
  return normalCdf((c + slope * t - level) / sd);
}

export interface CrossingQuantiles {
  /** Remaining time (after `now`) at each quantile asked; Infinity when the trend may never get there. */
  hours: number[];
}

/** Remaining hours after `now` at each quantile of the crossing time, conditional on no crossing by `now`. */
export function crossingQuantiles(posterior: LinearPosterior, level: number, now: number, quantiles: readonly number[], horizon: number): CrossingQuantiles {
  const atNow = crossingProbability(posterior, level, now);
  const conditional = (t: number): number => (atNow >= 1 ? 1 : (crossingProbability(posterior, level, t) - atNow) / (1 - atNow));
  const atHorizon = conditional(now + horizon);
  const hours = quantiles.map((q) => {
    if (atHorizon < q) return Infinity;
    let low = 0;
    let high = horizon;
    for (let i = 0; i < 60; i++) {
      const mid = (low + high) / 2;
      if (conditional(now + mid) < q) low = mid;
      else high = mid;
    }
    return (low + high) / 2;
  });
  return { hours };
}
