/**
 * One node for a whole plant: twin-subscribe, twin-ingest, twin-threshold and twin-features serving every asset of a
 * catalogue (issue 16, "one flow for N machines"), and a malformed catalogue row that costs only its asset.
 */
import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import { catalogueToJson } from '../lib/catalogue/catalogue-json';
import { parseMachineMix, plantCatalogue, plantMachines } from '../plant/machine-mix';
import { PLANT_FEATURE_PERIOD_S, plantFeatureSettings } from '../plant/feature-settings';
import { testNode } from './support/test-node';
import catalogueNode = require('../nodes/twin-catalogue/twin-catalogue');
import featuresNode = require('../nodes/twin-features/twin-features');
import ingestNode = require('../nodes/twin-ingest/twin-ingest');
import subscribeNode = require('../nodes/twin-subscribe/twin-subscribe');
import thresholdNode = require('../nodes/twin-threshold/twin-threshold');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const PLANT = plantCatalogue(plantMachines(parseMachineMix('spindle:30,pump:20')));
const NODES = [catalogueNode, subscribeNode, ingestNode, thresholdNode, featuresNode];
const FLEET = 'id!=spindle-1,pump-1';

interface Received { topic?: string; payload: unknown }

function collect(id: string): Received[] {
  const received: Received[] = [];
  testNode(id).on('input', (msg: Received) => received.push(msg));
  return received;
}

