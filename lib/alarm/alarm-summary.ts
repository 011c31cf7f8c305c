import type { AlarmView, OutOfService } from './alarm-types';
import { priorityRank, type AlarmPriority, ALARM_PRIORITIES } from './priority';
import type { ScopeLoad } from './alarm-rate';

/** A shelve length the dashboard offers. */
export interface ShelveChoice {
  label: string;
  seconds: number;
}

/** A sensor an operator may take out of service. */
export interface ServiceableSensor {
  asset: string;
  sensor: string;
  name: string;
}

/** Everything an alarm summary page needs, sent whole on every change and to every browser that (re)connects. */
export interface AlarmSummary {
  position: string;
  ts: number;
  /** Alarms shown to the operator: most important first, unacknowledged before acknowledged, newest first. */
  alarms: AlarmView[];
  shelved: AlarmView[];
  /** Active alarms suppressed by design. */
  suppressed: AlarmView[];
  outOfService: Array<OutOfService & { activeAlarms: number }>;
  counts: {
    unacknowledged: number;
    acknowledged: number;
    returnedUnacknowledged: number;
    shelved: number;
    suppressed: number;
    outOfService: number;
    byPriority: Record<AlarmPriority, number>;
  };
  /** The position's alarm rate now (ISA-18.2 / EEMUA 191 figures). */
  load: ScopeLoad;
  shelveChoices: ShelveChoice[];
  sensors: ServiceableSensor[];
  /** Whether shelving and out-of-service need a logged-in user. */
  loginRequired: boolean;
  /**
   * Whether the dashboard has a login (lib/identity/sessions): then every browser on it is a logged-in user and acts
   * in that user's name; without one, actions that need a person are refused and the page says why.
   */
  dashboardLogin: boolean;
}

const SHOWN = new Set(['unacknowledged', 'acknowledged', 'returned-unacknowledged']);

function byImportance(a: AlarmView, b: AlarmView): number {
  return priorityRank(a.priority) - priorityRank(b.priority)
    || Number(b.state === 'unacknowledged') - Number(a.state === 'unacknowledged')
    || b.raisedAt - a.raisedAt;
}

export function alarmSummary(input: { position: string; ts: number; views: AlarmView[]; outOfService: OutOfService[]; load: ScopeLoad;
  shelveChoices: ShelveChoice[]; sensors: ServiceableSensor[]; loginRequired: boolean; dashboardLogin: boolean }): AlarmSummary {
  const { views } = input;
  const alarms = views.filter((v) => SHOWN.has(v.state)).sort(byImportance);
  const shelved = views.filter((v) => v.shelve !== null).sort((a, b) => (a.shelve!.until - b.shelve!.until));
  const suppressed = views.filter((v) => v.state === 'suppressed' && v.active).sort(byImportance);
  const byPriority = Object.fromEntries(ALARM_PRIORITIES.map((p) => [p, alarms.filter((a) => a.priority === p).length])) as Record<AlarmPriority, number>;
  const outOfService = input.outOfService.map((o) => ({ ...o, activeAlarms: views.filter((v) => v.asset === o.asset && v.sensor === o.sensor && v.active).length }));
  return {
    position: input.position, ts: input.ts, alarms, shelved, suppressed, outOfService,
    counts: {
      unacknowledged: alarms.filter((a) => a.state === 'unacknowledged').length,
      acknowledged: alarms.filter((a) => a.state === 'acknowledged').length,
      returnedUnacknowledged: alarms.filter((a) => a.state === 'returned-unacknowledged').length,
      shelved: shelved.length, suppressed: suppressed.length, outOfService: outOfService.length, byPriority,
    },
    load: input.load, shelveChoices: input.shelveChoices, sensors: input.sensors, loginRequired: input.loginRequired,
    dashboardLogin: input.dashboardLogin,
  };
}

/**
 * Shelve lengths from an editor field such as `15 min, 1 h, 4 h, 8 h` (units s, min, h); throws naming the part it
 * cannot read.
 */
export function parseShelveChoices(text: string): ShelveChoice[] {
  const units: Record<string, number> = { s: 1, sec: 1, min: 60, m: 60, h: 3600 };
  const choices = String(text ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '').map((part) => {
    const match = /^(\d+(?:\.\d+)?)\s*(s|sec|min|m|h)$/i.exec(part);
    if (!match) throw new Error(`shelve length "${part}" should be a number and s, min or h, e.g. "1 h"`);
    const seconds = Number(match[1]) * units[match[2].toLowerCase()];
    if (!(seconds > 0)) throw new Error(`shelve length "${part}" must be longer than 0`);
    return { label: part, seconds };
  });
  if (choices.length === 0) throw new Error('give at least one shelve length, e.g. "15 min, 1 h, 4 h, 8 h"');
  return choices.sort((a, b) => a.seconds - b.seconds);
}
