import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { modbusBlock, PUMP_ASSET, SPINDLE_ASSET } from '../lib/asset/presets';
import { describeFilter, parseAssetFilter, selectAssets } from '../lib/catalogue/asset-filter';
import { CatalogueIndex, hierarchyOf } from '../lib/catalogue/catalogue-index';
import { catalogueToJson, parseCatalogueJson } from '../lib/catalogue/catalogue-json';
import { loadCatalogueText, summariseLoad } from '../lib/catalogue/catalogue-load';
import { formatProblem, type AssetCatalogue, type CatalogueAsset, type CatalogueProblem } from '../lib/catalogue/catalogue-model';
import { modbusReadBlocks, opcuaSubscribeMessages } from '../lib/catalogue/source-messages';
import { parseTagCsv } from '../lib/catalogue/tag-csv';
import { parseMachineMix, plantCatalogue, plantMachines } from '../plant/machine-mix';
import { testNode } from './support/test-node';
import catalogueNode = require('../nodes/twin-catalogue/twin-catalogue');
import pollNode = require('../nodes/twin-poll/twin-poll');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const PLANT = plantCatalogue(plantMachines(parseMachineMix('spindle:30,pump:20'), { sensorsPerMachine: 20 }));

function asset(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, type: 'cnc-spindle', line: 'l1', modbusDevice: { unitId: 1 }, ratings: { nominalRpm: 12000 },
    sensors: [{ id: 'temp', unit: '°C', opcuaNodeId: `ns=1;s=${id}.Temp`, modbus: { address: 0, dataType: 'int16', scale: 0.1 } }], ...extra };
}

function problemsOf(problems: CatalogueProblem[]): string[] {
  return problems.map(formatProblem);
}

function expectProblem(problems: CatalogueProblem[], pattern: RegExp): void {
  assert.ok(problemsOf(problems).some((p) => pattern.test(p)), `${pattern} in:\n${problemsOf(problems).join('\n')}`);
}

