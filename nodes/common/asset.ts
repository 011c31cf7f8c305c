import type { Node, NodeAPI } from 'node-red';
import type { AssetDefinition } from '../../lib/asset/asset-model';
import { getConfigNode } from './config';

export const ASSET_NODE_TYPE = 'twin-asset';

export interface TwinAssetNode extends Node {
  definition: AssetDefinition;
  /** Problems found in the definition; nodes using an asset with problems refuse input and say why. */
  problems: string[];
}

/**
 * The asset a node is configured with, or an Error saying why it cannot be used
 * (none chosen, deleted, or an invalid definition).
 */
export function resolveAsset(RED: NodeAPI, id: string | undefined): AssetDefinition | Error {
  const node = getConfigNode<TwinAssetNode>(RED, id, ASSET_NODE_TYPE);
  if (!node) return new Error('no twin-asset configured (or it was deleted): choose the asset in the node\'s settings');
  if (node.problems.length > 0) {
    return new Error(`asset "${node.definition.id}" is invalid: ${node.problems.join('; ')}`);
  }
  return node.definition;
}
