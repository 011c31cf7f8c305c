import { parseDuration } from './window-stats';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How a slope over a window is shown: the factor from the engine's units per day, and the time unit it is read in. */
export interface SlopeUnit {
  factor: number;
  per: 'h' | 'd';
}

/**
 * The time unit that fits a slope's window: per hour up to a two-day window (a bearing's trend over 1 h reads
 * "°C/h"), per day beyond (a 7-day trend reads "°C/d"). A slope over an hour quoted per day extrapolates minutes of a
 * warm-up to a day and reads as thousands of degrees.
 */
export function slopeUnitForWindow(windowMs: number): SlopeUnit {
  return windowMs <= 2 * DAY_MS ? { factor: HOUR_MS / DAY_MS, per: 'h' } : { factor: 1, per: 'd' };
}

/** The slope unit of a feature named `<sensor>.slope.<window>` (e.g. `bearingTemp.slope.1h`); undefined for other features. */
export function slopeUnitOfFeature(name: string): SlopeUnit | undefined {
  const match = /\.slope\.([^.]+)$/.exec(name);
  return match ? slopeUnitForWindow(parseDuration(match[1])) : undefined;
}
