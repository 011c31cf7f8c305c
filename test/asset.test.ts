import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import { validateAsset, type AssetDefinition } from '../lib/asset/asset-model';
import { PLANT_ASSETS, PUMP_ASSET, SPINDLE_ASSET, modbusBlock } from '../lib/asset/presets';
import assetNode = require('../nodes/twin-asset/twin-asset');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

describe('asset definitions', function () {
  it('the simulated plant presets are valid', function () {
    for (const asset of PLANT_ASSETS) assert.deepEqual(validateAsset(asset), [], asset.id);
  });

  it('reports every problem of a broken definition at once', function () {
    const broken: AssetDefinition = {
      ...SPINDLE_ASSET,
      id: '9bad id',
      sensors: [
        { id: 'temp', name: 'T', unit: '°C', kind: 'scalar', warning: { high: 80 }, alarm: { high: 70 } },
        { id: 'temp', name: 'T2', unit: '°C', kind: 'scalar', range: { min: 10, max: 5 } },
        { id: 'wave', name: 'W', unit: 'g', kind: 'waveform' },
        { id: 'reg', name: 'R', unit: '', kind: 'scalar', modbus: { address: 70000, dataType: 'uint16', wordOrder: 'big', scale: 0, offset: 0 } },
      ],
    };
    const problems = validateAsset(broken);
    const expected = [/asset id "9bad id"/, /alarm high must not be below warning high/, /"temp" is used twice/,
      /range min must be below max/, /needs a sample rate/, /address must be 0-65535/, /scale must be a non-zero/];
    for (const pattern of expected) assert.ok(problems.some((p) => pattern.test(p)), `${pattern} in ${problems.join(' | ')}`);
  });

  it('a register block covers every mapped register, 32-bit values included', function () {
    assert.deepEqual(modbusBlock(SPINDLE_ASSET), { start: 0, quantity: 16 });
    assert.deepEqual(modbusBlock(PUMP_ASSET), { start: 100, quantity: 10 });
  });
});

describe('twin-asset node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('loads a preset definition', async function () {
    const flow = [{ id: 'a1', type: 'twin-asset', name: 'Spindle', assetId: 'spindle-1', assetType: 'cnc-spindle',
      nominalRpm: '12000', machineGroup: '2', mounting: 'rigid', bearingElements: '18', bearingRollerMm: '11.1',
      bearingPitchMm: '92.5', bearingAngleDeg: '15', sensors: SPINDLE_ASSET.sensors }];
    await helper.load(assetNode, flow);
    const node = helper.getNode('a1') as unknown as { definition: AssetDefinition; problems: string[] };
    assert.deepEqual(node.problems, []);
    assert.equal(node.definition.id, 'spindle-1');
    assert.equal(node.definition.ratings.nominalRpm, 12000);
    assert.equal(node.definition.ratings.machineGroup, 2);
    assert.deepEqual(node.definition.bearing, { rollingElements: 18, rollerDiameterMm: 11.1, pitchDiameterMm: 92.5, contactAngleDeg: 15 });
    assert.equal(node.definition.sensors.length, SPINDLE_ASSET.sensors.length);
  });

  it('loads with defaults and reports the missing sensors as an error', async function () {
    const flow = [{ id: 'a1', type: 'twin-asset', assetId: 'm1' }];
    await helper.load(assetNode, flow);
    const node = helper.getNode('a1') as unknown as { problems: string[] };
    assert.ok(node.problems.some((p) => /has no sensors/.test(p)));
  });

  it('serves the plant presets to the editor', async function () {
    const flow = [{ id: 'a1', type: 'twin-asset', assetId: 'spindle-1', sensors: SPINDLE_ASSET.sensors }];
    await helper.load(assetNode, flow);
    const res = await helper.request().get('/twin-asset/presets').expect(200);
    const ids = (res.body as AssetDefinition[]).map((a) => a.id);
    assert.deepEqual(ids, PLANT_ASSETS.map((a) => a.id));
  });
});
