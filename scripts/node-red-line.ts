/**
 * The two Node-RED lines the twin runs on: 4 (Node-RED 4.1 on the machine's Node, from the project's node_modules)
 * and 5 (Node-RED 5 on Node 22, both from the npm registry, installed into .node-red-5/ so the 4.1 line is left as
 * it is). `npm start -- --node-red 5`, the test helpers (TWIN_NODE_RED_LINE=5) and `npm run test:node-red-5` all
 * take their runtime from here.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type NodeRedLine = '4' | '5';

export const NODE_RED_LINES: readonly NodeRedLine[] = ['4', '5'];

const root = path.resolve(__dirname, '..', '..');
/** The line-5 manifest and lockfile (committed): Node 22, Node-RED 5 and the contrib palettes that line needs. */
const LINE_5_MANIFEST_DIR = path.join(root, 'scripts', 'node-red-5');
/** Where line 5 is installed (gitignored). */
export const LINE_5_DIR = path.join(root, '.node-red-5');
const LINE_5_STAMP = path.join(LINE_5_DIR, 'installed-lock.sha256');

export interface NodeRedRuntime {
  line: NodeRedLine;
  /** The Node binary that runs this line. */
  node: string;
  /** Node-RED's launcher, started as `node red.js --settings … --userDir …`. */
  redJs: string;
  /** Resolves a module (`node-red`, `@node-red/nodes/core/…`, a contrib palette's file) as this line installs it. */
  resolve(request: string): string;
}

export function parseNodeRedLine(text: string | undefined, source: string): NodeRedLine {
  const line = (text ?? '4').trim();
  if ((NODE_RED_LINES as readonly string[]).includes(line)) return line as NodeRedLine;
  throw new Error(`${source} must be one of ${NODE_RED_LINES.join(', ')} (the Node-RED major version), got "${text}"`);
}

/** The line the test helpers use: TWIN_NODE_RED_LINE, 4 when unset. */
export function nodeRedLineFromEnv(env: NodeJS.ProcessEnv = process.env): NodeRedLine {
  return parseNodeRedLine(env.TWIN_NODE_RED_LINE || undefined, 'TWIN_NODE_RED_LINE');
}

export function nodeRedRuntime(line: NodeRedLine): NodeRedRuntime {
  if (line === '4') {
    return { line, node: process.execPath, redJs: require.resolve('node-red/red.js'), resolve: (request) => require.resolve(request) };
  }
  const modules = path.join(LINE_5_DIR, 'node_modules');
  const runtime: NodeRedRuntime = {
    line,
    node: path.join(modules, 'node', 'bin', 'node'),
    redJs: path.join(modules, 'node-red', 'red.js'),
    resolve: (request) => require.resolve(request, { paths: [LINE_5_DIR] }),
  };
  if (!line5Installed()) {
    throw new Error(`Node-RED 5 is not installed in ${path.relative(root, LINE_5_DIR)}/: run \`npm run node-red-5:install\` ` +
      '(npm start -- --node-red 5 and npm run test:node-red-5 install it on first use)');
  }
  return runtime;
}

function lockDigest(): string {
  return crypto.createHash('sha256').update(fs.readFileSync(path.join(LINE_5_MANIFEST_DIR, 'package-lock.json'))).digest('hex');
}

function line5Installed(): boolean {
  return fs.existsSync(LINE_5_STAMP) && fs.readFileSync(LINE_5_STAMP, 'utf8') === lockDigest()
    && fs.existsSync(path.join(LINE_5_DIR, 'node_modules', 'node', 'bin', 'node'));
}

/**
 * Installs line 5 from the committed lockfile with `npm ci` (npm registry only), unless that exact lockfile is
 * already installed. npm's own output is the progress; `log` says what is happening and how long it took.
 */
export function installNodeRed5(log: (text: string) => void): void {
  if (line5Installed()) return;
  const manifest = JSON.parse(fs.readFileSync(path.join(LINE_5_MANIFEST_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const what = Object.entries(manifest.dependencies).map(([name, version]) => `${name}@${version}`).join(', ');
  log(`installing the Node-RED 5 line into ${path.relative(root, LINE_5_DIR)}/ (first use, about a minute): ${what}`);
  const started = Date.now();
  fs.mkdirSync(LINE_5_DIR, { recursive: true });
  fs.rmSync(LINE_5_STAMP, { force: true });
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(LINE_5_MANIFEST_DIR, file), path.join(LINE_5_DIR, file));
  // The packages of this line declare Node >= 22 while npm itself runs on the machine's Node: npm's engine warnings
  // are expected here, so only errors are shown.
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: LINE_5_DIR, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`installing the Node-RED 5 line failed (npm ci exited with ${result.status ?? result.signal}); see npm's output above`);
  }
  fs.writeFileSync(LINE_5_STAMP, lockDigest());
  const node = nodeRedRuntime('5').node;
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  log(`Node-RED 5 line installed in ${((Date.now() - started) / 1000).toFixed(0)} s (Node ${version})`);
}
