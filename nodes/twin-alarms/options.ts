import { parseShelveChoices, type ShelveChoice } from '../../lib/alarm/alarm-summary';

/** The editor's fields of twin-alarms. */
export interface TwinAlarmsFields {
  position: string;
  assets: string;
  shelveDurations: string;
  requireLogin: boolean;
  windowHours: string;
  reportS: string;
}

export interface TwinAlarmsOptions {
  position: string;
  /** Asset ids this position watches; empty: every asset. */
  assets: string[];
  shelveChoices: ShelveChoice[];
  requireLogin: boolean;
  windowMs: number;
  reportMs: number;
}

export const DEFAULT_SHELVE_DURATIONS = '15 min, 1 h, 4 h, 8 h';
export const DEFAULT_POSITION = 'Control room';

function positiveNumber(text: unknown, fallback: number, label: string, min: number): number {
  const trimmed = text === undefined || text === null ? '' : String(text).trim();
  if (trimmed === '') return fallback;
  const value = Number(trimmed);
  if (!Number.isFinite(value) || value < min) throw new Error(`${label} "${trimmed}" must be a number of at least ${min}`);
  return value;
}

/** The options from the editor's fields; throws naming the field that is wrong. */
export function alarmsOptions(fields: Partial<TwinAlarmsFields>): TwinAlarmsOptions {
  return {
    position: String(fields.position ?? '').trim() || DEFAULT_POSITION,
    assets: String(fields.assets ?? '').split(',').map((a) => a.trim()).filter((a) => a !== ''),
    shelveChoices: parseShelveChoices(fields.shelveDurations === undefined || String(fields.shelveDurations).trim() === '' ? DEFAULT_SHELVE_DURATIONS : fields.shelveDurations),
    requireLogin: fields.requireLogin !== false,
    windowMs: positiveNumber(fields.windowHours, 24, 'alarm-rate window (h)', 1) * 3_600_000,
    reportMs: positiveNumber(fields.reportS, 60, 'report interval (s)', 1) * 1000,
  };
}
