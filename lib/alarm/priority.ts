import type { AlertLevel } from '../threshold/alert';

/**
 * Alarm priorities as ISA-18.2 asks for them: few (four), chosen per alarm from the consequence of not acting and the
 * time there is to act, and shown the same everywhere. Named apart from the maintenance urgency (CRITICAL / WARNING)
 * so an operator never confuses an alarm with a remaining-life decision.
 */
export type AlarmPriority = 'urgent' | 'high' | 'medium' | 'low';

/** Most important first: the alarm summary sorts by this order. */
export const ALARM_PRIORITIES: readonly AlarmPriority[] = ['urgent', 'high', 'medium', 'low'];

/**
 * The priority of an alarm whose limit names none: an alarm limit `high`, a warning (a pre-alarm) `low`, data that stopped
 * coming `medium` (the operator is blind to that sensor). `urgent` is only ever an engineer's choice.
 */
export const DEFAULT_PRIORITY: Readonly<Record<AlertLevel, AlarmPriority>> = { alarm: 'high', warning: 'low', stale: 'medium' };

export function isAlarmPriority(value: unknown): value is AlarmPriority {
  return typeof value === 'string' && (ALARM_PRIORITIES as readonly string[]).includes(value);
}

/** Sort rank: 0 for urgent. */
export function priorityRank(priority: AlarmPriority): number {
  return ALARM_PRIORITIES.indexOf(priority);
}
