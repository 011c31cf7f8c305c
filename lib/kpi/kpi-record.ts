/**
 * What the KPI tracker sums per period, and the record it reports: OEE and its three factors, downtime, MTBF/MTTR,
 * energy and scrap. Durations are summed in milliseconds and reported in hours.
 */

import { MIN_COUNTED_PARTS } from '../scenario/current-state';

const HOUR_MS = 3_600_000;

/** Additive sums of one period; every KPI is a ratio of these, so periods add up by adding their totals. */
export interface KpiTotals {
  /** Time with data and a known machine state. */
  knownMs: number;
  /** Time without data (a gap longer than the limit) or with an unknown machine state: neither run nor stop. */
  unknownMs: number;
  /** Known time inside the production schedule. */
  scheduledMs: number;
  /** Planned production time: scheduled time minus planned stops. */
  plannedMs: number;
  /** Running time, in or out of the schedule (what performance is measured against). */
  runMs: number;
  /** Running time inside planned production time (what availability is measured by). */
  plannedRunMs: number;
  /** Time in the down (failure) state, in or out of the schedule. */
  failureMs: number;
  idleMs: number;
  /** Counter increases, as counted by each configured counter. */
  parts: number;
  good: number;
  scrap: number;
  energyKWh: number;
  /** Transitions into the down state. */
  failures: number;
  /** Down episodes that ended (whose start was seen), and their summed durations. */
  repairs: number;
  repairMs: number;
  workOrdersOpened: number;
  workOrdersClosed: number;
  /** Summed open-to-close durations of the work orders closed. */
  workOrderMs: number;
}

export function emptyTotals(): KpiTotals {
  return {
    knownMs: 0, unknownMs: 0, scheduledMs: 0, plannedMs: 0, runMs: 0, plannedRunMs: 0, failureMs: 0, idleMs: 0,
    parts: 0, good: 0, scrap: 0, energyKWh: 0, failures: 0, repairs: 0, repairMs: 0,
    workOrdersOpened: 0, workOrdersClosed: 0, workOrderMs: 0,
  };
}

export function addTotals(into: KpiTotals, add: KpiTotals): KpiTotals {
  for (const key of Object.keys(into) as Array<keyof KpiTotals>) into[key] += add[key];
  return into;
}

/** Which counters the asset has: with two of parts, good and scrap the third follows. */
export interface CounterSet {
  parts: boolean;
  good: boolean;
  scrap: boolean;
}

export interface KpiRecord {
  kind: 'kpi';
  asset: string;
  /** `1h` (a bucket of that length) or `rolling-24h` (the window ending now). */
  period: string;
  periodStart: number;
  /** End of the data counted so far; the bucket's end once it is complete. */
  periodEnd: number;
  complete: boolean;
  /** Time of the newest data counted (epoch ms). */
  ts: number;
  knownHours: number;
  unknownHours: number;
  plannedHours: number;
  runHours: number;
  plannedRunHours: number;
  /** Unplanned downtime: planned production time not running (failures, and idling when idle is unplanned). */
  downtimeHours: number;
  failureHours: number;
  idleHours: number;
  availability: number | null;
  performance: number | null;
  /** Why performance is not given although the asset has an ideal cycle time (too few parts, faster than ideal). */
  performanceNote?: string;
  quality: number | null;
  oee: number | null;
  parts: number;
  good: number;
  scrap: number;
  scrapRate: number | null;
  energyKWh: number;
  energyPerPartKWh: number | null;
  failures: number;
  repairs: number;
  repairHours: number;
  /** Run hours per failure (state changes). */
  mtbfHours: number | null;
  /** Mean duration of the down episodes that ended (state changes). */
  mttrHours: number | null;
  workOrdersOpened: number;
  workOrdersClosed: number;
  workOrderHours: number;
  /** Mean time from a work order's opening to its closing (the twin's warning to the machine healthy again). */
  workOrderMttrHours: number | null;
}

