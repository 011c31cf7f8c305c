import type { NodeInitializer } from 'node-red';

/** Node-RED's own core nodes (inject, debug, complete …) to load beside ours in the test helper. */
export function coreNode(file: string): NodeInitializer {
  return require(require.resolve(`@node-red/nodes/core/${file}`)) as NodeInitializer;
}
