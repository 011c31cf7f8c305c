import type { AssetDefinition } from '../asset/asset-model';
import type { IdentifiedModels } from './identification';
import type { HistoryBucket, OperatingHistory } from './operating-history';
import { isRunningBucket } from './series';
import type { SensorRole } from './sensor-roles';

/**
 * Today's operating point, the baseline every scenario is compared with: means over the newest few minutes of
 * running (a few part cycles), the bearing temperature's steady state (where it is heading, from its trend and the
 * thermal time constant), and production figures over the whole history.
 */
export interface CurrentState {
  /** Newest reading the state includes, and the span of the running window, epoch ms. */
  ts: number;
  window: { from: number; to: number };
  runningNow: boolean;
  speedRpm: number;
  speedFraction: number;
  /** Mean speed setpoint over the window, rpm, when the asset publishes it. */
  setpointRpm?: number;
  /** Mean and peak (highest 10-s mean) load over the window, percent; undefined without a load sensor. */
  loadPercent?: number;
  loadPeakPercent?: number;
  powerKw?: number;
  vibrationMmS?: number;
  bearingTempC?: number;
  /** Where the bearing temperature settles at today's operating point: T + tau dT/dt. */
  bearingSteadyC?: number;
  ambientC?: number;
  ambientSource: string;
  /** Share of the history's time the machine ran, 0..1. */
  dutyCycle: number;
  dutySource: string;
  partsPerHour?: number;
  partsSource: string;
  /** Scrap share of the parts made in the history. */
  observedScrapShare?: number;
}

export interface StateOptions {
  nominalRpm: number;
  stateWindowMs: number;
  bucketMs: number;
  ambientC?: number;
}

export function currentState(asset: AssetDefinition, history: OperatingHistory, roles: ReadonlySet<SensorRole>, models: IdentifiedModels, options: StateOptions): CurrentState {
  const buckets = history.buckets();
  if (buckets.length === 0) throw new Error(`no readings of asset ${asset.id} yet: wire the asset's readings (twin-ingest or twin-drift) to this node`);
  const running = buckets.filter((b) => isRunningBucket(b, options.nominalRpm));
  if (running.length === 0) throw new Error(`asset ${asset.id} has not run in the ${Math.round(history.spanMs / 60_000)} min of history: scenarios start from a running operating point`);
  const last = running[running.length - 1];
  const windowStart = last.start - options.stateWindowMs + options.bucketMs;
  const window = sameOperatingPoint(running.filter((b) => b.start >= windowStart), last);
  const mean = (role: SensorRole): number | undefined => meanOf(window, role);
  const speedRpm = mean('speed') as number;
  const thermal = models.thermal.ok ? models.thermal.fit.parameters : undefined;
  const temperatures = window.filter((b) => b.values.bearingTemp !== undefined);
  const bearingTempC = temperatures.length > 0 ? temperatures[temperatures.length - 1].values.bearingTemp : undefined;

  const { ambientC, ambientSource } = ambient(window, roles, options, thermal?.baseTempC);
  const production = productionFigures(asset, history, roles);
  const duty = dutyCycle(buckets, roles, options.nominalRpm, options.bucketMs);
  const load = roles.has('load') ? window.map((b) => b.values.load).filter((v): v is number => v !== undefined) : [];
  return {
    ts: history.newestTs,
    window: { from: window[0].start, to: last.start + options.bucketMs },
    runningNow: last === buckets[buckets.length - 1],
    speedRpm,
    speedFraction: speedRpm / options.nominalRpm,
    setpointRpm: roles.has('setpoint') ? mean('setpoint') : undefined,
    loadPercent: load.length > 0 ? load.reduce((a, b) => a + b, 0) / load.length : undefined,
    loadPeakPercent: load.length > 0 ? Math.max(...load) : undefined,
    powerKw: roles.has('power') ? mean('power') : undefined,
    vibrationMmS: roles.has('vibration') ? mean('vibration') : undefined,
    bearingTempC,
    bearingSteadyC: bearingTempC !== undefined && thermal && temperatures.length >= 3 ? settledTemperature(temperatures, thermal.timeConstantS) : bearingTempC,
    ambientC,
    ambientSource,
    dutyCycle: duty.value,
    dutySource: duty.source,
    ...production,
  };
}

/** Speeds (or setpoints) within this share of each other are one operating point. */
const SAME_POINT = 0.02;