describe('asset catalogue: JSON', function () {
  it('a 50-machine plant catalogue survives JSON unchanged and without a problem', function () {
    const text = catalogueToJson(PLANT);
    const load = parseCatalogueJson(text);
    assert.deepEqual(load.problems, []);
    assert.deepEqual(load.catalogue, PLANT);
    assert.equal(catalogueToJson(load.catalogue), text, 'writing it again gives the same file: clean diffs in version control');
    assert.equal(summariseLoad(load), '50 assets (1 site, 2 lines), 1050 sensors');
  });

  it('names the row and the field of each problem, skips only what is broken, and loads every other row', function () {
    const text = JSON.stringify({
      format: 'digital-twin-asset-catalogue', version: 1, site: 'plant-a',
      assets: [
        asset('good-1'),
        asset('9bad'),
        asset('good-1', { line: 'l2' }),
        asset('limits', { modbusDevice: { unitId: 2 }, sensors: [
          { id: 'temp', unit: '°C', warning: { high: 80 }, alarm: { high: 70 } },
          { id: 'speed', unit: 'rpm', modbus: { address: '12' } },
          { id: 'load', unit: '%', alarmHigh: 95 },
        ] }),
        asset('no-unit', { modbusDevice: undefined }),
        asset('same-registers', { sensors: [{ id: 'temp', unit: '°C', modbus: { address: 0, dataType: 'int16', wordOrder: 'big', scale: 1, offset: 0 } },
          { id: 'other', unit: '', opcuaNodeId: 'ns=1;s=good-1.Temp' }] }),
        asset('no-line', { line: undefined }),
        'not an asset',
        asset('good-2', { modbusDevice: { unitId: 3 }, cell: 'c1' }),
      ],
    });
    const { catalogue, problems } = parseCatalogueJson(text);
    assert.deepEqual(catalogue.assets.map((a) => a.id), ['good-1', 'limits', 'good-2']);
    assert.equal(catalogue.assets[0].site, 'plant-a', 'the catalogue\'s site is the default');
    assert.deepEqual(catalogue.assets[1].sensors.map((s) => s.id), ['load'], 'the asset keeps its valid sensor');
    expectProblem(problems, /^assets\[1\] \(asset "9bad"\), id: asset id "9bad" must start with a letter.*\(asset skipped\)$/);
    expectProblem(problems, /^assets\[2\] \(asset "good-1"\), id: asset id "good-1" is already used at assets\[0\] \(asset skipped\)$/);
    expectProblem(problems, /^assets\[3\]\.sensors\[0\] \(asset "limits" sensor "temp"\), alarm\.high: alarm high must not be below warning high \(sensor skipped\)$/);
    expectProblem(problems, /^assets\[3\]\.sensors\[1\] \(asset "limits" sensor "speed"\), modbus\.address: must be a number, got "12" \(sensor skipped\)$/);
    expectProblem(problems, /^assets\[3\]\.sensors\[2\] \(asset "limits" sensor "load"\), alarmHigh: unknown field \(value ignored\)$/);
    expectProblem(problems, /^assets\[4\] \(asset "no-unit"\), modbusDevice\.unitId: .*names no Modbus unit id/);
    expectProblem(problems, /^assets\[5\]\.sensors\[0\] .*modbus\.address: register 0 of Modbus unit 1 already belongs to good-1\/temp \(assets\[0\]\.sensors\[0\]\)/);
    expectProblem(problems, /^assets\[5\]\.sensors\[1\] .*opcuaNodeId: OPC UA node id "ns=1;s=good-1\.Temp" already belongs to good-1\/temp/);
    expectProblem(problems, /^assets\[5\] \(asset "same-registers"\), sensors: no sensor of the asset is valid \(asset skipped\)$/);
    expectProblem(problems, /^assets\[6\] \(asset "no-line"\), line: no line/);
    expectProblem(problems, /^assets\[7\], assets: an asset entry must be an object/);
  });

  it('refuses text that is not a catalogue at all, saying why', function () {
    expectProblem(parseCatalogueJson('{"assets": [').problems, /catalogue, text: not valid JSON/);
    expectProblem(parseCatalogueJson('[{"id": "n1", "type": "tab"}]').problems, /a catalogue is a JSON object/);
    expectProblem(parseCatalogueJson('{"format": "node-red-flow", "assets": []}').problems, /"node-red-flow" is not "digital-twin-asset-catalogue" \(nothing loaded\)/);
    expectProblem(parseCatalogueJson('{"version": 2, "assets": []}').problems, /version 2 is newer than this pack reads/);
  });
});

