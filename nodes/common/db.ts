import type { Node, NodeAPI } from 'node-red';
import type { HistorianConnection } from '../../lib/historian/connection';
import { getConfigNode } from './config';

export const DB_NODE_TYPE = 'twin-db';

export interface TwinDbNode extends Node {
  connection: HistorianConnection;
}

export function resolveDb(RED: NodeAPI, id: string | undefined): HistorianConnection | Error {
  const node = getConfigNode<TwinDbNode>(RED, id, DB_NODE_TYPE);
  if (!node) return new Error('no twin-db connection configured (or it was deleted): choose the database in the node\'s settings');
  return node.connection;
}
