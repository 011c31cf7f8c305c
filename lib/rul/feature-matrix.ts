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
  const width = featureNames.length;
  const values = new Float32Array(records.length * width);
  const problems: string[] = [];
  records.forEach((record, row) => {
    const missing: string[] = [];
    featureNames.forEach((name, feature) => {
      const value = record[name];
      if (typeof value !== 'number' || !Number.isFinite(value)) missing.push(name);
      else values[row * width + feature] = value;
    });
    if (missing.length > 0) problems.push(`${describeRow(row)} lacks ${missing.join(', ')}`);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ');
    throw new Error(`missing features: ${shown}${problems.length > 5 ? `; and ${problems.length - 5} more rows` : ''}`);
  }
  return { featureNames: [...featureNames], rows: records.length, values };
}
