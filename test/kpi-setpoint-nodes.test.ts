import assert from 'node:assert/strict';
import type { NodeInitializer } from 'node-red';
import helper from 'node-red-node-test-helper';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import type { KpiRecord } from '../lib/kpi/kpi-record';
import type { SavingsReport } from '../lib/kpi/savings';
import type { ScalarReading } from '../lib/reading/reading';
import type { SetpointAuditRecord } from '../lib/setpoint/setpoint-audit';
import type { GuardSnapshot } from '../lib/setpoint/setpoint-guard';
import { startPlant, type Plant } from '../plant/plant';
import { testNode, type TestNode } from './support/test-node';
import assetNode = require('../nodes/twin-asset/twin-asset');
import kpiNode = require('../nodes/twin-kpi/twin-kpi');
import setpointNode = require('../nodes/twin-setpoint/twin-setpoint');

helper.init(require.resolve('node-red'));

const ASSET_CONFIG = { id: 'a1', type: 'twin-asset', assetId: 'spindle-1', maxRpm: '15000', idealCycleTimeS: '60', sensors: SPINDLE_ASSET.sensors };
const HOUR = 3_600_000;
const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 5, 6);

function reading(sensor: string, ts: number, value: number): ScalarReading {
  return { asset: 'spindle-1', sensor, unit: '', ts, value, quality: 'good' };
}

function contribNode(file: string): NodeInitializer {
  return require(require.resolve(file)) as NodeInitializer;
}

/** Calls back with each message a helper node receives, until `check` stops throwing or fails the test. */
function collect<T>(node: TestNode, done: (err?: unknown) => void, check: (messages: T[]) => boolean): void {
  const messages: T[] = [];
  node.on('input', (msg: T) => {
    messages.push(msg);
    try {
      if (check(messages)) done();
    } catch (err) { done(err); }
  });
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function statusTexts(node: TestNode): string[] {
  const texts: string[] = [];
  node.on('call:status', (call: { firstArg: { text?: string } }) => { if (call.firstArg.text) texts.push(call.firstArg.text); });
  return texts;
}

describe('twin-kpi node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('loads with defaults', async function () {
    await helper.load([assetNode, kpiNode], [ASSET_CONFIG, { id: 'n1', type: 'twin-kpi', asset: 'a1' }] as never);
    assert.ok(helper.getNode('n1'));
  });

  it('reports KPI periods with OEE on "report", keeps them in context, and prices savings on "savings"', function (done) {
    const flow = [ASSET_CONFIG, { id: 'n1', type: 'twin-kpi', asset: 'a1', reportS: '3600', downtimePerHour: '500', energyPerKWh: '0.2', wires: [['kpi'], ['savings']] },
      { id: 'kpi', type: 'helper' }, { id: 'savings', type: 'helper' }];
    helper.load([assetNode, kpiNode], flow as never, () => {
      const n1 = testNode('n1');
      testNode('kpi').on('input', (msg: { topic: string; payload: KpiRecord[] }) => {
        try {
          assert.equal(msg.topic, 'kpi/spindle-1');
          const hour = msg.payload.find((r) => r.period === '1h' && r.periodStart === START) as KpiRecord;
          // Two hours: running but for a 30-minute failure in the first; 60 parts per running hour at the ideal 60 s.
          assert.ok(Math.abs((hour.availability ?? 0) - 0.5) < 1e-9, `availability ${hour.availability}`);
          assert.ok(Math.abs((hour.performance ?? 0) - 1) < 1e-9, `performance ${hour.performance}`);
          assert.equal(hour.workOrdersOpened, 1);
          assert.ok(msg.payload.some((r) => r.period === 'rolling-24h'));
          const saved = helper.getNode('n1').context().get('twinKpi') as { cursor: number };
          assert.equal(saved.cursor, START + 2 * HOUR);
          n1.receive({ topic: 'savings', payload: { baseline: { hours: 20, downtimeHours: 5, energyKWh: 100, scrap: 0 } } });
        } catch (err) { done(err); }
      });
      testNode('savings').on('input', (msg: { payload: SavingsReport }) => {
        try {
          // Baseline 5 h downtime in 20 h = 0.5 h expected in the 2 twin hours, where the failure took 0.5 h: nothing saved.
          assert.ok(Math.abs(msg.payload.saved.downtimeHours) < 1e-9, `downtime saved ${msg.payload.saved.downtimeHours}`);
          // 10 kWh expected; 1.5 h × 4 kW = 6 kWh used: 4 kWh × 0.2 saved.
          assert.ok(Math.abs(msg.payload.money.energy - 0.8) < 1e-9, `energy money ${msg.payload.money.energy}`);
          done();
        } catch (err) { done(err); }
      });
      // A part per running minute: 30 by 06:30, none while down until 07:00, then one a minute again.
      const parts = (minute: number): number => (minute < 30 ? minute : minute < 60 ? 30 : minute - 30);
      const readings: ScalarReading[] = [reading('state', START, 1)];
      for (let minute = 0; minute <= 120; minute++) {
        const ts = START + minute * MINUTE;
        if (minute === 30) readings.push(reading('state', ts, 2));
        if (minute === 60) readings.push(reading('state', ts, 1));
        const running = minute < 30 || minute >= 60;
        readings.push(reading('motorPower', ts, running ? 4 : 0), reading('partCount', ts, parts(minute)));
      }
      n1.receive({ payload: readings });
      n1.receive({ payload: { asset: 'spindle-1', level: 'WARNING', workOrder: { id: 'wo-1', asset: 'spindle-1', action: 'open', level: 'WARNING', ts: START + 10 * MINUTE, rulHours: 100, message: '' } } });
      n1.receive({ topic: 'report' });
    });
  });

  it('rejects input it cannot use and a configuration naming a missing sensor, with done(err)', function (done) {
    const flow = [ASSET_CONFIG, { id: 'n1', type: 'twin-kpi', asset: 'a1' }, { id: 'n2', type: 'twin-kpi', asset: 'a1', stateSensor: 'nope' }];
    helper.load([assetNode, kpiNode], flow as never, () => {
      const errors: string[] = [];
      const check = (call: { firstArg: Error | string }): void => {
        errors.push(String(call.firstArg instanceof Error ? call.firstArg.message : call.firstArg));
        if (errors.length < 3) return;
        try {
          assert.ok(errors.some((e) => /expected msg.payload to be an array of readings/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /no baseline to compare with/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /has no state sensor "nope"/.test(e)), errors.join(' | '));
          done();
        } catch (err) { done(err); }
      };
      testNode('n1').on('call:error', check);
      testNode('n2').on('call:error', check);
      testNode('n1').receive({ payload: 'hello' });
      testNode('n1').receive({ topic: 'savings' });
      testNode('n2').receive({ payload: [] });
    });
  });
});

