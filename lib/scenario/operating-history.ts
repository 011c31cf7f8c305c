import type { SensorDefinition } from '../asset/asset-model';
import type { Reading } from '../reading/reading';
import { isWaveform } from '../reading/reading';
import { readingExclusion, type ExclusionReason } from './fit-exclusion';
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
  /** Readings left out of the fits, by role and reason (lib/scenario/fit-exclusion). */
  excluded: Map<SensorRole, Partial<Record<ExclusionReason, number>>>;
}

/** Whether data from `start` to `end` (epoch ms) is to be left out of a fit: an alert window (fit-exclusion). */
export type TimeExclusion = (start: number, end: number) => boolean;

/** The data behind one model: the history it was given, the readings of its roles used and those left out, by reason. */
export interface DataBehind {
  /** First and last bucket of the history looked at, epoch ms; null while empty. */
  window: { from: number; to: number } | null;
  /** Readings of the model's roles a fit could use. */
  used: number;
  excluded: Partial<Record<ExclusionReason, number>>;
}

interface ProductionAccumulator {
  start: number;
  partsLast?: number;
  scrapLast?: number;
  goodLast?: number;
  vibration: { sum: number; count: number };
  speed: { sum: number; count: number };
  /** Time between consecutive readings of the asset while its state (or, without one, its speed) said "running". */
  runningMs: number;
}

/** A pause in the asset's readings longer than this is not counted as running: nobody knows what it did. */
const MAX_GAP_MS = 10 * 60_000;

const COUNTER_ROLES: readonly SensorRole[] = ['parts', 'good', 'scrap'];

export class OperatingHistory {
  private readonly fine = new Map<number, Accumulator>();
  private readonly production = new Map<number, ProductionAccumulator>();
  private newest = -Infinity;
  /** The running state last reported, held between reports, and the time of the asset's previous reading. */
  private running = false;
  private lastReadingTs: number | undefined;

  private readonly sensors: ReadonlyMap<string, SensorDefinition>;

  /**
   * `nominalRpm` tells running from standing when the asset has no state sensor; `sensors`, the asset's, give the
   * physical ranges a reading must lie in.
   */
  constructor(private readonly roles: ResolvedRoles, readonly options: HistoryOptions = DEFAULT_HISTORY_OPTIONS, private readonly nominalRpm = Infinity,
    sensors: readonly SensorDefinition[] = []) {
    this.sensors = new Map(sensors.map((s) => [s.id, s]));
  }

  /**
   * Adds the asset's scalar readings (others are ignored). A reading the fits may not use (fit-exclusion: bad
   * quality, replayed, out of range) is only counted, with its reason. Returns how many were used.
   */
  add(readings: readonly Reading[], asset: string): number {
    let used = 0;
    for (const reading of readings) {
      if (reading.asset !== asset || isWaveform(reading) || !Number.isFinite(reading.value)) continue;
      const role = this.roles.roleOf.get(reading.sensor);
      if (!role) continue;
      const exclusion = readingExclusion(reading, this.sensors.get(reading.sensor));
      if (exclusion) {
        this.countExcluded(role, reading.ts, exclusion);
        continue;
      }
      if (this.addFine(role, reading.ts, reading.value)) used++;
      this.countRunning(reading.ts);
      this.addProduction(role, reading.ts, reading.value);
    }
    return used;
  }

  private fineBucket(ts: number): Accumulator | undefined {
    const index = Math.floor(ts / this.options.bucketMs);
    let bucket = this.fine.get(index);
    if (!bucket) {
      if (this.fine.size >= this.options.buckets && index < this.oldestIndex()) return undefined;
      bucket = { sums: new Map(), excluded: new Map() };
      this.fine.set(index, bucket);
      while (this.fine.size > this.options.buckets) this.fine.delete(this.oldestIndex());
    }
    return bucket;
  }

  private countExcluded(role: SensorRole, ts: number, reason: ExclusionReason): void {
    const bucket = this.fineBucket(ts);
    if (!bucket) return;
    const counts = bucket.excluded.get(role) ?? {};
    counts[reason] = (counts[reason] ?? 0) + 1;
    bucket.excluded.set(role, counts);
  }

