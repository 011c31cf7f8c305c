/**
 * Statistics of a scalar stream over a sliding time window in bounded memory: the window is cut into a fixed
 * number of time buckets, each holding the sufficient statistics of its samples (count, Welford mean and squared
 * deviations, min, max, and the time/value co-moment for the least-squares slope). Memory is the bucket count,
 * whatever the sample rate; buckets merge with Chan's parallel formulas, which stay exact without the
 * cancellation a naive sum of squares suffers on a large offset (a 60 °C bearing read every second for a week).
 * The window covers the newest bucket (partly filled) and the bucketCount - 1 before it.
 */

const MS_PER_DAY = 86_400_000;

/** Layout of one bucket in the backing array. */
const INDEX = 0;
const COUNT = 1;
const MEAN = 2;
const M2 = 3;
const MIN = 4;
const MAX = 5;
/** Mean sample time within the bucket, in days from the bucket's start. */
const MEAN_T = 6;
const M2_T = 7;
const CO_MOMENT = 8;
const FIELDS = 9;
/** Fraction of the window the samples must span (as a uniform spread would) before a slope is reported. */
const SLOPE_MIN_SPAN = 1 / 24;

export interface WindowSummary {
  count: number;
  mean: number;
  min: number;
  max: number;
  std: number;
  variance: number;
  /** Largest absolute value. */
  peak: number;
  /**
   * Least-squares slope, value units per day; NaN until the samples span a 24th of the window, because a slope
   * fitted over minutes of a warming bearing extrapolates to absurd rates per day.
   */
  slopePerDay: number;
  /** Source time of the oldest bucket in the window and of the newest sample (epoch ms). */
  from: number;
  to: number;
}

export interface WindowStatsState {
  windowMs: number;
  bucketCount: number;
  newestTs: number;
  buckets: number[];
}

export class WindowStats {
  readonly bucketMs: number;
  private readonly data: Float64Array;
  private newestIndex = -Infinity;
  private newestTs = -Infinity;
  /** Samples older than the window when they arrived (late replays beyond its reach). */
  tooOld = 0;

  constructor(readonly windowMs: number, readonly bucketCount = 168) {
    if (!(windowMs > 0)) throw new Error('a statistics window must be longer than 0 ms');
    if (!Number.isInteger(bucketCount) || bucketCount < 2) throw new Error('a statistics window needs at least 2 buckets');
    this.bucketMs = windowMs / bucketCount;
    this.data = new Float64Array(bucketCount * FIELDS);
    for (let slot = 0; slot < bucketCount; slot++) this.data[slot * FIELDS + INDEX] = -1;
  }

  /** Bytes of statistics the window holds, whatever the sample rate. */
  get memoryBytes(): number {
    return this.data.byteLength;
  }

  add(ts: number, value: number): void {
    const index = Math.floor(ts / this.bucketMs);
    if (index > this.newestIndex) this.newestIndex = index;
    if (index <= this.newestIndex - this.bucketCount) {
      this.tooOld++;
      return;
    }
    if (ts > this.newestTs) this.newestTs = ts;
    const base = (index % this.bucketCount) * FIELDS;
    const d = this.data;
    if (d[base + INDEX] !== index) {
      d[base + INDEX] = index;
      d[base + COUNT] = 0;
      d[base + MEAN] = 0;
      d[base + M2] = 0;
      d[base + MIN] = Infinity;
      d[base + MAX] = -Infinity;
      d[base + MEAN_T] = 0;
      d[base + M2_T] = 0;
      d[base + CO_MOMENT] = 0;
    }
    const n = d[base + COUNT] + 1;
    const t = (ts - index * this.bucketMs) / MS_PER_DAY;
    const dx = value - d[base + MEAN];
    const dt = t - d[base + MEAN_T];
    d[base + COUNT] = n;
    d[base + MEAN] += dx / n;
    d[base + MEAN_T] += dt / n;
    d[base + M2] += dx * (value - d[base + MEAN]);
    d[base + M2_T] += dt * (t - d[base + MEAN_T]);
    d[base + CO_MOMENT] += dt * (value - d[base + MEAN]);
    if (value < d[base + MIN]) d[base + MIN] = value;
    if (value > d[base + MAX]) d[base + MAX] = value;
  }

