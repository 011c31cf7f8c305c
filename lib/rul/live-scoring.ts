import type { FeatureVector } from '../features/feature-vector';
import type { Quality } from '../reading/reading';
import { regimesOfModel } from './live-regimes';
import type { RulRecord } from './records';
import type { RulModelHandle } from './rul-model';

/**
 * Scores the newest feature vector of each asset in one batch. A vector the model cannot read (a feature missing) is
 * refused with the missing names; a vector built from sensors twin-drift marked unhealthy is either scored with a
 * wider interval and reduced confidence, or not scored at all, as the engineer chose: a drifting transmitter must not
 * quietly move a maintenance decision. A model trained with operating regimes reads each vector normalised within
 * the regime of its settings (lib/rul/live-regimes.ts), as `twin-train predict` does.
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

/** The model's sensors whose quality is at or below the worst accepted; undefined when all are healthy. */
function unhealthySensors(vector: FeatureVector, sensors: readonly string[], worst: Exclude<Quality, 'good'>): Record<string, string> | undefined {
  const qualities = vector.quality;
  if (!qualities) return undefined;
  let found: Record<string, string> | undefined;
  for (const sensor of sensors) {
    const quality = qualities[sensor];
    if (quality === 'bad' || (quality === 'uncertain' && worst === 'uncertain')) (found ??= {})[sensor] = quality;
  }
  return found;
}

/**
 * The model's features of one vector, read once each (a vector holds about a hundred features in a hash-table
 * object, where every lookup costs), or the names of those it lacks. The small map goes to the model and into the
 * record, so the model's input is filled from it rather than from the vector again. Each map is a copy of `shape`
 * (the names in the model's order), so all of a batch's maps are one object layout: one allocation each, and read
 * by the scorer with one inline cache.
 */
function modelFeatures(vector: FeatureVector, names: readonly string[], shape: Readonly<Record<string, number>>): Record<string, number> | string[] {
  const features = { ...shape };
  let missing: string[] | undefined;
  for (const name of names) {
    const value = vector.features[name];
    if (Number.isFinite(value)) features[name] = value;
    else (missing ??= []).push(name);
  }
  return missing ?? features;
}

/**
 * One batch, one run() of the model: each vector's features are read once, checked without allocating beyond the
 * features the record carries anyway, and handed to the scorer, which writes them straight into its input buffer;
 * the estimates come back as columns, so the only object made per asset beyond its features is its record.
 */
export async function scoreVectors(model: RulModelHandle, vectors: readonly FeatureVector[], options: LiveScoringOptions = DEFAULT_LIVE_SCORING): Promise<ScoredBatch> {
  const regimes = regimesOfModel(model);
  const names = regimes ? [...model.featureNames, ...regimes.settingFeatures.filter((f) => !model.featureNames.includes(f))] : model.featureNames;
  const shape: Record<string, number> = {};
  for (const name of names) shape[name] = 0;
  const sensors = [...new Set(names.map(featureSensor).filter((s): s is string => s !== undefined))];
  const refused: RefusedVector[] = [];
  const accepted: FeatureVector[] = [];
  const featureMaps: Array<Record<string, number>> = [];
  const unhealthyOf: Array<Record<string, string> | undefined> = [];
  for (const vector of vectors) {
    const features = modelFeatures(vector, names, shape);
    if (Array.isArray(features)) {
      refused.push({ asset: vector.asset, ts: vector.ts, cause: 'missing-features', reason: `the model needs ${features.join(', ')}, missing from ${vector.asset}'s features` });
      continue;
    }
    const unhealthy = unhealthySensors(vector, sensors, options.unhealthyQuality);
    if (unhealthy && options.unhealthy === 'block') {
      refused.push({ asset: vector.asset, ts: vector.ts, cause: 'unhealthy-sensors', reason: `not predicted: ${Object.entries(unhealthy).map(([s, q]) => `${s} is ${q}`).join(', ')}` });
      continue;
    }
    accepted.push(vector);
    featureMaps.push(features);
    unhealthyOf.push(unhealthy);
  }
  if (accepted.length === 0) return { records: [], refused };
  // The record keeps the features as measured; the model reads them in its regime's units.
  const { rulHours, lowerHours, upperHours } = await model.scoreColumns(regimes ? featureMaps.map((features) => regimes.normalise(features)) : featureMaps, (row) => accepted[row].asset);
  const cappedFrom = model.rulCap === undefined ? Infinity : model.rulCap * CAPPED_FRACTION;
  const modelVersion = model.version;
  const records = new Array<RulRecord>(accepted.length);
  for (let row = 0; row < accepted.length; row++) {
    const vector = accepted[row];
    const unhealthy = unhealthyOf[row];
    // A capped estimate means "at least the cap", never more than it: the trees learned nothing beyond the cap.
    const capped = rulHours[row] >= cappedFrom;
    const rul = capped ? Math.min(rulHours[row], model.rulCap ?? Infinity) : rulHours[row];
    let lower = lowerHours?.[row];
    let upper = upperHours?.[row];
    if (unhealthy) {
      lower = Math.max(0, rul - options.widenFactor * (lower === undefined ? options.fallbackSpread * rul : rul - lower));
      upper = rul + options.widenFactor * (upper === undefined ? options.fallbackSpread * rul : upper - rul);
    }
    const record: RulRecord = {
      kind: 'rul', asset: vector.asset, ts: vector.ts, rulHours: rul, lowerHours: lower, upperHours: upper,
      capped, confidence: unhealthy ? 'reduced' : 'normal', modelVersion, features: featureMaps[row],
    };
    if (unhealthy) record.unhealthy = unhealthy;
    records[row] = record;
  }
  return { records, refused };
}
