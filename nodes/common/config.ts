import type { Node, NodeAPI } from 'node-red';

/**
 * Resolves a config node chosen in the editor. Returns undefined when the property is empty or the
 * node is missing or of another type, so the caller can set a red status and reject input clearly.
 */
export function getConfigNode<T extends Node>(RED: NodeAPI, id: string | undefined, type: string): T | undefined {
  if (!id) return undefined;
  const node = RED.nodes.getNode(id) as Node | null;
  if (!node || node.type !== type) return undefined;
  return node as T;
}
