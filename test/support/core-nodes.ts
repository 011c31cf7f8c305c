import type { NodeInitializer } from 'node-red';
import { testRuntime } from './node-red-process';

/** Node-RED's own core nodes (inject, debug, complete …) to load beside ours in the test helper. */
export function coreNode(file: string): NodeInitializer {
  return require(testRuntime.resolve(`@node-red/nodes/core/${file}`)) as NodeInitializer;
}

/** A contrib palette's node (node-red-contrib-opcua, -modbus) by its file, to load beside ours in the test helper. */
export function contribNode(file: string): NodeInitializer {
  return require(testRuntime.resolve(file)) as NodeInitializer;
}
