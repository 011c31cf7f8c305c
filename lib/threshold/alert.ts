import type { AlarmPriority } from '../alarm/priority';

export type AlertLevel = 'warning' | 'alarm' | 'stale';
export type AlertDirection = 'high' | 'low';
export type AlertState = 'raised' | 'cleared' | 'acknowledged';

/** An alert event as twin-threshold emits it and twin-historian stores it (one row per id, updated). */
export interface AlertEvent {
  /** Stable for the life of one alert, from raise to clear. */
  id: string;
  asset: string;
  sensor: string;
  level: AlertLevel;
  direction: AlertDirection | null;
  state: AlertState;
  value: number | null;
  limit: number | null;
  unit: string;
  /** When this event happened (epoch ms). */
  ts: number;
  /** When the alert was raised (epoch ms). */
  raisedAt: number;
  message: string;
  acknowledgedBy?: string;
  /** The alarm's priority from the asset model (absent: the default of its level, lib/alarm/priority). */
  priority?: AlarmPriority;
  /** Machine states the alarm is suppressed in by design (lib/alarm/suppression); absent or empty: never. */
  suppressWhen?: string[];
}

export function isAlertEvent(value: unknown): value is AlertEvent {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.level === 'string' && typeof v.state === 'string' && typeof v.sensor === 'string';
}

/**
 * The alarm an event belongs to, for alarm management (lib/alarm): every source names an alert `<alarm>:<raise time>`
 * (`spindle-1:bearingTemp:alarm:…` for a limit, `…:health:…` for sensor health, `…:machine-down:…`), so the alarm is
 * its id without the time. The same alarm raised again later is the same alarm (and a chattering one is seen as such).
 */
export function alarmKeyOf(event: Pick<AlertEvent, 'id' | 'asset' | 'sensor' | 'level'>): string {
  const match = /^(.+):-?\d+(?:\.\d+)?$/.exec(event.id);
  return match ? match[1] : `${event.asset}:${event.sensor}:${event.level}`;
}
