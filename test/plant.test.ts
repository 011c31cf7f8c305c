import assert from 'node:assert/strict';
import ModbusRTU from 'modbus-serial';
import { AttributeIds, DataType, OPCUAClient, type ClientSession } from 'node-opcua';
import { PUMP_ASSET, SPINDLE_ASSET, PLANT_CONTROL_NODE_ID, modbusBlock } from '../lib/asset/presets';
import { decodeRegisters } from '../lib/modbus/register-codec';
import { parseCommand } from '../plant/commands';
import { PumpModel } from '../plant/physics/pump';
import { Random } from '../lib/math/random';
import { SpindleModel } from '../plant/physics/spindle';
import { startPlant, type Plant } from '../plant/plant';

function run(machine: SpindleModel | PumpModel, seconds: number, wearHoursPerSecond = 0, random = new Random(1)): void {
  for (let t = 0; t < seconds * 10; t++) machine.step(0.1, wearHoursPerSecond / 10, random);
}

describe('plant physics', function () {
  it('spindle speed follows its setpoint with a first-order lag', function () {
    const spindle = new SpindleModel(SPINDLE_ASSET, { ambientC: 22, initialWear: 0 });
    run(spindle, 1.5);
    const afterTau = spindle.values().speed;
    assert.ok(afterTau > 0.55 * 12000 && afterTau < 0.7 * 12000, `one time constant: ${afterTau}`);
    run(spindle, 15);
    assert.ok(Math.abs(spindle.values().speed - 12000) < 5);
    spindle.setSpeedSetpoint(9000);
    run(spindle, 15);
    assert.ok(Math.abs(spindle.values().speed - 9000) < 5);
  });

  it('bearing temperature rises with thermal lag toward a steady state that grows with wear', function () {
    const healthy = new SpindleModel(SPINDLE_ASSET, { ambientC: 22, initialWear: 0 });
    run(healthy, 60);
    const early = healthy.values().bearingTemp;
    run(healthy, 1800);
    const steady = healthy.values().bearingTemp;
    assert.ok(early > 22 && early < steady - 10, `lag: ${early} after 1 min vs ${steady}`);
    assert.ok(steady > 40 && steady < 55, `healthy steady state ${steady}`);
    const worn = new SpindleModel(SPINDLE_ASSET, { ambientC: 22, initialWear: 0.9 });
    run(worn, 1800);
    assert.ok(worn.values().bearingTemp > 80, `worn bearing runs hot: ${worn.values().bearingTemp}`);
    assert.ok(worn.values().vibration > 4.5, `worn bearing vibrates in zone D: ${worn.values().vibration}`);
  });

  it('wears to failure, then the machine is down until repaired', function () {
    const pump = new PumpModel(PUMP_ASSET, { ambientC: 22, initialWear: 0 });
    const vibration: number[] = [];
    for (let hour = 0; hour < 2000 && pump.state !== 'down'; hour += 10) {
      run(pump, 1, 10);
      vibration.push(pump.values().vibration);
    }
    assert.equal(pump.state, 'down');
    assert.ok(vibration[vibration.length - 2] > 3 * vibration[0], 'vibration rose with wear');
    assert.equal(pump.remainingLifeHours(), 0);
    pump.repair();
    assert.equal(pump.state, 'running');
    assert.ok(pump.remainingLifeHours() > 700);
  });

  it('wears a site\'s bearing out in its share of the nominal life', function () {
    const fleet = new SpindleModel(SPINDLE_ASSET, { ambientC: 22, initialWear: 0.2 });
    const site = new SpindleModel(SPINDLE_ASSET, { ambientC: 22, initialWear: 0.2, lifeFactor: 0.7 });
    assert.ok(Math.abs(site.remainingLifeHours() / fleet.remainingLifeHours() - 0.7) < 1e-12, 'remaining life scales with the life share');
    // An hour of wear, a small step: at the same wear and stress the rate is exactly 1/0.7 as high.
    run(fleet, 10, 0.1);
    run(site, 10, 0.1);
    assert.ok(Math.abs((site.wear - 0.2) / (fleet.wear - 0.2) - 1 / 0.7) < 0.01, `wears 1/0.7 times as fast: ${site.wear} against ${fleet.wear}`);
  });

  it('warms up without cutting: no parts, little load, and the bearing wears far slower than in production', function () {
    const warming = new SpindleModel(SPINDLE_ASSET, { ambientC: 22, initialWear: 0.2 });
    const producing = new SpindleModel(SPINDLE_ASSET, { ambientC: 22, initialWear: 0.2 });
    warming.setCutting(false);
    run(warming, 180, 0.1);
    run(producing, 180, 0.1);
    assert.equal(warming.values().partCount, 0);
    assert.ok(producing.values().partCount >= 2, 'production makes a part a minute');
    assert.ok(warming.values().load < 10, `only friction load while warming up: ${warming.values().load} %`);
    // Wear grows with load cubed (ISO 281): turning idle counts as a third of a cut's load, so 1/27 of its wear rate.
    assert.ok((warming.wear - 0.2) < 0.1 * (producing.wear - 0.2), `wear ${warming.wear} warming against ${producing.wear} producing`);
  });

  it('is deterministic for a seed', function () {
    const a = new SpindleModel(SPINDLE_ASSET, { ambientC: 22, initialWear: 0.3 });
    const b = new SpindleModel(SPINDLE_ASSET, { ambientC: 22, initialWear: 0.3 });
    run(a, 120, 1, new Random(42));
    run(b, 120, 1, new Random(42));
    assert.deepEqual(a.values(), b.values());
  });

  it('parses every command and explains a bad one', function () {
    assert.deepEqual(parseCommand('fault spindle-1 bearingTemp drift 2.5'), { kind: 'fault', asset: 'spindle-1', sensor: 'bearingTemp', fault: 'drift', amount: 2.5 });
    assert.deepEqual(parseCommand('fault network 10'), { kind: 'network', seconds: 10 });
    assert.deepEqual(parseCommand('stop pump-1'), { kind: 'run', asset: 'pump-1', running: false });
    assert.throws(() => parseCommand('fault spindle-1 speed melt'), /unknown fault "melt"/);
    assert.throws(() => parseCommand('wear pump-1 2'), /between 0 and 1/);
    assert.throws(() => parseCommand('launch'), /unknown command "launch"/);
  });
});

