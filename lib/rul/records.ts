import type { MachineStateFact } from '../facts/plant-facts';
import type { UrgencyDecision, WorkOrderEvent } from './urgency';

/**
 * The maintenance records the RUL nodes exchange and the historian stores. Each carries a `kind`, so the historian
 * files it in its table by what it says it is rather than by guessing from its shape.
 */

/** One asset's remaining-useful-life estimate, as twin-rul emits it (an element of its output batch). */
export interface RulRecord {
  kind: 'rul';
  asset: string;
  /** Time of the feature vector the estimate was made from, epoch ms. */
  ts: number;
  rulHours: number;
  lowerHours?: number;
  upperHours?: number;
  /** The estimate sits at the model's cap: read it as "at least this many hours". */
  capped: boolean;
  /** 'reduced' when a sensor the features come from was not healthy; the interval was widened. */
  confidence: 'normal' | 'reduced';
  /** Sensors whose quality lowered the confidence, and their quality. */
  unhealthy?: Record<string, string>;
  modelVersion: string;
  /** The model's inputs as scored, by name. */
  features?: Record<string, number>;
  /**
   * Present when the machine is not running (lib/machine-state): this is the last valid estimate, held, not a new
   * one; `ts` stays the time of the vector it was made from, so its age is the state's time minus `ts`.
   */
  held?: MachineStateFact;
}

export type FailureOutcome = 'failure' | 'false-alarm';

/**
 * Ground truth from the maintenance team: a confirmed failure (ends one life of the machine: the training target
 * counts down to it) or a false alarm (an inspection after a warning found the machine sound).
 */
export interface FailureEvent {
  kind: 'failure-event';
  id: string;
  asset: string;
  component: string;
  outcome: FailureOutcome;
  /** When the failure happened, or when the false alarm was inspected, epoch ms. */
  failedAt: number;
  confirmedBy: string;
  notes: string;
  workOrderId?: string;
  /** When it was recorded, epoch ms. */
  ts: number;
}

/** An urgency decision as twin-urgency emits it; its work-order event, when there is one, is stored. */
export interface UrgencyRecord extends UrgencyDecision {
  kind: 'urgency';
  lowerHours?: number;
  upperHours?: number;
  capped?: boolean;
  confidence?: RulRecord['confidence'];
  modelVersion?: string;
}

/** What maintenance does to a work order from the dashboard. */
export interface WorkOrderUpdate {
  kind: 'work-order';
  id: string;
  asset: string;
  action: 'acknowledge' | 'complete';
  by: string;
  ts: number;
  note?: string;
}

export type WorkOrderChange = WorkOrderEvent | WorkOrderUpdate;

function record(value: unknown, kind: string): Record<string, unknown> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  return v.kind === kind && typeof v.asset === 'string' && v.asset !== '' && typeof v.ts === 'number' && Number.isFinite(v.ts) ? v : undefined;
}

const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const optionalFinite = (v: unknown): boolean => v === undefined || v === null || finite(v);

export function isRulRecord(value: unknown): value is RulRecord {
  const v = record(value, 'rul');
  return !!v && finite(v.rulHours) && optionalFinite(v.lowerHours) && optionalFinite(v.upperHours) && typeof v.modelVersion === 'string';
}

export function isFailureEvent(value: unknown): value is FailureEvent {
  const v = record(value, 'failure-event');
  return !!v && typeof v.id === 'string' && v.id !== '' && finite(v.failedAt) && (v.outcome === 'failure' || v.outcome === 'false-alarm')
    && typeof v.component === 'string' && typeof v.confirmedBy === 'string';
}

export function isUrgencyRecord(value: unknown): value is UrgencyRecord {
  const v = record(value, 'urgency');
  return !!v && (v.level === 'NORMAL' || v.level === 'WARNING' || v.level === 'CRITICAL') && finite(v.rulHours);
}

export function isWorkOrderUpdate(value: unknown): value is WorkOrderUpdate {
  const v = record(value, 'work-order');
  return !!v && typeof v.id === 'string' && (v.action === 'acknowledge' || v.action === 'complete') && typeof v.by === 'string';
}
