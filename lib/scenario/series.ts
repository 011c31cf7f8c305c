import type { IdentificationOptions } from './identification-options';
import { IdentificationError } from './model-fit';
import type { HistoryBucket } from './operating-history';
import type { SensorRole } from './sensor-roles';

/** A bucket is "running" when every state reading in it said so (or, without a state sensor, the shaft turns). */
export function isRunningBucket(bucket: HistoryBucket, nominalRpm: number): boolean {
  const speed = bucket.values.speed;
  if (speed === undefined || speed < 0.05 * nominalRpm) return false;
  const running = bucket.values.running;
  return running === undefined || running >= 0.999;
}

/** Buckets that hold every role listed. */
export function complete(buckets: readonly HistoryBucket[], roles: readonly SensorRole[]): HistoryBucket[] {
  return buckets.filter((b) => roles.every((role) => b.values[role] !== undefined));
}

/** Index pairs (k, k+1) of buckets that follow each other without a gap and both hold every role listed. */
export function consecutivePairs(buckets: readonly HistoryBucket[], roles: readonly SensorRole[], bucketMs: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const has = (b: HistoryBucket): boolean => roles.every((role) => b.values[role] !== undefined);
  for (let k = 0; k + 1 < buckets.length; k++) {
    if (buckets[k + 1].start - buckets[k].start === bucketMs && has(buckets[k]) && has(buckets[k + 1])) pairs.push([k, k + 1]);
  }
  return pairs;
}

export function column(length: number, at: (i: number) => number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = at(i);
  return out;
}

export function minMax(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return [min, max];
}

/** The p-quantile (0..1) of a list, by sorting a copy. */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const position = p * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export function minutes(ms: number): string {
  return `${Math.round(ms / 60_000)} min`;
}

/** The running speeds must spread (5th to 95th percentile, so a start-up ramp does not count) by the minimum. */
export function checkSpeedSpread(buckets: readonly HistoryBucket[], options: IdentificationOptions, model: string, purpose: string): void {
  const speeds = buckets.filter((b) => isRunningBucket(b, options.nominalRpm)).map((b) => b.values.speed as number);
  if (speeds.length === 0) throw new IdentificationError(`the machine never ran in the history: no ${model}`);
  const low = quantile(speeds, 0.05);
  const high = quantile(speeds, 0.95);
  if ((high - low) / options.nominalRpm < options.minSpeedSpread) {
    throw new IdentificationError(`speed stayed within ${Math.round(low)}-${Math.round(high)} rpm while running: the history does not excite the ${model}; run at three or more speeds at least ${Math.round(options.minSpeedSpread * 100)} % apart to identify ${purpose}`);
  }
}

/**
 * Why the load (fractions of 100 %) cannot carry a term of its own, or undefined: it hardly moved (5th to 95th
 * percentile), as in a warm-up without cutting, so its gain would stand in for whatever else changed.
 */
export function unexcitedLoad(load: ArrayLike<number>, minSpread: number): string | undefined {
  const values = Array.from(load);
  const low = quantile(values, 0.05);
  const high = quantile(values, 0.95);
  if (high - low >= minSpread) return undefined;
  return `the load stayed within ${(low * 100).toFixed(1)}-${(high * 100).toFixed(1)} %`;
}
