import type { Pool } from 'pg';
import type { SchemaContext } from '../historian/schema-context';
import { loadFailureEvents, loadFeatureHistory } from './feature-history';
import { labelHistory, type LifeSummary, type TimedVector } from './ground-truth';
import { OnnxRulModel } from './onnx-rul-model';
import { registerModel } from './registry';
import type { TrainingSet } from './gradient-boosting';
import { vectorTrainingSet, type LabelledVector } from './vector-training';

/**
 * A retrain on the plant's own history: the stored feature vectors, labelled by the confirmed failures, train a
 * challenger that continues from the model in use (it starts from what that model knows and corrects it with what
 * this plant shows); the newest machine lives that ended in a failure are held out whole, and the challenger is
 * promoted only if it beats the model in use on them. Every challenger is registered with its figures, promoted or not.
 */
export interface RetrainOptions {
  from: number;
  to: number;
  /** Hours of machine life per clock hour (1 for a real machine; the simulator's speed-up). */
  timeScale: number;
  /** One training row per this many hours of machine life. */
  stepLifeHours: number;
  /** The challenger's cap; the model in use's when absent. */
  rulCap?: number;
  /** Share of the lives ending in a failure held out, newest first (at least one). */
  validationFraction: number;
  /** The challenger must lower the held-out RMSE by this fraction to be promoted. */
  minImprovement: number;
  /** Rows of a machine standing still are left out (the live estimates skip them too). */
  running?: { feature: string; above: number };
  maxVectors: number;
}

export const DEFAULT_RETRAIN_OPTIONS: Omit<RetrainOptions, 'from' | 'to'> = {
  timeScale: 1, stepLifeHours: 1, validationFraction: 0.2, minImprovement: 0, maxVectors: 500_000,
};

export interface TrainRequest {
  set: TrainingSet;
  validationGroups: string[];
  rulCap: number;
  /** The model in use, to continue from. */
  warmStart: Uint8Array;
  metadata: Record<string, string>;
}

/** Trains the challenger and returns its ONNX bytes (in a worker thread in the node, so Node-RED keeps running). */
export type Trainer = (request: TrainRequest, onProgress: (text: string) => void) => Promise<Uint8Array>;

export interface CurrentModel {
  version: string;
  bytes: Uint8Array;
  model: OnnxRulModel;
}

export interface RetrainResult {
  version: string;
  promoted: boolean;
  reason: string;
  current: { version: string; rmse: number };
  candidate: { rmse: number; coverage: number | null; meanWidth: number | null };
  lives: LifeSummary[];
  validationUnits: string[];
  trainingRows: number;
  validationRows: number;
  unlabelled: number;
  durationMs: number;
}

const HOUR_MS = 3_600_000;

