import type { FeatureBins } from './binning';

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

interface Split {
  feature: number;
  bin: number;
  gain: number;
}

/**
 * Grows one least-squares tree on the residuals of `rows`, depth first, choosing at each node the feature and bin
 * boundary with the largest reduction of squared error (with the L2 penalty), from per-bin residual histograms.
 */
export function growTree(bins: FeatureBins, width: number, residual: Float64Array, rows: Uint32Array, options: TreeOptions): TreeNode[] {
  const nodes: TreeNode[] = [];
  const grow = (members: Uint32Array, depth: number): number => {
    const index = nodes.length;
    let sum = 0;
    for (const row of members) sum += residual[row];
    nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: (options.shrinkage * sum) / (members.length + options.lambda) });
    if (depth >= options.maxDepth || members.length < 2 * options.minLeaf) return index;
    const split = bestSplit(bins, width, residual, members, sum, options);
    if (!split) return index;
    const left: number[] = [];
    const right: number[] = [];
    for (const row of members) (bins.codes[row * width + split.feature] <= split.bin ? left : right).push(row);
    const node = nodes[index];
    node.feature = split.feature;
    node.threshold = bins.thresholds[split.feature][split.bin];
    node.value = 0;
    node.left = grow(Uint32Array.from(left), depth + 1);
    node.right = grow(Uint32Array.from(right), depth + 1);
    return index;
  };
  grow(rows, 0);
  return nodes;
}

function bestSplit(bins: FeatureBins, width: number, residual: Float64Array, members: Uint32Array, total: number, options: TreeOptions): Split | undefined {
  const n = members.length;
  const parentScore = (total * total) / (n + options.lambda);
  let best: Split | undefined;
  for (let feature = 0; feature < width; feature++) {
    const cuts = bins.thresholds[feature].length;
    if (cuts === 0) continue;
    const sums = new Float64Array(cuts + 1);
    const counts = new Uint32Array(cuts + 1);
    for (const row of members) {
      const code = bins.codes[row * width + feature];
      sums[code] += residual[row];
      counts[code]++;
    }
    let leftSum = 0;
    let leftCount = 0;
    for (let bin = 0; bin < cuts; bin++) {
      leftSum += sums[bin];
      leftCount += counts[bin];
      const rightCount = n - leftCount;
      if (leftCount < options.minLeaf) continue;
      if (rightCount < options.minLeaf) break;
      const rightSum = total - leftSum;
      const gain = (leftSum * leftSum) / (leftCount + options.lambda) + (rightSum * rightSum) / (rightCount + options.lambda) - parentScore;
      if (gain > 1e-12 && (!best || gain > best.gain)) best = { feature, bin, gain };
    }
  }
  return best;
}

/** The tree's output for one row of float32 feature values. */
export function treeValue(nodes: readonly TreeNode[], values: Float32Array, offset: number): number {
  let node = nodes[0];
  while (node.feature >= 0) node = nodes[values[offset + node.feature] <= node.threshold ? node.left : node.right];
  return node.value;
}
