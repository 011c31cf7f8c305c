/**
 * The shipped flows are what their generators produce, and every example loads and runs in a real Node-RED
 * runtime with only core nodes and the pack's (what `node-red-dev validate` and Import > Examples expect).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { tagTable } from '../plant/tag-table';
import { EXAMPLES, exampleFile } from '../scripts/reference-flow/examples';
import { REFERENCE_FLOW_FILE, referenceFlowJson } from '../scripts/reference-flow/reference-twin';
import { coreNode } from './support/core-nodes';
import { testNode } from './support/test-node';
import assetNode = require('../nodes/twin-asset/twin-asset');
import bufferNode = require('../nodes/twin-buffer/twin-buffer');
import driftNode = require('../nodes/twin-drift/twin-drift');
import featuresNode = require('../nodes/twin-features/twin-features');
import dbNode = require('../nodes/twin-db/twin-db');
import historianNode = require('../nodes/twin-historian/twin-historian');
import ingestNode = require('../nodes/twin-ingest/twin-ingest');
import thresholdNode = require('../nodes/twin-threshold/twin-threshold');

helper.init(require.resolve('node-red'));

const root = path.resolve(__dirname, '..', '..');
const CORE_NODES = ['common/20-inject.js', 'common/21-debug.js', 'common/24-complete.js', 'common/25-catch.js', 'common/90-comment.js', 'function/10-function.js',
  'function/15-change.js', 'network/10-mqtt.js'].map(coreNode);
const PACK_NODES = [assetNode, bufferNode, dbNode, driftNode, featuresNode, historianNode, ingestNode, thresholdNode];
const PACK_TYPES = Object.keys((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: object } })['node-red'].nodes);

interface FlowNode { id: string; type: string; z?: string; wires?: string[][] }

describe('shipped flows', function () {
  it('the reference flow is what its generator produces', function () {
    assert.equal(fs.readFileSync(REFERENCE_FLOW_FILE, 'utf8'), referenceFlowJson(), 'run `npm run flows` after changing the generator');
  });

  it('every example is what its generator produces, and together they use every node of the pack', function () {
    const used = new Set<string>();
    for (const [name, build] of Object.entries(EXAMPLES)) {
      assert.equal(fs.readFileSync(exampleFile(name), 'utf8'), `${JSON.stringify(build(), null, 2)}\n`, `${name}: run \`npm run flows\``);
      for (const node of build()) used.add(node.type);
    }
    assert.deepEqual(PACK_TYPES.filter((t) => !used.has(t)), []);
    assert.deepEqual(fs.readdirSync(path.join(root, 'examples')).sort(), Object.keys(EXAMPLES).map((n) => `${n}.json`).sort(), 'no stray example files');
  });
});

describe('examples in a Node-RED runtime', function () {
  this.timeout(60000);
  let userDir: string;
  before(function () {
    // The historian example's database starts embedded under the user directory: keep it out of the project.
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-examples-'));
    helper.settings({ userDir });
  });
  after(function () {
    helper.settings({});
    fs.rmSync(userDir, { recursive: true, force: true });
  });
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  for (const [name, build] of Object.entries(EXAMPLES)) {
    it(`"${name}" loads: every node starts`, async function () {
      const flow = build() as FlowNode[];
      assert.equal(flow.find((n) => n.type === 'comment')?.z, flow.find((n) => n.type === 'tab')?.id, 'opens with a comment on its tab');
      await helper.load([...CORE_NODES, ...PACK_NODES], flow as never);
      for (const node of flow.filter((n) => n.type !== 'tab')) assert.ok(helper.getNode(node.id), `${node.type} ${node.id} started`);
    });
  }

  it('"Ingest OPC UA and Modbus values" turns its Modbus block into spindle readings', function (done) {
    const flow = EXAMPLES['Ingest OPC UA and Modbus values']() as FlowNode[];
    const ingest = flow.find((n) => n.type === 'twin-ingest')!;
    ingest.wires = [['probe']];
    flow.push({ id: 'probe', type: 'helper', z: ingest.z });
    helper.load([...CORE_NODES, ...PACK_NODES], flow as never, () => {
      testNode('probe').on('input', (msg: { payload: Array<{ sensor: string; value: number }> }) => {
        try {
          const values = Object.fromEntries(msg.payload.map((r) => [r.sensor, r.value]));
          assert.equal(values.speed, 12000);
          assert.ok(Math.abs(values.bearingTemp - 41.7) < 1e-9);
          assert.ok(Math.abs(values.motorPower - 12.4) < 1e-5);
          assert.equal(values.partCount, 120);
          done();
        } catch (err) { done(err); }
      });
      const modbusInject = flow.find((n) => n.type === 'inject' && (n as unknown as { name: string }).name.startsWith('Modbus'))!;
      testNode(modbusInject.id).receive({});
    });
  });
});

describe('README', function () {
  it('shows the tag map the simulator serves', function () {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = /<!-- tag-table -->\n([\s\S]*?)<!-- \/tag-table -->/.exec(readme);
    assert.ok(section, 'README has a tag-table section');
    assert.equal(section[1].trim(), tagTable().trim(), 'regenerate the README tag table from plant/tag-table.ts');
  });
});
