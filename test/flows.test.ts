/**
 * The shipped flows are what their generators produce, and every example loads and runs in a real Node-RED
 * runtime with only core nodes and the pack's (what `node-red-dev validate` and Import > Examples expect).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import type { KpiRecord } from '../lib/kpi/kpi-record';
import type { SavingsReport } from '../lib/kpi/savings';
import type { UrgencyRecord } from '../lib/rul/records';
import type { ScenarioReport } from '../lib/scenario/scenario-engine';
import type { SetpointRequest } from '../lib/scenario/scenario-twin';
import type { SetpointAuditRecord } from '../lib/setpoint/setpoint-audit';
import type { GuardSnapshot } from '../lib/setpoint/setpoint-guard';
import { tagTable } from '../plant/tag-table';
import { bearingStageVectors } from '../scripts/reference-flow/example-spindle-vectors';
import { EXAMPLES, exampleFile } from '../scripts/reference-flow/examples';
import { KPI_EXAMPLE_BASELINE } from '../scripts/reference-flow/kpi-setpoint-examples';
import { HISTORY_TIME_CONSTANT_S } from '../scripts/reference-flow/scenario-example';
import { REFERENCE_FLOW_FILE, referenceFlowJson } from '../scripts/reference-flow/reference-twin';
import { contribNode, coreNode } from './support/core-nodes';
import { testNode } from './support/test-node';
import alarmsNode = require('../nodes/twin-alarms/twin-alarms');
import assetNode = require('../nodes/twin-asset/twin-asset');
import bufferNode = require('../nodes/twin-buffer/twin-buffer');
import driftNode = require('../nodes/twin-drift/twin-drift');
import featuresNode = require('../nodes/twin-features/twin-features');
import dbNode = require('../nodes/twin-db/twin-db');
import historianNode = require('../nodes/twin-historian/twin-historian');
import ingestNode = require('../nodes/twin-ingest/twin-ingest');
import kpiNode = require('../nodes/twin-kpi/twin-kpi');
import modelNode = require('../nodes/twin-model/twin-model');
import rulNode = require('../nodes/twin-rul/twin-rul');
import scenarioNode = require('../nodes/twin-scenario/twin-scenario');
import setpointNode = require('../nodes/twin-setpoint/twin-setpoint');
import sparkplugEdgeNode = require('../nodes/twin-sparkplug-edge/twin-sparkplug-edge');
import sparkplugHostNode = require('../nodes/twin-sparkplug-host/twin-sparkplug-host');
import thresholdNode = require('../nodes/twin-threshold/twin-threshold');
import trainNode = require('../nodes/twin-train/twin-train');
import urgencyNode = require('../nodes/twin-urgency/twin-urgency');
import userNode = require('../nodes/twin-user/twin-user');
import catalogueNode = require('../nodes/twin-catalogue/twin-catalogue');
import plantViewNode = require('../nodes/twin-plant-view/twin-plant-view');
import type { FleetView } from '../lib/plant-view/plant-view';
import pollNode = require('../nodes/twin-poll/twin-poll');
import subscribeNode = require('../nodes/twin-subscribe/twin-subscribe');
import healthNode = require('../nodes/twin-health/twin-health');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const root = path.resolve(__dirname, '..', '..');
const CORE_NODES = ['common/20-inject.js', 'common/21-debug.js', 'common/24-complete.js', 'common/25-catch.js', 'common/90-comment.js', 'function/10-function.js',
  'function/15-change.js', 'function/10-switch.js', 'network/10-mqtt.js'].map(coreNode);
/** node-red-dashboard (1.x) widgets the examples' dashboard tabs use. */
const DASHBOARD_NODES = ['ui_base', 'ui_tab', 'ui_group', 'ui_template'].map((n) => contribNode(`node-red-dashboard/nodes/${n}.js`));
const PACK_NODES = [assetNode, bufferNode, dbNode, driftNode, featuresNode, historianNode, ingestNode, thresholdNode, modelNode, rulNode, urgencyNode,
  trainNode, kpiNode, setpointNode, scenarioNode, sparkplugEdgeNode, sparkplugHostNode, userNode, catalogueNode, pollNode, subscribeNode, alarmsNode, healthNode, plantViewNode];
