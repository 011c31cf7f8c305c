/**
 * `npm run bench`: runs every benchmark module in this folder (or those named on the command line) and prints
 * their figures. Benchmarks measure; they never fail a build on a timing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadAverage } from './print-figure';

interface BenchModule {
  run(): Promise<void>;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const names = fs.readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && f !== 'run.js')
    .map((f) => f.replace(/\.js$/, ''))
    .filter((name) => only.length === 0 || only.includes(name))
    .sort();
  for (const name of names) {
    const bench = require(path.join(__dirname, name)) as Partial<BenchModule>;
    if (typeof bench.run !== 'function') continue;
    process.stdout.write(`\n=== ${name} === (load average ${loadAverage()})\n`);
    const started = Date.now();
    await bench.run();
    process.stdout.write(`(${name}: ${((Date.now() - started) / 1000).toFixed(1)} s; load average ${loadAverage()})\n`);
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
