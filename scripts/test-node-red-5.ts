/**
 * `npm run test:node-red-5`: the tests that start a real Node-RED, the editor or the dashboard, plus the shipped
 * flows and the contrib palettes' nodes, run again on Node-RED 5 under Node 22 (TWIN_NODE_RED_LINE=5). Mocha itself
 * runs on Node 22, so the in-process test helper loads Node-RED 5 and every child the tests start runs on Node 22.
 * The unit tests of the math and storage modules know nothing of Node-RED and run once, in `npm test`.
 * Extra arguments are passed to mocha (e.g. a single test file instead of the list).
 */
import path from 'node:path';
import { installNodeRed5, nodeRedRuntime } from './node-red-line';
import { planShards, runShards, shardCount, splitArguments } from './test-shards';

const root = path.resolve(__dirname, '..', '..');

const LINE_5_TESTS = [
  // that this run is Node-RED 5 on Node 22, in process and in the processes the tests start
  'node-red-line',
  // a real Node-RED process, the editor or the dashboard in Chromium
  // (not e2e-maintenance: five minutes of failure, confirmation and retraining logic that does not depend on the line,
  // whose Maintenance tab the dashboard test covers; not sparkplug-fleet: Sparkplug B over the mqtt library, a WAN cut
  // and the edge's replay are the pack's own code, and what it asks of the runtime (processes started with the
  // project's settings and killed with SIGKILL, core http-in, function and complete nodes, flow context) the files
  // below run on this line already; not dashboard: about fifteen minutes, most of them the What-if models learned from
  // the live warm-up, logic of the pack's own; the dashboard on this line is loaded by dashboard-login,
  // alarm-dashboard, trends-dashboard and e2e-reference-flow; any of these runs by name:
  // `npm run test:node-red-5 -- dist/test/<file>.test.js`)
  'package-install', 'editor', 'dashboard-login', 'alarm-dashboard', 'trends-dashboard', 'e2e-reference-flow',
  'buffer-outage', 'condition-nodes', 'health-node',
  // every shipped flow and example loads; the nodes that talk through node-red-contrib-opcua and -modbus of this line
  'flows', 'opcua-security', 'poll', 'setpoint-node',
];

/**
 * One shard unless TWIN_TEST_SHARDS says otherwise, as `npm test`: this line's files are nearly all Chromium, busy
 * rather than waiting, and two shards side by side (with other work on the machine) once drew a page error in the
 * editor ("Cannot read properties of undefined (reading 'html')") that no run of one at a time showed.
 */
const LINE_5_SHARDS = 1;

function log(text: string): void {
  process.stdout.write(`[node-red-5] ${text}\n`);
}

async function main(): Promise<void> {
  installNodeRed5(log);
  const runtime = nodeRedRuntime('5');
  const { files: named, mochaArgs } = splitArguments(process.argv.slice(2));
  const files = named.length > 0 ? named : LINE_5_TESTS.map((name) => path.join('dist', 'test', `${name}.test.js`));
  log(`mocha on ${path.relative(root, runtime.node)}, Node-RED from ${path.relative(root, runtime.redJs)}: ${files.length} test files`);
  const started = Date.now();
  const codes = await runShards(runtime.node, mochaArgs, planShards(files, shardCount(process.env, LINE_5_SHARDS)), { ...process.env, TWIN_NODE_RED_LINE: '5' }, root, log);
  log(`finished in ${((Date.now() - started) / 60000).toFixed(1)} min (mocha exited with ${codes.join(', ')})`);
  process.exit(codes.every((code) => code === 0) ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`[node-red-5] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
