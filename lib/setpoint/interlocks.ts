import type { UrgencyLevel } from '../rul/urgency';
import type { AlertEvent, AlertLevel } from '../threshold/alert';

/**
 * What blocks a setpoint change on an asset: its maintenance urgency (e.g. CRITICAL) and its active alerts of the
 * blocking levels (alarm by default), both fed by messages from twin-urgency and twin-threshold / twin-drift.
 */
export interface InterlockState {
  urgency: UrgencyLevel | null;
  /** Active blocking alerts by alert id. */
  alerts: Record<string, { sensor: string; level: AlertLevel }>;
}

export interface Blocker {
  code: string;
  reason: string;
}

/** A flood of raised alerts that never clear cannot grow memory without bound. */
const MAX_ALERTS = 1000;

export class Interlocks {
  private state: InterlockState;

  constructor(readonly asset: string, readonly urgencyLevels: readonly UrgencyLevel[], readonly alertLevels: readonly AlertLevel[], saved?: InterlockState) {
    this.state = saved ? structuredClone(saved) : { urgency: null, alerts: {} };
  }

  /** Takes an urgency decision; returns whether the asset's level changed. */
  urgency(decision: { asset: string; level: UrgencyLevel }): boolean {
    if (decision.asset !== this.asset || decision.level === this.state.urgency) return false;
    this.state.urgency = decision.level;
    return true;
  }

  /** Takes an alert event; returns whether the set of blocking alerts changed. */
  alert(event: AlertEvent): boolean {
    if (event.asset !== this.asset) return false;
    const known = this.state.alerts[event.id] !== undefined;
    if (event.state === 'cleared' || !this.alertLevels.includes(event.level)) {
      delete this.state.alerts[event.id];
      return known;
    }
    this.state.alerts[event.id] = { sensor: event.sensor, level: event.level };
    const ids = Object.keys(this.state.alerts);
    if (ids.length > MAX_ALERTS) delete this.state.alerts[ids[0]];
    return !known;
  }

  /** The first thing that blocks a change now, or null. */
  blocker(): Blocker | null {
    const level = this.state.urgency;
    if (level !== null && this.urgencyLevels.includes(level)) {
      return { code: `interlock ${level}`, reason: `interlock: ${this.asset} maintenance urgency is ${level}` };
    }
    const alerts = Object.values(this.state.alerts);
    if (alerts.length > 0) {
      const sensors = [...new Set(alerts.map((a) => a.sensor))].join(', ');
      return { code: `interlock ${alerts[0].level}`, reason: `interlock: ${alerts[0].level} active on ${this.asset} ${sensors}` };
    }
    return null;
  }

  get urgencyLevel(): UrgencyLevel | null {
    return this.state.urgency;
  }

  toJSON(): InterlockState {
    return structuredClone(this.state);
  }
}