const PACK_TYPES = Object.keys((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: object } })['node-red'].nodes);

interface FlowNode { id: string; type: string; z?: string; name?: string; wires?: string[][] }

interface ProbedMessage { topic?: string; payload: unknown; error?: { message: string } }

/**
 * Messages arriving at helper nodes added to an example, kept per helper in arrival order, so a test can press a
 * button, wait for what it causes, and press the next one. A message at the `errors` helper (wired to the example's
 * Catch node) fails whatever is being waited for, with the error's message.
 */
class Probes {
  private readonly queues = new Map<string, ProbedMessage[]>();
  private readonly waiters = new Map<string, { resolve: (msg: ProbedMessage) => void; reject: (err: Error) => void }>();
  private failure: Error | undefined;

  constructor(ids: readonly string[], errors?: string) {
    for (const id of ids) {
      this.queues.set(id, []);
      testNode(id).on('input', (msg: ProbedMessage) => {
        const waiter = this.waiters.get(id);
        this.waiters.delete(id);
        if (waiter) waiter.resolve(msg);
        else this.queues.get(id)?.push(msg);
      });
    }
    if (errors) {
      testNode(errors).on('input', (msg: ProbedMessage) => {
        this.failure = new Error(`the example reported an error: ${msg.error?.message}`);
        for (const waiter of this.waiters.values()) waiter.reject(this.failure);
        this.waiters.clear();
      });
    }
  }

