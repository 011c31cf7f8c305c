import type { AlertEvent, AlertLevel } from '../threshold/alert';
import type { AlarmPriority } from './priority';

/**
 * The ISA-18.2 alarm states of one alarm (its figure "alarm state transition diagram", without latching):
 * - `normal`: condition normal, nothing to acknowledge;
 * - `unacknowledged`: condition active, not yet acknowledged;
 * - `acknowledged`: condition active, acknowledged;
 * - `returned-unacknowledged`: the condition returned to normal before anybody acknowledged it; it stays on the alarm
 *   summary until someone does.
 */
export type AlarmState = 'normal' | 'unacknowledged' | 'acknowledged' | 'returned-unacknowledged';

/**
 * Why an alarm is not shown to the operator although its condition may be active: out of service (its sensor is under
 * maintenance), shelved (an operator took it off the summary for a time), suppressed by design (the machine's state
 * makes it meaningless). Ranked in that order when more than one applies.
 */
export type AlarmHiddenBy = 'out-of-service' | 'shelved' | 'suppressed';

/** What an operator sees of an alarm: its ISA-18.2 state, or why it is not shown. */
export type AlarmDisplayState = AlarmState | AlarmHiddenBy;

export interface Shelve {
  by: string;
  reason: string;
  /** When it was shelved and when it comes back by itself (epoch ms). */
  at: number;
  until: number;
}

export interface OutOfService {
  asset: string;
  sensor: string;
  by: string;
  reason: string;
  at: number;
}

export interface Suppression {
  /** The machine state that suppresses the alarm, and since when. */
  state: string;
  since: number;
}

/** One alarm as the alarm summary shows it. */
export interface AlarmView {
  /** The alarm (`<asset>:<sensor>:<level>`, see alarmKeyOf); the same over its occurrences. */
  key: string;
  /** The newest occurrence's alert id. */
  alertId: string;
  asset: string;
  sensor: string;
  level: AlertLevel;
  priority: AlarmPriority;
  state: AlarmDisplayState;
  /** Whether its condition is active now. */
  active: boolean;
  message: string;
  value: number | null;
  limit: number | null;
  unit: string;
  raisedAt: number;
  /** When its condition or state last changed. */
  changedAt: number;
  acknowledgedBy: string | null;
  shelve: Shelve | null;
  outOfService: OutOfService | null;
  suppressed: Suppression | null;
}

/** What the board keeps of one alarm. */
export interface AlarmRecord {
  key: string;
  asset: string;
  sensor: string;
  state: AlarmState;
  active: boolean;
  priority: AlarmPriority;
  /** The newest event of the alarm's newest occurrence. */
  event: AlertEvent;
  acknowledgedBy: string | null;
  changedAt: number;
  shelve: Shelve | null;
  suppressed: Suppression | null;
}
