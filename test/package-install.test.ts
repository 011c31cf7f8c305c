/**
 * What `npm pack` produces installs into a stock Node-RED user directory and registers every node, with its
 * editor, help, messages and icons found. Runs against the packed tarball, not the source tree.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpGet, startNodeRed, type NodeRedProcess } from './support/node-red-process';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  'node-red': { nodes: Record<string, string> };
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface NodeSet {
  module: string;
  types: string[];
  enabled: boolean;
  err?: string;
}

describe('packed tarball in a stock Node-RED user directory', function () {
  this.timeout(300000);
  let workDir: string;
  let nodeRed: NodeRedProcess | undefined;

  before(function () {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-pack-'));
    const packed = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', workDir], { cwd: root, encoding: 'utf8' });
    const tarball = path.join(workDir, (JSON.parse(packed) as Array<{ filename: string }>)[0].filename);
    const userDir = path.join(workDir, 'user');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
    execFileSync(npm, ['install', tarball, '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: userDir, stdio: 'pipe' });
  });

  after(async function () {
    await nodeRed?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('ships only the runtime, editor files and examples', function () {
    const listing = execFileSync(npm, ['pack', '--ignore-scripts', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' });
    const files = (JSON.parse(listing) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
    for (const file of Object.values(pkg['node-red'].nodes)) {
      assert.ok(files.includes(file), `${file} is in the tarball`);
      assert.ok(files.includes(file.replace(/\.js$/, '.html')), `${file} has its editor .html beside it`);
    }
    assert.ok(files.some((f) => f.startsWith('examples/') && f.endsWith('.json')), 'examples are packed');
    assert.ok(!files.some((f) => f.startsWith('dist/test/') || f.startsWith('test/')), 'tests are not packed');
  });

  it('registers every node, with help, messages and icons', async function () {
    nodeRed = await startNodeRed(['--userDir', path.join(workDir, 'user')], {});
    const res = await httpGet(`${nodeRed.baseUrl}/nodes`);
    assert.equal(res.status, 200);
    const sets = (JSON.parse(res.body) as NodeSet[]).filter((s) => s.module === pkg.name);
    const registered = sets.flatMap((s) => s.types).sort();
    assert.deepEqual(registered, Object.keys(pkg['node-red'].nodes).sort(), nodeRed.output());
    for (const set of sets) {
      assert.equal(set.err, undefined, `${set.types.join()} loaded without error`);
      assert.ok(set.enabled, `${set.types.join()} enabled`);
    }
    const editor = await httpGet(`${nodeRed.baseUrl}/nodes`, 'text/html');
    for (const type of registered) {
      assert.match(editor.body, new RegExp(`data-template-name="${type}"`), `${type} editor template served`);
      assert.match(editor.body, new RegExp(`data-help-name="${type}"`), `${type} help served`);
      const messages = await httpGet(`${nodeRed.baseUrl}/locales/${pkg.name}/${type}?lng=en-US`);
      assert.ok(Object.keys(JSON.parse(messages.body) as object).includes(type), `${type} messages served`);
    }
    const icon = await httpGet(`${nodeRed.baseUrl}/icons/${pkg.name}/digital-twin.svg`, 'image/svg+xml');
    assert.equal(icon.status, 200);
    assert.match(icon.body, /<svg/);
  });
});
