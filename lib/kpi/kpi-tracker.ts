import { findSensor, type AssetDefinition } from '../asset/asset-model';
import { MACHINE_STATE } from '../asset/presets';
import { isWaveform, type Reading, type ScalarReading } from '../reading/reading';
import type { WorkOrderEvent } from '../rul/urgency';
import { counterIncrease } from './counter-increase';
import { addTotals, durationLabel, emptyTotals, kpiRecord, type CounterSet, type KpiRecord, type KpiTotals, type RecordMeta } from './kpi-record';
import { WeeklySchedule } from './weekly-schedule';

/**
 * Production KPIs of one machine from its readings: machine state (0 idle, 1 running, 2 down), part counters and
 * motor power, plus the work orders the urgency tracker opens and closes. Time is accounted between consecutive
 * readings of the asset: the newest state and power hold until the next reading of any of its sensors (OPC UA
 * subscriptions send a value only when it changes, so a state that stays 1 is not repeated), unless the asset sent
 * nothing for longer than the gap limit, in which case the time is unknown and counts as neither run nor stop.
 * Sums are kept per bucket (an hour by default) for a bounded number of buckets, plus lifetime totals.
 */

export type MachineState = 'running' | 'idle' | 'down' | 'unknown';

/** How an idle machine (state 0) counts: a planned stop (break, no orders) or an unplanned stop (a loss). */
export type IdleCounting = 'planned-stop' | 'unplanned-stop';

export interface KpiOptions {
  stateSensor: string;
  partsSensor?: string;
  goodSensor?: string;
  scrapSensor?: string;
  powerSensor?: string;
  /** Seconds per part at ideal speed; from the asset's ratings when not given. */
  idealCycleTimeS?: number;
  schedule: WeeklySchedule;
  idle: IdleCounting;
  /** Longer than this without any reading of the asset is a gap. */
  maxGapMs: number;
  bucketMs: number;
  /** Buckets in the rolling window (24 one-hour buckets: the last 24 h). */
  rollingBuckets: number;
  /** Buckets kept in memory (and in node context); older ones only live on in the lifetime totals. */
  keepBuckets: number;
}

export const DEFAULT_KPI_OPTIONS: KpiOptions = {
  stateSensor: 'state', partsSensor: 'partCount', goodSensor: 'goodCount', scrapSensor: 'scrapCount', powerSensor: 'motorPower',
  schedule: WeeklySchedule.ALWAYS, idle: 'planned-stop', maxGapMs: 600_000, bucketMs: 3_600_000, rollingBuckets: 24, keepBuckets: 168,
};

/** A work-order event from the urgency tracker, or maintenance's own update of one (acknowledge, complete). */
export interface WorkOrderChange {
  id: string;
  asset: string;
  action: WorkOrderEvent['action'] | 'acknowledge' | 'complete';
  ts: number;
}

/** Work orders remembered as open at most; a flood of opens without closes cannot grow memory without bound. */
const MAX_OPEN_WORK_ORDERS = 1000;

interface Bucket {
  start: number;
  /** Covered up to (exclusive). */
  end: number;
  totals: KpiTotals;
  dirty: boolean;
}

export interface KpiTrackerState {
  cursor: number | null;
  machine: MachineState;
  downSince: number | null;
  powerKw: number | null;
  counters: Record<string, number>;
  buckets: Bucket[];
  lifetime: KpiTotals;
  lifetimeStart: number | null;
  openWorkOrders: Record<string, number>;
  /** Source time of the state reading `machine` comes from. */
  stateTs?: number;
}

function machineState(code: number): MachineState {
  const rounded = Math.round(code);
  if (rounded === MACHINE_STATE.running) return 'running';
  if (rounded === MACHINE_STATE.down) return 'down';
  if (rounded === MACHINE_STATE.idle) return 'idle';
  return 'unknown';
}

export class KpiTracker {
  readonly asset: string;
  readonly options: KpiOptions;
  private readonly idealCycleTimeS: number | undefined;
  private readonly counterSet: CounterSet;
  /** Counter sensor id → modulus (register top + 1) for wrap detection. */
  private readonly counterModulus = new Map<string, number>();
  private readonly counterKind = new Map<string, keyof CounterSet>();
  private state: KpiTrackerState;

