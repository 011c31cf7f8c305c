import { Random } from '../../lib/math/random';
import { matrixFromRecords } from '../../lib/rul/feature-matrix';
import { trainBoosted } from '../../lib/rul/gradient-boosting';
import { ensembleToOnnx } from '../../lib/rul/onnx-export';
import { OnnxRulModel } from '../../lib/rul/onnx-rul-model';
import type { FeatureRecord, RulColumns, RulModelHandle, RulPrediction } from '../../lib/rul/rul-model';

/** Features the tiny model reads: windowed means of the spindle's sensors, as twin-features names them. */
export const TINY_MODEL_FEATURES = ['vibration.mean.1h', 'bearingTemp.mean.1h', 'speed.mean.1h', 'load.mean.1h'];

/**
 * A real ONNX remaining-life model, trained by the pack's trainer on synthetic histories in which life shortens
 * with vibration and bearing temperature (speed and load are noise), scored by onnxruntime. It records every batch
 * it is asked to score, so a test can count the calls and read the records.
 */
export class RecordingRulModel implements RulModelHandle {
  readonly calls: FeatureRecord[][] = [];

  private constructor(private readonly model: OnnxRulModel) {}

  get version(): string {
    return this.model.version;
  }

  get featureNames(): readonly string[] {
    return this.model.featureNames;
  }

  get rulCap(): number | undefined {
    return this.model.rulCap;
  }

  get metadata(): Readonly<Record<string, string>> {
    return this.model.metadata;
  }

  static async train(seed = 3): Promise<RecordingRulModel> {
    const random = new Random(seed);
    const records: Array<Record<string, number>> = [];
    const target: number[] = [];
    const groups: string[] = [];
    for (let row = 0; row < 4000; row++) {
      const vibration = 0.3 + 2.7 * random.next();
      const temperature = 30 + 50 * random.next();
      records.push({
        'vibration.mean.1h': vibration, 'bearingTemp.mean.1h': temperature,
        'speed.mean.1h': 8000 + 7000 * random.next(), 'load.mean.1h': 30 + 40 * random.next(),
      });
      target.push(Math.max(0, 500 - 120 * (vibration - 0.3) - 5 * (temperature - 30) + 5 * random.gaussian()));
      groups.push(`unit-${row % 20}`);
    }
    const model = trainBoosted({ matrix: matrixFromRecords(TINY_MODEL_FEATURES, records), target, groups }, { rounds: 300, learningRate: 0.1, minLeaf: 5, earlyStoppingRounds: 30 });
    return new RecordingRulModel(await OnnxRulModel.load(ensembleToOnnx(model, {}, 'test'), `tiny-${seed}`));
  }

  score(records: readonly FeatureRecord[], labelOf?: (row: number) => string): Promise<RulPrediction[]> {
    this.calls.push(records.map((r) => ({ ...r })));
    return this.model.score(records, labelOf);
  }

  scoreColumns(records: readonly FeatureRecord[], labelOf?: (row: number) => string): Promise<RulColumns> {
    this.calls.push(records.map((r) => ({ ...r })));
    return this.model.scoreColumns(records, labelOf);
  }

  release(): Promise<void> {
    return this.model.release();
  }
}
