/**
 * twin-setpoint in real Node-RED (node-red-node-test-helper) beside the nodes whose facts it trusts: twin-ingest
 * (the PLC's read-back), twin-urgency and twin-threshold (interlocks). Messages on its own input carry requests and
 * decisions only; forged urgency decisions, alert events and read-backs change nothing, and decisions carry the
 * dashboard user of the message's session (sessions opened as the dashboard login's socket middleware opens them).
 */
import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import { plantFacts } from '../lib/facts/plant-facts';
import { dashboardSessions } from '../lib/identity/sessions';
import type { SetpointAuditRecord } from '../lib/setpoint/setpoint-audit';
import type { GuardSnapshot } from '../lib/setpoint/setpoint-guard';
import type { AlertEvent } from '../lib/threshold/alert';
import { startPlant, type Plant } from '../plant/plant';
import { testNode } from './support/test-node';
import { contribNode } from './support/core-nodes';
import { until } from './support/until';
import assetNode = require('../nodes/twin-asset/twin-asset');
import ingestNode = require('../nodes/twin-ingest/twin-ingest');
import setpointNode = require('../nodes/twin-setpoint/twin-setpoint');
import thresholdNode = require('../nodes/twin-threshold/twin-threshold');
import urgencyNode = require('../nodes/twin-urgency/twin-urgency');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const ASSET_CONFIG = { id: 'a1', type: 'twin-asset', assetId: 'spindle-1', maxRpm: '15000', idealCycleTimeS: '60', sensors: SPINDLE_ASSET.sensors };
const NODES = [assetNode, ingestNode, setpointNode, thresholdNode, urgencyNode];

/** What a loaded flow's twin-setpoint (n1) said: audits, PLC writes, states, errors and statuses. */
interface Observed {
  audits: SetpointAuditRecord[];
  writes: Array<{ payload: number; setpoint: { kind: string; value: number } }>;
  states: GuardSnapshot[];
  errors: string[];
  statuses: string[];
}

function observe(): Observed {
  const seen: Observed = { audits: [], writes: [], states: [], errors: [], statuses: [] };
  const n1 = testNode('n1');
  n1.on('call:error', (call: { firstArg: Error | string }) => seen.errors.push(String(call.firstArg instanceof Error ? call.firstArg.message : call.firstArg)));
  n1.on('call:status', (call: { firstArg: { text?: string } }) => { if (call.firstArg.text) seen.statuses.push(call.firstArg.text); });
  testNode('audit').on('input', (msg: { payload: SetpointAuditRecord[] }) => seen.audits.push(...msg.payload));
  testNode('plc').on('input', (msg: Observed['writes'][number]) => seen.writes.push(msg));
  testNode('state').on('input', (msg: { payload: GuardSnapshot }) => seen.states.push(msg.payload));
  return seen;
}

/**
 * The guarded spindle speed as the reference flow sets it (6,000–14,400 rpm, 2,400 rpm a step), with the nodes it
 * takes its facts from; `ingest` is where the PLC's values arrive.
 */
function guardedFlow(extra: Record<string, unknown> = {}): unknown[] {
  return [ASSET_CONFIG,
    { id: 'ingest', type: 'twin-ingest', asset: 'a1', source: 'canonical', missingTimestamp: 'reject', wires: [['threshold']] },
    { id: 'threshold', type: 'twin-threshold', asset: 'a1', sensors: 'bearingTemp', staleAfterS: '0', wires: [[], []] },
    { id: 'urgency', type: 'twin-urgency', wires: [[], [], []] },
    { id: 'n1', type: 'twin-setpoint', asset: 'a1', min: '6000', max: '14400', maxStep: '2400', wires: [['plc'], ['audit'], ['state']], ...extra },
    { id: 'plc', type: 'helper' }, { id: 'audit', type: 'helper' }, { id: 'state', type: 'helper' }];
}

function plcValue(sensor: string, value: number, ts = Date.now()): void {
  testNode('ingest').receive({ payload: [{ asset: 'spindle-1', sensor, value, ts }] });
}

