import type { Node, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { Status } from './status';

export type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
export type Done = (err?: Error) => void;
export type InputHandler = (msg: NodeMessageInFlow, send: Send) => void | Promise<void>;

/**
 * Registers an input handler that always completes the message exactly once: `done()` on success,
 * `done(err)` on failure (which reaches Catch nodes with the msg), with a red status naming the error.
 * The runtime does not catch a rejected promise from an async handler, hence the wrapper.
 */
export function handleInput(node: Node, status: Status, handler: InputHandler): void {
  node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
    let result: void | Promise<void>;
    try {
      result = handler(msg, send);
    } catch (err) {
      fail(status, done, err);
      return;
    }
    if (result instanceof Promise) {
      result.then(() => done(), (err: unknown) => fail(status, done, err));
    } else {
      done();
    }
  });
}

function fail(status: Status, done: Done, err: unknown): void {
  const error = toError(err);
  status.failed(error.message);
  done(error);
}

export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
