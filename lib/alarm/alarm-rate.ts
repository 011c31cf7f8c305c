import type { AlarmPriority } from './priority';

/**
 * Alarm-load figures of ISA-18.2 (clause 16) and EEMUA 191, from the alarms an operator position was shown:
 * - the average rate per 10 minutes: about 1 is "very likely acceptable", 2 the "maximum manageable";
 * - a flood: more than 10 alarms in 10 minutes; the share of 10-minute periods in flood;
 * - the bad actors: the alarms shown most often, with their share of all (the top ten usually make most of the load),
 *   and whether they chatter (raised 3 or more times within a minute).
 * Counted are annunciations: an alarm raised and shown, or shown again after a shelve, service or suppression ended.
 */

export const TEN_MINUTES_MS = 600_000;
const HOUR_MS = 3_600_000;
/** ISA-18.2: more than 10 alarms in 10 minutes is a flood. */
export const FLOOD_ALARMS_PER_10_MIN = 10;
/** ISA-18.2 / EEMUA 191: about one alarm per 10 minutes per operator is the target; two is the most that is manageable. */
export const TARGET_PER_10_MIN = 1;
export const MANAGEABLE_PER_10_MIN = 2;
const CHATTER_COUNT = 3;
const CHATTER_WINDOW_MS = 60_000;
const BAD_ACTORS = 10;
/** The log is bounded: a plant in a permanent flood still fits in memory and in node context. */
const MAX_LOG = 100_000;

export interface Annunciation {
  ts: number;
  /** The alarm (alarmKeyOf). */
  alarm: string;
  asset: string;
  sensor: string;
  priority: AlarmPriority;
  /** Its condition was raised (false: shown again after a shelve, service or suppression ended). Absent: raised. */
  raised?: boolean;
}

export interface BadActor {
  alarm: string;
  asset: string;
  sensor: string;
  count: number;
  /** Its share of every alarm of the scope in the window (%). */
  sharePct: number;
  chattering: boolean;
}

export type LoadRating = 'acceptable' | 'manageable' | 'overloaded';

/** The alarm load of a position (asset null) or one asset over the rolling window. */
export interface ScopeLoad {
  asset: string | null;
  last10Min: number;
  lastHour: number;
  inWindow: number;
  /** The span the averages cover: the window, or less since tracking began (never under 10 minutes). */
  windowHours: number;
  averagePer10Min: number;
  peak10Min: number;
  /** 10-minute periods (aligned on the clock) in the window with more than 10 alarms, and how many periods there were. */
  floodPeriods: number;
  periods: number;
  floodSharePct: number;
  /** More than 10 alarms in the last 10 minutes. */
  flooding: boolean;
  rating: LoadRating;
  badActors: BadActor[];
}

export interface AlarmLoadReport {
  kind: 'alarm-load';
  position: string;
  ts: number;
  targetPer10Min: number;
  floodAbove: number;
  /** The whole position. */
  overall: ScopeLoad;
  assets: ScopeLoad[];
}

/** One hour of a position's (asset '') or an asset's alarms, as the historian stores it: updated while the hour fills. */
export interface AlarmKpiRecord {
  kind: 'alarm-kpi';
  position: string;
  asset: string;
  periodStart: number;
  periodEnd: number;
  complete: boolean;
  ts: number;
  alarms: number;
  peak10Min: number;
  floodPeriods: number;
  badActors: Array<{ alarm: string; count: number }>;
}

export interface AlarmRateState {
  trackedSince: number;
  /** The hour start of the last hourly report, so the hour open then is reported complete once it ends. */
  reportedHour: number | null;
  log: Annunciation[];
}

function slice(ts: number): number {
  return Math.floor(ts / TEN_MINUTES_MS);
}