  /** The machine has a part counter (parts, good or scrap): it makes parts, so it has parts and scrap figures. */
  get countsParts(): boolean {
    return this.counterSet.parts || this.counterSet.good || this.counterSet.scrap;
  }

  constructor(asset: AssetDefinition, options: KpiOptions, saved?: KpiTrackerState) {
    this.asset = asset.id;
    this.options = options;
    if (!(options.bucketMs > 0) || !(options.maxGapMs > 0)) throw new Error('bucket length and gap limit must be above 0');
    if (!(options.rollingBuckets >= 1) || !(options.keepBuckets >= options.rollingBuckets)) {
      throw new Error(`keep at least as many buckets (${options.keepBuckets}) as the rolling window holds (${options.rollingBuckets})`);
    }
    const named: Array<[string, string | undefined]> = [['state', options.stateSensor], ['parts', options.partsSensor],
      ['good', options.goodSensor], ['scrap', options.scrapSensor], ['power', options.powerSensor]];
    const unknown = named.filter(([, id]) => id !== undefined && !findSensor(asset, id)).map(([role, id]) => `${role} sensor "${id}"`);
    if (unknown.length > 0) throw new Error(`asset "${asset.id}" has no ${unknown.join(', ')}: name sensors of the asset, or leave the field empty`);
    this.idealCycleTimeS = options.idealCycleTimeS ?? asset.ratings.idealCycleTimeS;
    this.counterSet = { parts: options.partsSensor !== undefined, good: options.goodSensor !== undefined, scrap: options.scrapSensor !== undefined };
    for (const [kind, id] of [['parts', options.partsSensor], ['good', options.goodSensor], ['scrap', options.scrapSensor]] as const) {
      if (id === undefined) continue;
      const max = findSensor(asset, id)?.range?.max;
      this.counterModulus.set(id, max !== undefined ? max + 1 : Infinity);
      this.counterKind.set(id, kind);
    }
    this.state = saved ? structuredClone(saved) : {
      cursor: null, machine: 'unknown', downSince: null, powerKw: null, counters: {}, buckets: [], lifetime: emptyTotals(),
      lifetimeStart: null, openWorkOrders: {},
    };
  }

  /** Accounts a batch of readings; other assets' readings, waveforms and readings older than the newest are skipped. */
  process(readings: readonly Reading[]): void {
    const own = readings.filter((r): r is ScalarReading => r.asset === this.asset && !isWaveform(r) && Number.isFinite(r.ts));
    own.sort((a, b) => a.ts - b.ts);
    for (const reading of own) {
      const usable = reading.quality !== 'bad' && Number.isFinite(reading.value);
      if (this.state.cursor !== null && reading.ts < this.state.cursor) {
        // A subscription's first value may carry an older source time than readings already counted: it adds no
        // time, but it does tell the state, unless a newer state reading already has.
        if (usable && reading.sensor === this.options.stateSensor && reading.ts >= (this.state.stateTs ?? -Infinity)) this.apply(reading.sensor, reading.value, reading.ts);
        continue;
      }
      this.advance(reading.ts);
      if (usable) this.apply(reading.sensor, reading.value, reading.ts);
    }
  }

  /**
   * Counts a work order opened and closed: by the urgency tracker (`open` … `close` when the asset is back to normal)
   * or by maintenance completing it (`complete`), whichever ends it first. Escalations change nothing here.
   */
  workOrder(event: WorkOrderChange): void {
    if (event.asset !== this.asset || !Number.isFinite(event.ts)) return;
    const open = this.state.openWorkOrders;
    if (event.action === 'open') {
      if (open[event.id] !== undefined) return;
      open[event.id] = event.ts;
      const ids = Object.keys(open);
      if (ids.length > MAX_OPEN_WORK_ORDERS) delete open[ids.reduce((a, b) => (open[a] <= open[b] ? a : b))];
      this.addAt(event.ts, (t) => { t.workOrdersOpened += 1; });
    } else if ((event.action === 'close' || event.action === 'complete') && open[event.id] !== undefined) {
      const duration = Math.max(0, event.ts - open[event.id]);
      delete open[event.id];
      this.addAt(event.ts, (t) => { t.workOrdersClosed += 1; t.workOrderMs += duration; });
    }
  }