describe('twin-setpoint node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  const setpointFlow = (extra: Record<string, unknown>): unknown[] => [ASSET_CONFIG,
    { id: 'n1', type: 'twin-setpoint', asset: 'a1', maxStep: '3000', wires: [['plc'], ['audit'], ['state']], ...extra },
    { id: 'plc', type: 'helper' }, { id: 'audit', type: 'helper' }, { id: 'state', type: 'helper' }];

  it('loads with defaults', async function () {
    await helper.load([assetNode, setpointNode], [ASSET_CONFIG, { id: 'n1', type: 'twin-setpoint', asset: 'a1' }] as never);
    assert.ok(helper.getNode('n1'));
  });

  it('waits for approval, writes through OPC UA, and confirms on the read-back', function (done) {
    helper.load([assetNode, setpointNode], setpointFlow({}) as never, () => {
      const n1 = testNode('n1');
      const statuses = statusTexts(n1);
      const audits: SetpointAuditRecord[] = [];
      testNode('audit').on('input', (msg: { payload: SetpointAuditRecord[] }) => {
        audits.push(...msg.payload);
        if (audits.at(-1)?.action !== 'confirm') return;
        setTimeout(() => {
          try {
            assert.deepEqual(audits.map((a) => a.action), ['request', 'approve', 'write', 'readback', 'confirm']);
            assert.equal(audits[2].approvedBy, 'shift lead');
            assert.ok(statuses.includes('pending approval 13,800 rpm'), statuses.join(' | '));
            assert.equal(statuses.at(-1), 'applied 13,800 rpm');
            done();
          } catch (err) { done(err); }
        }, 50);
      });
      testNode('plc').on('input', (msg: { topic: string; payload: number; action: string }) => {
        try {
          assert.deepEqual([msg.topic, msg.payload, msg.action], ['ns=1;s=Spindle.SpeedSetpoint;datatype=Double', 13800, 'write']);
          n1.receive({ payload: [reading('speedSetpoint', Date.now() + 1, 13800)] });
        } catch (err) { done(err); }
      });
      testNode('state').on('input', (msg: { payload: GuardSnapshot }) => {
        const pending = msg.payload.pending;
        if (pending && msg.payload.last?.action === 'request') n1.receive({ topic: 'approve', payload: { id: pending.id, by: 'shift lead' } });
      });
      n1.receive({ payload: [reading('speedSetpoint', Date.now(), 12000)] });
      n1.receive({ topic: 'request', payload: { value: 13800, requestedBy: 'operator', reason: 'what-if +15 %' } });
    });
  });

  it('shows a setpoint changed at the PLC on its state output, once per change', function (done) {
    helper.load([assetNode, setpointNode], setpointFlow({}) as never, () => {
      const n1 = testNode('n1');
      const states: GuardSnapshot[] = [];
      testNode('state').on('input', (msg: { payload: GuardSnapshot }) => { states.push(msg.payload); });
      const start = Date.now();
      n1.receive({ payload: [reading('speedSetpoint', start, 12000)] });
      n1.receive({ payload: [reading('speedSetpoint', start + 1000, 12000)] });
      n1.receive({ payload: [reading('speedSetpoint', start + 2000, 10200)] });
      n1.receive({ payload: [reading('speedSetpoint', start + 3000, 10200)] });
      setTimeout(() => {
        try {
          assert.deepEqual(states.map((state) => [state.current, state.lastSafe]), [[12000, 12000], [10200, 10200]],
            'what the PLC holds without a write on trial is the safe value');
          done();
        } catch (err) { done(err); }
      }, 100);
    });
  });

  it('refuses while CRITICAL and audits it; reverts a write nobody confirms', function (done) {
    helper.load([assetNode, setpointNode], setpointFlow({ mode: 'automatic', watchdogS: '0.3', safeValue: '12000' }) as never, () => {
      const n1 = testNode('n1');
      const statuses = statusTexts(n1);
      const writes: Array<{ payload: number; setpoint: { kind: string } }> = [];
      testNode('plc').on('input', (msg: { payload: number; setpoint: { kind: string } }) => { writes.push(msg); });
      collect<{ payload: SetpointAuditRecord[] }>(testNode('audit'), done, (messages) => {
        const audits = messages.flatMap((m) => m.payload);
        if (audits.at(-1)?.action !== 'revert') return false;
        assert.deepEqual(audits.map((a) => a.action), ['request', 'refuse', 'request', 'write', 'revert']);
        assert.equal(audits[1].reason, 'interlock: spindle-1 maintenance urgency is CRITICAL');
        assert.ok(statuses.includes('refused: interlock CRITICAL'), statuses.join(' | '));
        assert.match(audits[4].reason ?? '', /^watchdog: no confirmation within 1 s/);
        assert.deepEqual(writes.map((w) => `${w.setpoint.kind}:${w.payload}`), ['apply:13000', 'revert:12000']);
        return true;
      });
      n1.receive({ payload: { asset: 'spindle-1', level: 'CRITICAL', previous: 'WARNING', changed: true } });
      n1.receive({ topic: 'request', payload: { value: 13000, requestedBy: 'operator' } });
      n1.receive({ payload: { asset: 'spindle-1', level: 'NORMAL' } });
      n1.receive({ topic: 'request', payload: { value: 13000, requestedBy: 'operator' } });
    });
  });

  it('shapes Modbus writes from the register map', function (done) {
    helper.load([assetNode, setpointNode], setpointFlow({ protocol: 'modbus', mode: 'automatic', safeValue: '12000' }) as never, () => {
      testNode('plc').on('input', (msg: { topic: string; payload: unknown }) => {
        try {
          assert.equal(msg.topic, 'setpoint/spindle-1/speedSetpoint');
          assert.deepEqual(msg.payload, { value: 13500, fc: 6, unitid: 1, address: 1, quantity: 1 });
          done();
        } catch (err) { done(err); }
      });
      testNode('n1').receive({ topic: 'request', payload: { value: 13500, requestedBy: 'operator' } });
    });
  });

  it('rejects bad input and a setpoint that cannot be written, with done(err)', function (done) {
    const flow = [...setpointFlow({}), { id: 'n2', type: 'twin-setpoint', asset: 'a1', sensor: 'load', protocol: 'modbus' }];
    helper.load([assetNode, setpointNode], flow as never, () => {
      const errors: string[] = [];
      const check = (call: { firstArg: Error | string }): void => {
        errors.push(String(call.firstArg instanceof Error ? call.firstArg.message : call.firstArg));
        if (errors.length < 4) return;
        try {
          assert.ok(errors.some((e) => /expected msg.topic request/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /no request is pending approval/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /msg.topic "request" needs msg.payload as an object/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /register 2 \(load\) is not marked writable/.test(e)), errors.join(' | '));
          done();
        } catch (err) { done(err); }
      };
      testNode('n1').on('call:error', check);
      testNode('n2').on('call:error', check);
      testNode('n1').receive({ payload: 'hello' });
      testNode('n1').receive({ topic: 'approve', payload: { id: 'x', by: 'lead' } });
      testNode('n1').receive({ topic: 'request', payload: 13000 });
      testNode('n2').receive({ topic: 'request', payload: { value: 1, requestedBy: 'operator' } });
    });
  });
});

