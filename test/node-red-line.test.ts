/**
 * The Node-RED line: chosen by `npm start -- --node-red 5` or TWIN_NODE_RED_LINE, and what each line runs. In the
 * line-5 run (`npm run test:node-red-5`) this also proves that the run really is Node-RED 5 on Node 22, in process
 * (the test helper) and in the Node-RED processes the tests start.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LINE_5_DIR, nodeRedLineFromEnv, nodeRedRuntime, parseNodeRedLine } from '../scripts/node-red-line';
import { parseStartOptions } from '../scripts/start-options';
import { testRuntime } from './support/node-red-process';

function versionOf(runtime: { resolve(request: string): string }): string {
  return (JSON.parse(fs.readFileSync(runtime.resolve('node-red/package.json'), 'utf8')) as { version: string }).version;
}

function majorOf(version: string): number {
  return Number(/^v?(\d+)\./.exec(version)?.[1]);
}

describe('Node-RED line', function () {
  it('is chosen by --node-red, then TWIN_NODE_RED_LINE, else 4', function () {
    assert.equal(parseStartOptions([], {}).nodeRedLine, '4');
    assert.equal(parseStartOptions([], { TWIN_NODE_RED_LINE: '5' }).nodeRedLine, '5');
    assert.equal(parseStartOptions(['--node-red', '4'], { TWIN_NODE_RED_LINE: '5' }).nodeRedLine, '4');
    assert.equal(parseStartOptions(['--node-red', '5'], {}).nodeRedLine, '5');
    assert.equal(nodeRedLineFromEnv({ TWIN_NODE_RED_LINE: '' }), '4');
  });

  it('refuses a line it does not know, naming the ones it does', function () {
    assert.throws(() => parseStartOptions(['--node-red', '3'], {}), /--node-red must be one of 4, 5 .*got "3"/);
    assert.throws(() => parseStartOptions(['--node-red'], {}), /--node-red needs a value/);
    assert.throws(() => parseNodeRedLine('5.0', 'TWIN_NODE_RED_LINE'), /TWIN_NODE_RED_LINE must be one of 4, 5/);
  });

  it('line 4 is Node-RED 4.1 from the project on the machine\'s Node', function () {
    const runtime = nodeRedRuntime('4');
    assert.match(versionOf(runtime), /^4\.1\./);
    assert.equal(runtime.node, process.execPath);
    assert.ok(fs.existsSync(runtime.redJs), runtime.redJs);
  });

  it('line 5 is Node-RED 5 on Node 22 or later, both from .node-red-5/', function () {
    if (!fs.existsSync(path.join(LINE_5_DIR, 'installed-lock.sha256'))) this.skip();
    const runtime = nodeRedRuntime('5');
    assert.match(versionOf(runtime), /^5\./);
    assert.ok(runtime.redJs.startsWith(LINE_5_DIR), runtime.redJs);
    const nodeVersion = execFileSync(runtime.node, ['--version'], { encoding: 'utf8' }).trim();
    assert.ok(majorOf(nodeVersion) >= 22, `Node ${nodeVersion} runs line 5`);
    assert.match(fs.readFileSync(runtime.resolve('node-red-contrib-modbus/package.json'), 'utf8'), /"version": "5\.45\./);
  });

  it('the tests run on the line TWIN_NODE_RED_LINE names', function () {
    assert.equal(testRuntime.line, nodeRedLineFromEnv());
    if (testRuntime.line === '5') {
      assert.match(versionOf(testRuntime), /^5\./, 'the test helper loads Node-RED 5');
      assert.ok(majorOf(process.version) >= 22, `mocha runs on Node ${process.version}`);
    }
  });
});
