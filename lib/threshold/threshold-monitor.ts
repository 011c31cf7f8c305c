import type { AssetDefinition, SensorDefinition } from '../asset/asset-model';
import type { MachineStateFact } from '../facts/plant-facts';
import { stateLabel } from '../machine-state/machine-state';
import type { Reading } from '../reading/reading';
import { DEFAULT_PRIORITY } from '../alarm/priority';
import { DEFAULT_SUPPRESS_WHEN } from '../alarm/suppression';
import type { AlertEvent, AlertLevel } from './alert';
import { LimitState, type LimitCondition } from './limit-state';

export interface ThresholdOptions {
  /** Sensor ids to watch; empty = every sensor that has limits. */
  sensors: string[];
  /** Raise a stale alert when a sensor sends nothing for this long (0 = off). */
  staleAfterMs: number;
  /** Replayed (historical) readings never raise or clear alerts. */
  ignoreHistorical: boolean;
  /**
   * The machine's state by the machine-state rule, where a node publishes it: a value back within its limit because
   * the machine stopped or failed is cleared saying so, not as though the fault had gone.
   */
  machineState?: () => MachineStateFact | null;
}

/** What survives a redeploy: the alerts still active, so they neither vanish nor fire again. */
export interface ThresholdSnapshot {
  active: AlertEvent[];
}

/** A reading or limit as alert and journal texts show it: integers as they are, the rest to two decimals. */
export function formatAlertValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/**
 * L1 alerting for one asset: limit alerts with hysteresis and minimum duration per sensor, stale-data alerts,
 * acknowledgement, and the list of active alerts. Time for durations comes from the readings' timestamps;
 * staleness is judged on the wall clock by `checkStale`.
 */
export class ThresholdMonitor {
  private readonly asset: AssetDefinition;
  private readonly options: ThresholdOptions;
  private readonly watched = new Map<string, { sensor: SensorDefinition; limits: LimitState | undefined; lastSeen: number }>();
  private readonly active = new Map<string, AlertEvent>();

  constructor(asset: AssetDefinition, options: ThresholdOptions, now = Date.now()) {
    this.asset = asset;
    this.options = options;
    const selected = options.sensors.length > 0
      ? asset.sensors.filter((s) => options.sensors.includes(s.id))
      : asset.sensors.filter((s) => LimitState.hasLimits(s));
    for (const sensor of selected) {
      this.watched.set(sensor.id, { sensor, limits: LimitState.hasLimits(sensor) ? new LimitState(sensor) : undefined, lastSeen: now });
    }
  }

  /** Sensor ids named in the options that the asset does not have. */
  static unknownSensors(asset: AssetDefinition, sensors: string[]): string[] {
    return sensors.filter((id) => !asset.sensors.some((s) => s.id === id));
  }

  activeAlerts(): AlertEvent[] {
    return [...this.active.values()].sort((a, b) => b.raisedAt - a.raisedAt);
  }

  /** Feeds a batch of readings; returns the alert events it caused, in order. */
  process(readings: readonly Reading[], now = Date.now()): AlertEvent[] {
    const events: AlertEvent[] = [];
    for (const reading of readings) {
      if (reading.asset !== this.asset.id) continue;
      const entry = this.watched.get(reading.sensor);
      if (!entry) continue;
      if (reading.historical && this.options.ignoreHistorical) continue;
      entry.lastSeen = now;
      const stale = this.findActive(reading.sensor, 'stale');
      if (stale) events.push(this.clear(stale, reading.ts, null, `${entry.sensor.name}: data is back`));
      if (!entry.limits || !('value' in reading) || reading.quality === 'bad') continue;
      const transition = entry.limits.update(reading.value, reading.ts);
      if (!transition) continue;
      if (transition.from) {
        const previous = this.findActive(reading.sensor, transition.from.level);
        if (previous) events.push(this.clear(previous, reading.ts, reading.value, this.backWithin(entry.sensor, transition.from.level, reading.value)));
      }
      if (transition.to) events.push(this.raise(entry.sensor, transition.to, reading.value, reading.ts));
    }
    return events;
  }

