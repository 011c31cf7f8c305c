import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNodeRed, type NodeRedProcess } from './node-red-process';
import { until } from './until';

const root = path.resolve(__dirname, '..', '..', '..');

export interface PersistentNodeRed {
  /** Starts a real Node-RED on the user directory; call again after `stop()` for a restart. */
  start(): Promise<NodeRedProcess>;
  remove(): void;
}

/**
 * A user directory holding `flow`, run with the shipped settings but node context kept on disk (localfilesystem, as
 * the shipped settings do) and a `memory` store for the test's own probes: what a restart test needs.
 */
export function persistentNodeRed(prefix: string, flow: readonly object[]): PersistentNodeRed {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(workDir, 'user'));
  fs.writeFileSync(path.join(workDir, 'user', 'flows.json'), JSON.stringify(flow));
  fs.writeFileSync(path.join(workDir, 'settings.js'), `module.exports = Object.assign({}, require(${JSON.stringify(path.join(root, 'scripts', 'node-red-settings.js'))}), {
      contextStorage: { default: { module: 'localfilesystem' }, memory: { module: 'memory' } } });\n`);
  return {
    // The admin API answers before the flows run: a test's `http in` route is there only once they have started.
    start: async () => {
      const nodeRed = await startNodeRed(['--settings', path.join(workDir, 'settings.js'), '--userDir', path.join(workDir, 'user')], {});
      await until('Node-RED to start the flows', () => nodeRed.output().includes('Started flows'), 30_000);
      return nodeRed;
    },
    remove: () => fs.rmSync(workDir, { recursive: true, force: true }),
  };
}
