import { onnx } from 'onnx-proto';

const { AttributeType } = onnx.AttributeProto;

/**
 * The layout the pack wrote before one ensemble per output: a single TreeEnsembleRegressor with one target per
 * output, rebuilt here from the per-output nodes so a model saved then in a registry can be read back.
 */
export function singleNodeLayout(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph as onnx.GraphProto;
  const ensembles = graph.node.filter((n) => n.opType === 'TreeEnsembleRegressor');
  const attribute = (node: onnx.INodeProto, name: string) => (node.attribute ?? []).find((a) => a.name === name) as onnx.IAttributeProto;
  const ints = (name: string, offsetBy?: (i: number) => number) => ensembles.flatMap((node, i) => (attribute(node, name).ints ?? []).map((v) => Number(v) + (offsetBy ? offsetBy(i) : 0)));
  const doubles = (name: string) => ensembles.flatMap((node) => (attribute(node, name).t?.doubleData ?? []).map(Number));
  const treesBefore = ensembles.map((_, i) => ensembles.slice(0, i).reduce((sum, node) => sum + new Set(attribute(node, 'nodes_treeids').ints?.map(Number)).size, 0));
  const tensor = (name: string, values: number[]): onnx.IAttributeProto => ({ name, type: AttributeType.TENSOR, t: { name, dataType: onnx.TensorProto.DataType.DOUBLE, dims: [values.length], doubleData: values } });
  const single = onnx.NodeProto.create({
    name: 'rul_trees', opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', input: ['features'], output: ['rul'],
    attribute: [
      { name: 'n_targets', type: AttributeType.INT, i: ensembles.length },
      attribute(ensembles[0], 'aggregate_function'), attribute(ensembles[0], 'post_transform'),
      tensor('base_values_as_tensor', doubles('base_values_as_tensor')),
      { name: 'nodes_treeids', type: AttributeType.INTS, ints: ints('nodes_treeids', (i) => treesBefore[i]) },
      { name: 'nodes_nodeids', type: AttributeType.INTS, ints: ints('nodes_nodeids') },
      { name: 'nodes_featureids', type: AttributeType.INTS, ints: ints('nodes_featureids') },
      tensor('nodes_values_as_tensor', doubles('nodes_values_as_tensor')),
      { name: 'nodes_modes', type: AttributeType.STRINGS, strings: ensembles.flatMap((node) => attribute(node, 'nodes_modes').strings ?? []) },
      { name: 'nodes_truenodeids', type: AttributeType.INTS, ints: ints('nodes_truenodeids') },
      { name: 'nodes_falsenodeids', type: AttributeType.INTS, ints: ints('nodes_falsenodeids') },
      { name: 'target_treeids', type: AttributeType.INTS, ints: ints('target_treeids', (i) => treesBefore[i]) },
      { name: 'target_nodeids', type: AttributeType.INTS, ints: ints('target_nodeids') },
      { name: 'target_ids', type: AttributeType.INTS, ints: ints('target_ids', (i) => i) },
      tensor('target_weights_as_tensor', doubles('target_weights_as_tensor')),
    ],
  });
  graph.node = [single];
  return onnx.ModelProto.encode(model).finish();
}
