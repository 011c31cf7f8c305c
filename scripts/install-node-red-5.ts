/** `npm run node-red-5:install`: installs (or updates to the committed lockfile) the Node-RED 5 line in .node-red-5/. */
import { installNodeRed5, LINE_5_DIR } from './node-red-line';

try {
  installNodeRed5((text) => process.stdout.write(`[node-red-5] ${text}\n`));
  process.stdout.write(`[node-red-5] ready in ${LINE_5_DIR}\n`);
} catch (err) {
  process.stderr.write(`[node-red-5] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