export interface RecordMeta {
  asset: string;
  period: string;
  periodStart: number;
  periodEnd: number;
  complete: boolean;
  ts: number;
  idealCycleTimeS: number | undefined;
  counters: CounterSet;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Parts made, good and scrap from the counters the asset has; a missing one is the difference of the other two. */
function partCounts(totals: KpiTotals, counters: CounterSet): { parts: number; good: number; scrap: number } {
  const parts = counters.parts ? totals.parts : totals.good + totals.scrap;
  const good = counters.good ? totals.good : Math.max(0, parts - totals.scrap);
  const scrap = counters.scrap ? totals.scrap : Math.max(0, parts - good);
  return { parts, good, scrap };
}

/**
 * Performance (ideal cycle time × parts / run time) only where it means something: from enough parts to tell a rate
 * (the what-if's rule), and never above 100 % beyond one part counted at a period's edge, which says the machine runs
 * faster than its "ideal" cycle time: the rating is wrong, and an OEE from it would be too.
 */
function performanceOf(idealCycleTimeS: number | undefined, parts: number, runMs: number): { performance: number | null; performanceNote?: string } {
  if (idealCycleTimeS === undefined || !(idealCycleTimeS > 0)) return { performance: null };
  if (parts < MIN_COUNTED_PARTS) return { performance: null, performanceNote: `${parts} part${parts === 1 ? '' : 's'} made: too few to tell a rate (${MIN_COUNTED_PARTS} needed)` };
  const idealMs = idealCycleTimeS * 1000 * parts;
  if (idealMs > runMs + idealCycleTimeS * 1000) {
    return { performance: null, performanceNote: `${parts} parts in ${(runMs / HOUR_MS).toFixed(2)} running hours is faster than the ideal cycle time of ${idealCycleTimeS} s: check the asset's rating` };
  }
  return { performance: Math.min(1, idealMs / runMs) };
}

export function kpiRecord(totals: KpiTotals, meta: RecordMeta): KpiRecord {
  const { parts, good, scrap } = partCounts(totals, meta.counters);
  const availability = ratio(totals.plannedRunMs, totals.plannedMs);
  const { performance, performanceNote } = performanceOf(meta.idealCycleTimeS, parts, totals.runMs);
  const hasQuality = meta.counters.good || meta.counters.scrap;
  const quality = hasQuality ? ratio(good, good + scrap) : null;
  const oee = availability !== null && performance !== null && quality !== null ? availability * performance * quality : null;
  return {
    kind: 'kpi',
    asset: meta.asset,
    period: meta.period,
    periodStart: meta.periodStart,
    periodEnd: meta.periodEnd,
    complete: meta.complete,
    ts: meta.ts,
    knownHours: totals.knownMs / HOUR_MS,
    unknownHours: totals.unknownMs / HOUR_MS,
    plannedHours: totals.plannedMs / HOUR_MS,
    runHours: totals.runMs / HOUR_MS,
    plannedRunHours: totals.plannedRunMs / HOUR_MS,
    downtimeHours: Math.max(0, totals.plannedMs - totals.plannedRunMs) / HOUR_MS,
    failureHours: totals.failureMs / HOUR_MS,
    idleHours: totals.idleMs / HOUR_MS,
    availability,
    performance,
    ...(performanceNote ? { performanceNote } : {}),
    quality,
    oee,
    parts,
    good,
    scrap,
    scrapRate: hasQuality ? ratio(scrap, good + scrap) : null,
    energyKWh: totals.energyKWh,
    energyPerPartKWh: ratio(totals.energyKWh, parts),
    failures: totals.failures,
    repairs: totals.repairs,
    repairHours: totals.repairMs / HOUR_MS,
    mtbfHours: totals.failures > 0 ? totals.runMs / HOUR_MS / totals.failures : null,
    mttrHours: totals.repairs > 0 ? totals.repairMs / HOUR_MS / totals.repairs : null,
    workOrdersOpened: totals.workOrdersOpened,
    workOrdersClosed: totals.workOrdersClosed,
    workOrderHours: totals.workOrderMs / HOUR_MS,
    workOrderMttrHours: totals.workOrdersClosed > 0 ? totals.workOrderMs / HOUR_MS / totals.workOrdersClosed : null,
  };
}

/** Short label of a duration: `15m`, `1h`, `24h`, `7d` (days from two on, as people say 24 h rather than 1 d). */
export function durationLabel(ms: number): string {
  if (ms >= 48 * HOUR_MS && ms % (24 * HOUR_MS) === 0) return `${ms / (24 * HOUR_MS)}d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
