import { alarmKeyOf, type AlertEvent } from '../threshold/alert';
import { formatDuration } from '../duration-text';
import { formatAlertValue } from '../threshold/threshold-monitor';
import { journalRecord, type AlarmJournalRecord, type JournalFields } from './alarm-journal';
import type { AlarmDisplayState, AlarmHiddenBy, AlarmRecord, AlarmView, OutOfService } from './alarm-types';
import { DEFAULT_PRIORITY, isAlarmPriority } from './priority';
import { suppressingState, type MachineStateView } from './suppression';

/** An action the alarm system does not carry out, with the reason an operator reads. */
export class AlarmRefusal extends Error {}

export interface AlarmBoardOptions {
  /** The operator position this board serves (a control room, a line's desk). */
  position: string;
  /** The longest an alarm may stay shelved (ms). */
  maxShelveMs: number;
}

/** What one call changed, for the node to send on. */
export interface BoardChanges {
  journal: AlarmJournalRecord[];
  /** Alarms newly shown to the operator: raised, or back from a shelve, service or suppression with the condition on. */
  annunciated: AlarmView[];
  /** Keys of the annunciated alarms whose condition was raised just now (not shown again after an overlay ended). */
  raised: string[];
  /** Acknowledgements as alert events, for the historian's alert table. */
  acknowledgements: AlertEvent[];
  /** Ids of alerts acknowledged here that their source holds active: it should record the acknowledgement too. */
  acknowledgedAtSource: string[];
}

export interface AlarmBoardSnapshot {
  alarms: AlarmRecord[];
  outOfService: OutOfService[];
}

function noChanges(): BoardChanges {
  return { journal: [], annunciated: [], raised: [], acknowledgements: [], acknowledgedAtSource: [] };
}

function sensorKey(asset: string, sensor: string): string {
  return `${asset}:${sensor}`;
}

/** A limit alert cleared while its value is still beyond its own limit: escalated to a higher level, not returned. */
function supersededByEscalation(event: AlertEvent): event is AlertEvent & { value: number } {
  if (event.level === 'stale' || event.value === null || event.limit === null || event.direction === null) return false;
  return event.direction === 'high' ? event.value > event.limit : event.value < event.limit;
}

