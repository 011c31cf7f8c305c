import { onnx } from 'onnx-proto';
import type { TreeEnsemble, TreeNode } from './regression-tree';
import { float32Below } from './xgboost-import';

/**
 * Reads the trees back out of an ONNX TreeEnsembleRegressor, one ensemble per target (for the pack's models:
 * estimate, lower and upper bound), so a retrain can continue boosting from the model in use instead of starting
 * over. Reads the pack's double-tensor attributes and the float ones other converters write; a strict `x < t` split
 * becomes `x <= ` the float32 below t, identical for the float32 features the runtime compares.
 */
type Attribute = onnx.IAttributeProto;

function find(node: onnx.INodeProto, name: string): Attribute | undefined {
  return node.attribute?.find((a) => a.name === name);
}

function ints(node: onnx.INodeProto, name: string): number[] {
  return (find(node, name)?.ints ?? []).map(Number);
}

function numbers(node: onnx.INodeProto, name: string): number[] {
  const tensor = find(node, `${name}_as_tensor`)?.t;
  if (tensor?.doubleData && tensor.doubleData.length > 0) return tensor.doubleData.map(Number);
  if (tensor?.rawData && tensor.rawData.length > 0) {
    const raw = tensor.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: raw.byteLength / 8 }, (_, i) => view.getFloat64(i * 8, true));
  }
  return (find(node, name)?.floats ?? []).map(Number);
}

function strings(node: onnx.INodeProto, name: string): string[] {
  const decoder = new TextDecoder();
  return (find(node, name)?.strings ?? []).map((s) => decoder.decode(s));
}

export function onnxTreeEnsembles(bytes: Uint8Array, featureNames: readonly string[]): TreeEnsemble[] {
  const model = onnx.ModelProto.decode(bytes);
  const nodes = model.graph?.node ?? [];
  const trees = nodes.filter((n) => n.opType === 'TreeEnsembleRegressor');
  if (trees.length === 1 && nodes.length === 1) return nodeEnsembles(trees[0], featureNames);
  // The pack's layout: one single-target ensemble per output, their columns joined by a Concat.
  const concat = nodes.find((n) => n.opType === 'Concat');
  const producer = new Map(trees.map((n) => [n.output?.[0], n]));
  const columns = (concat?.input ?? []).map((name) => producer.get(name));
  if (!concat || trees.length + 1 !== nodes.length || Number(find(concat, 'axis')?.i) !== 1 || columns.length !== trees.length || columns.some((n) => n === undefined)) {
    throw new Error('only a model made of TreeEnsembleRegressors (one, or one per output column joined by a Concat) can be trained further');
  }
  return columns.flatMap((node) => {
    const ensembles = nodeEnsembles(node as onnx.INodeProto, featureNames);
    if (ensembles.length !== 1) throw new Error(`${node?.name ?? 'an ensemble'} feeds ${ensembles.length} columns where the Concat expects one`);
    return ensembles;
  });
}

/** The ensembles of one TreeEnsembleRegressor, one per target. */
function nodeEnsembles(node: onnx.INodeProto, featureNames: readonly string[]): TreeEnsemble[] {
  const aggregate = new TextDecoder().decode(find(node, 'aggregate_function')?.s ?? new TextEncoder().encode('SUM'));
  const transform = new TextDecoder().decode(find(node, 'post_transform')?.s ?? new TextEncoder().encode('NONE'));
  if (aggregate !== 'SUM' || transform !== 'NONE') throw new Error(`the model aggregates with ${aggregate} and ${transform}: only summed trees can be trained further`);
  const targets = Number(find(node, 'n_targets')?.i ?? 1);
  const base = numbers(node, 'base_values');
  const treeIds = ints(node, 'nodes_treeids');
  const nodeIds = ints(node, 'nodes_nodeids');
  const featureIds = ints(node, 'nodes_featureids');
  const thresholds = numbers(node, 'nodes_values');
  const modes = strings(node, 'nodes_modes');
  const trueIds = ints(node, 'nodes_truenodeids');
  const falseIds = ints(node, 'nodes_falsenodeids');
  const leafTrees = ints(node, 'target_treeids');
  const leafNodes = ints(node, 'target_nodeids');
  const leafTargets = ints(node, 'target_ids');
  const weights = numbers(node, 'target_weights');

  const byTree = new Map<number, Map<number, TreeNode>>();
  treeIds.forEach((tree, i) => {
    const mode = modes[i];
    const nodesOfTree = byTree.get(tree) ?? new Map<number, TreeNode>();
    byTree.set(tree, nodesOfTree);
    if (mode === 'LEAF') { nodesOfTree.set(nodeIds[i], { feature: -1, threshold: 0, left: -1, right: -1, value: 0 }); return; }
    if (mode !== 'BRANCH_LEQ' && mode !== 'BRANCH_LT') throw new Error(`split mode ${mode} cannot be trained further (only <= and <)`);
    if (!(featureIds[i] >= 0 && featureIds[i] < featureNames.length)) throw new Error(`tree ${tree} splits on input ${featureIds[i]}, beyond the model's ${featureNames.length} features`);
    const threshold = mode === 'BRANCH_LT' ? float32Below(thresholds[i]) : thresholds[i];
    nodesOfTree.set(nodeIds[i], { feature: featureIds[i], threshold, left: trueIds[i], right: falseIds[i], value: 0 });
  });
  const targetOfTree = new Map<number, number>();
  leafTrees.forEach((tree, i) => {
    const leaf = byTree.get(tree)?.get(leafNodes[i]);
    if (!leaf || leaf.feature >= 0) throw new Error(`tree ${tree} has a weight on node ${leafNodes[i]}, which is not a leaf`);
    const known = targetOfTree.get(tree);
    if (known !== undefined && known !== leafTargets[i]) throw new Error(`tree ${tree} feeds more than one target: it cannot be trained further`);
    targetOfTree.set(tree, leafTargets[i]);
    leaf.value += weights[i];
  });
  const ensembles: TreeEnsemble[] = Array.from({ length: targets }, (_, t) => ({ featureNames: [...featureNames], baseScore: base[t] ?? 0, trees: [] }));
  for (const [tree, nodesOfTree] of [...byTree].sort((a, b) => a[0] - b[0])) {
    const target = targetOfTree.get(tree) ?? 0;
    ensembles[target].trees.push(compact(nodesOfTree, tree));
  }
  return ensembles;
}

/** Node ids as array positions, root first, so the pack's tree walker can follow them. */
function compact(nodes: Map<number, TreeNode>, tree: number): TreeNode[] {
  const order: number[] = [];
  const position = new Map<number, number>();
  const visit = (id: number): number => {
    const node = nodes.get(id);
    if (!node) throw new Error(`tree ${tree} points to node ${id}, which it does not have`);
    const at = order.length;
    position.set(id, at);
    order.push(id);
    if (node.feature >= 0) { visit(node.left); visit(node.right); }
    return at;
  };
  const children = new Set([...nodes.values()].filter((n) => n.feature >= 0).flatMap((n) => [n.left, n.right]));
  const root = [...nodes.keys()].find((id) => !children.has(id));
  if (root === undefined) throw new Error(`tree ${tree} has no root`);
  visit(root);
  return order.map((id) => {
    const node = nodes.get(id) as TreeNode;
    return node.feature >= 0 ? { ...node, left: position.get(node.left) as number, right: position.get(node.right) as number } : { ...node };
  });
}
