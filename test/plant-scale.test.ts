/**
 * The simulated plant at 50 machines: one OPC UA server and one Modbus server with a unit id per machine, every
 * machine with its own wear, life and faults, read by real clients; the catalogue it writes matches what it serves.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import ModbusRTU from 'modbus-serial';
import { AttributeIds, OPCUAClient, StatusCodes, type ClientSession } from 'node-opcua';
import type { BearingGeometry } from '../lib/asset/asset-model';
import { bearingDefectFrequencies } from '../lib/asset/bearing-frequencies';
import { PUMP_ASSET, SPINDLE_ASSET } from '../lib/asset/presets';
import { CatalogueIndex } from '../lib/catalogue/catalogue-index';
import { parseCatalogueJson } from '../lib/catalogue/catalogue-json';
import type { CatalogueAsset } from '../lib/catalogue/catalogue-model';
import { modbusReadBlocks, opcuaSubscribeMessages } from '../lib/catalogue/source-messages';
import { Random } from '../lib/math/random';
import { decodeRegisters } from '../lib/modbus/register-codec';
import { DEFAULT_MACHINE_MIX, parseMachineMix, plantMachines } from '../plant/machine-mix';
import { accelerationBlock } from '../plant/physics/waveform';
import { startPlant, type Plant } from '../plant/plant';
import { contribNode } from './support/core-nodes';
import { testNode } from './support/test-node';
import { until } from './support/until';
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const root = path.resolve(__dirname, '..', '..');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('plant machine mix', function () {
  it('the default mix is today\'s plant: spindle-1 and pump-1 with the presets\' tag map on unit 1', function () {
    const [spindle, pump] = plantMachines(DEFAULT_MACHINE_MIX).map((m) => m.asset);
    assert.deepEqual(spindle.sensors, SPINDLE_ASSET.sensors);
    assert.deepEqual(pump.sensors, PUMP_ASSET.sensors);
    assert.deepEqual([spindle.id, pump.id, spindle.modbusDevice, pump.modbusDevice], ['spindle-1', 'pump-1', { unitId: 1 }, { unitId: 1 }]);
  });

  it('gives every further machine its own unit id and node ids, pads to the sensor count asked, and says what is wrong with a mix', function () {
    const machines = plantMachines(parseMachineMix('pump:3,spindle:2'), { sensorsPerMachine: 20, waveformRate: 25600 });
    assert.deepEqual(machines.map((m) => `${m.asset.id}@${m.asset.modbusDevice?.unitId}`), ['pump-1@1', 'pump-2@2', 'pump-3@3', 'spindle-1@1', 'spindle-2@4']);
    const pump3 = machines[2].asset;
    assert.equal(pump3.sensors.filter((s) => s.kind === 'scalar').length, 20);
    assert.equal(pump3.sensors.find((s) => s.id === 'bearingTemp')?.opcuaNodeId, 'ns=1;s=pump-3.BearingTemp');
    assert.equal(pump3.sensors.find((s) => s.kind === 'waveform')?.sampleRate, 25600);
    assert.deepEqual(pump3.sensors.find((s) => s.id === 'ambientTemp')?.modbus, { address: 110, dataType: 'int16', wordOrder: 'big', scale: 0.1, offset: 0 });
    assert.throws(() => parseMachineMix('spindle:3,press:2'), /unknown machine type "press": the plant simulates spindle, pump/);
    assert.throws(() => parseMachineMix('spindle=3'), /--machines takes <type>:<count>/);
    assert.throws(() => parseMachineMix('spindle:200,pump:60'), /260 machines need 259 Modbus unit ids; the plant has at most 247/);
    assert.throws(() => plantMachines(parseMachineMix('pump:1'), { sensorsPerMachine: 21 }), /a pump has 8 sensors and 12 auxiliary channels, at most 20/);
  });
});

/** The accelerometer block computed sample by sample with Math.sin and Math.exp, as the generator did before its recurrences. */
function directBlock(source: { rpm: number; velocityMmS: number; wear: number }, bearing: BearingGeometry, sampleRate: number, length: number, random: Random): Float32Array {
  const block = new Float32Array(length);
  const shaftHz = source.rpm / 60;
  const phase = random.next() * 2 * Math.PI;
  const peak = (velocity: number, hz: number): number => (velocity * Math.SQRT2 * 2 * Math.PI * hz) / 9806.65;
  const a1 = peak(source.velocityMmS * 0.95, shaftHz);
  const a2 = peak(source.velocityMmS * 0.31, 2 * shaftHz);
  for (let i = 0; i < length; i++) {
    const t = i / sampleRate;
    block[i] = a1 * Math.sin(2 * Math.PI * shaftHz * t + phase) + a2 * Math.sin(4 * Math.PI * shaftHz * t + 2 * phase);
  }
  const period = sampleRate / bearingDefectFrequencies(bearing, source.rpm).bpfo;
  const amplitudeG = 0.04 + 2.2 * Math.pow(source.wear, 1.5);
  for (let start = random.next() * period; start < length; start += period) {
    const first = Math.ceil(start);
    const amplitude = amplitudeG * (0.9 + 0.2 * random.next());
    for (let i = first; i < Math.min(length, first + Math.ceil((5 / 900) * sampleRate)); i++) {
      const tau = (i - start) / sampleRate;
      block[i] += amplitude * Math.exp(-900 * tau) * Math.sin(2 * Math.PI * 3000 * tau);
    }
  }
  for (let i = 0; i < length; i++) block[i] += 0.03 * random.gaussian();
  return block;
}

