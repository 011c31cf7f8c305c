import type { Reading } from '../reading/reading';
import { isWaveform } from '../reading/reading';
import type { ResolvedRoles, SensorRole } from './sensor-roles';

/**
 * The asset's recent operation in bounded memory, as the identification needs it: fine time buckets (10 s by
 * default, 6 hours) holding each role's mean, for the dynamic models (thermal, power, vibration), and coarse
 * production buckets (10 minutes, 30 days) holding counter deltas with the mean vibration and speed, for the scrap
 * model, which needs thousands of parts before it can see anything.
 */
export interface HistoryOptions {
  bucketMs: number;
  buckets: number;
  productionBucketMs: number;
  productionBuckets: number;
}

export const DEFAULT_HISTORY_OPTIONS: HistoryOptions = {
  bucketMs: 10_000,
  buckets: 6 * 360,
  productionBucketMs: 600_000,
  productionBuckets: 30 * 144,
};

/** Per-bucket means by role, plus `running`: the share of state readings that said "running". */
export type BucketValues = Partial<Record<SensorRole | 'running', number>>;

export interface HistoryBucket {
  /** Bucket start, epoch ms. */
  start: number;
  values: BucketValues;
}

export interface ProductionBucket {
  start: number;
  parts: number;
  scrap: number;
  /** Mean vibration and speed over the bucket (NaN when absent). */
  vibration: number;
  speed: number;
  runningHours: number;
}

interface Accumulator {
  sums: Map<string, { sum: number; count: number }>;
}

interface ProductionAccumulator {
  start: number;
  partsLast?: number;
  scrapLast?: number;
  goodLast?: number;
  vibration: { sum: number; count: number };
  speed: { sum: number; count: number };
  running: { sum: number; count: number };
  /** Time covered by the asset's readings of speed, vibration and state: the heartbeat running time is taken over. */
  covered: { first: number; last: number; count: number };
}

const COUNTER_ROLES: readonly SensorRole[] = ['parts', 'good', 'scrap'];

export class OperatingHistory {
  private readonly fine = new Map<number, Accumulator>();
  private readonly production = new Map<number, ProductionAccumulator>();
  private newest = -Infinity;

  constructor(private readonly roles: ResolvedRoles, readonly options: HistoryOptions = DEFAULT_HISTORY_OPTIONS) {}

  /** Adds the asset's scalar readings (others are ignored); readings of quality `bad` are left out. Returns how many were used. */
  add(readings: readonly Reading[], asset: string): number {
    let used = 0;
    for (const reading of readings) {
      if (reading.asset !== asset || isWaveform(reading) || reading.quality === 'bad' || !Number.isFinite(reading.value)) continue;
      const role = this.roles.roleOf.get(reading.sensor);
      if (!role) continue;
      if (this.addFine(role, reading.ts, reading.value)) used++;
      this.addProduction(role, reading.ts, reading.value);
    }
    return used;
  }

  private addFine(role: SensorRole, ts: number, value: number): boolean {
    const index = Math.floor(ts / this.options.bucketMs);
    let bucket = this.fine.get(index);
    if (!bucket) {
      if (this.fine.size >= this.options.buckets && index < this.oldestIndex()) return false;
      bucket = { sums: new Map() };
      this.fine.set(index, bucket);
      while (this.fine.size > this.options.buckets) this.fine.delete(this.oldestIndex());
    }
    accumulate(bucket.sums, role, value);
    if (role === 'state') accumulate(bucket.sums, 'running', value === this.roles.runningState ? 1 : 0);
    if (ts > this.newest) this.newest = ts;
    return true;
  }

  private oldestIndex(): number {
    let oldest = Infinity;
    for (const key of this.fine.keys()) if (key < oldest) oldest = key;
    return oldest;
  }

  private addProduction(role: SensorRole, ts: number, value: number): void {
    if (!COUNTER_ROLES.includes(role) && role !== 'vibration' && role !== 'speed' && role !== 'state') return;
    const index = Math.floor(ts / this.options.productionBucketMs);
    let bucket = this.production.get(index);
    if (!bucket) {
      bucket = {
        start: index * this.options.productionBucketMs, vibration: { sum: 0, count: 0 }, speed: { sum: 0, count: 0 }, running: { sum: 0, count: 0 },
        covered: { first: Infinity, last: -Infinity, count: 0 },
      };
      this.production.set(index, bucket);
      while (this.production.size > this.options.productionBuckets) {
        let oldest = Infinity;
        for (const key of this.production.keys()) if (key < oldest) oldest = key;
        this.production.delete(oldest);
      }
    }
    if (role === 'parts') bucket.partsLast = Math.max(bucket.partsLast ?? -Infinity, value);
    else if (role === 'scrap') bucket.scrapLast = Math.max(bucket.scrapLast ?? -Infinity, value);
    else if (role === 'good') bucket.goodLast = Math.max(bucket.goodLast ?? -Infinity, value);
    else if (role === 'vibration') add(bucket.vibration, value);
    else if (role === 'speed') add(bucket.speed, value);
    else add(bucket.running, value === this.roles.runningState ? 1 : 0);
    // Any of them shows the machine talking: a subscription may report a settled speed or a state only when it moves.
    if (!COUNTER_ROLES.includes(role)) {
      bucket.covered.first = Math.min(bucket.covered.first, ts);
      bucket.covered.last = Math.max(bucket.covered.last, ts);
      bucket.covered.count += 1;
    }
  }