  summary(): WindowSummary | undefined {
    const d = this.data;
    let n = 0;
    let mean = 0;
    let m2 = 0;
    let meanT = 0;
    let m2T = 0;
    let coMoment = 0;
    let min = Infinity;
    let max = -Infinity;
    let oldest = Infinity;
    const origin = this.newestIndex - this.bucketCount + 1;
    for (let slot = 0; slot < this.bucketCount; slot++) {
      const base = slot * FIELDS;
      const index = d[base + INDEX];
      const count = d[base + COUNT];
      if (index < origin || count === 0) continue;
      oldest = Math.min(oldest, index);
      // Bucket times are relative to their own start; move them onto the window's origin before merging.
      const bucketMeanT = d[base + MEAN_T] + ((index - origin) * this.bucketMs) / MS_PER_DAY;
      const total = n + count;
      const dx = d[base + MEAN] - mean;
      const dt = bucketMeanT - meanT;
      const weight = (n * count) / total;
      m2 += d[base + M2] + dx * dx * weight;
      m2T += d[base + M2_T] + dt * dt * weight;
      coMoment += d[base + CO_MOMENT] + dx * dt * weight;
      mean += (dx * count) / total;
      meanT += (dt * count) / total;
      n = total;
      if (d[base + MIN] < min) min = d[base + MIN];
      if (d[base + MAX] > max) max = d[base + MAX];
    }
    if (n === 0) return undefined;
    const variance = m2 / n;
    // A uniform spread over a span S has a time standard deviation of S/√12.
    const spanDays = Math.sqrt((12 * m2T) / n);
    const slopeSpanned = spanDays * MS_PER_DAY >= this.windowMs * SLOPE_MIN_SPAN;
    return {
      count: n,
      mean,
      min,
      max,
      std: Math.sqrt(variance),
      variance,
      peak: Math.max(Math.abs(min), Math.abs(max)),
      slopePerDay: slopeSpanned ? coMoment / m2T : NaN,
      from: oldest * this.bucketMs,
      to: this.newestTs,
    };
  }

  toJSON(): WindowStatsState {
    const buckets: number[] = [];
    for (let slot = 0; slot < this.bucketCount; slot++) {
      const base = slot * FIELDS;
      if (this.data[base + INDEX] >= 0 && this.data[base + COUNT] > 0) buckets.push(...this.data.subarray(base, base + FIELDS));
    }
    return { windowMs: this.windowMs, bucketCount: this.bucketCount, newestTs: this.newestTs, buckets };
  }

  static fromJSON(state: WindowStatsState): WindowStats {
    const stats = new WindowStats(state.windowMs, state.bucketCount);
    if (state.buckets.length % FIELDS !== 0) throw new Error('saved window statistics are damaged');
    for (let offset = 0; offset < state.buckets.length; offset += FIELDS) {
      const index = state.buckets[offset + INDEX];
      stats.data.set(state.buckets.slice(offset, offset + FIELDS), (index % stats.bucketCount) * FIELDS);
      stats.newestIndex = Math.max(stats.newestIndex, index);
    }
    stats.newestTs = state.newestTs ?? -Infinity;
    return stats;
  }
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: MS_PER_DAY, w: 7 * MS_PER_DAY };

/** Parses a window length such as `15m`, `1h`, `24h`, `7d`, `30d` into milliseconds. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration: use a number and s, m, h, d or w (e.g. 15m, 24h, 7d)`);
  const ms = Number(match[1]) * UNIT_MS[match[2]];
  if (!(ms > 0)) throw new Error(`window "${text}" must be longer than zero`);
  return ms;
}