describe('asset catalogue: CSV tag lists', function () {
  it('reads a semicolon export with decimal commas, quoted fields, header aliases and a byte-order mark', function () {
    const csv = '\uFEFFMachine;Tag;Description;Unit;Address;DataType;Scale;Unit ID;Site;Line;Alarm High;Writable;Nominal RPM\n' +
      'press-1;oilTemp;"Oil temperature; sump";°C;10;int16;0,1;4;hall-2;presses;80,5;no;900\n' +
      'press-1;speed;"Ram speed\n(strokes)";spm;11;uint16;1;;;;;;\n' +
      'press-1;setpoint;Stroke setpoint;spm;12;uint16;1;;;;;rw;\n';
    const { catalogue, problems } = parseTagCsv(csv);
    assert.deepEqual(problems, []);
    const press = catalogue.assets[0];
    assert.equal(press.id, 'press-1');
    assert.deepEqual([press.site, press.line, press.modbusDevice, press.ratings.nominalRpm], ['hall-2', 'presses', { unitId: 4 }, 900]);
    assert.deepEqual(press.sensors[0], { id: 'oilTemp', name: 'Oil temperature; sump', unit: '°C', kind: 'scalar', alarm: { high: 80.5 },
      modbus: { address: 10, dataType: 'int16', wordOrder: 'big', scale: 0.1, offset: 0 } });
    assert.equal(press.sensors[1].name, 'Ram speed\n(strokes)');
    assert.equal(press.sensors[2].modbus?.writable, true);
  });

  it('skips a bad row with its line number and column, keeps the asset\'s good rows, reports conflicting asset columns', function () {
    const csv = [
      'asset,sensor,unit,modbus_address,modbus_type,modbus_unit_id,site,line,range_min,colour',
      'pump-1,flow,m3/h,0,uint16,5,plant,utilities,,red',
      '"pump-1","note, with ""quotes""\nover two lines",,,,,,,,',
      'pump-1,pressure,bar,x,uint16,,,,,',
      'pump-1,current,A,2,uint64,,,,,',
      ',orphan,A,3,uint16,,,,,',
      'pump-1,power,kW,4,float32,6,plant,utilities,,',
      '# a comment row',
      'pump-2,flow,m3/h,0,uint16,7,plant,utilities,,',
      'pump-3,level,m,,,,plant,utilities,5,',
    ].join('\n');
    const { catalogue, problems } = parseTagCsv(csv);
    assert.deepEqual(catalogue.assets.map((a) => [a.id, a.sensors.map((s) => s.id)]), [['pump-1', ['flow', 'power']], ['pump-2', ['flow']]]);
    assert.deepEqual(catalogue.assets[0].modbusDevice, { unitId: 5 }, 'the first unit id given is kept');
    expectProblem(problems, /^line 1, colour: unknown column \(value ignored\)$/);
    expectProblem(problems, /^line 3 \(asset "pump-1" sensor "note, with "quotes"\nover two lines"\), sensor: id must start with a letter/);
    expectProblem(problems, /^line 5 \(asset "pump-1" sensor "pressure"\), modbus_address: "x" is not a number \(row skipped\)$/);
    expectProblem(problems, /^line 6 \(asset "pump-1" sensor "current"\), modbus_type: "uint64" is not one of uint16, int16, uint32, int32, float32 \(row skipped\)$/);
    expectProblem(problems, /^line 7 \(sensor "orphan"\), asset: no asset id \(row skipped\)$/);
    expectProblem(problems, /^line 8 \(asset "pump-1"\), modbus_unit_id: "6" differs from "5" on line 2, which is kept \(value ignored\)$/);
    expectProblem(problems, /^line 11 \(asset "pump-3" sensor "level"\), range_max: a range needs both min and max \(row skipped\)$/);
    expectProblem(problems, /^line 11 \(asset "pump-3"\), sensors: the asset has no sensors \(asset skipped\)$/);
  });

  it('refuses a tag list without asset and sensor columns', function () {
    expectProblem(parseTagCsv('name,address\nx,1\n').problems, /^line 1, asset, sensor: a tag list needs an asset and a sensor column \(nothing loaded\)$/);
  });

  it('imports a tag list into a kept catalogue: sensors replaced, place, unit id and ratings kept, new assets appended', function () {
    const base = parseCatalogueJson(catalogueToJson({ site: 'plant-a', assets: [
      { id: 'spindle-1', name: 'Spindle 1', type: 'cnc-spindle', site: 'plant-a', line: 'machining', cell: 'c1', modbusDevice: { unitId: 1 },
        ratings: { nominalRpm: 12000, machineGroup: 2 }, bearing: SPINDLE_ASSET.bearing, sensors: SPINDLE_ASSET.sensors },
    ] })).catalogue;
    const csv = 'asset,sensor,unit,opcua_node_id,line,modbus_unit_id\nspindle-1,bearingTemp,°C,ns=1;s=Spindle.BearingTemp,,\nspindle-2,bearingTemp,°C,ns=1;s=S2.BearingTemp,machining,2\n';
    const merged = loadCatalogueText(csv, 'auto', base);
    assert.equal(merged.format, 'csv');
    assert.deepEqual(merged.problems, []);
    const [one, two] = merged.catalogue.assets;
    assert.deepEqual([one.id, one.site, one.line, one.cell, one.modbusDevice, one.ratings, one.bearing, one.sensors.map((s) => s.id)],
      ['spindle-1', 'plant-a', 'machining', 'c1', { unitId: 1 }, { nominalRpm: 12000, machineGroup: 2 }, SPINDLE_ASSET.bearing, ['bearingTemp']]);
    assert.deepEqual([two.id, two.site, two.line, two.modbusDevice], ['spindle-2', 'plant-a', 'machining', { unitId: 2 }]);
  });
});

