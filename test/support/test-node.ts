import type { EventEmitter } from 'node:events';
import helper from 'node-red-node-test-helper';

/** A node of a loaded test flow, as the tests use it: events (incl. the helper's `call:*` spies) and receive(). */
export interface TestNode extends EventEmitter {
  receive(msg: Record<string, unknown>): void;
  status: { (status: unknown): void };
}

export function testNode(id: string): TestNode {
  const node = helper.getNode(id);
  if (!node) throw new Error(`no node "${id}" in the test flow`);
  return node as unknown as TestNode;
}
