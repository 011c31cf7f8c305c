import type { AlertEvent } from '../threshold/alert';
import type { HealthAssessment } from './sensor-health';

export interface ActiveHealthAlert {
  id: string;
  level: AlertEvent['level'];
  raisedAt: number;
}

/**
 * Turns sensor-health changes into alert events of the same shape twin-threshold emits, so a suspect or faulty
 * sensor reaches the historian's alert table, alert lists and pop-ups like any other alert: raised once when the
 * sensor leaves health, re-raised at the new level when it gets worse or better, cleared when it is healthy again.
 */
export type HealthAlertsState = Record<string, ActiveHealthAlert>;

export class HealthAlerts {
  private readonly active: Map<string, ActiveHealthAlert>;

  constructor(readonly asset: string, saved?: HealthAlertsState) {
    this.active = new Map(Object.entries(saved ?? {}));
  }

  update(assessment: HealthAssessment, ts: number): AlertEvent[] {
    const events: AlertEvent[] = [];
    const current = this.active.get(assessment.sensor);
    const level: AlertEvent['level'] | undefined = assessment.state === 'faulty' ? 'alarm' : assessment.state === 'suspect' ? 'warning' : undefined;
    if (current && current.level !== level) {
      events.push(this.event(assessment, current, 'cleared', ts, `${assessment.sensor} sensor health: ${assessment.state}`));
      this.active.delete(assessment.sensor);
    }
    if (level && (!current || current.level !== level)) {
      const raised: ActiveHealthAlert = { id: `${this.asset}:${assessment.sensor}:health:${ts}`, level, raisedAt: ts };
      this.active.set(assessment.sensor, raised);
      events.push(this.event(assessment, raised, 'raised', ts, assessment.recommendation));
    }
    return events;
  }

  private event(assessment: HealthAssessment, alert: ActiveHealthAlert, state: AlertEvent['state'], ts: number, message: string): AlertEvent {
    return {
      id: alert.id, asset: this.asset, sensor: assessment.sensor, level: alert.level, direction: null, state,
      value: assessment.driftBias, limit: null, unit: assessment.unit, ts, raisedAt: alert.raisedAt, message,
    };
  }

  toJSON(): HealthAlertsState {
    return Object.fromEntries(this.active);
  }
}
