import { DEFAULT_FEATURE_GRACE_MS } from '../../lib/rul/feature-arrival';
import { DEFAULT_LIVE_SCORING, type LiveScoringOptions } from '../../lib/rul/live-scoring';

/** The editor's fields of twin-rul, as Node-RED stores them. */
export interface TwinRulFields {
  periodS: string;
  unhealthy: string;
  unhealthyQuality: string;
  runningFeature: string;
  runningAbove: string;
  featureGraceS: string;
}

export interface RunningRule {
  feature: string;
  above: number;
}

export function scoringOptions(fields: Partial<TwinRulFields>): LiveScoringOptions {
  return {
    ...DEFAULT_LIVE_SCORING,
    unhealthy: fields.unhealthy === 'block' ? 'block' : 'widen',
    unhealthyQuality: fields.unhealthyQuality === 'bad' ? 'bad' : 'uncertain',
  };
}

/** Vectors of a machine standing still are not scored: its bearing does not age, and a stopped machine looks healthy. */
export function runningRule(fields: Partial<TwinRulFields>): RunningRule | undefined {
  const feature = String(fields.runningFeature ?? '').trim();
  if (!feature) return undefined;
  const above = Number(fields.runningAbove);
  if (!Number.isFinite(above)) throw new Error(`"running when ${feature} is above" needs a number, got "${fields.runningAbove}"`);
  return { feature, above };
}

export function periodMs(fields: Partial<TwinRulFields>): number {
  const seconds = Number(fields.periodS ?? 0);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`scoring period "${fields.periodS}" must be 0 (each message) or a number of seconds`);
  return seconds * 1000;
}

/** How long after an asset's first vector its missing features are awaited rather than reported (lib/rul/feature-arrival). */
export function featureGraceMs(fields: Partial<TwinRulFields>): number {
  const text = String(fields.featureGraceS ?? '').trim();
  if (text === '') return DEFAULT_FEATURE_GRACE_MS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`"wait for features" "${fields.featureGraceS}" must be a number of seconds, 0 or more`);
  return seconds * 1000;
}
