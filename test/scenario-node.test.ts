import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import helper from 'node-red-node-test-helper';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import { DEFAULT_COOLING } from '../lib/scenario/cooling';
import { plantFacts } from '../lib/facts/plant-facts';
import type { IdentifiedModels } from '../lib/scenario/identification';
import type { ScenarioReport } from '../lib/scenario/scenario-engine';
import type { SetpointRequest } from '../lib/scenario/scenario-twin';
import { identificationRun } from './support/spindle-fixture';
import { testNode, type TestNode } from './support/test-node';
import { RecordingRulModel } from './support/tiny-rul-model';
import assetNode = require('../nodes/twin-asset/twin-asset');
import scenarioNode = require('../nodes/twin-scenario/twin-scenario');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const ASSET_CONFIG = {
  id: 'a1', type: 'twin-asset', assetId: 'spindle-1', nominalRpm: '12000', maxRpm: '15000', ratedPowerKw: '15', machineGroup: '2',
  mounting: 'rigid', idealCycleTimeS: '60', sensors: SPINDLE_ASSET.sensors,
};

let rulModel: RecordingRulModel | undefined;

/** A stand-in `twin-model` config node exposing a real ONNX model through current(), as the real one does. */
function testModelNode(RED: NodeAPI): void {
  function TwinModel(this: Node & { current(): Promise<RecordingRulModel> }, config: NodeDef): void {
    RED.nodes.createNode(this, config);
    this.current = async () => {
      if (!rulModel) throw new Error('no model trained');
      return rulModel;
    };
  }
  RED.nodes.registerType('twin-model', TwinModel);
}

const flow = (extra: Record<string, unknown> = {}): unknown[] => [
  ASSET_CONFIG, { id: 'm1', type: 'twin-model' },
  // The bearing's life, as the reference flow gives it: without it the maintenance term, so the ROI, is unknown.
  { id: 'n1', type: 'twin-scenario', asset: 'a1', model: 'm1', bearingLifeHours: '480', wires: [['results'], ['setpoint'], ['refusals']], ...extra },
  { id: 'results', type: 'helper' }, { id: 'setpoint', type: 'helper' }, { id: 'refusals', type: 'helper' },
];

let cachedRun: ReturnType<typeof identificationRun> | undefined;

/** The identification run's readings and feature vector, simulated once for the whole file. */
function identification(): ReturnType<typeof identificationRun> {
  cachedRun ??= identificationRun();
  return cachedRun;
}

function feed(node: TestNode): void {
  const run = identification();
  for (const batch of run.batches) node.receive({ payload: batch });
  node.receive({ topic: 'features/spindle-1', payload: run.vector });
}

function statuses(node: TestNode): string[] {
  const texts: string[] = [];
  node.on('call:status', (call: { firstArg: { text?: string } }) => { if (call.firstArg.text) texts.push(call.firstArg.text); });
  return texts;
}

