/**
 * Runs mocha over the test files in parallel shards, each its own mocha process. Most of the suite's time is waiting
 * in wall-clock time (a plant's warm-up, a database or broker outage, What-if models learned from live readings), so
 * two shards on two cores finish in about half the time. Shards share nothing: every test takes free ports, a database
 * schema and temporary directories of its own. The Sparkplug B tests stay in one shard, as host ids on the one
 * broker would see each other's messages.
 *
 * TWIN_TEST_SHARDS sets the number of shards (1: one mocha over every file, as plain `mocha` runs them).
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline';

/**
 * Minutes each long file took in a whole-suite run on this project's 2-core machine, to spread them evenly. A file not
 * listed counts as a short one; the figures only balance the shards, nothing depends on them being exact.
 */
const KNOWN_MINUTES: Record<string, number> = {
  dashboard: 15,
  'e2e-maintenance': 11,
  'restart-log': 5,
  editor: 4,
  'plant-dashboard': 4,
  'e2e-reference-flow': 3,
  'alarm-dashboard': 2.5,
  'buffer-live-lane': 2.5,
  poll: 2,
  'sparkplug-fleet': 2,
  'start-log': 2,
  'plc-outage': 2,
};
const SHORT_FILE_MINUTES = 0.3;
/** Files that must run in the same shard: they share the one MQTT broker's Sparkplug B namespace. */
const TOGETHER = [/^sparkplug/];

export interface Shard { files: string[]; minutes: number }

function baseName(file: string): string {
  return (file.split('/').pop() ?? file).replace(/\.test\.js$/, '');
}

/** Groups the files (those that must share a shard as one), longest first onto the shard with the least so far. */
export function planShards(files: string[], count: number): Shard[] {
  const units: Shard[] = [];
  for (const file of files) {
    const minutes = KNOWN_MINUTES[baseName(file)] ?? SHORT_FILE_MINUTES;
    const group = TOGETHER.find((pattern) => pattern.test(baseName(file)));
    const unit = group && units.find((u) => u.files.some((f) => group.test(baseName(f))));
    if (unit) {
      unit.files.push(file);
      unit.minutes += minutes;
    } else {
      units.push({ files: [file], minutes });
    }
  }
  const shards: Shard[] = Array.from({ length: Math.max(1, count) }, () => ({ files: [], minutes: 0 }));
  for (const unit of [...units].sort((a, b) => b.minutes - a.minutes)) {
    const target = shards.reduce((least, shard) => (shard.minutes < least.minutes ? shard : least));
    target.files.push(...unit.files);
    target.minutes += unit.minutes;
  }
  // In each shard, the files in their usual (alphabetical) order, as a reader of the log expects.
  return shards.filter((shard) => shard.files.length > 0).map((shard) => ({ ...shard, files: shard.files.sort() }));
}

/** Splits command-line arguments into test files (ending in .js) and the mocha options around them (`--grep x`). */
export function splitArguments(args: string[]): { files: string[]; mochaArgs: string[] } {
  return { files: args.filter((arg) => arg.endsWith('.js')), mochaArgs: args.filter((arg) => !arg.endsWith('.js')) };
}

export function shardCount(env: NodeJS.ProcessEnv = process.env, byDefault = 2): number {
  const text = env.TWIN_TEST_SHARDS ?? String(byDefault);
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1) throw new Error(`TWIN_TEST_SHARDS must be a whole number of at least 1, got "${text}"`);
  return count;
}

/**
 * Runs each shard as `node mocha <files>` with the given Node binary and environment, every line of its output
 * prefixed with the shard's number; resolves with each shard's exit code.
 */
export function runShards(node: string, mochaArgs: string[], shards: Shard[], env: NodeJS.ProcessEnv,
  cwd: string, log: (text: string) => void): Promise<number[]> {
  const mocha = require.resolve('mocha/bin/mocha.js');
  return Promise.all(shards.map((shard, index) => new Promise<number>((resolve) => {
    const label = shards.length > 1 ? `[shard ${index + 1}/${shards.length}] ` : '';
    if (label) log(`${label}${shard.files.length} files, about ${Math.round(shard.minutes)} min: ${shard.files.map(baseName).join(' ')}`);
    const child = spawn(node, [mocha, ...mochaArgs, ...shard.files], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${label}${line}\n`));
    }
    child.once('error', (err) => { log(`${label}could not start mocha: ${err.message}`); resolve(1); });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  })));
}
