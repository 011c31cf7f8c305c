import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import type { ModbusSource } from '../lib/asset/asset-model';
import { PUMP_ASSET, SPINDLE_ASSET, modbusBlock } from '../lib/asset/presets';
import { Normaliser } from '../lib/ingest/normaliser';
import { decodeRegisters, encodeRegisters } from '../lib/modbus/register-codec';
import type { Reading, ScalarReading, WaveformReading } from '../lib/reading/reading';
import { testNode } from './support/test-node';
import assetNode = require('../nodes/twin-asset/twin-asset');
import ingestNode = require('../nodes/twin-ingest/twin-ingest');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const source = (dataType: ModbusSource['dataType'], wordOrder: ModbusSource['wordOrder'] = 'big', scale = 1, offset = 0): ModbusSource =>
  ({ address: 10, dataType, wordOrder, scale, offset });

describe('Modbus register codec', function () {
  it('decodes known bit patterns in both word orders', function () {
    // float32 1.5 = 0x3FC00000
    assert.equal(decodeRegisters(source('float32', 'big'), [0x3fc0, 0x0000], 10), 1.5);
    assert.equal(decodeRegisters(source('float32', 'little'), [0x0000, 0x3fc0], 10), 1.5);
    assert.equal(decodeRegisters(source('int16'), [0xfffe], 10), -2);
    assert.equal(decodeRegisters(source('int32', 'big'), [0xffff, 0xfffd], 10), -3);
    assert.equal(decodeRegisters(source('uint32', 'little'), [0x0002, 0x0001], 10), 0x00010002);
    assert.equal(decodeRegisters(source('uint16', 'big', 0.1, -40), [655], 10), 25.5);
  });

  it('encodes what it decodes, rounding to the register resolution and clamping to the type', function () {
    for (const [s, value] of [[source('float32', 'little'), 12.25], [source('int16', 'big', 0.1), -12.3], [source('uint32'), 4000000000], [source('int32', 'little'), -70000]] as const) {
      assert.ok(Math.abs((decodeRegisters(s, encodeRegisters(s, value), 10) ?? NaN) - value) < 1e-6, `${s.dataType} ${value}`);
    }
    assert.deepEqual(encodeRegisters(source('uint16'), -5), [0]);
    assert.deepEqual(encodeRegisters(source('int16'), 40000), [0x7fff]);
  });

  it('reports a sensor outside the block as undefined', function () {
    assert.equal(decodeRegisters(source('float32'), [1, 2], 9), undefined);
    assert.equal(decodeRegisters(source('uint16'), [1], 11), undefined);
  });
});

