import type { SensorDefinition } from '../asset/asset-model';
import { WeeklySchedule } from '../kpi/weekly-schedule';
import type { UrgencyLevel } from '../rul/urgency';
import type { AlertLevel } from '../threshold/alert';

export type ApprovalMode = 'manual' | 'automatic';

/** What an engineer sets for one guarded setpoint (asset + sensor). */
export interface GuardOptions {
  asset: string;
  sensor: string;
  unit: string;
  min: number;
  max: number;
  /** Largest change one write may make; Infinity: no limit. */
  maxStep: number;
  /** Fastest the setpoint may move, units per minute, measured from the previous write; Infinity: no limit. */
  maxRatePerMinute: number;
  allowedHours: WeeklySchedule;
  /** Maintenance urgency levels that refuse every change. */
  interlockUrgency: readonly UrgencyLevel[];
  /** Active alert levels on the asset that refuse every change. */
  interlockAlerts: readonly AlertLevel[];
  mode: ApprovalMode;
  /** Four eyes: the approver must be another person than the requester; false only by an explicit setting. */
  fourEyes: boolean;
  /** A request nobody approves within this expires. */
  approvalTimeoutMs: number;
  /** After a write the twin must confirm within this, or the last safe value is written back; 0: no watchdog. */
  watchdogMs: number;
  /** A fresh read-back matching the write (or, without a read-back sensor, any fresh reading) confirms it. */
  confirmOnReadings: boolean;
  /** The PLC's own reading of the setpoint; null: none. */
  readbackSensor: string | null;
  /** Largest difference between written and read-back value that still matches. */
  readbackTolerance: number;
  /** The value known safe before any write; otherwise the first read-back is taken as safe. */
  safeValue: number | null;
}

export const DEFAULT_GUARD_SETTINGS = {
  interlockUrgency: ['CRITICAL'] as UrgencyLevel[],
  interlockAlerts: ['alarm'] as AlertLevel[],
  mode: 'manual' as ApprovalMode,
  fourEyes: true,
  approvalTimeoutMs: 300_000,
  watchdogMs: 30_000,
  confirmOnReadings: true,
};

/** Problems with a guard's settings, all at once, so an editor or a log can show them together. */
export function guardProblems(options: GuardOptions, sensor: SensorDefinition | undefined): string[] {
  const problems: string[] = [];
  if (!sensor) return [`asset "${options.asset}" has no sensor "${options.sensor}" to guard`];
  if (sensor.kind !== 'scalar') problems.push(`sensor "${options.sensor}" is a waveform, not a setpoint`);
  if (!Number.isFinite(options.min) || !Number.isFinite(options.max)) problems.push('set the minimum and maximum (the sensor has no range to default to)');
  else if (!(options.min < options.max)) problems.push(`minimum ${options.min} must be below maximum ${options.max}`);
  if (!(options.maxStep > 0)) problems.push('maximum step must be above 0 (empty: no limit)');
  if (!(options.maxRatePerMinute > 0)) problems.push('maximum rate must be above 0 (empty: no limit)');
  if (!(options.approvalTimeoutMs > 0)) problems.push('approval timeout must be above 0');
  if (!(options.watchdogMs >= 0)) problems.push('watchdog time must be 0 (off) or more');
  if (!(options.readbackTolerance >= 0)) problems.push('read-back tolerance must be 0 or more');
  if (options.safeValue !== null && (options.safeValue < options.min || options.safeValue > options.max)) {
    problems.push(`safe value ${options.safeValue} lies outside ${options.min}..${options.max}`);
  }
  return problems;
}