describe('asset catalogue: filters, hierarchy, lookups', function () {
  it('selects every asset, a line, a type, glob ids, and combinations', function () {
    assert.equal(selectAssets(PLANT, '').length, 50);
    assert.equal(selectAssets(PLANT, '*').length, 50);
    assert.equal(selectAssets(PLANT, 'line=machining').length, 30);
    assert.equal(selectAssets(PLANT, 'type=centrifugal-pump').length, 20);
    assert.deepEqual(selectAssets(PLANT, 'id=pump-1*').map((a) => a.id), ['pump-1', 'pump-10', 'pump-11', 'pump-12', 'pump-13', 'pump-14', 'pump-15', 'pump-16', 'pump-17', 'pump-18', 'pump-19']);
    assert.deepEqual(selectAssets(PLANT, 'line=machining cell=cell-3 id=spindle-21,spindle-25,pump-3').map((a) => a.id), ['spindle-21', 'spindle-25']);
    assert.equal(describeFilter(parseAssetFilter('line=machining type=cnc-spindle,x')), 'line machining, type cnc-spindle or x');
    // Every asset but the two the reference flow shows on tabs of their own.
    assert.equal(selectAssets(PLANT, 'id!=spindle-1,pump-1').length, 48);
    assert.deepEqual(selectAssets(PLANT, 'type=centrifugal-pump id!=pump-1*').map((a) => a.id), ['pump-2', 'pump-3', 'pump-4', 'pump-5', 'pump-6', 'pump-7', 'pump-8', 'pump-9', 'pump-20']);
    assert.equal(describeFilter(parseAssetFilter('id!=spindle-1,pump-1')), 'id not spindle-1 nor pump-1');
    assert.throws(() => parseAssetFilter('machining'), /term "machining" must be key=value \(keys: id, type, site, line, cell\)/);
    assert.throws(() => parseAssetFilter('lin=a'), /key "lin" is unknown/);
    assert.throws(() => parseAssetFilter('line=a line=b'), /names "line" twice/);
  });

  it('groups site > line > cell and finds the asset of a node id and of a Modbus unit', function () {
    const [site] = hierarchyOf(PLANT.assets);
    assert.equal(site.site, 'demo-plant');
    assert.deepEqual(site.lines.map((l) => [l.line, l.cells.map((c) => `${c.cell}:${c.assets.length}`)]),
      [['machining', ['cell-1:10', 'cell-2:10', 'cell-3:10']], ['utilities', ['cell-1:10', 'cell-2:10']]]);
    const index = new CatalogueIndex(PLANT.assets);
    assert.deepEqual(index.byOpcuaNodeId('ns=1;s=pump-7.BearingTemp') && [index.byOpcuaNodeId('ns=1;s=pump-7.BearingTemp')!.asset.id, index.byOpcuaNodeId('ns=1;s=pump-7.BearingTemp')!.sensor.id], ['pump-7', 'bearingTemp']);
    assert.equal(index.byOpcuaNodeId('ns=1;s=Spindle.Speed')?.asset.id, 'spindle-1');
    assert.deepEqual(index.byModbusDevice(1).map((a) => a.id), ['spindle-1', 'pump-1'], 'the first spindle and pump share unit 1, as today');
    assert.equal(index.byModbusDevice(31)[0].id, 'pump-2');
  });
});

