import { trainBoosted } from '../../lib/rul/gradient-boosting';
import { ensembleToOnnx } from '../../lib/rul/onnx-export';
import { matrixFromRecords } from '../../lib/rul/feature-matrix';

/**
 * A small but real RUL model for node tests: boosted trees trained on a synthetic wear law (life falls as the
 * vibration rises), exported to ONNX as the pack's trainer does. `slope` changes the law, so two models differ.
 */
export function tinyRulModel(slope = 50, cap = 300): Uint8Array {
  const records: Array<Record<string, number>> = [];
  const target: number[] = [];
  const groups: string[] = [];
  for (let unit = 0; unit < 6; unit++) {
    for (let i = 0; i <= 100; i++) {
      const vibration = 0.5 + i * 0.05;
      records.push({ 'vibration.rms': vibration, 'speed.last': 12000 });
      target.push(Math.min(cap, Math.max(0, 400 - slope * vibration)));
      groups.push(`u${unit}`);
    }
  }
  const matrix = matrixFromRecords(['vibration.rms', 'speed.last'], records);
  const model = trainBoosted({ matrix, target, groups }, { rounds: 150, learningRate: 0.2, minLeaf: 5 });
  return ensembleToOnnx(model, { rul_cap: String(cap), trained_at: '2026-01-01T00:00:00.000Z' }, 'test');
}