describe('accelerometer block', function () {
  it('is the damped-impulse signal sample by sample, at 12.8 and 25.6 kHz', function () {
    for (const [asset, rpm, rate] of [[SPINDLE_ASSET, 12000, 25600], [PUMP_ASSET, 2970, 12800]] as const) {
      const source = { rpm, velocityMmS: 2.4, wear: 0.5 };
      const fast = accelerationBlock(source, asset.bearing, rate, rate, new Random(9));
      const direct = directBlock(source, asset.bearing!, rate, rate, new Random(9));
      const worst = fast.reduce((max, v, i) => Math.max(max, Math.abs(v - direct[i])), 0);
      assert.ok(worst < 1e-5, `${asset.id}: largest difference ${worst} g`);
    }
  });
});

describe('plant of 50 machines', function () {
  this.timeout(120_000);
  let plant: Plant;
  let client: OPCUAClient;
  let session: ClientSession;
  const modbus = new ModbusRTU();
  const asset = (id: string): CatalogueAsset => plant.catalogue.assets.find((a) => a.id === id)!;

  before(async function () {
    plant = await startPlant({ opcuaPort: 0, modbusPort: 0, seed: 3, machines: parseMachineMix('spindle:30,pump:20'), sensorsPerMachine: 20, startProgram: {} });
    client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 1, initialDelay: 200, maxDelay: 500 } });
    await client.connect(plant.opcuaEndpoint);
    session = await client.createSession();
    await modbus.connectTCP('127.0.0.1', { port: plant.modbusPort });
    modbus.setTimeout(1000);
  });

  after(async function () {
    modbus.close(() => undefined);
    await session?.close().catch(() => undefined);
    await client?.disconnect().catch(() => undefined);
    await plant?.stop();
  });

  async function readOpcua(nodeIds: string[]): Promise<Array<{ value: unknown; good: boolean; status: string }>> {
    const values = await session.read(nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })));
    return values.map((v) => ({ value: v.value.value, good: v.statusCode.isGood(), status: v.statusCode.name }));
  }

  async function readModbus(target: CatalogueAsset): Promise<Record<string, number>> {
    const [block] = modbusReadBlocks([target]);
    modbus.setID(block.unitId);
    const { data } = await modbus.readHoldingRegisters(block.address, block.quantity);
    return Object.fromEntries(target.sensors.filter((s) => s.modbus).map((s) => [s.id, decodeRegisters(s.modbus!, data, block.address)!]));
  }

  it('runs every machine with its own wear and bearing life', function () {
    const snapshot = plant.snapshot();
    assert.equal(snapshot.length, 50);
    const wear = snapshot.map((s) => s.wear);
    assert.ok(wear[0] < 0.01 && snapshot[30].wear < 0.01, 'spindle-1 and pump-1 start new, as in the default plant');
    // The two that start new may both still read no wear at all when the test looks this early.
    const worn = wear.filter((_, i) => i !== 0 && i !== 30);
    assert.equal(new Set(worn.map((w) => w.toFixed(6))).size, 48, 'each of the other machines its own wear');
    assert.ok(Math.max(...wear) - Math.min(...wear) > 0.3, `spread over the fleet: ${Math.min(...wear)}..${Math.max(...wear)}`);
    assert.equal(new Set(snapshot.map((s) => s.remainingLifeH.toFixed(3))).size, 50, 'each machine its own remaining life');
  });

  it('serves every sensor of the 50 machines over OPC UA, and each machine its own values', async function () {
    assert.match(plant.command('setpoint spindle-12 9000'), /^ok/);
    assert.match(plant.command('wear pump-17 0.97'), /^ok/);
    await sleep(12_000);
    const scalars = plant.catalogue.assets.flatMap((a) => a.sensors.filter((s) => s.kind === 'scalar').map((s) => ({ asset: a.id, sensor: s.id, nodeId: s.opcuaNodeId! })));
    assert.equal(scalars.length, 1000, '50 machines × 20 sensors');
    const values = await readOpcua(scalars.map((s) => s.nodeId));
    const bad = values.map((v, i) => ({ ...v, ...scalars[i] })).filter((v) => !v.good || typeof v.value !== 'number');
    assert.deepEqual(bad, []);
    const value = (id: string, sensor: string): number => values[scalars.findIndex((s) => s.asset === id && s.sensor === sensor)].value as number;
    assert.ok(Math.abs(value('spindle-12', 'speed') - 9000) < 150, `spindle-12 follows its own setpoint: ${value('spindle-12', 'speed')}`);
    for (const id of ['spindle-1', 'spindle-11', 'spindle-13', 'spindle-30']) assert.ok(Math.abs(value(id, 'speed') - 12000) < 150, `${id} at nominal speed: ${value(id, 'speed')}`);
    const pumpVibration = plant.catalogue.assets.filter((a) => a.type === 'centrifugal-pump' && a.id !== 'pump-17').map((a) => value(a.id, 'vibration'));
    assert.ok(value('pump-17', 'vibration') > 1.4 * Math.max(...pumpVibration), `the worn pump-17 vibrates most: ${value('pump-17', 'vibration')} against ${Math.max(...pumpVibration)}`);
    const temps = plant.catalogue.assets.map((a) => value(a.id, 'windingTemp'));
    assert.equal(new Set(temps).size, 50, 'an auxiliary channel of each machine carries its own value');
    const [waveform] = await readOpcua([asset('pump-20').sensors.find((s) => s.kind === 'waveform')!.opcuaNodeId!]);
    assert.ok(waveform.value instanceof Float32Array && waveform.value.length === 4096);
  });

  it('serves each machine on its own Modbus unit id, the same values as OPC UA within scaling', async function () {
    for (const id of ['spindle-1', 'pump-1', 'spindle-12', 'spindle-30', 'pump-2', 'pump-17', 'pump-20']) {
      const target = asset(id);
      const registers = await readModbus(target);
      const [speed] = await readOpcua([target.sensors.find((s) => s.id === 'speed')!.opcuaNodeId!]);
      assert.ok(Math.abs(registers.speed - (speed.value as number)) <= 30, `${id} (unit ${target.modbusDevice?.unitId}): Modbus ${registers.speed} rpm, OPC UA ${speed.value}`);
      assert.ok(Math.abs(registers.ambientTemp - 22) < 2, `${id} auxiliary register: ${registers.ambientTemp}`);
    }
    modbus.setID(200);
    await assert.rejects(modbus.readHoldingRegisters(0, 1), (err: { modbusCode?: number }) => err.modbusCode === 11, 'a unit id without a device: gateway exception 0x0B');
  });

  describe('through node-red-contrib-opcua', function () {
    beforeEach((done) => { helper.startServer(done); });
    afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

    it('subscribes to every tag of the 50 machines with the messages built from the catalogue', async function () {
      const flow = [
        { id: 'endpoint', type: 'OpcUa-Endpoint', endpoint: plant.opcuaEndpoint, secpol: 'None', secmode: 'None', none: true, login: false },
        { id: 'client', type: 'OpcUa-Client', endpoint: 'endpoint', action: 'subscribe', name: 'plant', certificate: 'n', time: 1, timeUnit: 's',
          deadbandtype: 'a', deadbandvalue: 1, useTransport: false, maxChunkCount: 1, maxMessageSize: 8192, receiveBufferSize: 8192,
          sendBufferSize: 8192, setstatusandtime: false, keepsessionalive: true, wires: [['values'], [], []] },
        { id: 'values', type: 'helper' }];
      await helper.load([contribNode('node-red-contrib-opcua/opcua/105-opcuaendpoint.js'), contribNode('node-red-contrib-opcua/opcua/102-opcuaclient.js')], flow as never);
      let active = false;
      testNode('client').on('call:status', (call: { firstArg: { text?: string } }) => { if (/session active/.test(call.firstArg.text ?? '')) active = true; });
      await until('the OPC UA client session', () => active, 30_000);
      const seen = new Set<string>();
      testNode('values').on('input', (msg: { topic: string }) => { seen.add(msg.topic); });
      const messages = opcuaSubscribeMessages(plant.catalogue.assets, { maxItemsPerMessage: 500 });
      assert.equal(messages.length, 3);
      for (const message of messages) testNode('client').receive({ ...message });
      const all = plant.catalogue.assets.flatMap((a) => a.sensors.map((s) => s.opcuaNodeId!));
      await until('a value of every node id', () => all.every((nodeId) => seen.has(nodeId)), 20_000).catch(() => undefined);
      assert.deepEqual(all.filter((nodeId) => !seen.has(nodeId)), [], 'every node id delivered its value');
      const index = new CatalogueIndex(plant.catalogue.assets);
      const machines = new Set([...seen].filter((topic) => all.includes(topic)).map((nodeId) => index.byOpcuaNodeId(nodeId)?.asset.id));
      assert.equal(machines.size, 50, 'each value maps back to its machine');
    });
  });

  it('takes one machine off the network: its unit never answers, its OPC UA values turn bad, the others go on', async function () {
    assert.match(plant.command('fault pump-20 offline'), /^ok: pump-20 does not answer \(Modbus unit 49 silent/);
    await sleep(1200);
    const started = Date.now();
    await assert.rejects(readModbus(asset('pump-20')), (err: { message?: string }) => err.message === 'Timed out');
    assert.ok(Date.now() - started >= 900, 'no reply: the client waited for its timeout');
    const other = await readModbus(asset('pump-19'));
    assert.ok(other.speed > 2000, 'the neighbouring unit answers at once');
    const [pumpSpeed, neighbour] = await readOpcua([asset('pump-20').sensors[0].opcuaNodeId!, asset('pump-19').sensors[0].opcuaNodeId!]);
    assert.equal(pumpSpeed.status, StatusCodes.BadNoCommunication.name);
    assert.ok(neighbour.good);
    assert.match(plant.command('status'), /pump-20 \(offline\)/);
    assert.match(plant.command('clear pump-20'), /^ok: cleared 1 fault/);
    await sleep(1500);
    assert.ok((await readModbus(asset('pump-20'))).speed > 2000, 'back online');
    assert.ok((await readOpcua([asset('pump-20').sensors[0].opcuaNodeId!]))[0].good);
  });
});

describe('plant command line', function () {
  this.timeout(60_000);

  it('--machines runs the mix and writes its catalogue into the data directory', async function () {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-plant-'));
    const child = spawn(process.execPath, [path.join(root, 'dist', 'plant', 'cli.js'), '--machines', 'spindle:4,pump:3', '--opcua-port', '0',
      '--modbus-port', '0', '--data-dir', dataDir, '--no-start-program'], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); if (/type "help"/.test(output)) resolve(); });
        child.once('exit', (code) => reject(new Error(`the plant exited (${code}): ${output}`)));
      });
      assert.match(output, /7 machines \(spindle:4,pump:3\); catalogue written to .*catalogue\.json/);
      assert.match(output, /Modbus TCP server 127\.0\.0\.1:\d+ \(unit ids 1-6\)/);
      const load = parseCatalogueJson(fs.readFileSync(path.join(dataDir, 'catalogue.json'), 'utf8'));
      assert.deepEqual(load.problems, []);
      assert.deepEqual(load.catalogue.assets, plantMachines(parseMachineMix('spindle:4,pump:3')).map((m) => m.asset));
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