  /** The next message at helper `id`. */
  next<T extends ProbedMessage = ProbedMessage>(id: string, timeoutMs = 45_000): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const queued = this.queues.get(id)?.shift();
    if (queued) return Promise.resolve(queued as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`nothing arrived at ${id} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiters.set(id, {
        resolve: (msg) => { clearTimeout(timer); resolve(msg as T); },
        reject: (err) => { clearTimeout(timer); reject(err); },
      });
    });
  }
}

/** Adds a helper node `id` on the example's tab and wires `port` of `from` to it, beside whatever that port feeds. */
function probe(flow: FlowNode[], from: FlowNode, id: string, port = 0): void {
  while ((from.wires ??= []).length <= port) from.wires.push([]);
  from.wires[port].push(id);
  flow.push({ id, type: 'helper', z: from.z });
}

function byType(flow: FlowNode[], type: string): FlowNode {
  const node = flow.find((n) => n.type === type);
  if (!node) throw new Error(`the example has no ${type} node`);
  return node;
}

function byName(flow: FlowNode[], name: string): FlowNode {
  const node = flow.find((n) => n.name === name);
  if (!node) throw new Error(`the example has no node named "${name}"`);
  return node;
}

function press(node: FlowNode): void {
  testNode(node.id).receive({});
}

const assertNear = (actual: number | null | undefined, expected: number, what: string, tolerance = 1e-9): void => {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected}`);
};

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

  it('every dashboard template\'s script and every function node\'s code of the reference flow parse', function () {
    const flow = JSON.parse(referenceFlowJson()) as Array<{ id: string; type: string; name?: string; format?: string; func?: string }>;
    const broken: string[] = [];
    const parse = (label: string, code: string): void => {
      try {
        // Parsed, never run: a template literal's lost escape (`\/` written `/`) turns code into a comment.
        new Function('scope', 'msg', 'node', 'context', 'flow', 'global', 'env', 'RED', code);
      } catch (err) {
        broken.push(`${label}: ${(err as Error).message}`);
      }
    };
    for (const node of flow) {
      if (node.type === 'ui_template') {
        for (const match of (node.format ?? '').matchAll(/<script>([\s\S]*?)<\/script>/g)) parse(`ui_template ${node.name ?? node.id}`, match[1]);
      }
      if (node.type === 'function') parse(`function ${node.name ?? node.id}`, node.func ?? '');
    }
    assert.deepEqual(broken, []);
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
      await helper.load([...CORE_NODES, ...DASHBOARD_NODES, ...PACK_NODES], flow as never);
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

  it('"Poll Modbus devices from a catalogue": twin-plant-view groups the catalogue by line; pump-2 renamed keeps its name after a restart', async function () {
    const start = async (): Promise<FlowNode> => {
      const flow = EXAMPLES['Poll Modbus devices from a catalogue']() as FlowNode[];
      const view = byType(flow, 'twin-plant-view');
      probe(flow, view, 'fleet');
      await helper.load([...CORE_NODES, ...PACK_NODES], flow as never);
      return view;
    };
    const nextFleet = () => new Promise<FleetView>((resolve) => testNode('fleet').once('input', (msg: { payload: FleetView }) => resolve(msg.payload)));
    await start();
    const renamed = nextFleet();
    press(byName(EXAMPLES['Poll Modbus devices from a catalogue']() as FlowNode[], 'call pump-2 "Cooling water pump"'));
    const before = await renamed;
    assert.deepEqual(before.lines.map((l) => [l.key, l.machines]), [['demo-plant/machining', 1], ['demo-plant/utilities', 2]]);
    assert.equal(before.rows.find((r) => r.asset === 'pump-2')?.name, 'Cooling water pump');
    await helper.unload();
    const view = await start();
    const after = nextFleet();
    // Its first readings make the restarted node send the overview.
    testNode(view.id).receive({ payload: [{ asset: 'pump-2', sensor: 'bearingTemp', unit: '°C', ts: Date.now(), quality: 'good', value: 40 }] });
    assert.equal((await after).rows.find((r) => r.asset === 'pump-2')?.name, 'Cooling water pump');
  });

  it('"Machine health and the RUL ladder": the recorded life climbs from the ISO 281 prior to a degradation RUL, alerts, and a confirmed failure counts', async function () {
    const flow = EXAMPLES['Machine health and the RUL ladder']() as FlowNode[];
    const health = byType(flow, 'twin-health');
    probe(flow, health, 'probe-readings', 0);
    probe(flow, health, 'probe-rul', 1);
    probe(flow, health, 'probe-alerts', 2);
    probe(flow, byType(flow, 'catch'), 'probe-errors');
    await helper.load([...CORE_NODES, ...PACK_NODES], flow as never);
    const probes = new Probes(['probe-readings', 'probe-rul', 'probe-alerts'], 'probe-errors');
    press(byName(flow, 'replay a recorded life'));
    const readings = (await probes.next<{ payload: { sensor: string; value: number }[] }>('probe-readings')).payload;
    const index = readings.filter((r) => r.sensor === 'health.index').map((r) => r.value);
    assert.ok(index[0] < 0.2 && index[index.length - 1] > 0.8, `health index from ${index[0]} to ${index[index.length - 1]}`);
    const records = (await probes.next<{ payload: { model: string; rulHours: number }[] }>('probe-rul')).payload;
    assert.equal(records[0].model, 'survival-iso281');
    assert.match(records[records.length - 1].model, /^degradation-/);
    const alert = (await probes.next<{ payload: { action: string; leading: string } }>('probe-alerts')).payload;
    assert.equal(alert.action, 'raise');
    press(byName(flow, 'failure confirmed'));
    let failure = (await probes.next<{ topic: string; payload: { fleet?: { failures: number } } }>('probe-alerts'));
    while (!failure.topic.startsWith('failure/')) failure = await probes.next('probe-alerts');
    assert.equal(failure.payload.fleet?.failures, 1);
  });

  it('"Remaining useful life and urgency": the healthy, worn and failing bearings come out NORMAL, WARNING, CRITICAL with the shipped model', async function () {
    const stages = bearingStageVectors();
    // The simulator's labels put each vector in one band of twin-urgency (168 h and 48 h), clear of the 12 h hysteresis.
    assert.deepEqual(stages.map((s) => s.key), ['healthy', 'worn', 'failing']);
    assert.ok(stages[0].trueRulHours > 168 + 12, `healthy: ${stages[0].trueRulHours} h left`);
    assert.ok(stages[1].trueRulHours < 168 - 12 && stages[1].trueRulHours > 48 + 12, `worn: ${stages[1].trueRulHours} h left`);
    assert.ok(stages[2].trueRulHours < 48 - 12, `failing: ${stages[2].trueRulHours} h left`);
    const flow = EXAMPLES['Remaining useful life and urgency']() as FlowNode[];
    assert.equal((byType(flow, 'twin-model') as unknown as { source: string }).source, 'default', 'scored with the model shipped in the package');
    const urgency = byType(flow, 'twin-urgency');
    const levels = ['CRITICAL', 'WARNING', 'NORMAL'];
    levels.forEach((level, port) => probe(flow, urgency, `probe-${level}`, port));
    probe(flow, byType(flow, 'catch'), 'probe-errors');
    await helper.load([...CORE_NODES, ...PACK_NODES], flow as never);
    const probes = new Probes(levels.map((l) => `probe-${l}`), 'probe-errors');
    const expected = ['NORMAL', 'WARNING', 'CRITICAL'];
    for (const [i, stage] of stages.entries()) {
      press(byName(flow, `${stage.label} (${stage.targetRulHours} h left)`));
      const decision = (await probes.next<{ payload: UrgencyRecord }>(`probe-${expected[i]}`)).payload;
      assert.equal(decision.asset, SPINDLE_ASSET.id);
      assert.equal(decision.level, expected[i], `${stage.label}: estimate ${decision.rulHours} h (lower ${decision.lowerHours} h), ${stage.trueRulHours} h really left`);
      assert.ok(/^sha-/.test(decision.modelVersion ?? ''), `the shipped file's content version, not a registry one: ${decision.modelVersion}`);
    }
  });

  it('"Retrain on confirmed failures": a retrain on an empty database says what is missing; a failure event is stored', async function () {
    this.timeout(240_000);
    const flow = EXAMPLES['Retrain on confirmed failures']() as FlowNode[];
    probe(flow, byType(flow, 'catch'), 'probe-errors');
    probe(flow, byType(flow, 'twin-historian'), 'probe-stored');
    probe(flow, byType(flow, 'twin-train'), 'probe-progress', 1);
    await helper.load([...CORE_NODES, ...PACK_NODES], flow as never);
    const probes = new Probes(['probe-errors', 'probe-stored', 'probe-progress']);
    press(byName(flow, 'retrain now'));
    const failed = await probes.next('probe-errors', 90_000);
    assert.match(failed.error?.message ?? '', /no confirmed failure in the history: confirm failures/);
    assert.equal((await probes.next<{ payload: { text: string } }>('probe-progress')).payload.text, 'reading the feature history');
    press(byName(flow, 'record a failure'));
    const stored = (await probes.next<{ payload: { ok: boolean; tables: Record<string, number>; inserted: number } }>('probe-stored', 60_000)).payload;
    assert.deepEqual({ ok: stored.ok, tables: stored.tables, inserted: stored.inserted }, { ok: true, tables: { twin_failure_events: 1 }, inserted: 1 });
  });

  it('"What-if scenarios": after the hour of readings, +15 % speed gives +15 % throughput and the request applies 13,800 rpm', async function () {
    const flow = EXAMPLES['What-if scenarios']() as FlowNode[];
    const scenario = byType(flow, 'twin-scenario');
    const plc = byName(flow, 'PLC: an hour at three speeds');
    probe(flow, plc, 'probe-history');
    probe(flow, scenario, 'probe-results', 0);
    probe(flow, scenario, 'probe-request', 1);
    probe(flow, byType(flow, 'catch'), 'probe-errors');
    await helper.load([...CORE_NODES, ...PACK_NODES], flow as never);
    const probes = new Probes(['probe-history', 'probe-results', 'probe-request'], 'probe-errors');
    press(byName(flow, 'last hour of readings'));
    const readings = (await probes.next<{ payload: Array<{ ts: number }> }>('probe-history')).payload;
    assert.ok(readings.at(-1)!.ts - readings[0].ts >= 30 * 60_000, 'twin-scenario needs at least 30 minutes');
    await probes.next('probe-history');

    press(byName(flow, '+15 % speed'));
    const report = (await probes.next<{ payload: ScenarioReport }>('probe-results')).payload;
    const faster = report.scenarios[0];
    // The same part program at 1.15 × the speed makes a part in 1/1.15 of the time (no non-speed-bound share set).
    assertNear(faster.throughput.change.value, 15, 'throughput change');
    assert.equal(faster.throughput.change.unit, '%');
    assert.ok(faster.throughput.change.model.length > 0, 'every figure names its model');
    assert.ok(report.models.thermal.ok && report.models.power.ok && report.models.vibration.ok, 'the hour identifies the thermal, power and vibration models');
    // The function's bearing follows a first-order lag of 4 min; the identified time constant must find it.
    assertNear(faster.thermal.timeConstant.value, HISTORY_TIME_CONSTANT_S / 60, 'identified time constant, min', 0.1 * HISTORY_TIME_CONSTANT_S / 60);
    assert.equal(faster.feasible, true, faster.violations.map((v) => v.reason).join('; '));
    assert.ok(faster.rul.hours.value !== null && /RUL model/.test(faster.rul.hours.model), `RUL from the shipped model: ${faster.rul.hours.unavailable}`);

    press(byName(flow, 'apply +15 %'));
    const request = (await probes.next<{ payload: SetpointRequest }>('probe-request')).payload;
    assert.deepEqual({ asset: request.asset, sensor: request.sensor, value: request.value }, { asset: SPINDLE_ASSET.id, sensor: 'speedSetpoint', value: Math.round(12000 * 1.15) });
  });

  it('"OEE and savings": the shift\'s OEE and its factors, and the savings against the baseline, as worked out by hand', async function () {
    const flow = EXAMPLES['OEE and savings']() as FlowNode[];
    const kpi = byType(flow, 'twin-kpi');
    probe(flow, byName(flow, 'PLC: one shift'), 'probe-shift');
    probe(flow, kpi, 'probe-periods', 0);
    probe(flow, kpi, 'probe-savings', 1);
    probe(flow, byType(flow, 'catch'), 'probe-errors');
    await helper.load([...CORE_NODES, ...PACK_NODES], flow as never);
    const probes = new Probes(['probe-shift', 'probe-periods', 'probe-savings'], 'probe-errors');
    press(byName(flow, 'a shift of readings'));
    await probes.next('probe-shift');
    press(byName(flow, 'report'));
    const records = (await probes.next<{ payload: KpiRecord[] }>('probe-periods')).payload;
    const shift = records.find((r) => r.period === 'rolling-24h');
    assert.ok(shift, `a rolling window among ${records.map((r) => r.period).join(', ')}`);
    // The shift as the function plans it: 480 min, of which 45 min down (a failure) and 30 min idle (the break, a planned
    // stop), so 405 min running in 450 min of planned production time; a part every 75 s of running: 24,300 s / 75 = 324
    // parts, every 27th scrap: 12; 9 kW running and 0.4 kW for the other 75 min.
    assertNear(shift.knownHours, 8, 'hours with data');
    assertNear(shift.availability, 405 / 450, 'availability');
    assertNear(shift.performance, (60 * 324) / (405 * 60), 'performance');
    assertNear(shift.quality, 312 / 324, 'quality');
    assertNear(shift.oee, (405 / 450) * 0.8 * (312 / 324), 'OEE');
    assertNear(shift.downtimeHours, 0.75, 'unplanned downtime');
    assertNear(shift.idleHours, 0.5, 'planned stop');
    assert.deepEqual([shift.parts, shift.good, shift.scrap, shift.failures, shift.repairs], [324, 312, 12, 1, 1]);
    assertNear(shift.mtbfHours, 6.75, 'MTBF');
    assertNear(shift.mttrHours, 0.75, 'MTTR');
    assertNear(shift.energyKWh, 9 * 6.75 + 0.4 * 1.25, 'energy');

    press(byName(flow, 'savings against the shift before'));
    const report = (await probes.next<{ payload: SavingsReport }>('probe-savings')).payload;
    const base = KPI_EXAMPLE_BASELINE;
    assertNear(report.scale, 8 / base.hours, 'the baseline is an 8-hour shift too');
    // Priced with the node's costs: 400 per downtime hour, 0.25 per kWh, 20 per scrap part, 55 per labour hour, a crew of 2.
    assertNear(report.money.downtime, (base.downtimeHours - 0.75) * 400, 'downtime saved');
    // Energy and scrap per part made: the shift before made 300 parts, this one 324.
    assertNear(report.money.energy, ((base.energyKWh / base.parts) * 324 - 61.25) * 0.25, 'energy saved');
    assertNear(report.money.scrap, ((base.scrap / base.parts) * 324 - 12) * 20, 'scrap saved');
    assertNear(report.money.labour, (base.repairHours - 0.75) * 2 * 55, 'repair labour saved');
    assert.deepEqual(report.notCompared, []);
    assertNear(report.money.total, report.money.downtime + (report.money.energy ?? NaN) + (report.money.scrap ?? NaN) + report.money.labour, 'total');
  });

  it('"Guarded setpoint writes": refused out of range and while twin-threshold holds an alarm, a forged all-clear lifts nothing, written over OPC UA once clear', async function () {
    const flow = EXAMPLES['Guarded setpoint writes']() as FlowNode[];
    const guard = byType(flow, 'twin-setpoint');
    probe(flow, guard, 'probe-plc', 0);
    probe(flow, guard, 'probe-audit', 1);
    probe(flow, guard, 'probe-state', 2);
    probe(flow, byType(flow, 'twin-threshold'), 'probe-alerts', 0);
    probe(flow, byType(flow, 'catch'), 'probe-errors');
    await helper.load([...CORE_NODES, ...PACK_NODES], flow as never);
    const probes = new Probes(['probe-plc', 'probe-audit', 'probe-state', 'probe-alerts', 'probe-errors']);
    const audit = async (): Promise<SetpointAuditRecord[]> => (await probes.next<{ payload: SetpointAuditRecord[] }>('probe-audit')).payload;

    press(byName(flow, 'request 16,000 rpm'));
    const refused = await audit();
    assert.deepEqual(refused.map((a) => a.action), ['request', 'refuse']);
    assert.equal(refused[1].after, 16000);
    assert.equal(refused[1].reason, 'out of bounds: 16,000 rpm is above the maximum 15,000 rpm');
    await probes.next('probe-state');
    press(byName(flow, 'PLC reads 12,000 rpm'));
    assert.equal((await probes.next<{ payload: GuardSnapshot }>('probe-state')).payload.current, 12000, 'the read-back comes from twin-ingest');

    press(byName(flow, 'bearing at 90 °C'));
    assert.equal((await probes.next<{ payload: { state: string; level: string } }>('probe-alerts')).payload.level, 'alarm');
    press(byName(flow, 'forged: all clear'));
    assert.match((await probes.next('probe-errors')).error?.message ?? '', /is not one of request, approve, reject, confirm, state/);
    press(byName(flow, 'request 13,000 rpm'));
    assert.equal((await audit())[1].reason, 'interlock: alarm active on spindle-1 bearingTemp');
    await probes.next('probe-state');
    press(byName(flow, 'bearing back to 50 °C'));
    assert.equal((await probes.next<{ payload: { state: string } }>('probe-alerts')).payload.state, 'cleared');

    press(byName(flow, 'request 13,000 rpm'));
    const write = await probes.next<{ topic: string; payload: number; action?: string }>('probe-plc');
    // node-red-contrib-opcua's OpcUa-Client writes the node id in the topic, with the data type appended.
    const nodeId = SPINDLE_ASSET.sensors.find((s) => s.id === 'speedSetpoint')?.opcuaNodeId;
    assert.deepEqual({ topic: write.topic, payload: write.payload, action: write.action }, { topic: `${nodeId};datatype=Double`, payload: 13000, action: 'write' });
    assert.deepEqual((await audit()).map((a) => [a.action, a.requestedBy, a.approvedBy]), [['request', 'example user', null], ['write', 'example user', 'automatic']]);
    press(byName(flow, 'PLC reads 13,000 rpm'));
    assert.deepEqual((await audit()).map((a) => a.action), ['readback', 'confirm']);
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
