import { DEFAULT_LADDER_OPTIONS } from '../../lib/rul/ladder/rul-ladder';
import type { BearingRating } from '../../lib/rul/ladder/survival-prior';
import { DEFAULT_URGENCY_OPTIONS } from '../../lib/rul/urgency';
import type { BearingType } from '../../lib/scenario/bearing-life';
import { parseThreshold, type HealthThreshold } from '../../lib/machine-health/health-index';
import { DEFAULT_MIN_FAILURES, type HealthTwinOptions } from '../../lib/machine-health/health-twin';
import { DEFAULT_MACHINE_HEALTH_OPTIONS } from '../../lib/machine-health/machine-health';
import { parseRegimeBand } from '../../lib/machine-health/regime';

/** The editor's fields, as strings the way Node-RED stores them. */
export interface TwinHealthFields {
  features: string;
  thresholds: string;
  thresholdSource: string;
  anomalyFailure: string;
  learnMinutes: string;
  smoothing: string;
  regimes: string;
  ratingN: string;
  loadN: string;
  rpm: string;
  bearingType: string;
  ageHours: string;
}

const list = (text: string | undefined, separator: RegExp): string[] => (text ?? '').split(separator).map((item) => item.trim()).filter((item) => item !== '');

function number(text: string | undefined, fallback: number, label: string, allowZero = false): number {
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new Error(`${label} "${text}" must be a number ${allowZero ? 'of 0 or more' : 'above 0'}`);
  return value;
}

function bearing(config: Partial<TwinHealthFields>): BearingRating | undefined {
  if (!config.ratingN?.trim() && !config.loadN?.trim()) return undefined;
  const rating: BearingRating = {
    dynamicLoadRatingN: number(config.ratingN, NaN, 'dynamic load rating C'),
    equivalentLoadN: number(config.loadN, NaN, 'equivalent load P'),
    rpm: number(config.rpm, NaN, 'bearing speed'),
    type: (config.bearingType === 'roller' ? 'roller' : 'ball') as BearingType,
  };
  if (![rating.dynamicLoadRatingN, rating.equivalentLoadN, rating.rpm].every(Number.isFinite)) throw new Error('give the bearing rating C, the equivalent load P and the speed together, or none of them');
  return rating;
}

export function twinHealthOptions(config: Partial<TwinHealthFields>): HealthTwinOptions {
  const features = list(config.features, /,/);
  if (features.length === 0) throw new Error('name the health features (e.g. spindleVibration.rms, bearingTemp.mean)');
  const source: HealthThreshold['source'] = config.thresholdSource === 'fleet' ? 'fleet' : 'engineer';
  const thresholds = list(config.thresholds, /,/).map((text) => parseThreshold(text, source));
  for (const threshold of thresholds) if (!features.includes(threshold.feature)) features.push(threshold.feature);
  return {
    health: {
      ...DEFAULT_MACHINE_HEALTH_OPTIONS, features, thresholds, regimes: list(config.regimes, /;/).map(parseRegimeBand),
      learningMs: number(config.learnMinutes, DEFAULT_MACHINE_HEALTH_OPTIONS.learningMs / 60_000, 'learning period') * 60_000,
      smoothing: Math.round(number(config.smoothing, DEFAULT_MACHINE_HEALTH_OPTIONS.smoothing, 'smoothing')),
      anomalyFailure: config.anomalyFailure?.trim() ? number(config.anomalyFailure, 0, 'failure anomaly') : undefined,
    },
    ladder: DEFAULT_LADDER_OPTIONS,
    urgency: DEFAULT_URGENCY_OPTIONS,
    lives: [],
    minFailures: DEFAULT_MIN_FAILURES,
    bearing: bearing(config),
    library: [],
    ageHoursAtStart: number(config.ageHours, 0, 'operating hours at start', true),
  };
}
