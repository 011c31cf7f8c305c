import type { Node, NodeAPI } from 'node-red';
import type { RulModelHandle } from '../../lib/rul/rul-model';
import { getConfigNode } from './config';

export const MODEL_NODE_TYPE = 'twin-model';

/**
 * The `twin-model` config node: one loaded ONNX session shared by every node that scores with it. It reloads when the
 * model file changes or the registry promotes a new version, and tells its listeners when it does.
 */
export interface TwinModelNode extends Node {
  /** The model now in use; waits for the first load, rejects with the reason it cannot be loaded. */
  current(): Promise<RulModelHandle>;
  /** Why the shipped default stands in for the registry's model (registry not reached yet); undefined otherwise. */
  standIn(): string | undefined;
  /** Calls `listener` with each model loaded from now on; returns the function that stops it. */
  onModel(listener: (model: RulModelHandle) => void): () => void;
}

export function resolveModel(RED: NodeAPI, id: string | undefined): TwinModelNode | Error {
  const node = getConfigNode<TwinModelNode>(RED, id, MODEL_NODE_TYPE);
  if (!node) return new Error('no twin-model configured (or it was deleted): choose the RUL model in the node\'s settings');
  return node;
}