/**
 * The newest run of buckets at the newest bucket's operating point: "today" is what the machine does now, not an
 * average across the setpoint change a minute ago (a warm-up step, an applied scenario).
 */
function sameOperatingPoint(window: readonly HistoryBucket[], last: HistoryBucket): HistoryBucket[] {
  const role: SensorRole = last.values.setpoint !== undefined ? 'setpoint' : 'speed';
  const now = last.values[role] as number;
  let first = window.length - 1;
  while (first > 0 && Math.abs((window[first - 1].values[role] ?? NaN) - now) <= SAME_POINT * now) first--;
  return window.slice(first);
}

function meanOf(buckets: readonly HistoryBucket[], role: SensorRole): number | undefined {
  let sum = 0;
  let count = 0;
  for (const b of buckets) {
    const v = b.values[role];
    if (v !== undefined) {
      sum += v;
      count += 1;
    }
  }
  return count > 0 ? sum / count : undefined;
}

/**
 * Where the bearing temperature is heading at today's operating point: a first-order response with the identified
 * time constant, T(t) = T_ss + B·e^(−t/τ), fitted to the window by least squares (linear in T_ss and B). A window
 * caught on a warm-up is projected to where it settles; at steady state B is nil and T_ss is the mean. A straight
 * line's slope would overstate the heading of a warm-up already slowing down.
 */
function settledTemperature(buckets: readonly HistoryBucket[], timeConstantS: number): number {
  const t0 = buckets[0].start;
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const b of buckets) {
    const x = Math.exp(-(b.start - t0) / 1000 / timeConstantS);
    const y = b.values.bearingTemp as number;
    n += 1;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const denominator = n * sxx - sx * sx;
  if (!(denominator > 1e-12 * n * n)) return sy / n;
  const amplitude = (n * sxy - sx * sy) / denominator;
  return (sy - amplitude * sx) / n;
}

function ambient(window: readonly HistoryBucket[], roles: ReadonlySet<SensorRole>, options: StateOptions, identified: number | undefined): { ambientC?: number; ambientSource: string } {
  if (roles.has('ambient')) {
    const value = meanOf(window, 'ambient');
    if (value !== undefined) return { ambientC: value, ambientSource: 'ambient sensor' };
  }
  if (options.ambientC !== undefined) return { ambientC: options.ambientC, ambientSource: 'setting' };
  if (identified !== undefined) return { ambientC: identified, ambientSource: 'thermal model (temperature at standstill)' };
  return { ambientSource: 'unknown: no ambient sensor, setting or thermal model' };
}

function dutyCycle(buckets: readonly HistoryBucket[], roles: ReadonlySet<SensorRole>, nominalRpm: number, bucketMs: number): { value: number; source: string } {
  const judged = roles.has('state') ? buckets.filter((b) => b.values.running !== undefined) : buckets.filter((b) => b.values.speed !== undefined);
  if (judged.length === 0) return { value: 1, source: 'assumed: always running (no state or speed readings)' };
  const running = judged.filter((b) => (b.values.running !== undefined ? b.values.running >= 0.5 : (b.values.speed as number) >= 0.05 * nominalRpm)).length;
  return { value: running / judged.length, source: `running share of ${Math.round((judged.length * bucketMs) / 60_000)} min of history` };
}

/** Fewer parts than this tell neither a part rate nor a scrap share. */
export const MIN_COUNTED_PARTS = 10;

function productionFigures(asset: AssetDefinition, history: OperatingHistory, roles: ReadonlySet<SensorRole>): Pick<CurrentState, 'partsPerHour' | 'partsSource' | 'observedScrapShare'> {
  const ideal = asset.ratings.idealCycleTimeS;
  if (roles.has('parts')) {
    const production = history.productionBuckets();
    const parts = production.reduce((s, b) => s + b.parts, 0);
    const hours = production.reduce((s, b) => s + b.runningHours, 0);
    const scrap = production.reduce((s, b) => s + b.scrap, 0);
    if (parts >= MIN_COUNTED_PARTS && hours > 0) {
      return { partsPerHour: parts / hours, partsSource: `part counter: ${parts} parts in ${hours.toFixed(1)} running hours`, observedScrapShare: scrap / parts };
    }
  }
  if (ideal && ideal > 0) return { partsPerHour: 3600 / ideal, partsSource: `ideal cycle time ${ideal} s (the counters have fewer than ${MIN_COUNTED_PARTS} parts)` };
  return { partsSource: 'unknown: no part counter history and no ideal cycle time rating' };
}