function versionName(now: number): string {
  return `v${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

function running(vectors: Map<string, TimedVector[]>, rule: RetrainOptions['running']): Map<string, TimedVector[]> {
  if (!rule) return vectors;
  return new Map([...vectors].map(([asset, list]) => [asset, list.filter((v) => v.features[rule.feature] > rule.above)]));
}

/** The newest lives ending in a failure, held out whole; an error says what ground truth is missing. */
export function chooseValidation(lives: readonly LifeSummary[], fraction: number): string[] {
  const failed = lives.filter((l) => l.failureId !== undefined).sort((a, b) => b.to - a.to);
  if (failed.length === 0) {
    throw new Error('no confirmed failure in the history: confirm failures on the maintenance tab (or send failure events to the historian) first');
  }
  const count = Math.max(1, Math.round(failed.length * fraction));
  return failed.slice(0, count).map((l) => l.unit);
}

function heldOutFigures(rows: LabelledVector[], estimates: Array<{ rulHours: number; lowerHours?: number; upperHours?: number }>, cap: number) {
  let squared = 0;
  let covered = 0;
  let width = 0;
  let intervals = 0;
  rows.forEach((row, i) => {
    const truth = Math.min(cap, row.rulHours);
    const e = estimates[i];
    squared += (Math.min(cap, e.rulHours) - truth) ** 2;
    if (e.lowerHours !== undefined && e.upperHours !== undefined) {
      intervals++;
      width += e.upperHours - e.lowerHours;
      if (truth >= e.lowerHours && truth <= e.upperHours) covered++;
    }
  });
  return { rmse: Math.sqrt(squared / Math.max(1, rows.length)), coverage: intervals ? covered / intervals : null, meanWidth: intervals ? width / intervals : null };
}

export async function retrain(pool: Pool, ctx: SchemaContext, current: CurrentModel, train: Trainer, options: RetrainOptions,
  onProgress: (text: string) => void = () => undefined): Promise<RetrainResult> {
  const started = Date.now();
  const featureNames = [...current.model.featureNames];
  const rulCap = options.rulCap ?? current.model.rulCap;
  if (!(rulCap !== undefined && rulCap > 0)) throw new Error(`the model in use (${current.version}) states no RUL cap: set one for the retrain`);
  onProgress('reading the feature history');
  const read = [...new Set([...featureNames, ...(options.running ? [options.running.feature] : [])])];
  const history = await loadFeatureHistory(pool, ctx, {
    featureNames: read, from: options.from, to: options.to, stepMs: (options.stepLifeHours * HOUR_MS) / options.timeScale, maxVectors: options.maxVectors,
  });
  const events = await loadFailureEvents(pool, ctx);
  const labelled = labelHistory(running(history.vectors, options.running), events, { rulCap, timeScale: options.timeScale, now: options.to });
  const validationUnits = chooseValidation(labelled.lives, options.validationFraction);
  const held = new Set(validationUnits);
  const validationRows = labelled.rows.filter((r) => held.has(r.group));
  if (labelled.rows.length === validationRows.length) throw new Error(`nothing left to train on once ${validationUnits.join(', ')} is held out: the history needs more than one machine life`);
  const set = vectorTrainingSet(labelled.rows, featureNames, rulCap);
  onProgress(`${labelled.rows.length} rows from ${labelled.lives.length} lives; holding out ${validationUnits.join(', ')}`);

  const now = Date.now();
  const version = versionName(now);
  const bytes = await train({
    set, validationGroups: validationUnits, rulCap, warmStart: current.bytes,
    metadata: { model_version: version, continued_from: current.version, data_from: new Date(options.from).toISOString(), data_to: new Date(options.to).toISOString(), time_scale: String(options.timeScale) },
  }, onProgress);

  onProgress('evaluating on the held-out lives');
  const candidate = await OnnxRulModel.load(bytes, version);
  let figures;
  let currentFigures;
  try {
    const records = validationRows.map((r) => r.features);
    figures = heldOutFigures(validationRows, await candidate.score(records), rulCap);
    currentFigures = heldOutFigures(validationRows, await current.model.score(records), rulCap);
  } finally {
    await candidate.release();
  }
  const better = figures.rmse < currentFigures.rmse * (1 - options.minImprovement);
  const reason = better
    ? `held-out RMSE ${figures.rmse.toFixed(1)} h against ${currentFigures.rmse.toFixed(1)} h of ${current.version}`
    : `not better on the held-out lives: RMSE ${figures.rmse.toFixed(1)} h against ${currentFigures.rmse.toFixed(1)} h of ${current.version}`;
  await registerModel(pool, ctx, {
    version, createdAt: now, trainedAt: now, dataFrom: options.from, dataTo: options.to, trainingRows: labelled.rows.length - validationRows.length,
    trainingUnits: labelled.lives.length - validationUnits.length, validationUnits,
    metrics: { candidateRmse: figures.rmse, currentRmse: currentFigures.rmse, comparedWith: current.version, coverage: figures.coverage, meanWidth: figures.meanWidth },
    featureNames, status: better ? 'promoted' : 'rejected', note: reason, onnx: bytes,
  });
  return {
    version, promoted: better, reason, current: { version: current.version, rmse: currentFigures.rmse }, candidate: figures,
    lives: labelled.lives, validationUnits, trainingRows: labelled.rows.length - validationRows.length, validationRows: validationRows.length,
    unlabelled: labelled.unlabelled, durationMs: Date.now() - started,
  };
}