describe('ingest normaliser', function () {
  const now = Date.UTC(2026, 10, 25, 12);

  it('decodes a whole Modbus block into every mapped sensor, stamped on arrival', function () {
    const block = modbusBlock(PUMP_ASSET);
    const registers = new Array<number>(block.quantity).fill(0);
    const truth: Record<string, number> = { speed: 2970, flow: 320.4, dischargePressure: 5.5, motorPower: 41.25, motorCurrent: 68.7, bearingTemp: -3.2, vibration: 1.125, state: 1 };
    for (const sensor of PUMP_ASSET.sensors) {
      if (sensor.modbus) registers.splice(sensor.modbus.address - block.start, encodeRegisters(sensor.modbus, truth[sensor.id]).length, ...encodeRegisters(sensor.modbus, truth[sensor.id]));
    }
    const result = new Normaliser(PUMP_ASSET).normalise({ payload: registers, input: { payload: { address: block.start, quantity: block.quantity } } }, now);
    assert.equal(result.source, 'modbus');
    assert.deepEqual(result.problems, []);
    const values = Object.fromEntries((result.readings as ScalarReading[]).map((r) => [r.sensor, r.value]));
    for (const [sensor, value] of Object.entries(truth)) assert.ok(Math.abs(values[sensor] - value) < 1e-4, `${sensor}: ${values[sensor]} vs ${value}`);
    assert.ok(result.readings.every((r) => r.ts === now && r.asset === 'pump-1' && r.quality === 'good'));
  });

  it('reads OPC UA values, DataValues and waveform arrays with their source time and status', function () {
    const normaliser = new Normaliser(SPINDLE_ASSET);
    const ts = new Date(now - 500);
    const plain = normaliser.normalise({ topic: 'ns=1;s=Spindle.BearingTemp', payload: 41.5, sourceTimestamp: ts, statusCode: { value: 0x40000000 } }, now);
    assert.deepEqual(plain.readings, [{ asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', ts: ts.getTime(), value: 41.5, quality: 'uncertain' }]);
    const dataValue = normaliser.normalise({ topic: 'nsu=urn:plant;s=Spindle.Vibration', payload: { value: { dataType: 11, value: 0.7 }, statusCode: { value: 0 }, sourceTimestamp: ts } }, now);
    assert.equal((dataValue.readings[0] as ScalarReading).value, 0.7);
    const wave = normaliser.normalise({ topic: 'ns=1;s=Spindle.Acceleration', payload: new Float32Array([0.1, -0.2, 0.3]), sourceTimestamp: ts }, now);
    const block = wave.readings[0] as WaveformReading;
    assert.ok(block.samples instanceof Float32Array);
    assert.equal(block.sampleRate, 12800);
    assert.equal(block.samples.length, 3);
  });

  it('refuses bad elements one by one and keeps the valid ones of the same batch', function () {
    const normaliser = new Normaliser(SPINDLE_ASSET);
    const payload = [
      { sensor: 'speed', value: 12000, ts: now - 1000 },
      { sensor: 'speed', value: Number.NaN, ts: now },
      { sensor: 'load', value: 'high', ts: now },
      { sensor: 'nonsense', value: 1, ts: now },
      { sensor: 'vibration', value: 0.8 },
      { sensor: 'bearingTemp', value: 900, ts: now },
      { sensor: 'load', value: 50, ts: now + 3600000 },
      { asset: 'pump-1', sensor: 'flow', value: 1, ts: now },
    ];
    const result = normaliser.normalise({ payload }, now);
    assert.equal(result.source, 'canonical');
    assert.deepEqual(result.readings.map((r: Reading) => [r.sensor, r.quality]), [['speed', 'good'], ['bearingTemp', 'bad']]);
    const expected = [/element 1 .*not a finite number/, /element 2 .*expected a number, got the string "high"/, /element 3 .*unknown tag/,
      /element 4 .*missing timestamp/, /element 6 .*in the future/, /element 7.*asset "pump-1"/];
    assert.equal(result.problems.length, expected.length, result.problems.join('\n'));
    for (const pattern of expected) assert.ok(result.problems.some((p) => pattern.test(p)), `${pattern} in ${result.problems.join(' | ')}`);
  });

  it('stamps readings without time on arrival when told to', function () {
    const result = new Normaliser(SPINDLE_ASSET, { missingTimestamp: 'arrival' }).normalise({ topic: 'load', payload: 42 }, now);
    assert.deepEqual(result.readings.map((r) => r.ts), [now]);
  });
});

describe('twin-ingest node', function () {
  const asset = { id: 'a1', type: 'twin-asset', assetId: 'spindle-1', sensors: SPINDLE_ASSET.sensors };
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('loads with defaults', async function () {
    const flow = [asset, { id: 'n1', type: 'twin-ingest', asset: 'a1' }];
    await helper.load([assetNode, ingestNode], flow);
    assert.ok(helper.getNode('n1'));
  });

  it('sends the valid readings, reports the bad ones with the message and completes it', function (done) {
    const flow = [asset, { id: 'n1', type: 'twin-ingest', asset: 'a1', wires: [['n2']] }, { id: 'n2', type: 'helper' }, { id: 'c1', type: 'complete', scope: ['n1'], wires: [['n3']] }, { id: 'n3', type: 'helper' }];
    helper.load([assetNode, ingestNode], flow, () => {
      const n1 = testNode('n1');
      let output: Reading[] | undefined;
      let reported = '';
      n1.on('call:error', (call: { firstArg: Error; lastArg: { correlation?: string } }) => { reported = call.firstArg.message; });
      testNode('n2').on('input', (msg: { payload: Reading[]; topic: string; correlation: string }) => {
        try {
          output = msg.payload;
          assert.equal(msg.topic, 'spindle-1');
          assert.equal(msg.correlation, 'keep me');
        } catch (err) { done(err); }
      });
      testNode('n3').on('input', () => {
        try {
          assert.deepEqual(output?.map((r) => r.sensor), ['speed']);
          assert.match(reported, /1 refused: element 1 \(load\): expected a number/);
          done();
        } catch (err) { done(err); }
      });
      n1.receive({ payload: [{ sensor: 'speed', value: 100, ts: Date.now() }, { sensor: 'load', value: 'x', ts: Date.now() }], correlation: 'keep me' });
    });
  });

  it('rejects every message when no asset is configured', function (done) {
    const flow = [{ id: 'n1', type: 'twin-ingest', asset: '', wires: [['n2']] }, { id: 'n2', type: 'helper' }];
    helper.load([assetNode, ingestNode], flow, () => {
      const n1 = testNode('n1');
      n1.on('call:error', (call: { firstArg: Error }) => {
        try {
          assert.match(call.firstArg.message, /no twin-asset configured/);
          done();
        } catch (err) { done(err); }
      });
      n1.receive({ payload: 1, topic: 'speed' });
    });
  });
});
