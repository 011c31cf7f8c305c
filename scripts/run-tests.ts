/**
 * `npm test`: every test file on the machine's Node and Node-RED 4.1, in one mocha or in parallel shards
 * (TWIN_TEST_SHARDS, see test-shards.ts).
 * Extra arguments name test files to run instead of all of them (`npm test -- dist/test/flows.test.js`), and mocha
 * options (`--grep <title>`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { planShards, runShards, shardCount, splitArguments } from './test-shards';

const root = path.resolve(__dirname, '..', '..');

function log(text: string): void {
  process.stdout.write(`[npm test] ${text}\n`);
}

async function main(): Promise<void> {
  const { files: named, mochaArgs } = splitArguments(process.argv.slice(2));
  const testDir = path.join('dist', 'test');
  const files = named.length > 0 ? named
    : fs.readdirSync(path.join(root, testDir)).filter((name) => name.endsWith('.test.js')).map((name) => path.join(testDir, name));
  // One shard unless TWIN_TEST_SHARDS asks for more: see the README's "Tests" for what two shards gain and cost.
  const shards = planShards(files, shardCount(process.env, 1));
  const started = Date.now();
  const codes = await runShards(process.execPath, mochaArgs, shards, process.env, root, log);
  log(`finished in ${((Date.now() - started) / 60000).toFixed(1)} min (mocha exited with ${codes.join(', ')})`);
  process.exit(codes.every((code) => code === 0) ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`[npm test] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