  private advance(to: number): void {
    const from = this.state.cursor;
    this.state.cursor = to;
    this.state.lifetimeStart ??= to;
    if (from === null || to <= from) return;
    if (to - from > this.options.maxGapMs) this.addSpan(from, to, 'unknown', null);
    else this.addSpan(from, to, this.state.machine, this.state.powerKw);
  }

  private apply(sensor: string, value: number, ts: number): void {
    const { options } = this;
    if (sensor === options.stateSensor) {
      this.changeState(machineState(value), ts);
      this.state.stateTs = ts;
    }
    if (sensor === options.powerSensor) this.state.powerKw = Math.max(0, value);
    const kind = this.counterKind.get(sensor);
    if (kind !== undefined) {
      const previous = this.state.counters[sensor];
      this.state.counters[sensor] = value;
      if (previous === undefined) return;
      const increase = counterIncrease(previous, value, this.counterModulus.get(sensor) ?? Infinity);
      if (increase > 0) this.addAt(ts, (t) => { t[kind] += increase; });
    }
  }

  private changeState(next: MachineState, ts: number): void {
    const previous = this.state.machine;
    if (next === previous) return;
    this.state.machine = next;
    // An unknown state between two down readings (a bad code, a restart) continues the same episode.
    if (next === 'unknown' || (next === 'down' && this.state.downSince !== null)) return;
    if (next === 'down') {
      this.state.downSince = ts;
      this.addAt(ts, (t) => { t.failures += 1; });
    } else if (this.state.downSince !== null) {
      const duration = ts - this.state.downSince;
      this.addAt(ts, (t) => { t.repairs += 1; t.repairMs += duration; });
      this.state.downSince = null;
    }
  }

  /** Adds [from, to) in the given state to every bucket it overlaps and to the lifetime totals. */
  private addSpan(from: number, to: number, machine: MachineState, powerKw: number | null): void {
    const { bucketMs, keepBuckets } = this.options;
    const whole = this.spanTotals(from, to, machine, powerKw);
    addTotals(this.state.lifetime, whole);
    // Only the newest buckets are kept, so a span longer than all of them is only split over those.
    const keptFrom = Math.max(from, (Math.floor((to - 1) / bucketMs) - keepBuckets + 1) * bucketMs);
    for (let start = Math.floor(keptFrom / bucketMs) * bucketMs; start < to; start += bucketMs) {
      const a = Math.max(keptFrom, start);
      const b = Math.min(to, start + bucketMs);
      if (b <= a) continue;
      const bucket = this.bucket(start);
      if (!bucket) continue;
      addTotals(bucket.totals, b - a === to - from ? whole : this.spanTotals(a, b, machine, powerKw));
      bucket.end = Math.max(bucket.end, b);
      bucket.dirty = true;
    }
  }

  private spanTotals(from: number, to: number, machine: MachineState, powerKw: number | null): KpiTotals {
    const totals = emptyTotals();
    const duration = to - from;
    if (powerKw !== null) totals.energyKWh = (powerKw * duration) / 3_600_000;
    if (machine === 'unknown') {
      totals.unknownMs = duration;
      return totals;
    }
    const scheduled = this.options.schedule.insideMs(from, to);
    totals.knownMs = duration;
    totals.scheduledMs = scheduled;
    if (machine === 'running') {
      totals.runMs = duration;
      totals.plannedRunMs = scheduled;
      totals.plannedMs = scheduled;
    } else if (machine === 'down') {
      totals.failureMs = duration;
      totals.plannedMs = scheduled;
    } else {
      totals.idleMs = duration;
      if (this.options.idle === 'unplanned-stop') totals.plannedMs = scheduled;
    }
    return totals;
  }

