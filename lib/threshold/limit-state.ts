import type { SensorDefinition } from '../asset/asset-model';
import type { AlertDirection } from './alert';

export type LimitLevel = 'warning' | 'alarm';

export interface LimitCondition {
  level: LimitLevel;
  direction: AlertDirection;
  limit: number;
}

interface Pending {
  target: LimitCondition | null;
  since: number;
}

export interface LimitTransition {
  from: LimitCondition | null;
  to: LimitCondition | null;
}

function same(a: LimitCondition | null, b: LimitCondition | null): boolean {
  return a === b || (a !== null && b !== null && a.level === b.level && a.direction === b.direction);
}

/**
 * One sensor's limit state with hysteresis and minimum duration. Entering a level needs the value beyond its
 * limit; staying needs it beyond the limit minus hysteresis; any change (raise, escalate, de-escalate, clear)
 * must hold for `minDurationMs` of reading time before it is committed, so a noisy signal cannot flap.
 */
export class LimitState {
  private readonly sensor: SensorDefinition;
  private readonly hysteresis: number;
  private readonly minDurationMs: number;
  active: LimitCondition | null = null;
  private pending: Pending | null = null;

  constructor(sensor: SensorDefinition) {
    this.sensor = sensor;
    this.hysteresis = sensor.hysteresis ?? 0;
    this.minDurationMs = sensor.minDurationMs ?? 0;
  }

  static hasLimits(sensor: SensorDefinition): boolean {
    return [sensor.alarm?.high, sensor.alarm?.low, sensor.warning?.high, sensor.warning?.low].some((l) => l !== undefined);
  }

  /** The level the value calls for right now, before the duration filter. */
  private target(value: number): LimitCondition | null {
    const levels: Array<[LimitLevel, number | undefined, AlertDirection]> = [
      ['alarm', this.sensor.alarm?.high, 'high'], ['alarm', this.sensor.alarm?.low, 'low'],
      ['warning', this.sensor.warning?.high, 'high'], ['warning', this.sensor.warning?.low, 'low'],
    ];
    for (const [level, limit, direction] of levels) {
      if (limit === undefined) continue;
      const holding = this.active !== null && this.active.direction === direction && (this.active.level === level || this.active.level === 'alarm');
      const threshold = holding ? (direction === 'high' ? limit - this.hysteresis : limit + this.hysteresis) : limit;
      if (direction === 'high' ? value > threshold : value < threshold) return { level, direction, limit };
    }
    return null;
  }

  /** Feeds one reading; returns the committed transition, if this reading completes one. */
  update(value: number, ts: number): LimitTransition | undefined {
    const target = this.target(value);
    if (same(target, this.active)) {
      this.pending = null;
      return undefined;
    }
    if (!this.pending || !same(this.pending.target, target)) this.pending = { target, since: ts };
    if (ts - this.pending.since < this.minDurationMs) return undefined;
    const transition = { from: this.active, to: target };
    this.active = target;
    this.pending = null;
    return transition;
  }
}
