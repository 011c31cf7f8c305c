/**
 * What a healthy sensor should read, learned while it is known good (commissioning or after a calibration):
 * either its own level, or a linear relation y ≈ a·x + b to another sensor (a redundant transmitter: a ≈ 1,
 * b ≈ 0; a physics relation such as motor power proportional to current). The relation is fitted on every
 * sample pair; the noise the drift detector standardises by is the spread of interval means of the residual,
 * because process signals are autocorrelated and σ/√n of single samples would understate it many times over.
 * Streaming sums only: learning keeps no sample array.
 */
export interface PairMomentsState {
  count: number;
  meanX: number;
  meanY: number;
  m2X: number;
  m2Y: number;
  coMoment: number;
}

class PairMoments {
  readonly s: PairMomentsState;

  constructor(saved?: PairMomentsState) {
    this.s = saved ? { ...saved } : { count: 0, meanX: 0, meanY: 0, m2X: 0, m2Y: 0, coMoment: 0 };
  }

  add(x: number, y: number): void {
    const s = this.s;
    s.count++;
    const dx = x - s.meanX;
    const dy = y - s.meanY;
    s.meanX += dx / s.count;
    s.meanY += dy / s.count;
    s.m2X += dx * (x - s.meanX);
    s.m2Y += dy * (y - s.meanY);
    s.coMoment += dx * (y - s.meanY);
  }
}

export interface ReferenceModelState {
  samples: PairMomentsState;
  intervals: PairMomentsState;
}

export class ReferenceModel {
  private readonly samples: PairMoments;
  private readonly intervals: PairMoments;

  constructor(saved?: ReferenceModelState) {
    this.samples = new PairMoments(saved?.samples);
    this.intervals = new PairMoments(saved?.intervals);
  }

  /** Interval means learned so far. */
  get intervalCount(): number {
    return this.intervals.s.count;
  }

  /** Learns one sample pair; `x` is the reference sensor's value, or 0 when the sensor is its own reference. */
  learnSample(x: number, y: number): void {
    this.samples.add(x, y);
  }

  learnInterval(meanX: number, meanY: number): void {
    this.intervals.add(meanX, meanY);
  }

  /** Slope a and intercept b of y ≈ a·x + b; a = 0 when x never varied (own-level reference). */
  relation(): { slope: number; intercept: number } {
    const s = this.samples.s;
    const slope = s.m2X > 1e-12 * Math.max(1, s.count) ? s.coMoment / s.m2X : 0;
    return { slope, intercept: s.meanY - slope * s.meanX };
  }

  residual(x: number, y: number): number {
    const { slope, intercept } = this.relation();
    return y - (slope * x + intercept);
  }

  /** Standard deviation of healthy interval-mean residuals: Var(ȳ - a·x̄) from the interval moments. */
  intervalSigma(): number {
    const s = this.intervals.s;
    if (s.count < 2) return 0;
    const { slope } = this.relation();
    const variance = (s.m2Y - 2 * slope * s.coMoment + slope * slope * s.m2X) / (s.count - 1);
    return Math.sqrt(Math.max(0, variance));
  }

  toJSON(): ReferenceModelState {
    return { samples: { ...this.samples.s }, intervals: { ...this.intervals.s } };
  }
}
