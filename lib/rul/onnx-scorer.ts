import { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { matrixFromRecords, type FeatureMatrix } from './feature-matrix';
import { FEATURE_NAMES_KEY } from './onnx-export';

const { FLOAT, DOUBLE } = onnx.TensorProto.DataType;

/**
 * An ONNX regression model scored with onnxruntime: feature vectors are mapped to the model's input columns by the
 * feature names in its metadata, and a whole batch of assets goes through one `run()` (each call costs a fixed
 * ~20 µs, so scoring assets one by one would waste most of the time on overhead).
 */
export class OnnxScorer {
  private constructor(
    private readonly session: InferenceSession,
    readonly featureNames: string[],
    readonly metadata: Record<string, string>,
    private readonly inputType: 'float32' | 'float64',
  ) {}

  static async fromBytes(bytes: Uint8Array): Promise<OnnxScorer> {
    const model = onnx.ModelProto.decode(bytes);
    const metadata = metadataOf(model);
    const elemType = model.graph?.input?.[0]?.type?.tensorType?.elemType;
    if (elemType !== FLOAT && elemType !== DOUBLE) throw new Error('the model\'s input must be a float or double tensor of features');
    const names = metadata[FEATURE_NAMES_KEY];
    if (!names) throw new Error(`the model has no "${FEATURE_NAMES_KEY}" in its metadata: the pack cannot tell which feature goes in which input column`);
    const featureNames = JSON.parse(names) as unknown;
    if (!Array.isArray(featureNames) || !featureNames.every((n) => typeof n === 'string')) throw new Error(`"${FEATURE_NAMES_KEY}" in the model's metadata is not a list of names`);
    const session = await InferenceSession.create(bytes);
    if (session.inputNames.length !== 1 || session.outputNames.length < 1) throw new Error('expected a model with one input (features) and an output');
    return new OnnxScorer(session, featureNames, metadata, elemType === DOUBLE ? 'float64' : 'float32');
  }

  /** Predictions for feature maps, in order; a missing feature is an error naming it and the row's label. */
  async scoreRecords(records: ReadonlyArray<Readonly<Record<string, number>>>, labelOf?: (row: number) => string): Promise<Float32Array> {
    return this.score(matrixFromRecords(this.featureNames, records, labelOf));
  }

  async score(matrix: FeatureMatrix): Promise<Float32Array> {
    if (matrix.featureNames.join('\u0000') !== this.featureNames.join('\u0000')) throw new Error(`the matrix's columns are not the model's features (${this.featureNames.join(', ')})`);
    if (matrix.rows === 0) return new Float32Array(0);
    const data = this.inputType === 'float64' ? Float64Array.from(matrix.values) : matrix.values;
    const input = new Tensor(this.inputType, data, [matrix.rows, this.featureNames.length]);
    const output = await this.session.run({ [this.session.inputNames[0]]: input });
    const result = output[this.session.outputNames[0]];
    if (!(result.data instanceof Float32Array)) throw new Error(`the model's output is ${result.type}, expected float32`);
    return result.data;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export function readMetadata(bytes: Uint8Array): Record<string, string> {
  return metadataOf(onnx.ModelProto.decode(bytes));
}

function metadataOf(model: onnx.ModelProto): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const entry of model.metadataProps) if (entry.key) metadata[entry.key] = entry.value ?? '';
  return metadata;
}
