import { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { matrixFromRecords, type FeatureMatrix } from './feature-matrix';
import { FEATURE_NAMES_KEY, LOWER_COLUMN, OUTPUTS_KEY, POINT_COLUMN, UPPER_COLUMN } from './onnx-export';

const { FLOAT, DOUBLE } = onnx.TensorProto.DataType;

/** Per row: the estimate, and the interval's bounds when the model has them. */
export interface IntervalScores {
  rul: Float32Array;
  lower?: Float32Array;
  upper?: Float32Array;
}

/**
 * An ONNX regression model scored with onnxruntime: feature vectors are mapped to the model's input columns by the
 * feature names in its metadata, and a whole batch of assets goes through one `run()` (each call costs a fixed
 * ~20 µs, so scoring assets one by one would waste most of the time on overhead). The output's columns are named
 * by the metadata's `outputs` (rul, rul_lower, rul_upper for the pack's models with an interval); a model without
 * it has the estimate in its first column.
 */
export class OnnxScorer {
  private constructor(
    private readonly session: InferenceSession,
    readonly featureNames: string[],
    readonly metadata: Record<string, string>,
    private readonly inputType: 'float32' | 'float64',
    /** Names of the output's columns, in order, when the metadata gives them. */
    readonly outputColumns: string[] | undefined,
  ) {}

  /** The model predicts an interval (lower and upper bound columns) besides its estimate. */
  get hasInterval(): boolean {
    return this.outputColumns !== undefined && this.outputColumns.includes(LOWER_COLUMN) && this.outputColumns.includes(UPPER_COLUMN);
  }

  static async fromBytes(bytes: Uint8Array): Promise<OnnxScorer> {
    const model = onnx.ModelProto.decode(bytes);
    const metadata = metadataOf(model);
    const elemType = model.graph?.input?.[0]?.type?.tensorType?.elemType;
    if (elemType !== FLOAT && elemType !== DOUBLE) throw new Error('the model\'s input must be a float or double tensor of features');
    const names = metadata[FEATURE_NAMES_KEY];
    if (!names) throw new Error(`the model has no "${FEATURE_NAMES_KEY}" in its metadata: the pack cannot tell which feature goes in which input column`);
    const featureNames = JSON.parse(names) as unknown;
    if (!Array.isArray(featureNames) || !featureNames.every((n) => typeof n === 'string')) throw new Error(`"${FEATURE_NAMES_KEY}" in the model's metadata is not a list of names`);
    const columns = outputColumns(metadata);
    const session = await InferenceSession.create(bytes);
    if (session.inputNames.length !== 1 || session.outputNames.length < 1) throw new Error('expected a model with one input (features) and an output');
    return new OnnxScorer(session, featureNames, metadata, elemType === DOUBLE ? 'float64' : 'float32', columns);
  }

  /** Predictions for feature maps, in order; a missing feature is an error naming it and the row's label. */
  async scoreRecords(records: ReadonlyArray<Readonly<Record<string, number>>>, labelOf?: (row: number) => string): Promise<Float32Array> {
    return this.score(matrixFromRecords(this.featureNames, records, labelOf));
  }

  /** The estimate of every row (the output's estimate column). */
  async score(matrix: FeatureMatrix): Promise<Float32Array> {
    return (await this.scoreIntervals(matrix)).rul;
  }

  async scoreRecordIntervals(records: ReadonlyArray<Readonly<Record<string, number>>>, labelOf?: (row: number) => string): Promise<IntervalScores> {
    return this.scoreIntervals(matrixFromRecords(this.featureNames, records, labelOf));
  }

  /** Estimate and, for a model with an interval, its bounds, for every row in one run(). */
  async scoreIntervals(matrix: FeatureMatrix): Promise<IntervalScores> {
    if (matrix.featureNames.join('\u0000') !== this.featureNames.join('\u0000')) throw new Error(`the matrix's columns are not the model's features (${this.featureNames.join(', ')})`);
    if (matrix.rows === 0) return this.hasInterval ? { rul: new Float32Array(0), lower: new Float32Array(0), upper: new Float32Array(0) } : { rul: new Float32Array(0) };
    const data = this.inputType === 'float64' ? Float64Array.from(matrix.values) : matrix.values;
    const input = new Tensor(this.inputType, data, [matrix.rows, this.featureNames.length]);
    const output = await this.session.run({ [this.session.inputNames[0]]: input });
    const result = output[this.session.outputNames[0]];
    if (!(result.data instanceof Float32Array)) throw new Error(`the model's output is ${result.type}, expected float32`);
    const width = result.dims.length >= 2 ? Number(result.dims[1]) : 1;
    if (result.data.length !== matrix.rows * width) throw new Error(`the model gave ${result.data.length} values for ${matrix.rows} rows`);
    const names = this.outputColumns ?? [POINT_COLUMN];
    if (this.outputColumns && width !== names.length) throw new Error(`the model's output has ${width} columns, its metadata "${OUTPUTS_KEY}" names ${names.length} (${names.join(', ')})`);
    if (width === 1) return { rul: result.data };
    const column = (name: string) => {
      const at = names.indexOf(name);
      const values = new Float32Array(matrix.rows);
      for (let row = 0; row < matrix.rows; row++) values[row] = result.data[row * width + at] as number;
      return values;
    };
    const rul = names.includes(POINT_COLUMN) ? column(POINT_COLUMN) : column(names[0]);
    return this.hasInterval ? { rul, lower: column(LOWER_COLUMN), upper: column(UPPER_COLUMN) } : { rul };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export function readMetadata(bytes: Uint8Array): Record<string, string> {
  return metadataOf(onnx.ModelProto.decode(bytes));
}

function outputColumns(metadata: Record<string, string>): string[] | undefined {
  const text = metadata[OUTPUTS_KEY];
  if (text === undefined) return undefined;
  let names: unknown;
  try {
    names = JSON.parse(text);
  } catch {
    names = undefined;
  }
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string')) {
    throw new Error(`"${OUTPUTS_KEY}" in the model's metadata is not a list of output column names: ${text}`);
  }
  return names;
}

function metadataOf(model: onnx.ModelProto): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const entry of model.metadataProps) if (entry.key) metadata[entry.key] = entry.value ?? '';
  return metadata;
}
