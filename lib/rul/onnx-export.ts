import { onnx } from 'onnx-proto';
import type { TreeEnsemble } from './regression-tree';

/**
 * Writes a tree ensemble as a standard ONNX model: one `ai.onnx.ml` TreeEnsembleRegressor from a double input
 * `features` [N, F] to a float `rul` [N, 1], so onnxruntime (or any ONNX runtime) scores it without our code.
 * The feature names, in input column order, and everything else a scorer must know travel in the metadata.
 */
export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'rul';
/** Metadata key of the JSON array of feature names, in input column order. */
export const FEATURE_NAMES_KEY = 'feature_names';

const ML_DOMAIN = 'ai.onnx.ml';
const ML_OPSET = 3;
const IR_VERSION = 8;
const { AttributeType } = onnx.AttributeProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const DOUBLE = onnx.TensorProto.DataType.DOUBLE;

/**
 * Thresholds, leaf weights and the base value go in as double tensors (ai.onnx.ml opset 3): onnxruntime then
 * sums the trees in double as the trainer does, where float attributes would round every leaf and the running sum
 * to float32 (a relative error near 1e-4 over 400 trees).
 */
function doubles(name: string, values: number[]): onnx.IAttributeProto {
  return { name, type: AttributeType.TENSOR, t: { name, dataType: DOUBLE, dims: [values.length], doubleData: values } };
}

export function ensembleToOnnx(ensemble: TreeEnsemble, metadata: Record<string, string>, producerVersion: string): Uint8Array {
  if (ensemble.trees.length === 0) throw new Error('the ensemble has no trees');
  const attributes = treeAttributes(ensemble);
  const node = onnx.NodeProto.create({
    name: 'rul_trees', opType: 'TreeEnsembleRegressor', domain: ML_DOMAIN, input: [INPUT_NAME], output: [OUTPUT_NAME], attribute: attributes,
  });
  const graph = onnx.GraphProto.create({
    name: 'remaining_useful_life',
    node: [node],
    input: [tensorInfo(INPUT_NAME, ensemble.featureNames.length, DOUBLE)],
    output: [tensorInfo(OUTPUT_NAME, 1, FLOAT)],
  });
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'node-red-contrib-digital-twin',
    producerVersion,
    opsetImport: [{ domain: '', version: 17 }, { domain: ML_DOMAIN, version: ML_OPSET }],
    graph,
    metadataProps: Object.entries({ ...metadata, [FEATURE_NAMES_KEY]: JSON.stringify(ensemble.featureNames) }).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

function tensorInfo(name: string, columns: number, elemType: number): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, { dimValue: columns }] } } },
  };
}

function treeAttributes(ensemble: TreeEnsemble): onnx.IAttributeProto[] {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const values: number[] = [];
  const modes: string[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const targetTreeIds: number[] = [];
  const targetNodeIds: number[] = [];
  const targetWeights: number[] = [];
  ensemble.trees.forEach((tree, treeId) => {
    tree.forEach((n, nodeId) => {
      const leaf = n.feature < 0;
      treeIds.push(treeId);
      nodeIds.push(nodeId);
      featureIds.push(leaf ? 0 : n.feature);
      values.push(leaf ? 0 : n.threshold);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      trueIds.push(leaf ? 0 : n.left);
      falseIds.push(leaf ? 0 : n.right);
      if (leaf) {
        targetTreeIds.push(treeId);
        targetNodeIds.push(nodeId);
        targetWeights.push(n.value);
      }
    });
  });
  const encoder = new TextEncoder();
  return [
    { name: 'n_targets', type: AttributeType.INT, i: 1 },
    { name: 'aggregate_function', type: AttributeType.STRING, s: encoder.encode('SUM') },
    { name: 'post_transform', type: AttributeType.STRING, s: encoder.encode('NONE') },
    doubles('base_values_as_tensor', [ensemble.baseScore]),
    { name: 'nodes_treeids', type: AttributeType.INTS, ints: treeIds },
    { name: 'nodes_nodeids', type: AttributeType.INTS, ints: nodeIds },
    { name: 'nodes_featureids', type: AttributeType.INTS, ints: featureIds },
    doubles('nodes_values_as_tensor', values),
    { name: 'nodes_modes', type: AttributeType.STRINGS, strings: modes.map((m) => encoder.encode(m)) },
    { name: 'nodes_truenodeids', type: AttributeType.INTS, ints: trueIds },
    { name: 'nodes_falsenodeids', type: AttributeType.INTS, ints: falseIds },
    { name: 'target_treeids', type: AttributeType.INTS, ints: targetTreeIds },
    { name: 'target_nodeids', type: AttributeType.INTS, ints: targetNodeIds },
    { name: 'target_ids', type: AttributeType.INTS, ints: targetTreeIds.map(() => 0) },
    doubles('target_weights_as_tensor', targetWeights),
  ];
}