  private addFine(role: SensorRole, ts: number, value: number): boolean {
    const bucket = this.fineBucket(ts);
    if (!bucket) return false;
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

  /**
   * Adds the time since the asset's previous reading to its production bucket when the machine was running then.
   * Any reading shows the machine talking; the state holds between its reports, as a subscription sends it only
   * when it changes (without a state sensor, a speed of 5 % of nominal or more means running).
   */
  private countRunning(ts: number): void {
    const previous = this.lastReadingTs;
    if (previous !== undefined && ts < previous) return;
    this.lastReadingTs = ts;
    if (previous === undefined || !this.running || ts - previous > MAX_GAP_MS) return;
    this.productionBucket(previous).runningMs += ts - previous;
  }

  private productionBucket(ts: number): ProductionAccumulator {
    const index = Math.floor(ts / this.options.productionBucketMs);
    let bucket = this.production.get(index);
    if (!bucket) {
      bucket = { start: index * this.options.productionBucketMs, vibration: { sum: 0, count: 0 }, speed: { sum: 0, count: 0 }, runningMs: 0 };
      this.production.set(index, bucket);
      while (this.production.size > this.options.productionBuckets) {
        let oldest = Infinity;
        for (const key of this.production.keys()) if (key < oldest) oldest = key;
        this.production.delete(oldest);
      }
    }
    return bucket;
  }

  private addProduction(role: SensorRole, ts: number, value: number): void {
    if (role === 'state') this.running = value === this.roles.runningState;
    else if (role === 'speed' && !this.roles.sensors.state) this.running = value >= 0.05 * this.nominalRpm;
    if (!COUNTER_ROLES.includes(role) && role !== 'vibration' && role !== 'speed') return;
    const bucket = this.productionBucket(ts);
    if (role === 'parts') bucket.partsLast = Math.max(bucket.partsLast ?? -Infinity, value);
    else if (role === 'scrap') bucket.scrapLast = Math.max(bucket.scrapLast ?? -Infinity, value);
    else if (role === 'good') bucket.goodLast = Math.max(bucket.goodLast ?? -Infinity, value);
    else if (role === 'vibration') add(bucket.vibration, value);
    else add(bucket.speed, value);
  }

  /**
   * Fine buckets in time order. A role without a reading in a bucket holds the value last reported: an OPC UA
   * subscription reports a value only when it moves by its deadband (a state when it changes, a speed that has
   * settled not at all), and the other readings of the bucket show the machine still talking.
   */
  buckets(excluded?: TimeExclusion): HistoryBucket[] {
    const held: BucketValues = {};
    const out: HistoryBucket[] = [];
    for (const [index, bucket] of [...this.fine.entries()].sort((a, b) => a[0] - b[0])) {
      const start = index * this.options.bucketMs;
      // A left-out bucket neither appears nor lends its values to the next: they would stand in for what it hid.
      if (bucket.sums.size === 0 || excluded?.(start, start + this.options.bucketMs)) continue;
      for (const [role, { sum, count }] of bucket.sums) held[role as SensorRole | 'running'] = sum / count;
      out.push({ start, values: { ...held } });
    }
    return out;
  }

  /** What a model of `roles` is given from the history, with `excluded` taking out its alert windows. */
  dataBehind(roles: readonly SensorRole[], excluded?: TimeExclusion): DataBehind {
    const result: DataBehind = { window: null, used: 0, excluded: {} };
    const add = (reason: ExclusionReason, n: number): void => { result.excluded[reason] = (result.excluded[reason] ?? 0) + n; };
    for (const [index, bucket] of this.fine) {
      const start = index * this.options.bucketMs;
      result.window = { from: Math.min(result.window?.from ?? start, start), to: Math.max(result.window?.to ?? start, start + this.options.bucketMs) };
      const alerted = excluded?.(start, start + this.options.bucketMs) ?? false;
      for (const role of roles) {
        const count = bucket.sums.get(role)?.count ?? 0;
        if (alerted) add('alert', count);
        else result.used += count;
        for (const [reason, n] of Object.entries(bucket.excluded.get(role) ?? {})) add(reason as ExclusionReason, n);
      }
    }
    return result;
  }

  /**
   * Production buckets with the parts and scrap made in each: the counter's rise since the previous bucket, so
   * parts finished at a bucket boundary are not lost. A bucket after a gap or a counter reset (the counter fell)
   * is left out: its parts cannot be told apart from the reset.
   */
  productionBuckets(excluded?: TimeExclusion): ProductionBucket[] {
    const entries = [...this.production.entries()].sort((a, b) => a[0] - b[0]);
    const out: ProductionBucket[] = [];
    // As in the fine buckets, a bucket without a counter or speed reading holds the value last reported (a
    // subscription sends a counter only when it counts).
    const held = (entry: [number, ProductionAccumulator] | undefined) => ({
      parts: entry?.[1].partsLast, scrap: entry?.[1].scrapLast, good: entry?.[1].goodLast,
      speed: entry && entry[1].speed.count > 0 ? entry[1].speed.sum / entry[1].speed.count : NaN,
    });
    let before = held(entries[0]);
    for (let i = 1; i < entries.length; i++) {
      const [index, bucket] = entries[i];
      const previousIndex = entries[i - 1][0];
      const now = held(entries[i]);
      const current = { parts: now.parts ?? before.parts, scrap: now.scrap ?? before.scrap, good: now.good ?? before.good, speed: Number.isNaN(now.speed) ? before.speed : now.speed };
      const previous = before;
      before = current;
      if (index !== previousIndex + 1) continue;
      const parts = delta(current.parts, previous.parts);
      const scrap = current.scrap !== undefined
        ? delta(current.scrap, previous.scrap)
        : parts === undefined ? undefined : subtract(parts, delta(current.good, previous.good));
      if (parts === undefined || scrap === undefined || scrap > parts || excluded?.(bucket.start, bucket.start + this.options.productionBucketMs)) continue;
      out.push({
        start: bucket.start, parts, scrap,
        vibration: bucket.vibration.count > 0 ? bucket.vibration.sum / bucket.vibration.count : NaN,
        speed: current.speed,
        runningHours: bucket.runningMs / 3_600_000,
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