  /** Raises a stale alert for every watched sensor silent for longer than the stale time. */
  checkStale(now = Date.now()): AlertEvent[] {
    if (this.options.staleAfterMs <= 0) return [];
    const events: AlertEvent[] = [];
    for (const { sensor, lastSeen } of this.watched.values()) {
      if (now - lastSeen <= this.options.staleAfterMs || this.findActive(sensor.id, 'stale')) continue;
      const event = this.event(sensor, 'stale', null, 'raised', null, null, now,
        `No data from ${sensor.name} for ${Math.round((now - lastSeen) / 1000)} s: PLC connection or subscription lost?`);
      this.active.set(event.id, event);
      events.push(event);
    }
    return events;
  }

  /** Acknowledges by alert id, or every active alert of a sensor. Returns the acknowledgement events. */
  acknowledge(target: { id?: string; sensor?: string }, by: string, now = Date.now()): AlertEvent[] {
    const events: AlertEvent[] = [];
    for (const alert of this.active.values()) {
      const matches = target.id ? alert.id === target.id : alert.sensor === target.sensor;
      if (!matches || alert.state === 'acknowledged') continue;
      const acknowledged: AlertEvent = { ...alert, state: 'acknowledged', ts: now, acknowledgedBy: by };
      this.active.set(alert.id, acknowledged);
      events.push(acknowledged);
    }
    return events;
  }

  snapshot(): ThresholdSnapshot {
    return { active: this.activeAlerts() };
  }

  /** Restores active alerts (and the limit state they imply) after a redeploy or restart. */
  restore(snapshot: ThresholdSnapshot): void {
    for (const alert of snapshot.active ?? []) {
      const entry = this.watched.get(alert.sensor);
      if (!entry || alert.asset !== this.asset.id) continue;
      this.active.set(alert.id, alert);
      if (entry.limits && alert.level !== 'stale' && alert.direction && alert.limit !== null) {
        entry.limits.active = { level: alert.level, direction: alert.direction, limit: alert.limit };
      }
    }
  }

  private backWithin(sensor: SensorDefinition, level: AlertLevel, value: number): string {
    const reading = `${sensor.name} ${formatAlertValue(value)} ${sensor.unit}`;
    const machine = this.options.machineState?.();
    if (machine && (machine.state === 'down' || machine.state === 'stopped')) {
      return `${reading}: within the ${level} limit because the machine is ${stateLabel(machine.state)}, not because the fault is gone`;
    }
    return `${reading}: back within the ${level} limit`;
  }

  private findActive(sensor: string, level: AlertLevel): AlertEvent | undefined {
    for (const alert of this.active.values()) if (alert.sensor === sensor && alert.level === level) return alert;
    return undefined;
  }

  private raise(sensor: SensorDefinition, condition: LimitCondition, value: number, ts: number): AlertEvent {
    const side = condition.direction === 'high' ? 'above' : 'below';
    const event = this.event(sensor, condition.level, condition.direction, 'raised', value, condition.limit, ts,
      `${sensor.name} ${formatAlertValue(value)} ${sensor.unit} is ${side} the ${condition.level} limit ${formatAlertValue(condition.limit)} ${sensor.unit}`);
    this.active.set(event.id, event);
    return event;
  }

  private clear(alert: AlertEvent, ts: number, value: number | null, message: string): AlertEvent {
    this.active.delete(alert.id);
    return { ...alert, state: 'cleared', ts, value: value ?? alert.value, message };
  }

  private event(sensor: SensorDefinition, level: AlertLevel, direction: LimitCondition['direction'] | null, state: AlertEvent['state'],
    value: number | null, limit: number | null, ts: number, message: string): AlertEvent {
    const event: AlertEvent = {
      id: `${this.asset.id}:${sensor.id}:${level}:${ts}`,
      asset: this.asset.id, sensor: sensor.id, level, direction, state, value, limit, unit: sensor.unit, ts, raisedAt: ts, message,
      priority: (level === 'stale' ? undefined : sensor[level]?.priority) ?? DEFAULT_PRIORITY[level],
    };
    // Lost data is never suppressed by design: the machine's state does not explain a silent transmitter.
    if (level !== 'stale') event.suppressWhen = [...(sensor.suppressWhen ?? DEFAULT_SUPPRESS_WHEN)];
    return event;
  }
}