describe('asset catalogue: messages for node-red-contrib-opcua and -modbus', function () {
  it('builds grouped OPC UA subscriptions, an asset never split, at most the items per message asked for', function () {
    const messages = opcuaSubscribeMessages(PLANT.assets, { maxItemsPerMessage: 500, intervalMs: 1000 });
    const items = PLANT.assets.reduce((n, a) => n + a.sensors.filter((s) => s.opcuaNodeId).length, 0);
    assert.equal(messages.reduce((n, m) => n + m.payload.length, 0), items);
    assert.ok(messages.every((m) => m.topic === 'multiple' && m.interval === 1000 && m.payload.length <= 500));
    assert.deepEqual(messages.flatMap((m) => m.assets), PLANT.assets.map((a) => a.id));
    const waveforms = opcuaSubscribeMessages(PLANT.assets, { kind: 'waveform' });
    assert.equal(waveforms.length, 1);
    assert.equal(waveforms[0].payload.length, 50);
  });

  it('reads each asset\'s registers in blocks within the Modbus limits', function () {
    const blocks = modbusReadBlocks(PLANT.assets);
    assert.equal(blocks.length, 50);
    const spindle = blocks.find((b) => b.asset === 'spindle-1')!;
    assert.deepEqual({ address: spindle.address, quantity: spindle.quantity, unitId: spindle.unitId }, { address: 0, quantity: 25, unitId: 1 });
    const defaults = modbusReadBlocks([{ ...SPINDLE_ASSET, site: 's', line: 'l', modbusDevice: { unitId: 1 } }, { ...PUMP_ASSET, site: 's', line: 'l', modbusDevice: { unitId: 1 } }]);
    assert.deepEqual(defaults.map((b) => ({ start: b.address, quantity: b.quantity })), [modbusBlock(SPINDLE_ASSET), modbusBlock(PUMP_ASSET)]);
    const sparse: CatalogueAsset = { id: 'm', name: 'm', type: 't', site: 's', line: 'l', ratings: {}, modbusDevice: { unitId: 9 },
      sensors: [0, 10, 40, 200, 320].map((address, i) => ({ id: `s${i}`, name: '', unit: '', kind: 'scalar' as const, modbus: { address, dataType: 'float32' as const, wordOrder: 'big' as const, scale: 1, offset: 0 } })) };
    assert.deepEqual(modbusReadBlocks([sparse]).map((b) => [b.address, b.quantity]), [[0, 12], [40, 2], [200, 2], [320, 2]]);
    assert.deepEqual(modbusReadBlocks([sparse], { maxGap: 200 }).map((b) => [b.address, b.quantity]), [[0, 42], [200, 122]]);
  });
});

