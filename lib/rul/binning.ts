import { valueAt, type FeatureMatrix } from './feature-matrix';

/**
 * Histogram binning of each feature: at most `maxBins` bins cut at float32 thresholds, a value going to the first
 * bin whose threshold it does not exceed (x <= t). Split search then scans bins instead of sorted values, and the
 * thresholds are exactly what an ONNX tree ensemble compares its float32 inputs with (BRANCH_LEQ), so the exported
 * model decides every row as the trainer did.
 */
export interface FeatureBins {
  /** Ascending float32 thresholds per feature; bin k holds values in (t[k-1], t[k]], the last bin values > t[last]. */
  thresholds: Float32Array[];
  /** Bin of each row and feature, row-major like the matrix. */
  codes: Uint8Array;
}

export const MAX_BINS = 256;

/** Most rows sampled per feature to place the thresholds: quantiles of 200k rows are as good as of all. */
const THRESHOLD_SAMPLE = 200_000;

/**
 * `placedBy` names the rows whose values place the thresholds (the training rows: held-out rows then influence
 * nothing the trees are built from); every row gets its codes.
 */
export function binFeatures(matrix: FeatureMatrix, maxBins = MAX_BINS, placedBy?: ArrayLike<number>): FeatureBins {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS) throw new Error(`bins must be an integer from 2 to ${MAX_BINS}`);
  const width = matrix.featureNames.length;
  const placing = placedBy ?? Uint32Array.from({ length: matrix.rows }, (_, row) => row);
  if (placing.length === 0) throw new Error('no rows to place the bin thresholds by');
  const thresholds: Float32Array[] = [];
  for (let feature = 0; feature < width; feature++) thresholds.push(featureThresholds(matrix, feature, maxBins, placing));
  const codes = new Uint8Array(matrix.rows * width);
  for (let row = 0; row < matrix.rows; row++) {
    for (let feature = 0; feature < width; feature++) codes[row * width + feature] = binOf(thresholds[feature], valueAt(matrix, row, feature));
  }
  return { thresholds, codes };
}

function featureThresholds(matrix: FeatureMatrix, feature: number, maxBins: number, rows: ArrayLike<number>): Float32Array {
  const step = Math.max(1, Math.floor(rows.length / THRESHOLD_SAMPLE));
  const sample: number[] = [];
  for (let i = 0; i < rows.length; i += step) sample.push(valueAt(matrix, rows[i], feature));
  sample.sort((a, b) => a - b);
  const distinct: number[] = [];
  const counts: number[] = [];
  for (const value of sample) {
    if (distinct.length > 0 && value === distinct[distinct.length - 1]) counts[counts.length - 1]++;
    else { distinct.push(value); counts.push(1); }
  }
  const cuts: number[] = [];
  // Cuts go between distinct values, where the running count passes the next of maxBins equal shares: a value
  // repeated many times (cycles run, a sensor read to two decimals) then never hides the boundaries next to it.
  let passed = 0;
  let nextShare = 1;
  for (let i = 0; i + 1 < distinct.length; i++) {
    passed += counts[i];
    if (distinct.length <= maxBins || passed * maxBins >= nextShare * sample.length) {
      cuts.push(midpoint(distinct[i], distinct[i + 1]));
      nextShare = Math.floor((passed * maxBins) / sample.length) + 1;
    }
  }
  return Float32Array.from(cuts.filter((v, i) => i === 0 || v > cuts[i - 1]));
}

/** A float32 threshold strictly between two float32 values where one exists, else the lower one (x <= t). */
function midpoint(low: number, high: number): number {
  const mid = Math.fround((low + high) / 2);
  return mid >= high ? low : mid;
}

export function binOf(thresholds: Float32Array, value: number): number {
  let lo = 0;
  let hi = thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= thresholds[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
