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
}

export function isAlertEvent(value: unknown): value is AlertEvent {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.level === 'string' && typeof v.state === 'string' && typeof v.sensor === 'string';
}
