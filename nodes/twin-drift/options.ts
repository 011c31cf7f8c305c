import type { RunningRule } from '../../lib/features/operating-hours';
import type { SensorCheck } from '../../lib/health/asset-health';
import { DEFAULT_HEALTH_OPTIONS, type DriftReference, type HealthOptions } from '../../lib/health/sensor-health';

/** One row of the editor's sensor list. */
export interface CheckRow {
  sensor: string;
  /** `baseline`, `none`, or the id of a reference sensor. */
  reference: string;
  /** Bias (sensor units) beyond which the sensor counts as faulty; empty: drift only warns. */
  tolerance?: string;
}

export interface TwinDriftFields {
  checks: CheckRow[];
  method: string;
  threshold: string;
  allowance: string;
  intervalS: string;
  learnMinutes: string;
  stuckMinutes: string;
  spikeZ: string;
  dropoutFactor: string;
  runningSensor: string;
  runningTest: string;
  runningValue: string;
}

function positive(text: string | undefined, fallback: number, label: string, allowZero = false): number {
  if (text === undefined || String(text).trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new Error(`${label} "${text}" must be a number above 0`);
  return value;
}

function referenceOf(text: string): DriftReference {
  const value = text.trim();
  if (value === '' || value === 'baseline') return { kind: 'baseline' };
  if (value === 'none') return { kind: 'none' };
  return { kind: 'sensor', sensor: value };
}

/** The editor's fields as the sensor checks the library runs, naming every field that is wrong. */
export function sensorChecks(fields: Partial<TwinDriftFields>): SensorCheck[] {
  const rows = Array.isArray(fields.checks) ? fields.checks : [];
  if (rows.length === 0) throw new Error('no sensors to check: add at least one to the list');
  const base: HealthOptions = {
    ...DEFAULT_HEALTH_OPTIONS,
    method: fields.method === 'page-hinkley' ? 'page-hinkley' : 'cusum',
    threshold: positive(fields.threshold, DEFAULT_HEALTH_OPTIONS.threshold, 'threshold h'),
    allowance: positive(fields.allowance, DEFAULT_HEALTH_OPTIONS.allowance, 'allowance k'),
    intervalMs: positive(fields.intervalS, DEFAULT_HEALTH_OPTIONS.intervalMs / 1000, 'interval') * 1000,
    stuckMs: positive(fields.stuckMinutes, DEFAULT_HEALTH_OPTIONS.stuckMs / 60_000, 'stuck time', true) * 60_000,
    spikeZ: positive(fields.spikeZ, DEFAULT_HEALTH_OPTIONS.spikeZ, 'spike z'),
    dropoutFactor: positive(fields.dropoutFactor, DEFAULT_HEALTH_OPTIONS.dropoutFactor, 'dropout factor'),
  };
  const learnMs = positive(fields.learnMinutes, (DEFAULT_HEALTH_OPTIONS.learnIntervals * DEFAULT_HEALTH_OPTIONS.intervalMs) / 60_000, 'learning time') * 60_000;
  base.learnIntervals = Math.max(2, Math.round(learnMs / base.intervalMs));
  return rows.map((row) => {
    const tolerance = row.tolerance === undefined || String(row.tolerance).trim() === '' ? undefined : positive(row.tolerance, 0, `tolerance of ${row.sensor}`);
    return { sensor: String(row.sensor ?? '').trim(), options: { ...base, reference: referenceOf(String(row.reference ?? '')), biasTolerance: tolerance } };
  });
}

/** When the machine runs, from the editor's fields; undefined when no running sensor is named. */
export function runningRule(fields: Partial<TwinDriftFields>): RunningRule | undefined {
  const sensor = String(fields.runningSensor ?? '').trim();
  if (!sensor) return undefined;
  const value = Number(String(fields.runningValue ?? '1').trim() || '1');
  if (!Number.isFinite(value)) throw new Error(`running value "${fields.runningValue}" is not a number`);
  return { sensor, test: fields.runningTest === 'above' ? 'above' : 'equals', value };
}
