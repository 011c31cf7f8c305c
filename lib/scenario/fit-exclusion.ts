import type { SensorDefinition } from '../asset/asset-model';
import { worseQuality, type Quality, type ScalarReading } from '../reading/reading';
import type { SensorRole } from './sensor-roles';

/**
 * Which data a what-if model may be fitted on, decided once for every model: a fit learns the machine's physics, so
 * a reading that does not show the machine as it is (bad quality, a reading replayed from a backlog, a value outside
 * the sensor's physical range) and every reading taken while one of the model's sensors was in alert are left out.
 * An alert window starts 3 minutes before the alert was raised: a drifting transmitter is wrong well before it
 * crosses a limit, and the whole asset's data in the window goes, since the other roles of those buckets are paired
 * with the wrong one in every fit.
 */

export type ExclusionReason = 'bad-quality' | 'replayed' | 'out-of-range' | 'alert';

/** How the dashboard and the help say each reason. */
export const EXCLUSION_TEXT: Readonly<Record<ExclusionReason, string>> = {
  'bad-quality': 'bad quality',
  replayed: 'replayed from a backlog',
  'out-of-range': 'outside the sensor\'s range',
  alert: 'during an alert on the model\'s sensors (from 3 min before it)',
};

/** Readings of this quality or worse are left out: the pack's quality order (lib/reading), applied at one level. */
export const EXCLUDED_QUALITY: Quality = 'bad';

/** How long before an alert's start its window begins. */
export const ALERT_MARGIN_MS = 3 * 60_000;

/** The roles each model is fitted on: an alert on one of their sensors takes the model's data of its window. */
export const MODEL_ROLES = {
  thermal: ['bearingTemp', 'speed', 'load', 'ambient'],
  power: ['power', 'speed', 'load'],
  vibration: ['vibration', 'speed', 'load'],
  scrap: ['parts', 'good', 'scrap', 'vibration', 'speed'],
} as const satisfies Record<string, readonly SensorRole[]>;

/** Why a scalar reading is left out of every fit, or undefined when a fit may use it. */
export function readingExclusion(reading: Pick<ScalarReading, 'quality' | 'historical' | 'value'>, sensor?: Pick<SensorDefinition, 'range'>): ExclusionReason | undefined {
  if (worseQuality(reading.quality, EXCLUDED_QUALITY) === reading.quality) return 'bad-quality';
  if (reading.historical === true) return 'replayed';
  const range = sensor?.range;
  if (range && (reading.value < range.min || reading.value > range.max)) return 'out-of-range';
  return undefined;
}

export interface AlertWindow {
  /** When the alert was first seen active, epoch ms (the window's exclusion starts ALERT_MARGIN_MS earlier). */
  from: number;
  /** When it was first seen cleared (its readings from then on are clean); null while it is active. */
  to: number | null;
  /** Sensors alerted at any time in the window. */
  sensors: string[];
}

/**
 * The times one asset's sensors were in alert, as seen on its readings' clock: `observe` is told, with each batch,
 * which sensors are alerted now. Windows older than the history are forgotten.
 */
export class AlertWindows {
  private readonly list: AlertWindow[] = [];

  constructor(private readonly marginMs = ALERT_MARGIN_MS) {}

  observe(ts: number, alerted: readonly string[]): void {
    const open = this.list.find((w) => w.to === null);
    if (alerted.length === 0) {
      if (open) open.to = ts;
      return;
    }
    if (!open) {
      this.list.push({ from: ts, to: null, sensors: [...new Set(alerted)] });
      return;
    }
    for (const sensor of alerted) if (!open.sensors.includes(sensor)) open.sensors.push(sensor);
  }

  /** Whether data from `start` to `end` (epoch ms) lies in a window of an alert on one of `sensors`. */
  excludes(start: number, end: number, sensors: ReadonlySet<string>): boolean {
    return this.list.some((w) => w.sensors.some((s) => sensors.has(s)) && end > w.from - this.marginMs && (w.to === null || start < w.to));
  }

  /** Forgets windows that ended before `ts`. */
  forgetBefore(ts: number): void {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const to = this.list[i].to;
      if (to !== null && to < ts) this.list.splice(i, 1);
    }
  }

  get windows(): readonly AlertWindow[] {
    return this.list;
  }
}