describe('plant start program', function () {
  this.timeout(30000);

  it('steps the spindle through its program, then back to nominal; a setpoint written meanwhile ends it', async function () {
    const program = { 'spindle-1': [{ speedRatio: 0.5, minutes: 0.02, cutting: false }, { speedRatio: 0.75, minutes: 0.02, cutting: false }] };
    const plant = await startPlant({ opcuaPort: 0, modbusPort: 0, publishMs: 100, startProgram: program });
    const seen: number[] = [];
    try {
      for (let i = 0; i < 40; i++) {
        const setpoint = plant.snapshot().find((s) => s.asset === 'spindle-1')?.published.speedSetpoint;
        if (setpoint !== undefined && setpoint !== seen[seen.length - 1]) seen.push(setpoint);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await plant.stop();
    }
    assert.deepEqual(seen, [6000, 9000, 12000]);
    const interrupted = await startPlant({ opcuaPort: 0, modbusPort: 0, publishMs: 100, startProgram: program });
    try {
      assert.match(interrupted.command('setpoint spindle-1 11000'), /^ok/);
      await new Promise((resolve) => setTimeout(resolve, 3500));
      assert.equal(interrupted.snapshot().find((s) => s.asset === 'spindle-1')?.published.speedSetpoint, 11000, 'the operator\'s setpoint stands');
    } finally {
      await interrupted.stop();
    }
  });
});

describe('plant servers', function () {
  this.timeout(60000);
  let plant: Plant;
  let session: ClientSession;
  let client: OPCUAClient;
  const modbus = new ModbusRTU();

  before(async function () {
    plant = await startPlant({ opcuaPort: 0, modbusPort: 0, publishMs: 200, seed: 5 });
    client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 1, initialDelay: 200, maxDelay: 500 } });
    await client.connect(plant.opcuaEndpoint);
    session = await client.createSession();
    await modbus.connectTCP('127.0.0.1', { port: plant.modbusPort });
    modbus.setID(1);
    modbus.setTimeout(2000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  });

  after(async function () {
    modbus.close(() => undefined);
    await session?.close().catch(() => undefined);
    await client?.disconnect().catch(() => undefined);
    await plant?.stop();
  });

  async function readOpcua(nodeId: string): Promise<unknown> {
    const dataValue = await session.read({ nodeId, attributeId: AttributeIds.Value });
    assert.ok(dataValue.statusCode.isGood(), `${nodeId}: ${dataValue.statusCode.toString()}`);
    return dataValue.value.value;
  }

  it('serves every OPC UA tag of the presets, the waveform as a 4096-sample Float array', async function () {
    for (const sensor of [...SPINDLE_ASSET.sensors, ...PUMP_ASSET.sensors]) {
      const value = await readOpcua(sensor.opcuaNodeId!);
      if (sensor.kind === 'waveform') {
        assert.ok(value instanceof Float32Array && value.length === 4096, `${sensor.opcuaNodeId} is a 4096-sample block`);
      } else {
        assert.equal(typeof value, 'number', `${sensor.opcuaNodeId}`);
      }
    }
  });

  it('serves the Modbus register map with the same values as OPC UA, within scaling resolution', async function () {
    const block = modbusBlock(PUMP_ASSET);
    const { data } = await modbus.readHoldingRegisters(block.start, block.quantity);
    const flow = decodeRegisters(PUMP_ASSET.sensors.find((s) => s.id === 'flow')!.modbus!, data, block.start)!;
    const opcuaFlow = (await readOpcua('ns=1;s=Pump.Flow')) as number;
    assert.ok(Math.abs(flow - opcuaFlow) < 0.1 + 0.05 * opcuaFlow, `Modbus ${flow} vs OPC UA ${opcuaFlow}`);
    const speed = decodeRegisters(PUMP_ASSET.sensors.find((s) => s.id === 'speed')!.modbus!, data, block.start)!;
    assert.ok(speed > 1000, `pump running up: ${speed} rpm`);
  });

  it('takes a setpoint over OPC UA and over Modbus and the spindle really changes speed', async function () {
    const status = await session.write({ nodeId: 'ns=1;s=Spindle.SpeedSetpoint', attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Double, value: 9000 } } });
    assert.ok(status.isGood(), status.toString());
    await new Promise((resolve) => setTimeout(resolve, 8000));
    assert.ok(Math.abs(((await readOpcua('ns=1;s=Spindle.Speed')) as number) - 9000) < 100);
    await modbus.writeRegister(SPINDLE_ASSET.sensors.find((s) => s.id === 'speedSetpoint')!.modbus!.address, 10500);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await readOpcua('ns=1;s=Spindle.SpeedSetpoint'), 10500);
    await assert.rejects(modbus.writeRegister(0, 1), 'a measured value is not writable');
  });

  it('injects faults from the control variable and clears them', async function () {
    const before = plant.snapshot().find((s) => s.asset === 'spindle-1')!.published.vibration;
    const write = await session.write({ nodeId: PLANT_CONTROL_NODE_ID, attributeId: AttributeIds.Value, value: { value: { dataType: DataType.String, value: 'fault spindle-1 vibration drift 600' } } });
    assert.ok(write.isGood());
    assert.match(String(await readOpcua(PLANT_CONTROL_NODE_ID)), /^ok: spindle-1 vibration drift/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const drifted = (await readOpcua('ns=1;s=Spindle.Vibration')) as number;
    assert.ok(drifted > before + 5, `drifted from ${before} to ${drifted}`);
    assert.match(plant.command('fault spindle-1 bearingTemp stuck'), /^ok/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stuck = (await readOpcua('ns=1;s=Spindle.BearingTemp')) as number;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await readOpcua('ns=1;s=Spindle.BearingTemp'), stuck);
    assert.match(plant.command('clear spindle-1'), /cleared 2 fault/);
    assert.match(plant.command('fault spindle-1 nonsense stuck'), /^error: asset "spindle-1" has no sensor "nonsense"/);
  });

  it('drops off the network for a while and comes back on the same ports', async function () {
    assert.match(plant.command('fault network 2'), /^ok/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const probe = new ModbusRTU();
    await assert.rejects(probe.connectTCP('127.0.0.1', { port: plant.modbusPort }), 'Modbus unreachable during the outage');
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await probe.connectTCP('127.0.0.1', { port: plant.modbusPort });
    probe.setID(1);
    const { data } = await probe.readHoldingRegisters(100, 1);
    assert.ok(data[0] > 0);
    probe.close(() => undefined);
  });
});
