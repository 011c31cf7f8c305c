/**
 * A training or scoring table: rows of named features as one row-major Float32Array, the layout onnxruntime
 * takes as its input tensor, so a batch of assets is scored without copying.
 */
export interface FeatureMatrix {
  featureNames: string[];
  rows: number;
  values: Float32Array;
}

/** Row r, feature f. */
export function valueAt(matrix: FeatureMatrix, row: number, feature: number): number {
  return matrix.values[row * matrix.featureNames.length + feature];
}

/**
 * Builds the matrix from feature maps (feature vectors' `features`), in the order `featureNames` gives. A feature
 * missing or not finite in any row is an error that names it and the row, never a silent zero.
 */
export function matrixFromRecords(featureNames: string[], records: ReadonlyArray<Readonly<Record<string, number>>>, describeRow: (row: number) => string = (row) => `row ${row}`): FeatureMatrix {
  const values = new Float32Array(records.length * featureNames.length);
  fillRows(featureNames, records, values, describeRow);
  return { featureNames: [...featureNames], rows: records.length, values };
}

/**
 * Writes the records' features row-major into `into` (at least rows × features long), as float32 values even in a
 * Float64Array: the trees' thresholds were chosen between float32 values, the way the trainer sees its features.
 * Allocates nothing unless a feature is missing, which throws as `matrixFromRecords` does.
 */
export function fillRows(featureNames: readonly string[], records: ReadonlyArray<Readonly<Record<string, number>>>, into: Float32Array | Float64Array,
  describeRow: (row: number) => string = (row) => `row ${row}`): void {
  const width = featureNames.length;
  let problems: string[] | undefined;
  for (let row = 0; row < records.length; row++) {
    const record = records[row];
    let missing: string[] | undefined;
    for (let feature = 0; feature < width; feature++) {
      const value = record[featureNames[feature]];
      if (typeof value !== 'number' || !Number.isFinite(value)) (missing ??= []).push(featureNames[feature]);
      else into[row * width + feature] = Math.fround(value);
    }
    if (missing) (problems ??= []).push(`${describeRow(row)} lacks ${missing.join(', ')}`);
  }
  if (problems) {
    const shown = problems.slice(0, 5).join('; ');
    throw new Error(`missing features: ${shown}${problems.length > 5 ? `; and ${problems.length - 5} more rows` : ''}`);
  }
}
