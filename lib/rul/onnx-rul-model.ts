import { createHash } from 'node:crypto';
import { DEFAULT_SCORING_ENGINE, OnnxScorer, type ScoringEngineOptions } from './onnx-scorer';
import type { FeatureRecord, RulColumns, RulModelHandle, RulPrediction } from './rul-model';

/**
 * An ONNX RUL model as the twin uses it: estimates never below zero, the interval ordered around the estimate, the
 * cap read from the metadata, and a version that names the exact bytes (the registry's, or a content hash).
 */
export class OnnxRulModel implements RulModelHandle {
  private constructor(private readonly scorer: OnnxScorer, readonly version: string, readonly rulCap: number | undefined) {}

  static async load(bytes: Uint8Array, version?: string, engine: ScoringEngineOptions = DEFAULT_SCORING_ENGINE): Promise<OnnxRulModel> {
    const scorer = await OnnxScorer.fromBytes(bytes, engine);
    const cap = Number(scorer.metadata.rul_cap);
    return new OnnxRulModel(scorer, version ?? contentVersion(bytes), Number.isFinite(cap) && cap > 0 ? cap : undefined);
  }

  get featureNames(): readonly string[] {
    return this.scorer.featureNames;
  }

  get metadata(): Readonly<Record<string, string>> {
    return this.scorer.metadata;
  }

  async score(records: readonly FeatureRecord[], labelOf?: (row: number) => string): Promise<RulPrediction[]> {
    const { rulHours, lowerHours, upperHours } = await this.scoreColumns(records, labelOf);
    const predictions = new Array<RulPrediction>(rulHours.length);
    for (let row = 0; row < rulHours.length; row++) {
      predictions[row] = lowerHours && upperHours ? { rulHours: rulHours[row], lowerHours: lowerHours[row], upperHours: upperHours[row] } : { rulHours: rulHours[row] };
    }
    return predictions;
  }

  /** The scorer's output columns, bounded in place (they are this batch's own arrays). */
  async scoreColumns(records: readonly FeatureRecord[], labelOf?: (row: number) => string): Promise<RulColumns> {
    const { rul, lower, upper } = await this.scorer.scoreRecordIntervals(records, labelOf);
    for (let row = 0; row < rul.length; row++) {
      const rulHours = Math.max(0, rul[row]);
      rul[row] = rulHours;
      if (lower && upper) {
        lower[row] = Math.max(0, Math.min(lower[row], rulHours));
        upper[row] = Math.max(upper[row], rulHours);
      }
    }
    return lower && upper ? { rulHours: rul, lowerHours: lower, upperHours: upper } : { rulHours: rul };
  }

  release(): Promise<void> {
    return this.scorer.release();
  }
}

export function contentVersion(bytes: Uint8Array): string {
  return `sha-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
}
