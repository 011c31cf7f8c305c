/**
 * Running least-squares line y = c + β t with a Gaussian prior on (c, β): the conjugate Bayesian regression that
 * Gebraeel (2006) updates as each point arrives. Sufficient sums make each update O(1). The noise variance is the
 * residual variance of the data seen (an empirical-Bayes plug-in, floored at `noiseFloor`²), since a new machine has no
 * fleet to take it from.
 */
import type { LinearPosterior } from './crossing-time';

export interface LinePrior {
  mean: [number, number];
  /** Prior variances of c and β (independent). */
  variance: [number, number];
}

/** The running sums a line is made of. */
export interface LineSums {
  n: number;
  st: number;
  stt: number;
  sy: number;
  sty: number;
  syy: number;
}

export class BayesianLine {
  private n = 0;
  private st = 0;
  private stt = 0;
  private sy = 0;
  private sty = 0;
  private syy = 0;

  constructor(readonly prior: LinePrior, readonly noiseFloor: number, saved?: LineSums) {
    if (saved) ({ n: this.n, st: this.st, stt: this.stt, sy: this.sy, sty: this.sty, syy: this.syy } = saved);
  }

  toJSON(): LineSums {
    return { n: this.n, st: this.st, stt: this.stt, sy: this.sy, sty: this.sty, syy: this.syy };
  }

  get count(): number {
    return this.n;
  }

  add(t: number, y: number): void {
    this.n++;
    this.st += t;
    this.stt += t * t;
    this.sy += y;
    this.sty += t * y;
    this.syy += y * y;
  }

  /** Residual variance of the ordinary least-squares line through the points, floored. */
  noiseVariance(): number {
    const floor = this.noiseFloor * this.noiseFloor;
    if (this.n < 3) return floor;
    const det = this.n * this.stt - this.st * this.st;
    if (det <= 0) return floor;
    const slope = (this.n * this.sty - this.st * this.sy) / det;
    const intercept = (this.sy - slope * this.st) / this.n;
    const sse = this.syy - 2 * intercept * this.sy - 2 * slope * this.sty + intercept * intercept * this.n + 2 * intercept * slope * this.st + slope * slope * this.stt;
    return Math.max(floor, sse / (this.n - 2));
  }

  posterior(): LinearPosterior {
    const s2 = this.noiseVariance();
    // Precision = Σ0⁻¹ + XᵀX / σ².
    const p00 = 1 / this.prior.variance[0] + this.n / s2;
    const p01 = this.st / s2;
    const p11 = 1 / this.prior.variance[1] + this.stt / s2;
    const det = p00 * p11 - p01 * p01;
    const v00 = p11 / det;
    const v01 = -p01 / det;
    const v11 = p00 / det;
    const b0 = this.prior.mean[0] / this.prior.variance[0] + this.sy / s2;
    const b1 = this.prior.mean[1] / this.prior.variance[1] + this.sty / s2;
    return { mean: [v00 * b0 + v01 * b1, v01 * b0 + v11 * b1], covariance: [v00, v01, v11] };
  }
}