describe('twin-catalogue node', function () {
  let userDir: string;
  before(function () {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-catalogue-'));
    helper.settings({ userDir });
  });
  after(function () {
    helper.settings({});
    fs.rmSync(userDir, { recursive: true, force: true });
  });
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  type CatalogueNode = { catalogue: AssetCatalogue; problems: CatalogueProblem[]; failure?: string };

  it('loads with defaults and says the empty catalogue holds no asset', async function () {
    await helper.load(catalogueNode, [{ id: 'c1', type: 'twin-catalogue' }] as never);
    assert.equal((helper.getNode('c1') as unknown as CatalogueNode).failure, 'the catalogue holds no valid asset');
  });

  it('loads an inline catalogue, warning about each bad row while the others load', async function () {
    const text = JSON.stringify({ site: 's', assets: [asset('a1'), asset('a1'), asset('a2', { modbusDevice: { unitId: 2 } })] });
    await helper.load(catalogueNode, [{ id: 'c1', type: 'twin-catalogue', source: 'inline', catalogue: text }] as never);
    const node = helper.getNode('c1') as unknown as CatalogueNode & { warn: { args: unknown[][] } };
    assert.deepEqual(node.catalogue.assets.map((a) => a.id), ['a1', 'a2']);
    assert.equal(node.failure, undefined);
    assert.match(String(node.warn.args[0][0]), /assets\[1\] \(asset "a1"\), id: asset id "a1" is already used/);
  });

  it('reads a file relative to the user directory, a CSV tag list too, and reports a missing file', async function () {
    fs.writeFileSync(path.join(userDir, 'plant.json'), catalogueToJson(PLANT));
    fs.writeFileSync(path.join(userDir, 'tags.csv'), 'asset,sensor,site,line\nm1,temp,s,l\n');
    await helper.load(catalogueNode, [
      { id: 'json', type: 'twin-catalogue', source: 'file', file: 'plant.json' },
      { id: 'csv', type: 'twin-catalogue', source: 'file', file: path.join(userDir, 'tags.csv') },
      { id: 'missing', type: 'twin-catalogue', source: 'file', file: 'nowhere.json' },
    ] as never);
    assert.equal((helper.getNode('json') as unknown as CatalogueNode).catalogue.assets.length, 50);
    assert.deepEqual((helper.getNode('csv') as unknown as CatalogueNode).catalogue.assets.map((a) => a.id), ['m1']);
    assert.match((helper.getNode('missing') as unknown as CatalogueNode).failure ?? '', /cannot read the catalogue file .*nowhere\.json/);
  });

  it('checks pasted CSV for the editor: the JSON to store, a summary and each problem', async function () {
    await helper.load(catalogueNode, [{ id: 'c1', type: 'twin-catalogue', source: 'inline', catalogue: catalogueToJson(PLANT) }] as never);
    const res = await helper.request().post('/twin-catalogue/check')
      .send({ text: 'asset;sensor;site;line;modbus_address\nm1;temp;s;l;\nm1;speed;s;l;-4\n', format: 'auto' }).expect(200);
    const body = res.body as { format: string; summary: string; json: string; problems: Array<{ text: string; error: boolean }> };
    assert.equal(body.format, 'csv');
    assert.equal(body.summary, '1 asset (1 site, 1 line), 1 sensor; 1 problem');
    assert.deepEqual(parseCatalogueJson(body.json).catalogue.assets.map((a) => a.sensors.map((s) => s.id)), [['temp']]);
    assert.deepEqual(body.problems, [{ text: 'line 3 (asset "m1" sensor "speed"), modbus_address: modbus address must be 0-65535 (row skipped)', error: true }]);
    fs.writeFileSync(path.join(userDir, 'plant.json'), catalogueToJson(PLANT));
    const file = await helper.request().post('/twin-catalogue/check-file').send({ file: 'plant.json' }).expect(200);
    assert.equal((file.body as { summary: string }).summary, '50 assets (1 site, 2 lines), 1050 sensors');
    await helper.request().post('/twin-catalogue/check-file').send({ file: '/etc/passwd' }).expect(400);
  });
});

describe('twin-poll node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('loads with defaults and says which catalogue is missing', async function () {
    await helper.load([catalogueNode, pollNode], [{ id: 'p1', type: 'twin-poll' }] as never);
    const statuses: Array<{ text?: string }> = [];
    const poll = testNode('p1');
    poll.on('call:status', (call: { firstArg: { text?: string } }) => statuses.push(call.firstArg));
    poll.receive({ payload: [1, 2] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(statuses.some((s) => /no twin-catalogue configured/.test(s.text ?? '')), JSON.stringify(statuses));
  });

  it('refuses a filter that matches no asset of the catalogue, naming it', async function () {
    await helper.load([catalogueNode, pollNode], [
      { id: 'c1', type: 'twin-catalogue', source: 'inline', catalogue: catalogueToJson(PLANT) },
      { id: 'p1', type: 'twin-poll', catalogue: 'c1', filter: 'line=packing', periodS: '1', timeoutS: '3', backoffMaxS: '10', wires: [[], []] },
    ] as never);
    const poll = helper.getNode('p1') as unknown as { error: { args: unknown[][] } };
    assert.match(String(poll.error.args[0][0]), /the catalogue has no asset matching line packing/);
  });
});