describe('nodes serving every asset of a catalogue', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('subscribes the node ids of every asset the filter matches, and nothing when it matches none', async function () {
    const twoMachines = plantCatalogue(plantMachines(parseMachineMix('spindle:1,pump:1')));
    await helper.load(NODES, [
      { id: 'c50', type: 'twin-catalogue', source: 'inline', catalogue: catalogueToJson(PLANT) },
      { id: 'c2', type: 'twin-catalogue', source: 'inline', catalogue: catalogueToJson(twoMachines) },
      { id: 's50', type: 'twin-subscribe', catalogue: 'c50', filter: FLEET, kind: 'all', wires: [['out50']] },
      { id: 's2', type: 'twin-subscribe', catalogue: 'c2', filter: FLEET, kind: 'all', wires: [['out2']] },
      { id: 'out50', type: 'helper' },
      { id: 'out2', type: 'helper' },
    ] as never);
    const fifty = collect('out50');
    const two = collect('out2');
    testNode('s50').receive({ status: 'session active' });
    testNode('s2').receive({ status: 'session active' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const subscribed = fifty.flatMap((m) => (m.payload as Array<{ nodeId: string }>).map((item) => item.nodeId));
    const expected = PLANT.assets.filter((a) => a.id !== 'spindle-1' && a.id !== 'pump-1').flatMap((a) => a.sensors.filter((s) => s.opcuaNodeId).map((s) => s.opcuaNodeId));
    assert.deepEqual(subscribed, expected);
    assert.ok(fifty.every((m) => m.topic === 'multiple' && (m.payload as unknown[]).length <= 500), 'topic "multiple", at most 500 node ids a message');
    assert.deepEqual(two, [], 'a filter that matches no asset of a two-machine plant subscribes nothing');
  });

  it('tells each value\'s asset by its node id or topic, and refuses a message no asset owns', async function () {
    await helper.load(NODES, [
      { id: 'c1', type: 'twin-catalogue', source: 'inline', catalogue: catalogueToJson(PLANT) },
      { id: 'i1', type: 'twin-ingest', asset: '', catalogue: 'c1', filter: FLEET, source: 'auto', missingTimestamp: 'arrival', property: 'payload', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ] as never);
    const out = collect('out');
    const ingest = testNode('i1');
    ingest.receive({ topic: 'ns=1;s=pump-7.BearingTemp', payload: 61.5, sourceTimestamp: new Date() });
    ingest.receive({ topic: 'ns=1;s=spindle-12.Speed', payload: 11000, sourceTimestamp: new Date() });
    ingest.receive({ topic: 'ns=1;s=Spindle.Speed', payload: 11000, sourceTimestamp: new Date() });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const readings = out.map((m) => (m.payload as Array<{ asset: string; sensor: string; value: number }>)[0]);
    assert.deepEqual(readings.map((r) => [r.asset, r.sensor, r.value]), [['pump-7', 'bearingTemp', 61.5], ['spindle-12', 'speed', 11000]]);
    assert.deepEqual(out.map((m) => m.topic), ['pump-7', 'spindle-12']);
    const errors = (helper.getNode('i1') as unknown as { warn: { args: unknown[][] }; error: { args: unknown[][] } });
    const said = [...errors.warn.args, ...errors.error.args].map((a) => String(a[0])).join('\n');
    assert.match(said, /topic "ns=1;s=Spindle\.Speed": no asset of the catalogue owns it/, 'spindle-1 is left out by the filter');
  });

  it('keeps every asset\'s alerts and features apart', async function () {
    this.timeout(20000);
    await helper.load(NODES, [
      { id: 'c1', type: 'twin-catalogue', source: 'inline', catalogue: catalogueToJson(PLANT) },
      { id: 't1', type: 'twin-threshold', asset: '', catalogue: 'c1', filter: FLEET, sensors: '', staleAfterS: '0', ignoreHistorical: true, wires: [['events'], ['active']] },
      { id: 'f1', type: 'twin-features', asset: '', catalogue: 'c1', filter: `type=centrifugal-pump ${FLEET}`, periodS: PLANT_FEATURE_PERIOD_S,
        ...plantFeatureSettings('pump-1'), warmUpS: '0', wires: [['vectors'], []] },
      { id: 'events', type: 'helper' },
      { id: 'active', type: 'helper' },
      { id: 'vectors', type: 'helper' },
    ] as never);
    const events = collect('events');
    const vectors = collect('vectors');
    const now = Date.now();
    const unit = (asset: string, sensor: string): string => PLANT.assets.find((a) => a.id === asset)?.sensors.find((s) => s.id === sensor)?.unit ?? '';
    const reading = (asset: string, sensor: string, value: number, ts: number): Record<string, unknown> => ({ asset, sensor, unit: unit(asset, sensor), value, ts, quality: 'good' });
    // pump-7's bearing runs over its 90 °C alarm limit for longer than the limit's 10 s; pump-8's stays normal.
    for (const asset of ['pump-7', 'pump-8']) {
      for (let s = 12; s >= 0; s -= 2) testNode('t1').receive({ payload: [reading(asset, 'bearingTemp', asset === 'pump-7' ? 95 : 50, now - s * 1000)] });
    }
    for (const asset of ['pump-7', 'pump-8']) {
      testNode('f1').receive({ payload: [reading(asset, 'state', 1, now), reading(asset, 'bearingTemp', asset === 'pump-7' ? 95 : 50, now), reading(asset, 'speed', 2970, now)] });
    }
    testNode('f1').receive({ topic: 'emit' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const raised = events.map((m) => m.payload as { asset: string; sensor: string; level: string });
    assert.ok(raised.some((e) => e.asset === 'pump-7' && e.sensor === 'bearingTemp' && e.level === 'alarm'), JSON.stringify(raised));
    assert.ok(raised.every((e) => e.asset === 'pump-7'), `only pump-7 raised: ${JSON.stringify(raised)}`);
    const byAsset = new Map(vectors.map((m) => { const v = m.payload as { asset: string; features: Record<string, number> }; return [v.asset, v.features]; }));
    assert.deepEqual([...byAsset.keys()].sort(), ['pump-7', 'pump-8']);
    assert.equal(byAsset.get('pump-7')!['bearingTemp.mean.1h'], 95);
    assert.equal(byAsset.get('pump-8')!['bearingTemp.mean.1h'], 50);
    // twin-features for pumps passes over a spindle's readings (another node's filter takes spindles); an asset the
    // catalogue does not know is refused, naming it.
    const before = vectors.length;
    testNode('f1').receive({ payload: [reading('spindle-3', 'bearingTemp', 50, now)] });
    testNode('f1').receive({ topic: 'emit' });
    testNode('t1').receive({ payload: [reading('press-9', 'bearingTemp', 50, now)] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(vectors.slice(before).map((m) => (m.payload as { asset: string }).asset).sort(), ['pump-7', 'pump-8']);
    const thresholdErrors = (helper.getNode('t1') as unknown as { error: { args: unknown[][] } }).error.args.map((a) => String(a[0]));
    assert.ok(thresholdErrors.some((e) => /asset "press-9" is not in the catalogue \(this node serves 48 assets/.test(e)), thresholdErrors.join('\n'));
    assert.ok(!thresholdErrors.some((e) => /spindle-3/.test(e)), `no node refused spindle-3's readings: ${thresholdErrors.join('\n')}`);
  });

  it('serves the other assets of a catalogue with a malformed row, and says which row and why', async function () {
    const catalogue = JSON.parse(catalogueToJson(PLANT)) as { assets: Array<Record<string, unknown>> };
    // pump-9's unit id is no number: its row is skipped, every other asset still loads.
    catalogue.assets.find((a) => a.id === 'pump-9')!.modbusDevice = { unitId: 'nine' };
    await helper.load(NODES, [
      { id: 'c1', type: 'twin-catalogue', source: 'inline', catalogue: JSON.stringify(catalogue) },
      { id: 'i1', type: 'twin-ingest', asset: '', catalogue: 'c1', filter: '', source: 'auto', missingTimestamp: 'arrival', property: 'payload', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ] as never);
    const catalogueNodeState = helper.getNode('c1') as unknown as { problems: Array<{ where: string; asset?: string; field?: string; message: string }>; catalogue: { assets: unknown[] } };
    assert.equal(catalogueNodeState.catalogue.assets.length, 49);
    assert.ok(catalogueNodeState.problems.some((p) => p.asset === 'pump-9'), JSON.stringify(catalogueNodeState.problems));
    const out = collect('out');
    testNode('i1').receive({ topic: 'ns=1;s=pump-8.BearingTemp', payload: 40, sourceTimestamp: new Date() });
    testNode('i1').receive({ topic: 'ns=1;s=pump-9.BearingTemp', payload: 40, sourceTimestamp: new Date() });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(out.map((m) => m.topic), ['pump-8']);
  });
});
