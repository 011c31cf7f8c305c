import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import type { FeatureVector } from '../lib/features/feature-vector';
import type { MachineStateRecord } from '../lib/machine-state/machine-state';
import { HistorianConnection } from '../lib/historian/connection';
import { DEFAULT_MODEL_FILE } from '../lib/rul/default-model';
import { ModelProvider, shippedDefaultVersion } from '../lib/rul/model-provider';
import { contentVersion } from '../lib/rul/onnx-rul-model';
import type { RulRecord, UrgencyRecord } from '../lib/rul/records';
import { Random } from '../lib/math/random';
import { matrixFromRecords } from '../lib/rul/feature-matrix';
import { buildRecipe, historyFeatures, recipeFeatureNames } from '../lib/rul/history-recipe';
import type { AssetHistory } from '../lib/rul/history-table';
import { fitHistories, fittedToOnnx } from '../lib/rul/history-training';
import { predictRulModel } from '../lib/rul/rul-training';
import { postgresAnswers, proxiedPostgres, uniqueSchema, withClient, LOCAL_POSTGRES_URL } from './support/database';
import { testNode } from './support/test-node';
import { tinyRulModel } from './support/tiny-model';
import modelNode = require('../nodes/twin-model/twin-model');
import rulNode = require('../nodes/twin-rul/twin-rul');
import urgencyNode = require('../nodes/twin-urgency/twin-urgency');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

function vector(asset: string, vibration: number, extra: Partial<FeatureVector> = {}): FeatureVector {
  return { asset, ts: Date.UTC(2026, 5, 1), features: { 'vibration.rms': vibration, 'speed.last': 12000 }, units: {}, windows: {}, quality: {}, ...extra };
}

function nextMessage<T>(id: string): Promise<T> {
  return new Promise((resolve) => testNode(id).once('input', (msg: T) => resolve(msg)));
}