function rating(averagePer10Min: number): LoadRating {
  if (averagePer10Min <= TARGET_PER_10_MIN) return 'acceptable';
  return averagePer10Min <= MANAGEABLE_PER_10_MIN ? 'manageable' : 'overloaded';
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function chatters(times: number[]): boolean {
  for (let i = CHATTER_COUNT - 1; i < times.length; i++) if (times[i] - times[i - CHATTER_COUNT + 1] <= CHATTER_WINDOW_MS) return true;
  return false;
}

/** Counts per 10-minute slice, the peak and the flooded slices. */
function slices(entries: readonly Annunciation[]): { peak: number; flooded: number } {
  const counts = new Map<number, number>();
  for (const e of entries) counts.set(slice(e.ts), (counts.get(slice(e.ts)) ?? 0) + 1);
  let peak = 0;
  let flooded = 0;
  for (const count of counts.values()) {
    peak = Math.max(peak, count);
    if (count > FLOOD_ALARMS_PER_10_MIN) flooded++;
  }
  return { peak, flooded };
}

function badActors(entries: readonly Annunciation[], limit: number): BadActor[] {
  const byAlarm = new Map<string, Annunciation[]>();
  for (const e of entries) {
    const list = byAlarm.get(e.alarm);
    if (list) list.push(e); else byAlarm.set(e.alarm, [e]);
  }
  return [...byAlarm.values()]
    .map((list) => ({ alarm: list[0].alarm, asset: list[0].asset, sensor: list[0].sensor, count: list.length,
      sharePct: round((100 * list.length) / entries.length, 1),
      chattering: chatters(list.filter((e) => e.raised !== false).map((e) => e.ts)) }))
    .sort((a, b) => b.count - a.count || a.alarm.localeCompare(b.alarm))
    .slice(0, limit);
}

/** The annunciations of one operator position over a rolling window, and the figures above from them. */
export class AlarmRate {
  private state: AlarmRateState;

  constructor(readonly windowMs: number, now: number, saved?: AlarmRateState) {
    if (!(windowMs >= TEN_MINUTES_MS)) throw new Error('the alarm-rate window must be at least 10 minutes');
    this.state = saved ? { trackedSince: saved.trackedSince, reportedHour: saved.reportedHour ?? null, log: [...saved.log] } : { trackedSince: now, reportedHour: null, log: [] };
  }

  record(annunciation: Annunciation): void {
    this.state.log.push(annunciation);
    if (this.state.log.length > MAX_LOG) this.state.log.splice(0, this.state.log.length - MAX_LOG);
  }

  /** The rolling figures of the position and of each asset that had alarms in the window (most alarms first). */
  report(position: string, now: number): AlarmLoadReport {
    this.prune(now);
    const entries = this.inWindow(now);
    const assets = [...new Set(entries.map((e) => e.asset))];
    return {
      kind: 'alarm-load', position, ts: now, targetPer10Min: TARGET_PER_10_MIN, floodAbove: FLOOD_ALARMS_PER_10_MIN,
      overall: this.scope(null, entries, now),
      assets: assets.map((asset) => this.scope(asset, entries.filter((e) => e.asset === asset), now)).sort((a, b) => b.inWindow - a.inWindow),
    };
  }

  /**
   * Hourly records that changed since the last call: the open hour of the position and of each asset with alarms in
   * it, and, once an hour has ended, its final record. An hour the node did not run through is not reported (nothing
   * says it had no alarms).
   */
  hourRecords(position: string, now: number): AlarmKpiRecord[] {
    const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
    const hours = this.state.reportedHour !== null && this.state.reportedHour < hour ? [this.state.reportedHour, hour] : [hour];
    this.state.reportedHour = hour;
    return hours.flatMap((start) => {
      const entries = this.state.log.filter((e) => e.ts >= start && e.ts < start + HOUR_MS);
      const assets = [...new Set(entries.map((e) => e.asset))].sort();
      return [this.hourRecord(position, '', start, entries, now), ...assets.map((asset) => this.hourRecord(position, asset, start, entries.filter((e) => e.asset === asset), now))];
    });
  }

  toJSON(): AlarmRateState {
    return { trackedSince: this.state.trackedSince, reportedHour: this.state.reportedHour, log: [...this.state.log] };
  }

  private hourRecord(position: string, asset: string, start: number, entries: Annunciation[], now: number): AlarmKpiRecord {
    const { peak, flooded } = slices(entries);
    return {
      kind: 'alarm-kpi', position, asset, periodStart: start, periodEnd: start + HOUR_MS, complete: now >= start + HOUR_MS, ts: now,
      alarms: entries.length, peak10Min: peak, floodPeriods: flooded, badActors: badActors(entries, 5).map((b) => ({ alarm: b.alarm, count: b.count })),
    };
  }

  private scope(asset: string | null, entries: Annunciation[], now: number): ScopeLoad {
    const spanMs = Math.max(TEN_MINUTES_MS, Math.min(this.windowMs, now - this.state.trackedSince));
    const averagePer10Min = round(entries.length / (spanMs / TEN_MINUTES_MS), 2);
    const periods = slice(now) - slice(now - spanMs) + 1;
    const { peak, flooded } = slices(entries);
    const last10Min = entries.filter((e) => e.ts > now - TEN_MINUTES_MS).length;
    return {
      asset, last10Min, lastHour: entries.filter((e) => e.ts > now - HOUR_MS).length, inWindow: entries.length, windowHours: round(spanMs / HOUR_MS, 2),
      averagePer10Min, peak10Min: peak, floodPeriods: flooded, periods, floodSharePct: round((100 * flooded) / periods, 1),
      flooding: last10Min > FLOOD_ALARMS_PER_10_MIN, rating: rating(averagePer10Min), badActors: badActors(entries, BAD_ACTORS),
    };
  }

  private inWindow(now: number): Annunciation[] {
    const from = now - this.windowMs;
    return this.state.log.filter((e) => e.ts > from && e.ts <= now);
  }

  /** Keeps the window and the hour before it (for the hourly record of an hour that just ended). */
  private prune(now: number): void {
    const keepFrom = now - Math.max(this.windowMs, 2 * HOUR_MS);
    if (this.state.log.some((e) => e.ts < keepFrom)) this.state.log = this.state.log.filter((e) => e.ts >= keepFrom);
  }
}