function rul(hours: number): void {
  testNode('urgency').receive({ payload: { kind: 'rul', asset: 'spindle-1', ts: Date.now(), rulHours: hours, modelVersion: 'test' } });
}

function alarmEvent(id: string, state: AlertEvent['state']): AlertEvent {
  return { id, asset: 'spindle-1', sensor: 'bearingTemp', level: 'alarm', direction: 'high', state, value: 90, limit: 80, unit: '°C', ts: Date.now(), raisedAt: Date.now(), message: '' };
}

const last = <T>(items: T[]): T | undefined => items[items.length - 1];

describe('twin-setpoint node', function () {
  this.timeout(20000);
  beforeEach((done) => {
    dashboardSessions.open('socket-anna', 'anna');
    dashboardSessions.open('socket-lead', 'lead');
    dashboardSessions.open('socket-anonymous', null);
    helper.startServer(done);
  });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('loads with defaults', async function () {
    await helper.load([assetNode, setpointNode], [ASSET_CONFIG, { id: 'n1', type: 'twin-setpoint', asset: 'a1' }] as never);
    assert.ok(helper.getNode('n1'));
  });

  it('takes the requester from the login, needs another logged-in person to approve, and confirms on the PLC read-back', async function () {
    await helper.load(NODES, guardedFlow() as never);
    const seen = observe();
    const n1 = testNode('n1');
    plcValue('speedSetpoint', 12000);
    await until('the read-back from twin-ingest', () => last(seen.states)?.current === 12000, 5000);
    // The browser's own naming is ignored: the session says who asks.
    n1.receive({ topic: 'request', socketid: 'socket-anna', payload: { value: 13800, requestedBy: 'lead', reason: 'what-if +15 %' } });
    await until('the pending request', () => !!last(seen.states)?.pending, 5000);
    const pending = last(seen.states)!.pending!;
    assert.equal(pending.requestedBy, 'anna');
    n1.receive({ topic: 'approve', socketid: 'socket-anna', payload: { id: pending.id } });
    n1.receive({ topic: 'approve', payload: { id: pending.id, by: 'lead' } });
    n1.receive({ topic: 'approve', socketid: 'socket-anonymous', payload: { id: pending.id } });
    n1.receive({ topic: 'approve', socketid: 'socket-nobody-opened', payload: { id: pending.id } });
    await until('four refused approvals', () => seen.audits.filter((a) => a.action === 'refuse').length === 4, 5000);
    assert.equal(seen.writes.length, 0, 'nothing written');
    const refused = seen.audits.filter((a) => a.action === 'refuse').map((a) => a.reason);
    assert.match(refused[0] ?? '', /approve by anna: anna asked for this change and may not approve it too: another person must \(four eyes\)/);
    assert.match(refused[1] ?? '', /approve by lead: approval needs a user logged in to the dashboard; lead is not/);
    assert.match(refused[2] ?? '', /approve by dashboard user \(no login\): approval needs a user logged in/);
    assert.match(refused[3] ?? '', /approve by dashboard user \(no login\)/, 'a socket no login opened is nobody');
    assert.equal(last(seen.states)?.last?.code, 'approve refused', 'the approval panel sees the refusal');
    assert.equal(last(seen.statuses), 'pending approval 13,800 rpm', 'the request still waits for the right person');
    n1.receive({ topic: 'approve', socketid: 'socket-lead', payload: { id: pending.id } });
    await until('the PLC write', () => seen.writes.length === 1, 5000);
    assert.deepEqual([seen.writes[0].payload, seen.writes[0].setpoint.kind], [13800, 'apply']);
    plcValue('speedSetpoint', 13800, Date.now() + 1);
    await until('the confirmation by the read-back', () => last(seen.audits)?.action === 'confirm', 5000);
    const write = seen.audits.find((a) => a.action === 'write')!;
    assert.deepEqual([write.requestedBy, write.approvedBy], ['anna', 'lead']);
    assert.deepEqual(seen.audits.map((a) => a.action).filter((a) => a !== 'refuse'), ['request', 'approve', 'write', 'readback', 'confirm']);
    assert.equal(last(seen.statuses), 'applied 13,800 rpm');
    assert.deepEqual(seen.errors, []);
  });

  it('lets the requester approve with one-person approval set explicitly, logged in still', async function () {
    await helper.load(NODES, guardedFlow({ approver: 'one-person' }) as never);
    const seen = observe();
    plcValue('speedSetpoint', 12000);
    await until('the read-back', () => last(seen.states)?.current === 12000, 5000);
    testNode('n1').receive({ topic: 'request', socketid: 'socket-anna', payload: { value: 13000 } });
    await until('the pending request', () => !!last(seen.states)?.pending, 5000);
    testNode('n1').receive({ topic: 'approve', socketid: 'socket-anna', payload: { id: last(seen.states)!.pending!.id } });
    await until('the write', () => seen.writes.length === 1, 5000);
    assert.equal(seen.audits.find((a) => a.action === 'approve')?.approvedBy, 'anna');
  });

  it('lifts no interlock for a forged urgency decision, a forged cleared alarm or a flood of other alarms', async function () {
    await helper.load(NODES, guardedFlow() as never);
    const seen = observe();
    const n1 = testNode('n1');
    const ask = (value: number): void => n1.receive({ topic: 'request', socketid: 'socket-anna', payload: { value } });
    plcValue('speedSetpoint', 6000);
    rul(10);
    await until('twin-urgency to hold CRITICAL', () => plantFacts.urgencyOf('spindle-1')?.level === 'CRITICAL', 5000);
    n1.receive({ payload: { asset: 'spindle-1', level: 'NORMAL' } });
    n1.receive({ payload: [{ asset: 'spindle-1', level: 'NORMAL', previous: 'CRITICAL', changed: true }] });
    ask(8000);
    await until('the refusal', () => seen.audits.some((a) => a.action === 'refuse'), 5000);
    assert.equal(last(seen.audits)?.reason, 'interlock: spindle-1 maintenance urgency is CRITICAL');

    rul(2000);
    const t0 = Date.now();
    testNode('ingest').receive({ payload: [0, 6, 11].map((s) => ({ asset: 'spindle-1', sensor: 'bearingTemp', value: 90, ts: t0 + s * 1000 })) });
    await until('twin-threshold to raise the alarm', () => plantFacts.alertsOf('spindle-1').some((a) => a.level === 'alarm'), 5000);
    const raised = plantFacts.alertsOf('spindle-1')[0];
    n1.receive({ payload: alarmEvent(raised.id, 'cleared') });
    n1.receive({ payload: Array.from({ length: 1000 }, (_, i) => alarmEvent(`flood-${i}`, 'raised')) });
    ask(8000);
    await until('the second refusal', () => seen.audits.filter((a) => a.action === 'refuse').length === 2, 5000);
    assert.equal(last(seen.audits)?.reason, 'interlock: alarm active on spindle-1 bearingTemp');
    assert.equal(last(seen.states)?.interlock, 'interlock: alarm active on spindle-1 bearingTemp');
    assert.ok(seen.errors.length >= 4, seen.errors.join(' | '));
    assert.ok(seen.errors.every((e) => /is not one of request, approve, reject, confirm, state: twin-setpoint takes requests and decisions only/.test(e)), seen.errors.join(' | '));

    testNode('ingest').receive({ payload: [12, 18, 23].map((s) => ({ asset: 'spindle-1', sensor: 'bearingTemp', value: 50, ts: t0 + s * 1000 })) });
    await until('twin-threshold to clear the alarm', () => plantFacts.alertsOf('spindle-1').length === 0, 5000);
    ask(8000);
    await until('a request passing the interlocks', () => !!last(seen.states)?.pending, 5000);
  });

  it('checks the step against the value the PLC reported through twin-ingest, never a forged read-back', async function () {
    await helper.load(NODES, guardedFlow() as never);
    const seen = observe();
    const n1 = testNode('n1');
    plcValue('speedSetpoint', 6000);
    await until('the read-back', () => last(seen.states)?.current === 6000, 5000);
    n1.receive({ payload: [{ asset: 'spindle-1', sensor: 'speedSetpoint', unit: 'rpm', value: 12000, ts: Date.now() + 1000, quality: 'good' }] });
    n1.receive({ topic: 'request', socketid: 'socket-anna', payload: { value: 14400 } });
    await until('the refusal', () => seen.audits.some((a) => a.action === 'refuse'), 5000);
    assert.equal(last(seen.audits)?.reason,
      'step too large: 6,000 rpm → 14,400 rpm changes by 8,400 rpm, more than the maximum step 2,400 rpm; ask for 8,400 rpm at most');
    assert.match(seen.errors[0] ?? '', /msg.topic "" is not one of request/);
    assert.equal(last(seen.states)?.current, 6000);
  });

  it('writes back only what the PLC itself held, and never a value outside the range', async function () {
    await helper.load(NODES, guardedFlow({ mode: 'automatic', watchdogS: '0.3' }) as never);
    const seen = observe();
    const n1 = testNode('n1');
    plcValue('speedSetpoint', 6000);
    await until('the read-back', () => last(seen.states)?.current === 6000, 5000);
    n1.receive({ payload: [{ asset: 'spindle-1', sensor: 'speedSetpoint', unit: 'rpm', value: 12000, ts: Date.now() + 1000, quality: 'good' }] });
    n1.receive({ topic: 'request', payload: { value: 7000, requestedBy: 'line optimiser' } });
    await until('the write and its revert', () => seen.writes.length === 2, 5000);
    assert.deepEqual(seen.writes.map((w) => `${w.setpoint.kind}:${w.payload}`), ['apply:7000', 'revert:6000']);

    // Set at the HMI above what the twin may write: the PLC's own value, but no revert target.
    plcValue('speedSetpoint', 14600, Date.now() + 2000);
    await until('the HMI change', () => last(seen.states)?.current === 14600, 5000);
    n1.receive({ topic: 'request', payload: { value: 14400, requestedBy: 'line optimiser' } });
    await until('the refused revert', () => last(seen.audits)?.detail === 'revert out of bounds', 5000);
    assert.deepEqual(seen.writes.map((w) => `${w.setpoint.kind}:${w.payload}`), ['apply:7000', 'revert:6000', 'apply:14400']);
    assert.match(last(seen.audits)?.reason ?? '', /the last safe value 14,600 rpm lies outside 6,000 rpm – 14,400 rpm, so it is not written back/);
  });

  it('shows a setpoint changed at the PLC on its state output, once per change', async function () {
    await helper.load(NODES, guardedFlow() as never);
    const seen = observe();
    const start = Date.now();
    for (const [offset, value] of [[0, 12000], [1000, 12000], [2000, 10200], [3000, 10200]]) plcValue('speedSetpoint', value, start + offset);
    await until('two states', () => seen.states.length >= 2, 5000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(seen.states.map((state) => [state.current, state.lastSafe]), [[12000, 12000], [10200, 10200]],
      'what the PLC holds without a write on trial is the safe value');
  });

  it('shapes Modbus writes from the register map', async function () {
    await helper.load(NODES, guardedFlow({ protocol: 'modbus', mode: 'automatic', safeValue: '12000' }) as never);
    const seen = observe();
    testNode('n1').receive({ topic: 'request', payload: { value: 13500, requestedBy: 'operator' } });
    await until('the write', () => seen.writes.length === 1, 5000);
    const msg = seen.writes[0] as unknown as { topic: string; payload: unknown };
    assert.equal(msg.topic, 'setpoint/spindle-1/speedSetpoint');
    assert.deepEqual(msg.payload, { value: 13500, fc: 6, unitid: 1, address: 1, quantity: 1 });
  });

  it('audits every refused decision, and rejects input and a setpoint it cannot use with done(err)', async function () {
    const flow = [...guardedFlow(), { id: 'n2', type: 'twin-setpoint', asset: 'a1', sensor: 'load', protocol: 'modbus' }];
    await helper.load(NODES, flow as never);
    const seen = observe();
    const errors: string[] = [];
    testNode('n2').on('call:error', (call: { firstArg: Error }) => errors.push(call.firstArg.message));
    testNode('n1').receive({ payload: 'hello' });
    testNode('n1').receive({ topic: 'approve', socketid: 'socket-lead', payload: { id: 'x' } });
    testNode('n1').receive({ topic: 'request', socketid: 'socket-anna', payload: 13000 });
    testNode('n2').receive({ topic: 'request', payload: { value: 1, requestedBy: 'operator' } });
    await until('errors and refusals', () => seen.errors.length === 1 && errors.length === 1 && seen.audits.filter((a) => a.action === 'refuse').length === 2, 5000);
    assert.match(seen.errors[0], /msg.topic "" is not one of request, approve, reject, confirm, state/);
    assert.match(errors[0], /register 2 \(load\) is not marked writable/);
    const reasons = seen.audits.filter((a) => a.action === 'refuse').map((a) => a.reason);
    assert.match(reasons[0] ?? '', /approve by lead: no request is pending approval \(x\)/);
    assert.equal(reasons[1], 'value undefined is not a number');
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

  it('writes the setpoint through node-red-contrib-opcua, and the spindle changes speed', async function () {
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
    await until('the OPC UA client session', () => active, 30000);
    const results: Array<{ payload: { value?: number; name?: string } }> = [];
    testNode('written').on('input', (msg: { payload: { value?: number; name?: string } }) => { results.push(msg); });
    assert.ok(Math.abs(spindle().speedSetpoint - 12000) < 1, `the spindle starts at 12,000 rpm, not ${spindle().speedSetpoint}`);
    testNode('n1').receive({ topic: 'request', payload: { value: 13800, requestedBy: 'operator', reason: 'what-if +15 %' } });
    await until('the PLC setpoint to become 13,800 rpm', () => spindle().speedSetpoint === 13800, 15000);
    await until('the spindle to speed up', () => spindle().speed > 13500, 15000);
    await until('the client to report the write', () => results.length > 0, 5000);
    assert.equal(results[0].payload.name, 'Good', `status of the write: ${JSON.stringify(results[0].payload)}`);
  });

  it('writes the setpoint through node-red-contrib-modbus, and the spindle changes speed', async function () {
    const flow = [ASSET_CONFIG,
      { id: 'ingest', type: 'twin-ingest', asset: 'a1', source: 'canonical', missingTimestamp: 'reject', wires: [] },
      { id: 'n1', type: 'twin-setpoint', asset: 'a1', protocol: 'modbus', unitId: '1', mode: 'automatic', watchdogS: '0', wires: [['writer'], [], []] },
      { id: 'modbus', type: 'modbus-client', clienttype: 'tcp', bufferCommands: true, stateLogEnabled: false, queueLogEnabled: false, failureLogEnabled: false,
        tcpHost: '127.0.0.1', tcpPort: String(plant.modbusPort), tcpType: 'DEFAULT', unit_id: '1', commandDelay: '1', clientTimeout: '1000',
        reconnectOnTimeout: true, reconnectTimeout: '2000', parallelUnitIdsAllowed: true, showErrors: true, showWarnings: true, showLogs: false },
      { id: 'writer', type: 'modbus-flex-write', server: 'modbus', showStatusActivities: false, showErrors: true, showWarnings: true,
        emptyMsgOnFail: false, keepMsgProperties: false, delayOnStart: false, startDelayTime: '' }];
    await helper.load([assetNode, ingestNode, setpointNode, contribNode('node-red-contrib-modbus/modbus/modbus-client.js'),
      contribNode('node-red-contrib-modbus/modbus/modbus-flex-write.js')], flow as never);
    const writer = helper.getNode('writer') as unknown as { isReadyForInput(): boolean };
    await until('the Modbus client to connect', () => writer.isReadyForInput(), 30000);
    // The read-back gives the guard the present value, through twin-ingest as a Modbus-Read would.
    const before = spindle().speedSetpoint;
    plcValue('speedSetpoint', before);
    const target = before === 13000 ? 12500 : 13000;
    testNode('n1').receive({ topic: 'request', payload: { value: target, requestedBy: 'operator' } });
    await until(`the PLC setpoint to become ${target} rpm`, () => spindle().speedSetpoint === target, 15000);
    await until('the spindle to follow', () => Math.abs(spindle().speed - target) < 300, 15000);
  });
});