  /** Applies a change to the bucket holding `ts` (when it is still kept) and to the lifetime totals. */
  private addAt(ts: number, change: (totals: KpiTotals) => void): void {
    change(this.state.lifetime);
    const bucket = this.bucket(Math.floor(ts / this.options.bucketMs) * this.options.bucketMs);
    if (!bucket) return;
    change(bucket.totals);
    bucket.end = Math.max(bucket.end, Math.min(ts, bucket.start + this.options.bucketMs));
    bucket.dirty = true;
  }

  /** The bucket starting at `start`, created in order; undefined when it is older than every kept bucket. */
  private bucket(start: number): Bucket | undefined {
    const buckets = this.state.buckets;
    let index = buckets.length;
    while (index > 0 && buckets[index - 1].start > start) index--;
    if (index > 0 && buckets[index - 1].start === start) return buckets[index - 1];
    if (buckets.length >= this.options.keepBuckets && index === 0) return undefined;
    const created: Bucket = { start, end: start, totals: emptyTotals(), dirty: true };
    buckets.splice(index, 0, created);
    while (buckets.length > this.options.keepBuckets) buckets.shift();
    return buckets.includes(created) ? created : undefined;
  }

  private meta(period: string, periodStart: number, periodEnd: number, complete: boolean): RecordMeta {
    return { asset: this.asset, period, periodStart, periodEnd, complete, ts: this.state.cursor ?? periodEnd, idealCycleTimeS: this.idealCycleTimeS, counters: this.counterSet };
  }

  private bucketRecord(bucket: Bucket): KpiRecord {
    const complete = (this.state.cursor ?? 0) >= bucket.start + this.options.bucketMs;
    return kpiRecord(bucket.totals, this.meta(durationLabel(this.options.bucketMs), bucket.start, complete ? bucket.start + this.options.bucketMs : bucket.end, complete));
  }

  /** The rolling window: the newest `rollingBuckets` buckets, up to the newest data. */
  rollingRecord(): KpiRecord | undefined {
    const newest = this.state.buckets.at(-1);
    if (!newest) return undefined;
    const { bucketMs, rollingBuckets } = this.options;
    const start = newest.start - (rollingBuckets - 1) * bucketMs;
    const totals = this.sumBuckets(start, Infinity);
    return kpiRecord(totals, this.meta(`rolling-${durationLabel(rollingBuckets * bucketMs)}`, start, Math.max(newest.end, this.state.cursor ?? newest.end), false));
  }

  /**
   * Records of the buckets that changed since the last report, oldest first, then the rolling window; `all` also
   * reports the newest bucket and the window when nothing changed (a report asked for).
   */
  report(all = false): KpiRecord[] {
    const changed = this.state.buckets.filter((b) => b.dirty);
    const newest = this.state.buckets.at(-1);
    if (all && newest && !newest.dirty) changed.push(newest);
    for (const bucket of changed) bucket.dirty = false;
    const records = changed.map((b) => this.bucketRecord(b));
    const rolling = this.rollingRecord();
    if (rolling && changed.length > 0) records.push(rolling);
    return records;
  }

  /** Every kept bucket as a record, oldest first. */
  bucketRecords(): KpiRecord[] {
    return this.state.buckets.map((b) => this.bucketRecord(b));
  }

  /** Sum of the kept buckets starting in [from, to). */
  private sumBuckets(from: number, to: number): KpiTotals {
    const totals = emptyTotals();
    for (const bucket of this.state.buckets) if (bucket.start >= from && bucket.start < to) addTotals(totals, bucket.totals);
    return totals;
  }

  /** Everything counted since the tracker started (the twin period of a savings report), undefined before any data. */
  lifetimeRecord(): KpiRecord | undefined {
    const { lifetimeStart, cursor } = this.state;
    if (lifetimeStart === null || cursor === null) return undefined;
    return kpiRecord(this.state.lifetime, this.meta('lifetime', lifetimeStart, cursor, false));
  }

  /** Time accounted up to (the newest reading's time). */
  get cursor(): number | null {
    return this.state.cursor;
  }

  toJSON(): KpiTrackerState {
    return structuredClone(this.state);
  }
}