describe('twin-scenario node', function () {
  this.timeout(60_000);
  before(async function () { rulModel = await RecordingRulModel.train(); });
  after(async function () { await rulModel?.release(); });
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('loads with defaults', async function () {
    await helper.load([assetNode, scenarioNode], [ASSET_CONFIG, { id: 'n1', type: 'twin-scenario', asset: 'a1' }] as never);
    assert.ok(helper.getNode('n1'));
  });

  it('offers the library\'s cooling table as the editor\'s default', function () {
    const html = fs.readFileSync(path.resolve(__dirname, '..', '..', 'nodes', 'twin-scenario', 'twin-scenario.html'), 'utf8');
    const rows = [...html.matchAll(/\{ name: '([^']+)', gainFactor: '([^']+)', powerKw: '([^']+)', investment: '([^']+)' \}/g)]
      .map(([, name, gainFactor, powerKw, investment]) => ({ name, gainFactor: Number(gainFactor), powerKw: Number(powerKw), investment: Number(investment) }));
    assert.deepEqual(rows, DEFAULT_COOLING);
  });

  it('answers +15 % speed with the quantified impacts, the RUL from the twin-model in one call, and keeps the models in context', function (done) {
    helper.load([assetNode, testModelNode, scenarioNode], flow() as never, () => {
      const n1 = testNode('n1');
      const texts = statuses(n1);
      const calls = rulModel?.calls.length ?? 0;
      testNode('results').on('input', (msg: { topic: string; payload: ScenarioReport }) => {
        try {
          assert.equal(msg.topic, 'scenario/spindle-1');
          const scenario = msg.payload.scenarios[0];
          assert.equal(scenario.label, 'speed +15 %');
          assert.ok(Math.abs((scenario.throughput.change.value ?? NaN) - 15) < 1e-9);
          assert.ok(Math.abs((scenario.bearing.basicLifeRatio.value ?? NaN) - 1 / 1.15) < 1e-12);
          assert.ok(scenario.rul.hours.value !== null && /RUL model tiny-3/.test(scenario.rul.hours.model));
          assert.equal((rulModel?.calls.length ?? 0) - calls, 1, 'one score() call for the request');
          assert.ok(scenario.roi.perYear.value !== null && scenario.roi.perYear.unit === 'EUR/yr');
          assert.equal(scenario.feasible, true);
          assert.ok(texts.some((t) => /^identifying · \d+ min of history$/.test(t)), texts.join(' | '));
          const saved = (helper.getNode('n1') as unknown as Node).context().get('twinScenario') as ScenarioReport['models'];
          assert.ok(saved.thermal.ok && saved.power.ok && saved.vibration.ok, 'identified models kept in node context');
          setImmediate(() => {
            try {
              assert.match(texts.at(-1) ?? '', /^1 scenario · \d+ ms · no scrap$/);
              done();
            } catch (err) { done(err); }
          });
        } catch (err) { done(err); }
      });
      feed(n1);
      n1.receive({ topic: 'scenario', payload: { changes: { speedPercent: 15 } } });
    });
  });

  it('takes twin-features\' machine-state records on the wire of its vectors without an error', function (done) {
    helper.load([assetNode, testModelNode, scenarioNode], flow() as never, () => {
      const n1 = testNode('n1');
      const errors: string[] = [];
      n1.on('call:error', (call: { firstArg: Error | string }) => errors.push(String(call.firstArg)));
      n1.receive({ topic: 'machine-state/spindle-1', payload: { kind: 'machine-state', asset: 'spindle-1', state: 'running', since: Date.now() - 1000, ts: Date.now() } });
      n1.receive({ topic: 'machine-state/spindle-1', payload: { kind: 'machine-stat', asset: 'spindle-1' } });
      setTimeout(() => {
        try {
          assert.equal(errors.length, 1, `only the malformed record is refused: ${errors.join(' | ')}`);
          assert.match(errors[0], /expected readings/);
          done();
        } catch (err) { done(err); }
      }, 100);
    });
  });

  it('evaluates a 14 × 5 grid with a ranking and a Pareto front', function (done) {
    helper.load([assetNode, testModelNode, scenarioNode], flow() as never, () => {
      const n1 = testNode('n1');
      const texts = statuses(n1);
      testNode('results').on('input', (msg: { payload: ScenarioReport }) => {
        try {
          const report = msg.payload;
          assert.equal(report.scenarios.length, 70);
          assert.ok(report.ranking.length > 0 && report.ranking.length === report.scenarios.filter((s) => s.feasible).length);
          assert.ok(report.pareto.ids.length > 0 && report.pareto.ids.every((id) => !report.flagged.includes(id)));
          assert.deepEqual(report.pareto.objectives, ['throughput ↑', 'life ↑ (RUL)', 'energy per part ↓']);
          setImmediate(() => {
            try {
              assert.match(texts.at(-1) ?? '', /^70 scenarios · \d+ ms · \d+ flagged/);
              done();
            } catch (err) { done(err); }
          });
        } catch (err) { done(err); }
      });
      feed(n1);
      n1.receive({ topic: 'scenario', payload: { grid: { cooling: 'all', speedPercent: [0, 5, 10, 15, 20] } } });
    });
  });

  it('applies a scenario within its limits as a setpoint request, and refuses one beyond them on output 3 with its evaluation on output 1', function (done) {
    helper.load([assetNode, testModelNode, scenarioNode], flow() as never, () => {
      const n1 = testNode('n1');
      const requests: SetpointRequest[] = [];
      const results: Array<{ scenarios: Array<{ label: string; feasible: boolean }> }> = [];
      const errors: string[] = [];
      n1.on('call:error', (call: { firstArg: Error }) => errors.push(call.firstArg.message));
      testNode('results').on('input', (msg: { payload: { scenarios: Array<{ label: string; feasible: boolean }> } }) => results.push(msg.payload));
      testNode('setpoint').on('input', (msg: { topic: string; payload: SetpointRequest }) => {
        assert.equal(msg.topic, 'request');
        requests.push(msg.payload);
        n1.receive({ topic: 'apply', payload: { changes: { speedPercent: 30 }, requestedBy: 'operator' } });
      });
      testNode('refusals').on('input', (msg: { topic: string; refusal: string; payload: { changes: unknown; requestedBy: string } }) => {
        try {
          assert.equal(msg.topic, 'refusal/spindle-1');
          assert.match(msg.refusal, /^not applied: "speed \+30 %" speed 15600 rpm is above the rated maximum 15000 rpm/);
          assert.deepEqual(msg.payload, { changes: { speedPercent: 30 }, requestedBy: 'operator' });
          assert.equal(requests.length, 1, 'nothing sent for the refused scenario');
          // The refused scenario's evaluation went to output 1 before the refusal: a dashboard keeps it beside the reason.
          assert.deepEqual(results.map((r) => [r.scenarios[0].label, r.scenarios[0].feasible]), [['speed +15 %', true], ['speed +30 %', false]]);
          assert.deepEqual(errors, [], 'a refusal is an answer, not a node error');
          assert.deepEqual({ ...requests[0], reason: '' }, { asset: 'spindle-1', sensor: 'speedSetpoint', value: 13_800, requestedBy: 'operator', reason: '' });
          assert.match(requests[0].reason, /^what-if "speed \+15 %": throughput \+15\.0 %, bearing life -\d+\.\d %, bearing \d+\.\d °C, ROI -?\d+ EUR\/yr$/);
          done();
        } catch (err) { done(err); }
      });
      feed(n1);
      n1.receive({ topic: 'apply', payload: { changes: { speedPercent: 15 }, requestedBy: 'operator' } });
    });
  });

  it('leaves the windows of the alerts twin-threshold and twin-drift hold out of the fits of the alerted sensor\'s models, and says so', function (done) {
    helper.load([assetNode, testModelNode, scenarioNode], flow() as never, () => {
      const n1 = testNode('n1');
      testNode('results').on('input', (msg: { topic: string; payload: IdentifiedModels }) => {
        try {
          assert.equal(msg.topic, 'scenario/spindle-1/models');
          const data = msg.payload.data;
          assert.ok(data && msg.payload.thermal.ok, JSON.stringify(msg.payload.thermal).slice(0, 300));
          assert.ok((data.thermal.excluded.alert ?? 0) > 0, JSON.stringify(data.thermal));
          assert.ok((data.vibration.excluded.alert ?? 0) === 0, 'the vibration model has no alerted sensor');
          assert.match(data.thermal.summary, /left out [\d,]+: [\d,]+ during an alert/);
          done();
        } catch (err) { done(err); }
      });
      const { batches } = identification();
      // A bearing-temperature warning another node holds while the 11th ten-minute batch arrives, cleared by the 12th.
      batches.forEach((batch, i) => {
        if (i === 10) plantFacts.setAlerts('test-threshold', 'spindle-1', [{ id: 'spindle-1:bearingTemp:warning:1', sensor: 'bearingTemp', level: 'warning' }]);
        if (i === 11) plantFacts.withdraw('test-threshold');
        n1.receive({ payload: batch });
      });
      n1.receive({ topic: 'identify' });
    });
  });

  it('sends bad requests, input it cannot read and a setup without an asset to done(err)', function (done) {
    const bad = [ASSET_CONFIG, { id: 'n1', type: 'twin-scenario', asset: 'a1' }, { id: 'n2', type: 'twin-scenario', asset: '' }];
    helper.load([assetNode, scenarioNode], bad as never, () => {
      const errors: string[] = [];
      const check = (call: { firstArg: Error }): void => {
        errors.push(call.firstArg.message);
        if (errors.length < 5) return;
        try {
          assert.ok(errors.some((e) => /changes: unknown key "speed" \(allowed: speedPercent/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /this node evaluates asset spindle-1, the request names "pump-1"/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /^no readings of asset spindle-1 yet/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /^expected readings \(from twin-ingest\)/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /^no twin-asset configured/.test(e)), errors.join(' | '));
          done();
        } catch (err) { done(err); }
      };
      const n1 = testNode('n1');
      n1.on('call:error', check);
      testNode('n2').on('call:error', check);
      n1.receive({ topic: 'scenario', payload: { changes: { speed: 15 } } });
      n1.receive({ topic: 'scenario', payload: { asset: 'pump-1', changes: { speedPercent: 15 } } });
      n1.receive({ topic: 'scenario', payload: { changes: { speedPercent: 15 } } });
      n1.receive({ payload: 'hello' });
      testNode('n2').receive({ payload: [] });
    });
  });
});

describe('twin-scenario node across a flow restart', function () {
  this.timeout(60_000);
  type Runtime = { stopFlows(): Promise<void>; startFlows(): Promise<void>; loadContextsPlugin(): Promise<void> };
  const runtime = (): Runtime => (helper as unknown as { _redNodes: Runtime })._redNodes;
  // Node-RED drops a node's context when it closes unless a context store is configured, as npm start configures one.
  before(() => { helper.settings({ contextStorage: { default: { module: 'memory' } } }); });
  after(() => { helper.settings({}); });
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  /** Stops and starts the flows as the editor's "restart flows" does: new node instances, node context kept. */
  async function restartFlows(): Promise<void> {
    await runtime().stopFlows();
    await runtime().startFlows();
  }

  /** The next message the results helper receives. */
  function nextResult(): Promise<{ payload: ScenarioReport }> {
    return new Promise((resolve) => testNode('results').once('input', resolve));
  }

  it('restores its identified models from node context and uses them before it can identify again', async function () {
    const single = [ASSET_CONFIG, { id: 'n1', type: 'twin-scenario', asset: 'a1', wires: [['results']] }, { id: 'results', type: 'helper' }];
    await helper.load([assetNode, scenarioNode], single as never);
    await runtime().loadContextsPlugin();
    await restartFlows();
    const identified = nextResult();
    feed(testNode('n1'));
    testNode('n1').receive({ topic: 'identify' });
    await identified;
    await restartFlows();
    // Ten minutes of readings after the restart: too little to identify anything, enough for today's state.
    const answered = nextResult();
    const { batches, endTs } = identification();
    testNode('n1').receive({ payload: batches.flat().filter((r) => r.ts > endTs - 600_000) });
    testNode('n1').receive({ topic: 'scenario', payload: { changes: { speedPercent: 15 } } });
    const { payload } = await answered;
    const thermal = payload.models.thermal;
    assert.ok(thermal.ok, `the restored thermal model: ${JSON.stringify(thermal)}`);
    assert.match(thermal.lastError ?? '', /history too short for the thermal model/);
    assert.ok(payload.scenarios[0].thermal.bearingSteadyState.value !== null);
  });
});