describe('twin-model and twin-rul nodes', function () {
  this.timeout(20000);
  let dir: string;
  let modelFile: string;

  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-rul-node-'));
    modelFile = path.join(dir, 'model.onnx');
  });
  after(function () { fs.rmSync(dir, { recursive: true, force: true }); });
  beforeEach((done) => { fs.writeFileSync(modelFile, tinyRulModel(50)); helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  const flow = (rul: Record<string, unknown> = {}, model: Record<string, unknown> = {}) => [
    { id: 'm1', type: 'twin-model', source: 'file', file: modelFile, ...model },
    { id: 'r1', type: 'twin-rul', model: 'm1', periodS: '0', runningFeature: 'speed.last', runningAbove: '100', featureGraceS: '0', wires: [['out']], ...rul },
    { id: 'out', type: 'helper' },
  ];

  it('loads with defaults', async function () {
    await helper.load([modelNode, rulNode], [{ id: 'm1', type: 'twin-model', source: 'file', file: modelFile }, { id: 'r1', type: 'twin-rul', model: 'm1' }] as never);
    assert.ok(helper.getNode('r1'));
  });

  it('scores a feature vector into hours with the model version, and fails a vector lacking a feature by naming it', async function () {
    await helper.load([modelNode, rulNode], flow() as never);
    const out = nextMessage<{ payload: RulRecord[]; modelVersion: string }>('out');
    testNode('r1').receive({ payload: vector('spindle-1', 3) });
    const msg = await out;
    assert.equal(msg.payload.length, 1);
    const [estimate] = msg.payload;
    assert.equal(estimate.kind, 'rul');
    assert.ok(Math.abs(estimate.rulHours - 250) < 8, `400 - 50 × 3 = 250 h, got ${estimate.rulHours}`);
    assert.match(msg.modelVersion, /^sha-[0-9a-f]{12}$/);
    const error = new Promise<Error>((resolve) => testNode('r1').once('call:error', (call: { firstArg: Error }) => resolve(call.firstArg)));
    testNode('r1').receive({ payload: { ...vector('pump-1', 1), features: { 'speed.last': 3000 } } });
    assert.match((await error).message, /the model needs vibration\.rms, missing from pump-1's features/);
  });

  it('scores on the threads its twin-model is given, and refuses a thread count that is not a whole number from 1 to 64', async function () {
    await helper.load([modelNode, rulNode], flow({}, { threads: '2' }) as never);
    const out = nextMessage<{ payload: RulRecord[] }>('out');
    testNode('r1').receive({ payload: vector('spindle-1', 3) });
    const [estimate] = (await out).payload;
    assert.ok(Math.abs(estimate.rulHours - 250) < 8, `400 - 50 × 3 = 250 h on two threads, got ${estimate.rulHours}`);
    await helper.unload();
    await helper.load([modelNode, rulNode], flow({}, { threads: '0' }) as never);
    const refused = new Promise<Error>((resolve) => testNode('r1').once('call:error', (call: { firstArg: Error }) => resolve(call.firstArg)));
    testNode('r1').receive({ payload: vector('spindle-1', 3) });
    assert.match(String(await refused), /scoring threads "0" must be a whole number from 1 to 64/);
  });

  it('waits for features still on their way after an asset first appears, and reports them once the wait is over', async function () {
    await helper.load([modelNode, rulNode], flow({ featureGraceS: '0.3' }) as never);
    const r1 = testNode('r1');
    const errors: Error[] = [];
    r1.on('call:error', (call: { firstArg: Error }) => errors.push(call.firstArg));
    const scalarOnly = (): FeatureVector => ({ ...vector('pump-1', 1), features: { 'speed.last': 3000 } });
    // The pump's first vectors before its first waveform block: awaited, shown, not an error.
    const refusedOut = nextMessage<{ payload: RulRecord[]; refused: Array<{ reason: string }> }>('out');
    r1.receive({ payload: scalarOnly() });
    assert.match((await refusedOut).refused[0].reason, /missing from pump-1's features/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(errors, [], 'no error while the features may still come');
    // Still missing after the wait: a fault.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const late = new Promise<Error>((resolve) => r1.once('call:error', (call: { firstArg: Error }) => resolve(call.firstArg)));
    r1.receive({ payload: scalarOnly() });
    assert.match((await late).message, /the model needs vibration\.rms, missing from pump-1's features/);
    // Another asset that had all its features once and loses one: a fault at once, whatever the wait.
    const scored = new Promise<RulRecord[]>((resolve) => {
      const onOut = (msg: { payload: RulRecord[] }): void => {
        if (!msg.payload.some((r) => r.asset === 'spindle-1')) return;
        testNode('out').off('input', onOut);
        resolve(msg.payload);
      };
      testNode('out').on('input', onOut);
    });
    r1.receive({ payload: vector('spindle-1', 2) });
    assert.equal((await scored).length, 1);
    const lost = new Promise<Error>((resolve) => r1.once('call:error', (call: { firstArg: Error }) => resolve(call.firstArg)));
    r1.receive({ payload: { ...vector('spindle-1', 2), features: { 'speed.last': 12000 } } });
    assert.match((await lost).message, /missing from spindle-1's features/);
  });

  it('scores the newest vector of every asset in one cycle, and skips a machine standing still', async function () {
    await helper.load([modelNode, rulNode], flow({ periodS: '0.5' }) as never);
    const out = nextMessage<{ payload: RulRecord[] }>('out');
    const r1 = testNode('r1');
    r1.receive({ payload: vector('spindle-1', 1) });
    r1.receive({ payload: vector('spindle-1', 4) });
    r1.receive({ payload: [vector('pump-1', 2), { ...vector('idle-1', 2), features: { 'vibration.rms': 2, 'speed.last': 0 } }] });
    const msg = await out;
    assert.deepEqual(msg.payload.map((r) => r.asset), ['spindle-1', 'pump-1'], 'one batch, the newer spindle vector, no stopped machine');
    assert.ok(Math.abs(msg.payload[0].rulHours - 200) < 8, `the newest spindle vector (4 mm/s → 200 h), got ${msg.payload[0].rulHours}`);
  });

  it('scores the last vector taken before a stop that comes in the same cycle, then holds that estimate marked DOWN', async function () {
    await helper.load([modelNode, rulNode], flow({ periodS: '0.5' }) as never);
    const r1 = testNode('r1');
    const errors: Error[] = [];
    r1.on('call:error', (call: { firstArg: Error }) => errors.push(call.firstArg));
    const earlier = nextMessage<{ payload: RulRecord[] }>('out');
    r1.receive({ payload: vector('spindle-1', 3) });
    const first = (await earlier).payload[0].rulHours;
    assert.ok(Math.abs(first - 250) < 8, `an estimate from an earlier cycle (3 mm/s → 250 h), got ${first}`);
    // The wear has grown by the last vector before the failure, and the machine's DOWN follows it within one cycle.
    const preStop = vector('spindle-1', 4, { ts: Date.UTC(2026, 5, 1, 1) });
    const downSince = preStop.ts + 1000;
    const down: MachineStateRecord = { kind: 'machine-state', asset: 'spindle-1', state: 'down', since: downSince, ts: downSince };
    const out = nextMessage<{ payload: RulRecord[] }>('out');
    r1.receive({ payload: preStop });
    r1.receive({ payload: down });
    const [scored, held, ...rest] = (await out).payload;
    assert.deepEqual(rest, [], 'one estimate scored and one held, in the same cycle');
    assert.equal(scored.held, undefined, 'the pre-stop vector was scored');
    assert.equal(scored.ts, preStop.ts);
    assert.ok(Math.abs(scored.rulHours - 200) < 8, `the pre-stop vector scored (4 mm/s → 200 h), got ${scored.rulHours}`);
    assert.deepEqual(held, { ...scored, held: { state: 'down', since: downSince } }, 'the estimate held is the one made from the pre-stop vector, marked DOWN');
    assert.deepEqual(errors, []);
  });

  it('normalises a vector within its operating regime when the model was trained with regimes, as twin-train predict does', async function () {
    // Pumps each running at one speed for life; the temperature follows the speed (+30 at the high one) far more
    // than the wear (+8 over a life). The model reads temperature per regime; twin-rul gets the raw features.
    const random = new Random(5);
    const histories: AssetHistory[] = Array.from({ length: 12 }, (_, a) => {
      const life = 120 + Math.floor(random.next() * 60);
      const fast = a % 2 === 0;
      const time = Array.from({ length: life }, (_, t) => t + 1);
      return {
        asset: `pump-${a}`, time, sensors: {
          speed: time.map(() => (fast ? 3000 : 1500) + random.gaussian()),
          temperature: time.map((t) => (fast ? 70 : 40) + 8 * (t / life) ** 2 + 0.3 * random.gaussian()),
        },
      };
    });
    const recipe = buildRecipe(histories, { window: 10, settings: ['speed'], healthyBeyond: 60 });
    assert.equal(recipe.regimes?.centres.length, 2);
    const options = { recipe, rulCap: 60, boosting: { rounds: 60 }, interval: false as const };
    const fitted = fitHistories(histories, options);
    fs.writeFileSync(modelFile, fittedToOnnx(fitted, options, 'pumps.csv', 'test'));
    // Running is told by the temperature here, so a vector without the setting reaches the model.
    await helper.load([modelNode, rulNode], flow({ runningFeature: 'temperature.last', runningAbove: '0' }) as never);
    const rawRecipe = { window: recipe.window, sensors: recipe.sensors };
    for (const [pump, step] of [[histories[0], histories[0].time.length - 15], [histories[1], histories[1].time.length - 30]] as const) {
      // The model's own reading of that step (normalised readings, then windows), and what twin-features would send.
      const expected = predictRulModel(fitted.model, matrixFromRecords(recipeFeatureNames(recipe), [historyFeatures(pump, recipe)[step]])).rul[0];
      const raw = historyFeatures(pump, rawRecipe)[step];
      const out = nextMessage<{ payload: RulRecord[] }>('out');
      testNode('r1').receive({ payload: { asset: pump.asset, ts: Date.UTC(2026, 5, 1), features: { ...raw, 'speed.last': pump.sensors.speed[step] }, units: {}, windows: {}, quality: {} } });
      const [estimate] = (await out).payload;
      assert.ok(Math.abs(estimate.rulHours - Math.max(0, expected)) < 0.01, `${pump.asset} step ${step}: ${estimate.rulHours} h live, ${expected} from the normalised history`);
      assert.equal(estimate.features?.['temperature.last'], raw['temperature.last'], 'the record keeps the features as measured');
      const unnormalised = predictRulModel(fitted.model, matrixFromRecords(recipeFeatureNames(recipe), [raw])).rul[0];
      assert.ok(Math.abs(unnormalised - expected) > 5, `read raw, the model would say ${unnormalised} instead of ${expected}`);
    }
    // Without the setting the regime is unknown: the vector is refused naming it.
    const error = new Promise<Error>((resolve) => testNode('r1').once('call:error', (call: { firstArg: Error }) => resolve(call.firstArg)));
    testNode('r1').receive({ payload: { asset: 'pump-0', ts: Date.UTC(2026, 5, 1), features: { ...historyFeatures(histories[0], rawRecipe)[50], 'speed.mean': 3000 }, units: {}, windows: {}, quality: {} } });
    assert.match((await error).message, /the model needs speed\.last, missing from pump-0's features/);
  });

  it('switches to a new model when its file changes, without a redeploy', async function () {
    await helper.load([modelNode, rulNode], flow() as never);
    const first = nextMessage<{ payload: RulRecord[]; modelVersion: string }>('out');
    testNode('r1').receive({ payload: vector('spindle-1', 2) });
    const before = await first;
    fs.writeFileSync(modelFile, tinyRulModel(20));
    const deadline = Date.now() + 10000;
    for (;;) {
      const next = nextMessage<{ payload: RulRecord[]; modelVersion: string }>('out');
      testNode('r1').receive({ payload: vector('spindle-1', 2) });
      const msg = await next;
      if (msg.modelVersion !== before.modelVersion) {
        assert.ok(Math.abs(msg.payload[0].rulHours - 300) < 8, `the new law: min(300, 400 - 20 × 2) = 300 h, got ${msg.payload[0].rulHours}`);
        return;
      }
      assert.ok(Date.now() < deadline, 'the new model was picked up within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
});

describe('twin-urgency node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  const estimate = (asset: string, rulHours: number, ts: number, lowerHours?: number): RulRecord => ({
    kind: 'rul', asset, ts, rulHours, lowerHours, capped: false, confidence: 'normal', modelVersion: 'v1',
  });

  function collect(): Array<[number, UrgencyRecord]> {
    const seen: Array<[number, UrgencyRecord]> = [];
    ['critical', 'warning', 'normal'].forEach((id, port) => testNode(id).on('input', (msg: { payload: UrgencyRecord }) => seen.push([port, msg.payload])));
    return seen;
  }

  const urgencyFlow = (send: string) => [
    { id: 'u1', type: 'twin-urgency', send, wires: [['critical'], ['warning'], ['normal']] },
    { id: 'critical', type: 'helper' }, { id: 'warning', type: 'helper' }, { id: 'normal', type: 'helper' },
  ];

  it('loads with defaults', async function () {
    await helper.load(urgencyNode, [{ id: 'u1', type: 'twin-urgency' }] as never);
    assert.ok(helper.getNode('u1'));
  });

  it('sends a decision to its level\'s output once per change, with the actions and the work order', async function () {
    await helper.load(urgencyNode, urgencyFlow('changes') as never);
    const seen = collect();
    const u1 = testNode('u1');
    [300, 200, 150, 140, 40, 30, 30].forEach((rul, i) => u1.receive({ payload: [estimate('spindle-1', rul, i)] }));
    u1.receive({ payload: estimate('pump-1', 300, 7, 100) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(seen.map(([port, d]) => [port, d.asset, d.level, d.workOrder?.action]), [
      [1, 'spindle-1', 'WARNING', 'open'], [0, 'spindle-1', 'CRITICAL', 'escalate'], [1, 'pump-1', 'WARNING', 'open'],
    ], 'a new CRITICAL fires once; the pump is judged on its interval\'s lower end (100 h)');
    assert.equal(seen[1][1].kind, 'urgency');
    assert.deepEqual(seen[1][1].actions, ['Schedule maintenance now', 'Pull spare parts from stores', 'Allocate a maintenance crew']);
  });

  it('sends every estimate to its level\'s output when asked, telling the changes apart', async function () {
    await helper.load(urgencyNode, urgencyFlow('every') as never);
    const seen = collect();
    const u1 = testNode('u1');
    [300, 100, 90].forEach((rul, i) => u1.receive({ payload: estimate('spindle-1', rul, i) }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(seen.map(([port, d]) => [port, d.level, d.changed]), [[2, 'NORMAL', false], [1, 'WARNING', true], [1, 'WARNING', false]]);
  });

  it('refuses input that is not RUL estimates', function (done) {
    helper.load(urgencyNode, urgencyFlow('changes') as never, () => {
      testNode('u1').on('call:error', (call: { firstArg: Error }) => {
        try {
          assert.match(call.firstArg.message, /expected msg.payload to be RUL estimates from twin-rul/);
          done();
        } catch (err) { done(err); }
      });
      testNode('u1').receive({ payload: [{ asset: 'x', rul: 3 }] });
    });
  });
});

describe('the model in use while another one loads', function () {
  this.timeout(20000);
  let dir: string;
  before(function () { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-model-swap-')); });
  after(function () { fs.rmSync(dir, { recursive: true, force: true }); });

  it('stays in use when the new file does not load, and is replaced once one does', async function () {
    const file = path.join(dir, 'rul.onnx');
    fs.writeFileSync(file, tinyRulModel(50));
    const provider = new ModelProvider({ kind: 'file', path: file });
    try {
      const first = await provider.current();
      const failed = once(provider, 'failed');
      fs.writeFileSync(file, Buffer.from('half a model, cut off by a full disk'));
      await provider.refresh();
      const [error] = (await failed) as [Error];
      assert.ok(error instanceof Error, 'the failed load is reported');
      assert.equal((await provider.current()).version, first.version, 'the model in use is kept');
      const replaced = once(provider, 'model');
      const next = tinyRulModel(80);
      fs.writeFileSync(file, next);
      await provider.refresh();
      await replaced;
      assert.equal((await provider.current()).version, contentVersion(new Uint8Array(next)));
      assert.notEqual((await provider.current()).version, first.version);
    } finally {
      await provider.close();
    }
  });
});

describe('the shipped default standing in for a model registry that does not answer', function () {
  this.timeout(120000);

  it('scores with the shipped default under the registry\'s name for it, says why, and hands over once the registry answers', async function () {
    if (!(await postgresAnswers())) this.skip();
    const { proxy, url } = await proxiedPostgres();
    const schema = uniqueSchema('twin_stand_in');
    proxy.cut();
    const connection = new HistorianConnection({ target: { kind: 'url', url, ssl: false }, poolMax: 2, schema, compressAfterDays: 7, retentionDays: undefined });
    // The link is cut, so the registry cannot answer within any patience: 100 ms only keeps the test short.
    const provider = new ModelProvider({ kind: 'registry', connection, defaultPath: DEFAULT_MODEL_FILE, pollMs: 600_000, patienceMs: 100 });
    try {
      const model = await provider.current();
      assert.equal(model.version, shippedDefaultVersion(new Uint8Array(fs.readFileSync(DEFAULT_MODEL_FILE))));
      assert.match(provider.standIn() ?? '', /no answer within 0.1 s/);
      const handedOver = once(provider, 'model');
      proxy.restore();
      await handedOver;
      assert.equal(provider.standIn(), undefined, 'the registry answered: its model is in use');
      assert.equal((await provider.current()).version, model.version, 'the registry registered the same shipped model, so nothing reloaded');
    } finally {
      await provider.close();
      await connection.close();
      await proxy.stop();
      await withClient(LOCAL_POSTGRES_URL, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    }
  });
});
