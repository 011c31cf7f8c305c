import type { AlertFact, UrgencyFact } from '../facts/plant-facts';
import type { UrgencyLevel } from '../rul/urgency';
import type { AlertLevel } from '../threshold/alert';

/**
 * What blocks a setpoint change on an asset: its maintenance urgency (e.g. CRITICAL) and its active alerts of the
 * blocking levels (alarm by default). Both are read, at the moment of each check, from what twin-urgency,
 * twin-threshold and twin-drift hold themselves (lib/facts/plant-facts): no message can lift an interlock.
 */
export interface InterlockFacts {
  urgencyOf(asset: string): UrgencyFact | null;
  alertsOf(asset: string): AlertFact[];
}

export interface Blocker {
  code: string;
  reason: string;
}

export interface InterlockSettings {
  asset: string;
  urgencyLevels: readonly UrgencyLevel[];
  alertLevels: readonly AlertLevel[];
}

/** The first thing that blocks a change now, or null. */
export function interlockBlocker(settings: InterlockSettings, facts: InterlockFacts): Blocker | null {
  const urgency = facts.urgencyOf(settings.asset);
  if (urgency && settings.urgencyLevels.includes(urgency.level)) {
    return { code: `interlock ${urgency.level}`, reason: `interlock: ${settings.asset} maintenance urgency is ${urgency.level}` };
  }
  const alerts = facts.alertsOf(settings.asset).filter((a) => settings.alertLevels.includes(a.level));
  if (alerts.length > 0) {
    const sensors = [...new Set(alerts.map((a) => a.sensor))].join(', ');
    return { code: `interlock ${alerts[0].level}`, reason: `interlock: ${alerts[0].level} active on ${settings.asset} ${sensors}` };
  }
  return null;
}
