import { formatDuration } from '../duration-text';
import type { MachineStateFact, MachineStateName } from '../facts/plant-facts';
import { isRunning, type RunningRule } from '../features/operating-hours';
import type { AlertEvent } from '../threshold/alert';

/**
 * The pack's machine-state rule, decided here once: which state a machine is in, from its state sensor (a state code
 * equal to a value, or a speed above one), and what the twin computes in each state. Only a machine that runs, and has
 * run past its warm-up, feeds features, health and remaining life: the stop transient (a spindle coasting down, a
 * pump losing pressure), the standstill and the run-up after a start would make a failed machine look new. In every
 * other state the last valid estimate is held, marked with the state and since when. twin-features applies the rule
 * and publishes the state (lib/facts, read by alarm suppression and the setpoint interlocks); twin-rul, twin-urgency
 * and the dashboard follow what it says.
 */
export interface MachineStateRule extends RunningRule {
  /** State code of a machine stopped on a failure (tested for equality); absent: a stop is never called a failure. */
  downValue?: number;
  /** After a start, how long the machine is "warming up" before its readings count again, ms. */
  warmUpMs: number;
}

export type { MachineStateFact, MachineStateName };

/** Whether features, health and remaining life are computed from readings taken in this state. */
export function computesIn(state: MachineStateName): boolean {
  return state === 'running' || state === 'unknown';
}

/** Each state as the operator reads it (the dashboard's templates get this table). */
export const STATE_LABELS: Readonly<Record<MachineStateName, string>> = {
  running: 'RUNNING', 'warming-up': 'WARMING UP', stopped: 'STOPPED', down: 'DOWN', unknown: 'UNKNOWN',
};

export function stateLabel(state: MachineStateName): string {
  return STATE_LABELS[state];
}

export interface MachineStateTrackerState {
  fact: MachineStateFact;
  /** Time of the newest state sample, so an older sample arriving late changes nothing. */
  sampleTs?: number;
}

/**
 * Follows one machine's state through its state sensor's samples and the passage of (source) time: `observe` for a
 * sample, `advance` for any other reading, each returning the new fact when the state changed, null otherwise. A
 * sample of bad quality says nothing and is ignored.
 */
export class MachineStateTracker {
  private state: MachineStateTrackerState;

  constructor(readonly rule: MachineStateRule, saved?: MachineStateTrackerState) {
    this.state = saved ? { fact: { ...saved.fact }, sampleTs: saved.sampleTs } : { fact: { state: 'unknown', since: 0 } };
  }

  get fact(): MachineStateFact {
    return { ...this.state.fact };
  }

  observe(ts: number, value: number): MachineStateFact | null {
    if (this.state.sampleTs !== undefined && ts < this.state.sampleTs) return null;
    this.state.sampleTs = ts;
    const raw = this.classify(value);
    const current = this.state.fact.state;
    if (raw === 'running') {
      if (current === 'running' || current === 'warming-up') return this.advance(ts);
      return this.change(this.rule.warmUpMs > 0 ? 'warming-up' : 'running', ts);
    }
    return raw === current ? null : this.change(raw, ts);
  }

  /** Time has passed (a reading of another sensor at `ts`): a warm-up that has lasted long enough ends. */
  advance(ts: number): MachineStateFact | null {
    const { fact } = this.state;
    if (fact.state !== 'warming-up' || ts - fact.since < this.rule.warmUpMs) return null;
    return this.change('running', fact.since + this.rule.warmUpMs);
  }

  private classify(value: number): MachineStateName {
    if (isRunning(this.rule, value)) return 'running';
    return this.rule.downValue !== undefined && value === this.rule.downValue ? 'down' : 'stopped';
  }

  private change(state: MachineStateName, since: number): MachineStateFact {
    this.state.fact = { state, since };
    return { state, since };
  }

  toJSON(): MachineStateTrackerState {
    return { fact: { ...this.state.fact }, sampleTs: this.state.sampleTs };
  }
}

/**
 * What twin-features says when a machine's state changes: the state, since when, and until when its features were
 * computed (the newest reading taken while it ran). twin-rul holds its last estimate on it; the dashboard says
 * DOWN / STOPPED instead of a number.
 */
export interface MachineStateRecord {
  kind: 'machine-state';
  asset: string;
  state: MachineStateName;
  since: number;
  /** Time of the newest reading the asset's features were computed from (absent: none yet), epoch ms. */
  validUntil?: number;
  ts: number;
}

export function isMachineStateRecord(value: unknown): value is MachineStateRecord {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return v.kind === 'machine-state' && typeof v.asset === 'string' && typeof v.state === 'string' && typeof v.since === 'number' && typeof v.ts === 'number';
}

/** The machine-down alarm of an asset: raised when it goes down, cleared when it leaves that state. */
export function machineDownAlert(asset: string, sensor: string, down: MachineStateFact, change: 'raised' | 'cleared', ts: number): AlertEvent {
  return {
    id: `${asset}:machine-down:${down.since}`, asset, sensor, level: 'alarm', direction: null, state: change, value: null, limit: null, unit: '',
    ts, raisedAt: down.since,
    // The time it went down is the alarm's raisedAt, which each dashboard shows in its viewer's own time zone.
    message: change === 'raised' ? `${asset} is DOWN: remaining life is held at its last valid estimate` : `${asset} is no longer down (it was down for ${formatDuration(ts - down.since)})`,
  };
}
