import { MAX_BINS, type FeatureBins } from './binning';

/** One node of a regression tree; a leaf has feature -1. Rows with x <= threshold go left. */
export interface TreeNode {
  feature: number;
  threshold: number;
  left: number;
  right: number;
  value: number;
}

/** Trees summed onto a base value, over features in this column order. */
export interface TreeEnsemble {
  featureNames: string[];
  baseScore: number;
  trees: TreeNode[][];
}

export interface TreeOptions {
  maxDepth: number;
  /** Fewest training rows a leaf may hold. */
  minLeaf: number;
  /** L2 penalty on leaf values: shrinks leaves fitted to few rows. */
  lambda: number;
  /** Factor applied to every leaf (the boosting learning rate). */
  shrinkage: number;
}

/**
 * A leaf's value (before shrinkage) from the rows it holds, for losses whose best leaf is not the penalised mean
 * of the pseudo-residuals the structure was grown on (a quantile of the residuals for the pinball loss).
 */
export type LeafEstimator = (rows: Uint32Array) => number;

interface Split {
  feature: number;
  bin: number;
  gain: number;
  leftCount: number;
  leftSum: number;
}

/**
 * Residual sum and row count of every bin of one node, interleaved (sum, count) so one row's update touches one
 * array, each feature in a block of MAX_BINS bins.
 */
type Histogram = Float64Array;

/**
 * Grows one least-squares tree on the residuals of `rows`, depth first, choosing at each node the feature and bin
 * boundary with the largest reduction of squared error (with the L2 penalty), from per-bin residual histograms.
 * Each node's rows stay a contiguous stretch of one array, partitioned in place at a split; only the smaller child's
 * histogram is counted, the larger one is its parent's minus the smaller's (half the passes over the rows).
 */
export function growTree(bins: FeatureBins, width: number, residual: Float64Array, rows: Uint32Array, options: TreeOptions, leafValue?: LeafEstimator): TreeNode[] {
  const order = Uint32Array.from(rows);
  const nodes: TreeNode[] = [];
  const histogramOf = (begin: number, end: number): Histogram => {
    const histogram = new Float64Array(2 * MAX_BINS * width);
    const { codes } = bins;
    for (let i = begin; i < end; i++) {
      const row = order[i];
      const g = residual[row];
      const base = row * width;
      for (let feature = 0, block = 0; feature < width; feature++, block += 2 * MAX_BINS) {
        const slot = block + 2 * codes[base + feature];
        histogram[slot] += g;
        histogram[slot + 1]++;
      }
    }
    return histogram;
  };
  const leaf = (begin: number, end: number, sum: number): number => {
    const raw = leafValue ? leafValue(order.subarray(begin, end)) : sum / (end - begin + options.lambda);
    return options.shrinkage * raw;
  };
  const grow = (begin: number, end: number, sum: number, depth: number, histogram: Histogram | undefined): number => {
    const index = nodes.length;
    const count = end - begin;
    nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: 0 });
    if (depth >= options.maxDepth || count < 2 * options.minLeaf) {
      nodes[index].value = leaf(begin, end, sum);
      return index;
    }
    const own = histogram ?? histogramOf(begin, end);
    const split = bestSplit(own, bins, width, count, sum, options);
    if (!split) {
      nodes[index].value = leaf(begin, end, sum);
      return index;
    }
    const middle = partition(order, begin, end, bins.codes, width, split);
    let leftHistogram: Histogram | undefined;
    let rightHistogram: Histogram | undefined;
    // Children at the depth limit are leaves and never look at a histogram.
    if (depth + 1 < options.maxDepth) {
      const leftIsSmaller = middle - begin <= end - middle;
      const smaller = leftIsSmaller ? histogramOf(begin, middle) : histogramOf(middle, end);
      const larger = subtract(own, smaller);
      [leftHistogram, rightHistogram] = leftIsSmaller ? [smaller, larger] : [larger, smaller];
    }
    const node = nodes[index];
    node.feature = split.feature;
    node.threshold = bins.thresholds[split.feature][split.bin];
    node.left = grow(begin, middle, split.leftSum, depth + 1, leftHistogram);
    node.right = grow(middle, end, sum - split.leftSum, depth + 1, rightHistogram);
    return index;
  };
  let total = 0;
  for (const row of order) total += residual[row];
  grow(0, order.length, total, 0, undefined);
  return nodes;
}

function bestSplit(histogram: Histogram, bins: FeatureBins, width: number, n: number, total: number, options: TreeOptions): Split | undefined {
  const parentScore = (total * total) / (n + options.lambda);
  let best: Split | undefined;
  for (let feature = 0; feature < width; feature++) {
    const cuts = bins.thresholds[feature].length;
    const block = 2 * MAX_BINS * feature;
    let leftSum = 0;
    let leftCount = 0;
    for (let bin = 0; bin < cuts; bin++) {
      leftSum += histogram[block + 2 * bin];
      leftCount += histogram[block + 2 * bin + 1];
      const rightCount = n - leftCount;
      if (leftCount < options.minLeaf) continue;
      if (rightCount < options.minLeaf) break;
      const rightSum = total - leftSum;
      const gain = (leftSum * leftSum) / (leftCount + options.lambda) + (rightSum * rightSum) / (rightCount + options.lambda) - parentScore;
      if (gain > 1e-12 && (!best || gain > best.gain)) best = { feature, bin, gain, leftCount, leftSum };
    }
  }
  return best;
}

/** Rows of the split's left side to the front of [begin, end), keeping each side in its original order. */
function partition(order: Uint32Array, begin: number, end: number, codes: Uint8Array, width: number, split: Split): number {
  const right = new Uint32Array(end - begin - split.leftCount);
  let l = begin;
  let r = 0;
  for (let i = begin; i < end; i++) {
    const row = order[i];
    if (codes[row * width + split.feature] <= split.bin) order[l++] = row;
    else right[r++] = row;
  }
  order.set(right, l);
  return l;
}

function subtract(parent: Histogram, child: Histogram): Histogram {
  const difference = new Float64Array(parent.length);
  for (let slot = 0; slot < difference.length; slot++) difference[slot] = parent[slot] - child[slot];
  return difference;
}

/** The tree's output for one row of float32 feature values. */
export function treeValue(nodes: readonly TreeNode[], values: Float32Array, offset: number): number {
  let node = nodes[0];
  while (node.feature >= 0) node = nodes[values[offset + node.feature] <= node.threshold ? node.left : node.right];
  return node.value;
}
