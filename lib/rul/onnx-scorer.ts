import { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { fillRows, type FeatureMatrix } from './feature-matrix';
import { FEATURE_NAMES_KEY, LOWER_COLUMN, OUTPUTS_KEY, POINT_COLUMN, UPPER_COLUMN } from './onnx-export';

const { FLOAT, DOUBLE } = onnx.TensorProto.DataType;

/** Per row: the estimate, and the interval's bounds when the model has them. */
export interface IntervalScores {
  rul: Float32Array;
  lower?: Float32Array;
  upper?: Float32Array;
}

/** How onnxruntime runs a scoring session. */
export interface ScoringEngineOptions {
  /**
   * Threads one run() may use (onnxruntime's intra-op pool). 1 by default: on an edge box whose cores Node-RED and
   * the database share, a second thread is only worth it for fleets scored in batches of thousands (see
   * `npm run bench scoring`), and one asset's latency is lowest on one thread.
   */
  intraOpThreads: number;
}

export const DEFAULT_SCORING_ENGINE: ScoringEngineOptions = { intraOpThreads: 1 };

/** More threads than this are refused: beyond the cores a machine has, extra threads only take turns. */
export const MAX_SCORING_THREADS = 64;

/**
 * The session options for `engine`. The pool's threads are told not to spin while they wait for work: onnxruntime's
 * default spinning pool kept cores busy between runs and halved batch throughput on two shared cores (and raised one
 * asset's p99 severalfold), while a run() of a tree ensemble hands its threads so few tasks that waking them costs
 * little.
 */
export function scoringSessionOptions(engine: ScoringEngineOptions = DEFAULT_SCORING_ENGINE): InferenceSession.SessionOptions {
  const threads = engine.intraOpThreads;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_SCORING_THREADS) {
    throw new Error(`scoring threads must be a whole number from 1 to ${MAX_SCORING_THREADS}, got ${threads}`);
  }
  return {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

type Records = ReadonlyArray<Readonly<Record<string, number>>>;

/**
 * An ONNX regression model scored with onnxruntime: feature vectors are mapped to the model's input columns by the
 * feature names in its metadata, and a whole batch of assets goes through one `run()` (each call costs a fixed
 * ~20 µs, so scoring assets one by one would waste most of the time on overhead). The batch's features are written
 * straight into one input buffer of the model's type (float or double), kept and reused from batch to batch. The
 * output's columns are named by the metadata's `outputs` (rul, rul_lower, rul_upper for the pack's models with an
 * interval); a model without it has the estimate in its first column.
 */
export class OnnxScorer {
  /** The input buffer, reused by the next batch unless a run still holds it. */
  private input: Float32Array | Float64Array;
  private inputInUse = false;

  private constructor(
    private readonly session: InferenceSession,
    readonly featureNames: string[],
    readonly metadata: Record<string, string>,
    private readonly inputType: 'float32' | 'float64',
    /** Names of the output's columns, in order, when the metadata gives them. */
    readonly outputColumns: string[] | undefined,
  ) {
    this.input = this.newInput(0);
  }

  /** The model predicts an interval (lower and upper bound columns) besides its estimate. */
  get hasInterval(): boolean {
    return this.outputColumns !== undefined && this.outputColumns.includes(LOWER_COLUMN) && this.outputColumns.includes(UPPER_COLUMN);
  }

  static async fromBytes(bytes: Uint8Array, engine: ScoringEngineOptions = DEFAULT_SCORING_ENGINE): Promise<OnnxScorer> {
    const sessionOptions = scoringSessionOptions(engine);
    const model = onnx.ModelProto.decode(bytes);
    const metadata = metadataOf(model);
    const elemType = model.graph?.input?.[0]?.type?.tensorType?.elemType;
    if (elemType !== FLOAT && elemType !== DOUBLE) throw new Error('the model\'s input must be a float or double tensor of features');
    const names = metadata[FEATURE_NAMES_KEY];
    if (!names) throw new Error(`the model has no "${FEATURE_NAMES_KEY}" in its metadata: the pack cannot tell which feature goes in which input column`);
    const featureNames = JSON.parse(names) as unknown;
    if (!Array.isArray(featureNames) || !featureNames.every((n) => typeof n === 'string')) throw new Error(`"${FEATURE_NAMES_KEY}" in the model's metadata is not a list of names`);
    const columns = outputColumns(metadata);
    const session = await InferenceSession.create(bytes, sessionOptions);
    if (session.inputNames.length !== 1 || session.outputNames.length < 1) throw new Error('expected a model with one input (features) and an output');
    return new OnnxScorer(session, featureNames, metadata, elemType === DOUBLE ? 'float64' : 'float32', columns);
  }

  /** Predictions for feature maps, in order; a missing feature is an error naming it and the row's label. */
  async scoreRecords(records: Records, labelOf?: (row: number) => string): Promise<Float32Array> {
    return (await this.scoreRecordIntervals(records, labelOf)).rul;
  }

  /** The estimate of every row (the output's estimate column). */
  async score(matrix: FeatureMatrix): Promise<Float32Array> {
    return (await this.scoreIntervals(matrix)).rul;
  }

  /** Estimate and, for a model with an interval, its bounds, for feature maps in one run(). */
  async scoreRecordIntervals(records: Records, labelOf?: (row: number) => string): Promise<IntervalScores> {
    return this.run(records.length, (input) => fillRows(this.featureNames, records, input, labelOf));
  }

  /** Estimate and, for a model with an interval, its bounds, for every row in one run(). */
  async scoreIntervals(matrix: FeatureMatrix): Promise<IntervalScores> {
    if (matrix.featureNames.join('\u0000') !== this.featureNames.join('\u0000')) throw new Error(`the matrix's columns are not the model's features (${this.featureNames.join(', ')})`);
    if (matrix.rows === 0) return this.empty();
    const values = matrix.values.subarray(0, matrix.rows * this.featureNames.length);
    // A float model reads the matrix where it lies; a double one gets it converted into the reused buffer.
    if (this.inputType === 'float32') return this.runOn(matrix.rows, values);
    return this.run(matrix.rows, (input) => input.set(values));
  }

  /** Fills the input for `rows` rows, in the reused buffer unless a run still holds it, and runs the model once. */
  private async run(rows: number, fill: (input: Float32Array | Float64Array) => void): Promise<IntervalScores> {
    if (rows === 0) return this.empty();
    const length = rows * this.featureNames.length;
    const reuse = !this.inputInUse;
    if (reuse && this.input.length < length) this.input = this.newInput(Math.max(length, 2 * this.input.length));
    const buffer = reuse ? this.input : this.newInput(length);
    const data = buffer.length === length ? buffer : buffer.subarray(0, length);
    fill(data);
    if (!reuse) return this.runOn(rows, data);
    this.inputInUse = true;
    try {
      return await this.runOn(rows, data);
    } finally {
      this.inputInUse = false;
    }
  }

  /** One run() over `rows` rows of input and the output split into its columns. */
  private async runOn(rows: number, data: Float32Array | Float64Array): Promise<IntervalScores> {
    const dims = [rows, this.featureNames.length];
    const input = data instanceof Float64Array ? new Tensor('float64', data, dims) : new Tensor('float32', data, dims);
    const output = await this.session.run({ [this.session.inputNames[0]]: input });
    return this.columns(output[this.session.outputNames[0]], rows);
  }

  private empty(): IntervalScores {
    return this.hasInterval ? { rul: new Float32Array(0), lower: new Float32Array(0), upper: new Float32Array(0) } : { rul: new Float32Array(0) };
  }

  private columns(result: Tensor, rows: number): IntervalScores {
    if (!(result.data instanceof Float32Array)) throw new Error(`the model's output is ${result.type}, expected float32`);
    const data = result.data;
    const width = result.dims.length >= 2 ? Number(result.dims[1]) : 1;
    if (data.length !== rows * width) throw new Error(`the model gave ${data.length} values for ${rows} rows`);
    const names = this.outputColumns ?? [POINT_COLUMN];
    if (this.outputColumns && width !== names.length) throw new Error(`the model's output has ${width} columns, its metadata "${OUTPUTS_KEY}" names ${names.length} (${names.join(', ')})`);
    if (width === 1) return { rul: data };
    const column = (name: string) => {
      const at = names.indexOf(name);
      const values = new Float32Array(rows);
      for (let row = 0, i = at; row < rows; row++, i += width) values[row] = data[i];
      return values;
    };
    const rul = names.includes(POINT_COLUMN) ? column(POINT_COLUMN) : column(names[0]);
    return this.hasInterval ? { rul, lower: column(LOWER_COLUMN), upper: column(UPPER_COLUMN) } : { rul };
  }

  private newInput(length: number): Float32Array | Float64Array {
    return this.inputType === 'float64' ? new Float64Array(length) : new Float32Array(length);
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
