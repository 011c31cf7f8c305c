import { randomUUID } from 'node:crypto';
import type { AlarmPriority } from './priority';
import type { AlarmDisplayState } from './alarm-types';

/** Every transition of the alarm system, as the journal names it. */
export const JOURNAL_ACTIONS = ['raised', 'returned', 'acknowledged', 'shelved', 'unshelved', 'shelve-expired', 'out-of-service',
  'returned-to-service', 'suppressed', 'unsuppressed', 'refused'] as const;
export type JournalAction = typeof JOURNAL_ACTIONS[number];

/**
 * One line of the alarm journal (the audit trail ISA-18.2 asks for): who did what to which alarm, when and why, and the
 * state it left the alarm in. The id is random, made once: a record replayed through the store-and-forward buffer keeps
 * it, so the historian stores it once.
 */
export interface AlarmJournalRecord {
  kind: 'alarm-journal';
  id: string;
  ts: number;
  /** The operator position whose alarm system wrote it. */
  position: string;
  asset: string;
  sensor: string;
  /** The alarm's key, or `<asset>:<sensor>` for an action on a whole sensor (out of service). */
  alarm: string;
  alertId: string | null;
  action: JournalAction;
  /** The state the alarm is in afterwards; null for an action on a whole sensor or a refusal. */
  state: AlarmDisplayState | null;
  priority: AlarmPriority | null;
  /** The person (the logged-in dashboard user, or the name a flow gave), `system`, or null for the process itself. */
  by: string | null;
  reason: string | null;
  /** When a shelve ends (epoch ms). */
  until: number | null;
  value: number | null;
  message: string;
}

export type JournalFields = Omit<AlarmJournalRecord, 'kind' | 'id' | 'position' | 'alertId' | 'state' | 'priority' | 'by' | 'reason' | 'until' | 'value'>
  & Partial<Pick<AlarmJournalRecord, 'alertId' | 'state' | 'priority' | 'by' | 'reason' | 'until' | 'value'>>;

export function journalRecord(position: string, fields: JournalFields): AlarmJournalRecord {
  return {
    kind: 'alarm-journal', id: randomUUID(), position, alertId: null, state: null, priority: null, by: null, reason: null, until: null, value: null,
    ...fields,
  };
}
