import type { Node } from 'node-red';

/**
 * One vocabulary of node status for the whole pack, so an operator reads every node the same way:
 * green dot = last step OK, yellow dot = working/connecting, yellow ring = buffering/waiting,
 * red ring = failed/disconnected, grey = idle/disabled, blue = information only.
 */
export class Status {
  private readonly node: Node;

  constructor(node: Node) {
    this.node = node;
  }

  success(text: string): void {
    this.node.status({ fill: 'green', shape: 'dot', text: clip(text) });
  }

  working(text: string): void {
    this.node.status({ fill: 'yellow', shape: 'dot', text: clip(text) });
  }

  waiting(text: string): void {
    this.node.status({ fill: 'yellow', shape: 'ring', text: clip(text) });
  }

  failed(text: string): void {
    this.node.status({ fill: 'red', shape: 'ring', text: clip(text) });
  }

  idle(text: string): void {
    this.node.status({ fill: 'grey', shape: 'ring', text: clip(text) });
  }

  info(text: string): void {
    this.node.status({ fill: 'blue', shape: 'dot', text: clip(text) });
  }

  clear(): void {
    this.node.status({});
  }
}

const MAX_STATUS_LENGTH = 32;

function clip(text: string): string {
  return text.length > MAX_STATUS_LENGTH ? `${text.slice(0, MAX_STATUS_LENGTH - 1)}…` : text;
}
