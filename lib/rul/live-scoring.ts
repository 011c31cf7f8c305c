import type { FeatureVector } from '../features/feature-vector';
import type { Quality } from '../reading/reading';
import type { RulRecord } from './records';
import type { RulModelHandle } from './rul-model';

/**
 * Scores the newest feature vector of each asset in one batch. A vector the model cannot read (a feature missing) is
 * refused with the missing names; a vector built from sensors twin-drift marked unhealthy is either scored with a
 * wider interval and reduced confidence, or not scored at all, as the engineer chose: a drifting transmitter must not
 * quietly move a maintenance decision.
 */
export type UnhealthyPolicy = 'widen' | 'block';

export interface LiveScoringOptions {
  unhealthy: UnhealthyPolicy;
  /** Quality at or below which a sensor counts as unhealthy. */
  unhealthyQuality: Exclude<Quality, 'good'>;
  /** Factor on the interval's half-widths when confidence is reduced. */
  widenFactor: number;
  /** Interval given to a reduced-confidence estimate of a model without one, as a fraction of the estimate. */
  fallbackSpread: number;
}

export const DEFAULT_LIVE_SCORING: LiveScoringOptions = { unhealthy: 'widen', unhealthyQuality: 'uncertain', widenFactor: 2, fallbackSpread: 0.5 };

/**
 * Trees average many rows labelled with the cap, so an estimate for a healthy machine lands just under it: within
 * 2 % of the cap it means "at least the cap".
 */
const CAPPED_FRACTION = 0.98;

export interface RefusedVector {
  asset: string;
  ts: number;
  /** A vector lacking features is a configuration error; one from unhealthy sensors is withheld by choice. */
  cause: 'missing-features' | 'unhealthy-sensors';
  reason: string;
}

export interface ScoredBatch {
  records: RulRecord[];
  refused: RefusedVector[];
}

/** The sensor a feature comes from: the part of its name before the first dot (`bearingTemp.mean.1h`). */
export function featureSensor(feature: string): string | undefined {
  const dot = feature.indexOf('.');
  return dot > 0 ? feature.slice(0, dot) : undefined;
}

function unhealthySensors(vector: FeatureVector, sensors: ReadonlySet<string>, worst: Exclude<Quality, 'good'>): Record<string, string> {
  const found: Record<string, string> = {};
  for (const sensor of sensors) {
    const quality = vector.quality?.[sensor];
    if (quality === 'bad' || (quality === 'uncertain' && worst === 'uncertain')) found[sensor] = quality;
  }
  return found;
}

export async function scoreVectors(model: RulModelHandle, vectors: readonly FeatureVector[], options: LiveScoringOptions = DEFAULT_LIVE_SCORING): Promise<ScoredBatch> {
  const sensors = new Set(model.featureNames.map(featureSensor).filter((s): s is string => s !== undefined));
  const refused: RefusedVector[] = [];
  const accepted: Array<{ vector: FeatureVector; unhealthy: Record<string, string> }> = [];
  for (const vector of vectors) {
    const missing = model.featureNames.filter((name) => !Number.isFinite(vector.features[name]));
    if (missing.length > 0) {
      refused.push({ asset: vector.asset, ts: vector.ts, cause: 'missing-features', reason: `the model needs ${missing.join(', ')}, missing from ${vector.asset}'s features` });
      continue;
    }
    const unhealthy = unhealthySensors(vector, sensors, options.unhealthyQuality);
    if (Object.keys(unhealthy).length > 0 && options.unhealthy === 'block') {
      refused.push({ asset: vector.asset, ts: vector.ts, cause: 'unhealthy-sensors', reason: `not predicted: ${Object.entries(unhealthy).map(([s, q]) => `${s} is ${q}`).join(', ')}` });
      continue;
    }
    accepted.push({ vector, unhealthy });
  }
  if (accepted.length === 0) return { records: [], refused };
  const predictions = await model.score(accepted.map((a) => a.vector.features), (row) => accepted[row].vector.asset);
  const records = accepted.map(({ vector, unhealthy }, row): RulRecord => {
    const p = predictions[row];
    const reduced = Object.keys(unhealthy).length > 0;
    let lower = p.lowerHours;
    let upper = p.upperHours;
    if (reduced) {
      lower = Math.max(0, p.rulHours - options.widenFactor * (lower === undefined ? options.fallbackSpread * p.rulHours : p.rulHours - lower));
      upper = p.rulHours + options.widenFactor * (upper === undefined ? options.fallbackSpread * p.rulHours : upper - p.rulHours);
    }
    return {
      kind: 'rul', asset: vector.asset, ts: vector.ts, rulHours: p.rulHours, lowerHours: lower, upperHours: upper,
      capped: model.rulCap !== undefined && p.rulHours >= model.rulCap * CAPPED_FRACTION, confidence: reduced ? 'reduced' : 'normal',
      ...(reduced ? { unhealthy } : {}), modelVersion: model.version,
      features: Object.fromEntries(model.featureNames.map((name) => [name, vector.features[name]])),
    };
  });
  return { records, refused };
}
