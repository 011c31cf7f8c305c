/**
 * Degradation RUL after onset, from the health index (1 at the failure threshold):
 * - exponential (Gebraeel 2006): HI(t) = θ e^{βt} ⇔ ln HI = ln θ + β t, a Bayesian line in ln HI updated with each
 *   point; failure when ln HI reaches 0;
 * - linear: HI(t) = a + b t, the same Bayesian line on HI itself, failure at HI = 1.
 * Time runs in hours from the onset. The interval comes from the parameters' posterior (crossing-time). A health
 * index wanders: its residuals about a trend are strongly autocorrelated, and a posterior that takes them as
 * independent is far too sure of itself. The posterior covariance is therefore scaled by (1 + ρ) / (1 − ρ), ρ the
 * lag-1 autocorrelation of the residuals (n / n_eff of an AR(1) series). The model shown is the one whose mean curve
 * fits the points since onset better, in HI units.
 */
import { BayesianLine, type LineSums } from './linear-fit';
import { crossingQuantiles, type LinearPosterior } from './crossing-time';

export type DegradationKind = 'exponential' | 'linear';

export interface DegradationOptions {
  /** Points after onset before a degradation estimate is shown. */
  minPoints: number;
  /** Lowest HI taken in the logarithm (the index's noise level: below it an exponential has nothing to read). */
  floor: number;
  /** Points kept to compare the two models' fit. */
  memory: number;
  /** Farthest ahead an interval end is searched, hours; beyond: unbounded. */
  horizonHours: number;
}

export const DEFAULT_DEGRADATION_OPTIONS: DegradationOptions = { minPoints: 10, floor: 0.02, memory: 2000, horizonHours: 1e6 };

export interface RulInterval {
  rulHours: number;
  lowerHours: number;
  upperHours: number;
}

export interface DegradationEstimate extends RulInterval {
  kind: DegradationKind;
  /** Root-mean-square misfit of the chosen model's mean curve, HI units. */
  misfit: number;
}

export interface DegradationState {
  onsetTs: number;
  exponential: LineSums;
  linear: LineSums;
  points: { t: number; hi: number }[];
}

const QUANTILES = [0.5, 0.1, 0.9];
const VAGUE = 1e4;

export class DegradationFit {
  private readonly exponential: BayesianLine;
  private readonly linear: BayesianLine;
  private readonly points: { t: number; hi: number }[];

  constructor(readonly onsetTs: number, readonly options: DegradationOptions = DEFAULT_DEGRADATION_OPTIONS, saved?: DegradationState) {
    this.exponential = new BayesianLine({ mean: [Math.log(options.floor), 0], variance: [VAGUE, VAGUE] }, 1e-3, saved?.exponential);
    this.linear = new BayesianLine({ mean: [0, 0], variance: [VAGUE, VAGUE] }, 1e-4, saved?.linear);
    this.points = saved ? saved.points.map((p) => ({ ...p })) : [];
  }

  toJSON(): DegradationState {
    return { onsetTs: this.onsetTs, exponential: this.exponential.toJSON(), linear: this.linear.toJSON(), points: this.points.map((p) => ({ ...p })) };
  }

  add(ts: number, health: number): void {
    const t = (ts - this.onsetTs) / 3_600_000;
    this.exponential.add(t, Math.log(Math.max(this.options.floor, health)));
    this.linear.add(t, health);
    this.points.push({ t, hi: health });
    if (this.points.length > this.options.memory) this.points.shift();
  }

  /**
   * The better-fitting model's RUL and 80 % interval at `ts`, or undefined with too few points or no established
   * rising trend: a model counts only when its interval is bounded, i.e. its trend reaches the threshold within the
   * horizon with at least 90 % probability. Soon after an onset a trend barely above flat extrapolates to tens of
   * thousands of hours (seen on the simulated spindle: 178,926 h, where its bearing's rating gives 4,700); such a
   * median says nothing, and the ladder's rung below answers instead.
   */
  estimate(ts: number): DegradationEstimate | undefined {
    if (this.exponential.count < this.options.minPoints) return undefined;
    const now = (ts - this.onsetTs) / 3_600_000;
    const candidates: DegradationEstimate[] = [];
    const exp = this.inflated(this.exponential.posterior(), (p) => Math.log(Math.max(this.options.floor, p.hi)));
    const expMisfit = this.misfit((t) => Math.exp(exp.mean[0] + exp.mean[1] * t));
    const fromExp = this.interval(exp, 0, now);
    if (fromExp && exp.mean[1] > 0) candidates.push({ kind: 'exponential', misfit: expMisfit, ...fromExp });
    const lin = this.inflated(this.linear.posterior(), (p) => p.hi);
    const linMisfit = this.misfit((t) => lin.mean[0] + lin.mean[1] * t);
    const fromLin = this.interval(lin, 1, now);
    if (fromLin && lin.mean[1] > 0) candidates.push({ kind: 'linear', misfit: linMisfit, ...fromLin });
    candidates.sort((a, b) => a.misfit - b.misfit);
    return candidates[0];
  }

  /** The crossing time's median and 80 % interval, undefined unless the interval is bounded (see `estimate`). */
  private interval(posterior: LinearPosterior, level: number, now: number): RulInterval | undefined {
    const [median, lower, upper] = crossingQuantiles(posterior, level, now, QUANTILES, this.options.horizonHours).hours;
    if (!Number.isFinite(upper)) return undefined;
    return { rulHours: median, lowerHours: lower, upperHours: upper };
  }

  /** The posterior with its covariance scaled for the residuals' lag-1 autocorrelation. */
  private inflated(posterior: LinearPosterior, value: (point: { t: number; hi: number }) => number): LinearPosterior {
    const [c, slope] = posterior.mean;
    const residuals = this.points.map((point) => value(point) - c - slope * point.t);
    let lagged = 0;
    let squares = 0;
    for (let i = 0; i < residuals.length; i++) {
      squares += residuals[i] * residuals[i];
      if (i > 0) lagged += residuals[i] * residuals[i - 1];
    }
    const rho = squares > 0 ? Math.min(0.99, Math.max(0, lagged / squares)) : 0;
    const factor = (1 + rho) / (1 - rho);
    const [vcc, vcb, vbb] = posterior.covariance;
    return { mean: posterior.mean, covariance: [vcc * factor, vcb * factor, vbb * factor] };
  }

  private misfit(curve: (t: number) => number): number {
    let sum = 0;
    for (const point of this.points) sum += (curve(point.t) - point.hi) ** 2;
    return Math.sqrt(sum / Math.max(1, this.points.length));
  }
}