  /**
   * Fine buckets in time order. A role without a reading in a bucket holds the value last reported: an OPC UA
   * subscription reports a value only when it moves by its deadband (a state when it changes, a speed that has
   * settled not at all), and the other readings of the bucket show the machine still talking.
   */
  buckets(): HistoryBucket[] {
    const held: BucketValues = {};
    return [...this.fine.entries()].sort((a, b) => a[0] - b[0]).map(([index, bucket]) => {
      for (const [role, { sum, count }] of bucket.sums) held[role as SensorRole | 'running'] = sum / count;
      return { start: index * this.options.bucketMs, values: { ...held } };
    });
  }

  /**
   * Production buckets with the parts and scrap made in each: the counter's rise since the previous bucket, so
   * parts finished at a bucket boundary are not lost. A bucket after a gap or a counter reset (the counter fell)
   * is left out: its parts cannot be told apart from the reset.
   */
  productionBuckets(): ProductionBucket[] {
    const entries = [...this.production.entries()].sort((a, b) => a[0] - b[0]);
    const out: ProductionBucket[] = [];
    // As in the fine buckets, a bucket without a state or speed reading holds the one last reported.
    let runningShare = entries[0] && entries[0][1].running.count > 0 ? entries[0][1].running.sum / entries[0][1].running.count : 1;
    let speed = entries[0] && entries[0][1].speed.count > 0 ? entries[0][1].speed.sum / entries[0][1].speed.count : NaN;
    for (let i = 1; i < entries.length; i++) {
      const [index, bucket] = entries[i];
      const [previousIndex, previous] = entries[i - 1];
      if (bucket.running.count > 0) runningShare = bucket.running.sum / bucket.running.count;
      if (bucket.speed.count > 0) speed = bucket.speed.sum / bucket.speed.count;
      if (index !== previousIndex + 1) continue;
      const parts = delta(bucket.partsLast, previous.partsLast);
      const scrap = bucket.scrapLast !== undefined
        ? delta(bucket.scrapLast, previous.scrapLast)
        : parts === undefined ? undefined : subtract(parts, delta(bucket.goodLast, previous.goodLast));
      if (parts === undefined || scrap === undefined || scrap > parts) continue;
      const { first, last, count } = bucket.covered;
      // n readings at a steady rate cover n intervals: the newest bucket is still filling, and its hours must match its parts.
      const coveredMs = count > 1 ? Math.min(this.options.productionBucketMs, ((last - first) * count) / (count - 1)) : 0;
      out.push({
        start: bucket.start, parts, scrap,
        vibration: bucket.vibration.count > 0 ? bucket.vibration.sum / bucket.vibration.count : NaN,
        speed,
        runningHours: (runningShare * coveredMs) / 3_600_000,
      });
    }
    return out;
  }

  /** Newest reading time, epoch ms (-Infinity before the first). */
  get newestTs(): number {
    return this.newest;
  }

  /** Time covered by the fine buckets, ms. */
  get spanMs(): number {
    if (this.fine.size === 0) return 0;
    let oldest = Infinity;
    let newest = -Infinity;
    for (const key of this.fine.keys()) {
      if (key < oldest) oldest = key;
      if (key > newest) newest = key;
    }
    return (newest - oldest + 1) * this.options.bucketMs;
  }

  get size(): number {
    return this.fine.size;
  }
}

function accumulate(sums: Map<string, { sum: number; count: number }>, key: string, value: number): void {
  const entry = sums.get(key);
  if (entry) add(entry, value);
  else sums.set(key, { sum: value, count: 1 });
}

function add(target: { sum: number; count: number }, value: number): void {
  target.sum += value;
  target.count += 1;
}

function delta(last: number | undefined, previous: number | undefined): number | undefined {
  if (last === undefined || previous === undefined || last < previous) return undefined;
  return last - previous;
}

function subtract(a: number, b: number | undefined): number | undefined {
  return b === undefined ? undefined : a - b;
}