function hours(ms: number): string {
  const minutes = Math.round(ms / 60000);
  return minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60} h` : minutes >= 1 ? `${minutes} min` : `${Math.round(ms / 1000)} s`;
}

/**
 * The alarm system of one operator position: every alarm of the alert sources it hears (twin-threshold's limits and
 * stale data, twin-drift's sensor health, the machine-down alarm), each following the ISA-18.2 state model, with
 * shelving, out-of-service and suppression by design on top, and a journal line for every transition.
 *
 * An alarm that is shelved, out of service or suppressed is not shown and carries no acknowledgement; when that ends
 * while its condition is still active it is shown again as unacknowledged, as a new alarm would be. None of this changes
 * the condition itself: the alert sources keep it, and what acts on it (twin-setpoint's interlocks) reads it from them.
 */
export class AlarmBoard {
  private readonly alarms = new Map<string, AlarmRecord>();
  private readonly outOfService = new Map<string, OutOfService>();

  constructor(readonly options: AlarmBoardOptions, private readonly machines: MachineStateView, saved?: AlarmBoardSnapshot) {
    for (const alarm of saved?.alarms ?? []) this.alarms.set(alarm.key, { ...alarm });
    for (const oos of saved?.outOfService ?? []) this.outOfService.set(sensorKey(oos.asset, oos.sensor), { ...oos });
  }

  /** An alert event of a source: its condition raised or cleared, or acknowledged where the source is shown. */
  onAlert(event: AlertEvent): BoardChanges {
    const changes = noChanges();
    if (event.state === 'raised') this.raised(event, changes);
    else if (event.state === 'cleared') this.cleared(event, changes);
    else if (event.state === 'acknowledged') this.acknowledgedAtSource(event, changes);
    return changes;
  }

  /** Acknowledges alarms by key; an alarm not waiting for an acknowledgement is left as it is. */
  acknowledge(keys: readonly string[], by: string, now: number): BoardChanges {
    const changes = noChanges();
    for (const key of keys) {
      const alarm = this.alarms.get(key);
      if (!alarm || this.hiddenBy(alarm) || (alarm.state !== 'unacknowledged' && alarm.state !== 'returned-unacknowledged')) continue;
      const returned = alarm.state === 'returned-unacknowledged';
      alarm.state = returned ? 'normal' : 'acknowledged';
      alarm.acknowledgedBy = by;
      alarm.changedAt = now;
      changes.acknowledgements.push({ ...alarm.event, state: 'acknowledged', ts: now, acknowledgedBy: by });
      if (!returned) changes.acknowledgedAtSource.push(alarm.event.id);
      this.journal(changes, alarm, { ts: now, action: 'acknowledged', by, message: `${alarm.event.message} — acknowledged${returned ? ' after it returned to normal' : ''}` });
    }
    return changes;
  }

  /** Shelves an alarm for `durationMs`: off the summary, with who and why, back by itself when the time is up. */
  shelve(key: string, by: string, reason: string, durationMs: number, now: number): BoardChanges {
    const alarm = this.alarms.get(key);
    if (!alarm) throw new AlarmRefusal(`there is no alarm ${key} to shelve`);
    const why = reason.trim();
    if (!why) throw new AlarmRefusal('a shelved alarm needs a reason, for the journal and the next shift');
    if (!(Number.isFinite(durationMs) && durationMs > 0)) throw new AlarmRefusal('a shelve needs a duration');
    if (durationMs > this.options.maxShelveMs) throw new AlarmRefusal(`an alarm may be shelved for at most ${hours(this.options.maxShelveMs)}`);
    if (this.outOfService.has(sensorKey(alarm.asset, alarm.sensor))) throw new AlarmRefusal(`${alarm.asset} ${alarm.sensor} is out of service: its alarms are not shown anyway`);
    const changes = noChanges();
    alarm.shelve = { by, reason: why, at: now, until: now + durationMs };
    this.hide(alarm, now);
    this.journal(changes, alarm, { ts: now, action: 'shelved', by, reason: why, until: alarm.shelve.until,
      message: `${this.describe(alarm)} shelved for ${hours(durationMs)}` });
    return changes;
  }

  /** Ends a shelve: an operator's, or the timer's when it is up (`by` null). */
  unshelve(key: string, by: string | null, now: number): BoardChanges {
    const alarm = this.alarms.get(key);
    if (!alarm?.shelve) throw new AlarmRefusal(`alarm ${key} is not shelved`);
    const changes = noChanges();
    const shelve = alarm.shelve;
    alarm.shelve = null;
    this.release(alarm, now, changes);
    this.journal(changes, alarm, by === null
      ? { ts: now, action: 'shelve-expired', by: 'system', reason: shelve.reason, message: `${this.describe(alarm)}: the shelve by ${shelve.by} ended` }
      : { ts: now, action: 'unshelved', by, reason: shelve.reason, message: `${this.describe(alarm)} unshelved` });
    return changes;
  }

  /** Takes a sensor out of service (under maintenance): none of its alarms is shown until it returns. */
  removeFromService(asset: string, sensor: string, by: string, reason: string, now: number): BoardChanges {
    const why = reason.trim();
    if (!why) throw new AlarmRefusal('taking a sensor out of service needs a reason (the work order, the maintenance done)');
    const key = sensorKey(asset, sensor);
    if (this.outOfService.has(key)) throw new AlarmRefusal(`${asset} ${sensor} is already out of service`);
    const changes = noChanges();
    this.outOfService.set(key, { asset, sensor, by, reason: why, at: now });
    const alarms = this.alarmsOf(asset, sensor);
    for (const alarm of alarms) this.hide(alarm, now);
    const active = alarms.filter((a) => a.active).length;
    changes.journal.push(journalRecord(this.options.position, { ts: now, asset, sensor, alarm: key, action: 'out-of-service', state: 'out-of-service', by, reason: why,
      message: `${asset} ${sensor} out of service${active > 0 ? `; ${active} active alarm${active === 1 ? '' : 's'} no longer shown` : ''}` }));
    return changes;
  }

  returnToService(asset: string, sensor: string, by: string, now: number): BoardChanges {
    const key = sensorKey(asset, sensor);
    const oos = this.outOfService.get(key);
    if (!oos) throw new AlarmRefusal(`${asset} ${sensor} is not out of service`);
    const changes = noChanges();
    this.outOfService.delete(key);
    for (const alarm of this.alarmsOf(asset, sensor)) this.release(alarm, now, changes);
    const back = changes.annunciated.length;
    changes.journal.push(journalRecord(this.options.position, { ts: now, asset, sensor, alarm: key, action: 'returned-to-service', by, reason: oos.reason,
      message: `${asset} ${sensor} back in service${back > 0 ? `; ${back} active alarm${back === 1 ? '' : 's'} shown again` : ''}` }));
    return changes;
  }

  /** Ends shelves whose time is up and follows the machines' states for suppression by design. */
  tick(now: number): BoardChanges {
    const changes = noChanges();
    for (const alarm of this.alarms.values()) {
      if (alarm.shelve && alarm.shelve.until <= now) {
        const ended = this.unshelve(alarm.key, null, now);
        changes.journal.push(...ended.journal);
        changes.annunciated.push(...ended.annunciated);
      }
      this.followSuppression(alarm, now, changes);
    }
    return changes;
  }

  /** Whether the board knows the sensor (an alarm of it was seen, or it is out of service). */
  knows(asset: string, sensor: string): boolean {
    return this.outOfService.has(sensorKey(asset, sensor)) || this.alarmsOf(asset, sensor).length > 0;
  }

  has(key: string): boolean {
    return this.alarms.has(key);
  }

  /** Every alarm the board has seen, as the summary shows it. */
  views(): AlarmView[] {
    return [...this.alarms.values()].map((a) => this.view(a));
  }

  outOfServiceList(): OutOfService[] {
    return [...this.outOfService.values()].map((o) => ({ ...o }));
  }

  snapshot(): AlarmBoardSnapshot {
    return { alarms: [...this.alarms.values()].map((a) => ({ ...a })), outOfService: this.outOfServiceList() };
  }

  private raised(event: AlertEvent, changes: BoardChanges): void {
    const key = alarmKeyOf(event);
    let alarm = this.alarms.get(key);
    if (alarm?.active && alarm.event.id === event.id) return;
    const priority = isAlarmPriority(event.priority) ? event.priority : DEFAULT_PRIORITY[event.level];
    if (!alarm) {
      alarm = { key, asset: event.asset, sensor: event.sensor, state: 'normal', active: false, priority, event, acknowledgedBy: null,
        changedAt: event.ts, shelve: null, suppressed: null };
      this.alarms.set(key, alarm);
    }
    alarm.event = event;
    alarm.priority = priority;
    alarm.active = true;
    alarm.changedAt = event.ts;
    const suppressing = suppressingState(event.suppressWhen, this.machines, event.asset);
    alarm.suppressed = suppressing ? { state: suppressing.state, since: suppressing.since } : null;
    const hidden = this.hiddenBy(alarm);
    if (hidden) {
      this.hide(alarm, event.ts);
      this.journal(changes, alarm, { ts: event.ts, action: 'raised', message: `${event.message} (not shown: ${this.hiddenReason(alarm, hidden, event.ts)})` });
      return;
    }
    alarm.state = 'unacknowledged';
    alarm.acknowledgedBy = null;
    changes.annunciated.push(this.view(alarm));
    changes.raised.push(key);
    this.journal(changes, alarm, { ts: event.ts, action: 'raised', message: event.message });
  }

  private cleared(event: AlertEvent, changes: BoardChanges): void {
    const alarm = this.alarms.get(alarmKeyOf(event));
    // A clear of an occurrence the board does not hold active (a replay, an older one) changes nothing.
    if (!alarm?.active || alarm.event.id !== event.id) return;
    alarm.active = false;
    alarm.event = event;
    alarm.changedAt = event.ts;
    // A warning whose value is still past its limit did not return: the alarm limit took over (twin-threshold clears the
    // warning as it raises the alarm). The alarm now on the summary is the one to acknowledge.
    const superseded = supersededByEscalation(event);
    if (superseded) alarm.state = 'normal';
    else if (alarm.state === 'unacknowledged') alarm.state = 'returned-unacknowledged';
    else if (alarm.state === 'acknowledged') alarm.state = 'normal';
    this.journal(changes, alarm, { ts: event.ts, action: 'returned',
      message: superseded ? `${this.describe(alarm)} superseded: ${event.sensor} ${formatAlertValue(event.value)} ${event.unit} crossed a higher limit` : event.message });
  }

  /** An acknowledgement made where the source shows its alerts (a Live tab's list): the same person, noted here. */
  private acknowledgedAtSource(event: AlertEvent, changes: BoardChanges): void {
    const alarm = this.alarms.get(alarmKeyOf(event));
    if (!alarm || alarm.event.id !== event.id || alarm.state !== 'unacknowledged' || this.hiddenBy(alarm)) return;
    const by = event.acknowledgedBy ?? null;
    alarm.state = 'acknowledged';
    alarm.acknowledgedBy = by;
    alarm.event = { ...alarm.event, acknowledgedBy: event.acknowledgedBy };
    alarm.changedAt = event.ts;
    this.journal(changes, alarm, { ts: event.ts, action: 'acknowledged', by, message: `${alarm.event.message} — acknowledged where ${alarm.asset}'s alerts are shown` });
  }

  private followSuppression(alarm: AlarmRecord, now: number, changes: BoardChanges): void {
    const suppressing = suppressingState(alarm.event.suppressWhen, this.machines, alarm.asset);
    if (!!suppressing === !!alarm.suppressed) {
      if (suppressing) alarm.suppressed = { state: suppressing.state, since: suppressing.since };
      return;
    }
    const mattered = alarm.active || alarm.state !== 'normal';
    if (suppressing) {
      const shown = !this.hiddenBy(alarm);
      alarm.suppressed = { state: suppressing.state, since: suppressing.since };
      if (!shown) return;
      this.hide(alarm, now);
      if (mattered) this.journal(changes, alarm, { ts: now, action: 'suppressed', by: 'system', message: `${this.describe(alarm)} not shown while ${alarm.asset} is ${suppressing.state}` });
      return;
    }
    const was = alarm.suppressed!;
    alarm.suppressed = null;
    if (this.hiddenBy(alarm)) return;
    this.release(alarm, now, changes);
    if (alarm.active) this.journal(changes, alarm, { ts: now, action: 'unsuppressed', by: 'system', message: `${this.describe(alarm)} shown again: ${alarm.asset} is no longer ${was.state}` });
  }

  /** Out of service first, then shelved, then suppressed; null when the alarm is shown. */
  private hiddenBy(alarm: AlarmRecord): AlarmHiddenBy | null {
    if (this.outOfService.has(sensorKey(alarm.asset, alarm.sensor))) return 'out-of-service';
    if (alarm.shelve) return 'shelved';
    if (alarm.suppressed) return 'suppressed';
    return null;
  }

  /** Durations, not clock times: the journal is read in browsers whose time zone the server does not know. */
  private hiddenReason(alarm: AlarmRecord, hidden: AlarmHiddenBy, now: number): string {
    if (hidden === 'shelved') return `shelved by ${alarm.shelve!.by} for another ${formatDuration(alarm.shelve!.until - now)}`;
    if (hidden === 'suppressed') return `suppressed while ${alarm.asset} is ${alarm.suppressed!.state}`;
    return `${alarm.asset} ${alarm.sensor} is out of service`;
  }

  /** A hidden alarm carries no acknowledgement: it is acknowledged afresh when shown again. */
  private hide(alarm: AlarmRecord, now: number): void {
    if (alarm.state !== 'normal') alarm.changedAt = now;
    alarm.state = 'normal';
    alarm.acknowledgedBy = null;
  }

  /** Shows an alarm again after an overlay ended, unless another still hides it: as new when its condition is active. */
  private release(alarm: AlarmRecord, now: number, changes: BoardChanges): void {
    if (this.hiddenBy(alarm)) return;
    alarm.changedAt = now;
    alarm.acknowledgedBy = null;
    if (!alarm.active) {
      alarm.state = 'normal';
      return;
    }
    alarm.state = 'unacknowledged';
    changes.annunciated.push(this.view(alarm));
  }

  private alarmsOf(asset: string, sensor: string): AlarmRecord[] {
    return [...this.alarms.values()].filter((a) => a.asset === asset && a.sensor === sensor);
  }

  private describe(alarm: AlarmRecord): string {
    return `${alarm.asset} ${alarm.sensor} ${alarm.event.level}`;
  }

  private displayState(alarm: AlarmRecord): AlarmDisplayState {
    return this.hiddenBy(alarm) ?? alarm.state;
  }

  private journal(changes: BoardChanges, alarm: AlarmRecord, fields: Omit<JournalFields, 'asset' | 'sensor' | 'alarm'>): void {
    changes.journal.push(journalRecord(this.options.position, {
      asset: alarm.asset, sensor: alarm.sensor, alarm: alarm.key, alertId: alarm.event.id, state: this.displayState(alarm), priority: alarm.priority,
      value: alarm.event.value, ...fields,
    }));
  }

  private view(alarm: AlarmRecord): AlarmView {
    const e = alarm.event;
    return {
      key: alarm.key, alertId: e.id, asset: alarm.asset, sensor: alarm.sensor, level: e.level, priority: alarm.priority, state: this.displayState(alarm),
      active: alarm.active, message: e.message, value: e.value, limit: e.limit, unit: e.unit, raisedAt: e.raisedAt, changedAt: alarm.changedAt,
      acknowledgedBy: alarm.acknowledgedBy, shelve: alarm.shelve ? { ...alarm.shelve } : null,
      outOfService: this.outOfService.get(sensorKey(alarm.asset, alarm.sensor)) ?? null, suppressed: alarm.suppressed ? { ...alarm.suppressed } : null,
    };
  }
}
