/**
 * Sequential change detectors on a standardised residual stream (z = residual / noise σ). Both are two-sided and
 * report which way the stream moved, when the change began and how large it is, in σ.
 * - CUSUM compares against a fixed reference (the baseline learned at commissioning): it catches a slow bias
 *   growing away from how the sensor read when it was known good.
 * - Page–Hinkley compares against the running mean of everything seen so far: it needs no baseline but adapts,
 *   so it is the choice for abrupt changes in sensors with no trusted reference.
 */
export type DriftDirection = 'up' | 'down';

export interface ChangeState {
  statistic: number;
  direction?: DriftDirection;
  /** Source time the current excursion began (the statistic last left zero). */
  since?: number;
  /** Estimated size of the change, in σ, signed. */
  shiftSigma: number;
}

export interface ChangeDetector {
  readonly method: DetectorMethod;
  /** Feeds one standardised residual; returns true while the statistic is beyond the threshold. */
  update(z: number, ts: number): boolean;
  state(): ChangeState;
  toJSON(): DetectorState;
}

export type DetectorMethod = 'cusum' | 'page-hinkley';

interface Side {
  sum: number;
  count: number;
  since?: number;
}

export interface DetectorState {
  method: DetectorMethod;
  up: Side;
  down: Side;
  mean?: number;
  count?: number;
}

const emptySide = (): Side => ({ sum: 0, count: 0 });

/** One side of a one-sided tabular CUSUM / Page–Hinkley: accumulate, never below zero, remember when it left zero. */
function accumulate(side: Side, increment: number, ts: number): void {
  const next = side.sum + increment;
  if (next <= 0) {
    side.sum = 0;
    side.count = 0;
    side.since = undefined;
    return;
  }
  if (side.sum === 0) side.since = ts;
  side.sum = next;
  side.count++;
}

function stateOf(up: Side, down: Side, allowance: number): ChangeState {
  const upward = up.sum >= down.sum;
  const side = upward ? up : down;
  if (side.sum === 0) return { statistic: 0, shiftSigma: 0 };
  const shift = allowance + side.sum / Math.max(1, side.count);
  return { statistic: side.sum, direction: upward ? 'up' : 'down', since: side.since, shiftSigma: upward ? shift : -shift };
}

export class Cusum implements ChangeDetector {
  readonly method = 'cusum';
  private up: Side;
  private down: Side;

  /** `allowance` k is half the smallest shift worth catching, `threshold` h the alarm level, both in σ. */
  constructor(readonly allowance = 0.5, readonly threshold = 8, saved?: DetectorState) {
    this.up = saved?.up ? { ...saved.up } : emptySide();
    this.down = saved?.down ? { ...saved.down } : emptySide();
  }

  update(z: number, ts: number): boolean {
    accumulate(this.up, z - this.allowance, ts);
    accumulate(this.down, -z - this.allowance, ts);
    return Math.max(this.up.sum, this.down.sum) > this.threshold;
  }

  state(): ChangeState {
    return stateOf(this.up, this.down, this.allowance);
  }

  toJSON(): DetectorState {
    return { method: this.method, up: { ...this.up }, down: { ...this.down } };
  }
}

export class PageHinkley implements ChangeDetector {
  readonly method = 'page-hinkley';
  private up: Side;
  private down: Side;
  private mean: number;
  private count: number;

  /** `delta` is the magnitude of change tolerated, `lambda` the alarm level, both in σ. */
  constructor(readonly delta = 0.5, readonly lambda = 8, saved?: DetectorState) {
    this.up = saved?.up ? { ...saved.up } : emptySide();
    this.down = saved?.down ? { ...saved.down } : emptySide();
    this.mean = saved?.mean ?? 0;
    this.count = saved?.count ?? 0;
  }

  update(z: number, ts: number): boolean {
    this.count++;
    this.mean += (z - this.mean) / this.count;
    accumulate(this.up, z - this.mean - this.delta, ts);
    accumulate(this.down, this.mean - z - this.delta, ts);
    return Math.max(this.up.sum, this.down.sum) > this.lambda;
  }

  state(): ChangeState {
    return stateOf(this.up, this.down, this.delta);
  }

  toJSON(): DetectorState {
    return { method: this.method, up: { ...this.up }, down: { ...this.down }, mean: this.mean, count: this.count };
  }
}

export function createDetector(method: DetectorMethod, allowance: number, threshold: number, saved?: DetectorState): ChangeDetector {
  const state = saved?.method === method ? saved : undefined;
  return method === 'cusum' ? new Cusum(allowance, threshold, state) : new PageHinkley(allowance, threshold, state);
}
