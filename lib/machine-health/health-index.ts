/**
 * The health index: 0 where the machine's own healthy baseline sits, 1 at the failure threshold, linear in the
 * threshold feature between the two. Linear on the feature's own scale so that a degradation model fitted to the
 * index (exponential in the feature: ln HI linear in time) extrapolates to HI = 1 exactly where the feature meets
 * its limit. With several thresholds (e.g. 20 g on either accelerometer axis) the index is the most advanced one.
 */
export type ThresholdSource = 'engineer' | 'fleet' | 'anomaly';

export interface HealthThreshold {
  feature: string;
  /** Value of the feature at which the machine counts as failed (ISO 10816 zone D velocity, a temperature limit). */
  value: number;
  /** Who set it: an engineer's limit, or the level failures in the fleet were seen at. */
  source: Exclude<ThresholdSource, 'anomaly'>;
}

export function parseThreshold(text: string, source: HealthThreshold['source'] = 'engineer'): HealthThreshold {
  const match = /^\s*([^=\s]+)\s*=\s*(-?[0-9.eE+-]+)\s*$/.exec(text);
  const value = match ? Number(match[2]) : NaN;
  if (!match || !Number.isFinite(value)) throw new Error(`threshold "${text}" must read feature=value, e.g. h.peak=20`);
  return { feature: match[1], value, source };
}

/** Progress of `value` from the baseline `center` toward `threshold`, unclamped (negative: better than baseline). */
export function thresholdProgress(value: number, center: number, threshold: number): number {
  const span = threshold - center;
  if (span === 0) return value === threshold ? 1 : 0;
  return (value - center) / span;
}

export function clampHealth(progress: number): number {
  return Math.min(1, Math.max(0, progress));
}