describe('twin-setpoint against the simulated plant', function () {
  this.timeout(90000);
  let plant: Plant;

  before(async function () {
    plant = await startPlant({ opcuaPort: 0, modbusPort: 0, startProgram: {} });
  });
  after(async function () {
    await plant?.stop();
  });
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  const spindle = (): { speed: number; speedSetpoint: number } => plant.machines.get('spindle-1')?.values() as { speed: number; speedSetpoint: number };

  it('writes the approved setpoint through node-red-contrib-opcua, and the spindle changes speed', async function () {
    const flow = [ASSET_CONFIG,
      { id: 'n1', type: 'twin-setpoint', asset: 'a1', mode: 'automatic', watchdogS: '0', safeValue: '12000', wires: [['client'], [], []] },
      { id: 'endpoint', type: 'OpcUa-Endpoint', endpoint: plant.opcuaEndpoint, secpol: 'None', secmode: 'None', none: true, login: false },
      { id: 'client', type: 'OpcUa-Client', endpoint: 'endpoint', action: 'write', name: 'setpoint writer', certificate: 'n', time: 1, timeUnit: 's',
        deadbandtype: 'a', deadbandvalue: 1, useTransport: false, maxChunkCount: 1, maxMessageSize: 8192, receiveBufferSize: 8192,
        sendBufferSize: 8192, setstatusandtime: false, keepsessionalive: true, wires: [['written']] },
      { id: 'written', type: 'helper' }];
    await helper.load([assetNode, setpointNode, contribNode('node-red-contrib-opcua/opcua/105-opcuaendpoint.js'),
      contribNode('node-red-contrib-opcua/opcua/102-opcuaclient.js')], flow as never);
    const client = testNode('client');
    let active = false;
    client.on('call:status', (call: { firstArg: { text?: string } }) => { if (/session active/.test(call.firstArg.text ?? '')) active = true; });
    await until(() => active, 30000, 'the OPC UA client session');
    const results: Array<{ payload: { value?: number; name?: string } }> = [];
    testNode('written').on('input', (msg: { payload: { value?: number; name?: string } }) => { results.push(msg); });
    assert.ok(Math.abs(spindle().speedSetpoint - 12000) < 1, `the spindle starts at 12,000 rpm, not ${spindle().speedSetpoint}`);
    testNode('n1').receive({ topic: 'request', payload: { value: 13800, requestedBy: 'operator', reason: 'what-if +15 %' } });
    await until(() => spindle().speedSetpoint === 13800, 15000, 'the PLC setpoint to become 13,800 rpm');
    await until(() => spindle().speed > 13500, 15000, 'the spindle to speed up');
    await until(() => results.length > 0, 5000, 'the client to report the write');
    assert.equal(results[0].payload.name, 'Good', `status of the write: ${JSON.stringify(results[0].payload)}`);
  });

  it('writes the setpoint through node-red-contrib-modbus, and the spindle changes speed', async function () {
    const flow = [ASSET_CONFIG,
      { id: 'n1', type: 'twin-setpoint', asset: 'a1', protocol: 'modbus', unitId: '1', mode: 'automatic', watchdogS: '0', wires: [['writer'], [], []] },
      { id: 'modbus', type: 'modbus-client', clienttype: 'tcp', bufferCommands: true, stateLogEnabled: false, queueLogEnabled: false, failureLogEnabled: false,
        tcpHost: '127.0.0.1', tcpPort: String(plant.modbusPort), tcpType: 'DEFAULT', unit_id: '1', commandDelay: '1', clientTimeout: '1000',
        reconnectOnTimeout: true, reconnectTimeout: '2000', parallelUnitIdsAllowed: true, showErrors: true, showWarnings: true, showLogs: false },
      { id: 'writer', type: 'modbus-flex-write', server: 'modbus', showStatusActivities: false, showErrors: true, showWarnings: true,
        emptyMsgOnFail: false, keepMsgProperties: false, delayOnStart: false, startDelayTime: '' }];
    await helper.load([assetNode, setpointNode, contribNode('node-red-contrib-modbus/modbus/modbus-client.js'),
      contribNode('node-red-contrib-modbus/modbus/modbus-flex-write.js')], flow as never);
    const writer = helper.getNode('writer') as unknown as { isReadyForInput(): boolean };
    await until(() => writer.isReadyForInput(), 30000, 'the Modbus client to connect');
    // The read-back gives the guard the present value, as a Modbus-Read through twin-ingest would.
    const before = spindle().speedSetpoint;
    testNode('n1').receive({ payload: [reading('speedSetpoint', Date.now(), before)] });
    const target = before === 13000 ? 12500 : 13000;
    testNode('n1').receive({ topic: 'request', payload: { value: target, requestedBy: 'operator' } });
    await until(() => spindle().speedSetpoint === target, 15000, `the PLC setpoint to become ${target} rpm`);
    await until(() => Math.abs(spindle().speed - target) < 300, 15000, 'the spindle to follow');
  });
});
