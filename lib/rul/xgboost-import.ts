import type { TreeEnsemble, TreeNode } from './regression-tree';

/**
 * Reads an XGBoost regression model saved as JSON (`booster.save_model('m.json')`, XGBoost 1.x/2.x) into the
 * pack's tree ensemble, for teams that train in Python: it is then exported to ONNX and scored like our own.
 * XGBoost sends a float32 feature value left when value < split; the pack's trees send x <= t left, so each
 * split becomes the float32 just below XGBoost's (identical for float32 inputs, which is what XGBoost sees).
 */
interface XgbTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
}

interface XgbJson {
  learner?: {
    feature_names?: string[];
    learner_model_param?: { base_score?: string; num_feature?: string };
    objective?: { name?: string };
    gradient_booster?: { name?: string; model?: { trees?: XgbTree[] } };
  };
}

const SUPPORTED_OBJECTIVES = new Set(['reg:squarederror', 'reg:linear', 'reg:pseudohubererror', 'reg:absoluteerror', 'reg:quantileerror']);

export function importXgboostJson(text: string, featureNames?: string[]): TreeEnsemble {
  let parsed: XgbJson;
  try {
    parsed = JSON.parse(text) as XgbJson;
  } catch (err) {
    throw new Error(`not an XGBoost JSON model: ${err instanceof Error ? err.message : String(err)}`);
  }
  const learner = parsed.learner;
  const trees = learner?.gradient_booster?.model?.trees;
  if (!learner || !Array.isArray(trees)) throw new Error('not an XGBoost JSON model: no learner.gradient_booster.model.trees (save it with save_model("m.json"))');
  if (learner.gradient_booster?.name !== 'gbtree') throw new Error(`only tree boosters can be imported (this one is "${learner.gradient_booster?.name}")`);
  const objective = learner.objective?.name ?? '';
  if (!SUPPORTED_OBJECTIVES.has(objective)) throw new Error(`objective "${objective}" is not a plain regression: the imported model would need a transform`);
  const names = featureNames && featureNames.length > 0 ? featureNames : learner.feature_names;
  const count = Number(learner.learner_model_param?.num_feature);
  if (!names || names.length === 0) throw new Error('the model has no feature names: train it on a DMatrix with feature_names, or pass them');
  if (Number.isFinite(count) && names.length !== count) throw new Error(`${names.length} feature names for a model of ${count} features`);
  const baseScore = parseBaseScore(learner.learner_model_param?.base_score);
  return { featureNames: [...names], baseScore, trees: trees.map((tree, i) => convertTree(tree, i, names.length)) };
}

function parseBaseScore(text: string | undefined): number {
  // XGBoost 2 writes "[8.5E1]", 1.x writes "8.5E1".
  const value = Number(String(text ?? '').replace(/^\[|\]$/g, ''));
  if (!Number.isFinite(value)) throw new Error(`base_score "${text}" is not a number`);
  return value;
}

function convertTree(tree: XgbTree, index: number, width: number): TreeNode[] {
  return tree.left_children.map((left, node): TreeNode => {
    const value = tree.split_conditions[node];
    if (left === -1) return { feature: -1, threshold: 0, left: -1, right: -1, value };
    const feature = tree.split_indices[node];
    if (!(feature >= 0 && feature < width)) throw new Error(`tree ${index} node ${node} splits on feature ${feature}, beyond the model's ${width}`);
    return { feature, threshold: float32Below(value), left, right: tree.right_children[node], value: 0 };
  });
}

const bits = new Float32Array(1);
const ints = new Int32Array(bits.buffer);

/** The largest float32 strictly below `value` (value itself rounded to float32 first, as XGBoost stores it). */
export function float32Below(value: number): number {
  bits[0] = value;
  if (bits[0] === 0) return -1.401298464324817e-45;
  ints[0] += bits[0] > 0 ? -1 : 1;
  return bits[0];
}
