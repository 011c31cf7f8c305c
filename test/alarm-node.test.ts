/**
 * twin-alarms in node-red-node-test-helper, between a real twin-threshold fed with readings and a real twin-historian
 * on PostgreSQL (the embedded TimescaleDB when none answers): alarms shown with their priority, acknowledged by the
 * logged-in user and the acknowledgement sent back to twin-threshold, a shelve refused to an anonymous browser and
 * done by a logged-in one, ending by itself, out-of-service checked against the flow's assets, a browser that connects
 * getting the whole state addressed to it, suppression by design from the machine state, and the journal and hourly
 * alarm load in the database, read back through the historian's queries.
 */
import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import type { AlarmJournalRecord } from '../lib/alarm/alarm-journal';
import type { AlarmLoadReport } from '../lib/alarm/alarm-rate';
import type { AlarmSummary } from '../lib/alarm/alarm-summary';
import type { AlarmView } from '../lib/alarm/alarm-types';
import { plantFacts } from '../lib/facts/plant-facts';
import { dashboardSessions } from '../lib/identity/sessions';
import type { AlertEvent } from '../lib/threshold/alert';
import { FlowBuilder } from '../scripts/reference-flow/builder';
import { EXAMPLES } from '../scripts/reference-flow/examples';
import { coreNode } from './support/core-nodes';
import { testDatabase, uniqueSchema, withClient, type TestDatabase } from './support/database';
import { testNode } from './support/test-node';
import { until } from './support/until';
import alarmsNode = require('../nodes/twin-alarms/twin-alarms');
import assetNode = require('../nodes/twin-asset/twin-asset');
import dbNode = require('../nodes/twin-db/twin-db');
import historianNode = require('../nodes/twin-historian/twin-historian');
import thresholdNode = require('../nodes/twin-threshold/twin-threshold');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const SENSORS = [
  { id: 'bearingTemp', name: 'Bearing temperature', unit: '°C', kind: 'scalar', warning: { high: 65 }, alarm: { high: 80, priority: 'urgent' }, hysteresis: 2 },
  { id: 'load', name: 'Load', unit: '%', kind: 'scalar', warning: { high: 95 } },
  { id: 'speed', name: 'Speed', unit: 'rpm', kind: 'scalar' },
];


interface Captured {
  summaries: Array<{ topic: string; payload: AlarmSummary; socketid?: string }>;
  notices: Array<{ payload: { ok: boolean; text: string }; socketid?: string }>;
  loads: Array<{ payload: AlarmLoadReport; socketid?: string }>;
  annunciations: AlarmView[];
  active: AlertEvent[][];
}

describe('twin-alarms node', function () {
  this.timeout(120000);
  let db: TestDatabase;
  let schema: string;
  const savedUrl = process.env.DATABASE_URL;

  before(async function () {
    db = await testDatabase('twin-alarms-node');
    process.env.DATABASE_URL = db.url;
    schema = uniqueSchema('twin_alarms');
    dashboardSessions.open('socket-anna', 'anna');
    dashboardSessions.open('socket-nobody', null);
  });
  after(async function () {
    if (savedUrl === undefined) delete process.env.DATABASE_URL; else process.env.DATABASE_URL = savedUrl;
    await withClient(db.url, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
    db.release();
  });
  let position = '';
  let run = 0;
  beforeEach((done) => { position = `Line 1 desk ${++run}`; helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  /** threshold → alarms → historian, with helpers on every output; alarms' acknowledgements go back to threshold. */
  function flow(alarms: Record<string, unknown> = {}): Array<Record<string, unknown>> {
    return [
      { id: 'asset', type: 'twin-asset', name: 'Spindle', assetId: 'spindle-1', assetType: 'cnc-spindle', sensors: SENSORS },
      { id: 'db', type: 'twin-db', mode: 'auto', schema, poolMax: '2' },
      { id: 'threshold', type: 'twin-threshold', asset: 'asset', sensors: '', staleAfterS: '0', ignoreHistorical: true, wires: [['alarms'], ['active']] },
      { id: 'alarms', type: 'twin-alarms', position, assets: '', shelveDurations: '2 s, 1 h', requireLogin: true, windowHours: '24', reportS: '1',
        ...alarms, wires: [['summary'], ['historian'], ['load'], ['threshold'], ['annunciations']] },
      { id: 'historian', type: 'twin-historian', db: 'db', mode: 'write', batchMs: '100', wires: [[]] },
      { id: 'reader', type: 'twin-historian', db: 'db', mode: 'query', wires: [['answers']] },
      { id: 'summary', type: 'helper' }, { id: 'load', type: 'helper' }, { id: 'annunciations', type: 'helper' }, { id: 'active', type: 'helper' },
      { id: 'answers', type: 'helper' },
    ];
  }

  async function load(alarms: Record<string, unknown> = {}): Promise<Captured> {
    await helper.load([assetNode, dbNode, thresholdNode, alarmsNode, historianNode], flow(alarms) as never);
    const captured: Captured = { summaries: [], notices: [], loads: [], annunciations: [], active: [] };
    testNode('summary').on('input', (msg: { topic: string; payload: never; socketid?: string }) => {
      if (msg.topic === 'notice') captured.notices.push(msg);
      else captured.summaries.push(msg);
    });
    testNode('load').on('input', (msg: { payload: AlarmLoadReport; socketid?: string }) => captured.loads.push(msg));
    testNode('annunciations').on('input', (msg: { payload: AlarmView }) => captured.annunciations.push(msg.payload));
    testNode('active').on('input', (msg: { payload: AlertEvent[] }) => captured.active.push(msg.payload));
    return captured;
  }

  const readings = (sensor: string, value: number) => ({ payload: [{ asset: 'spindle-1', sensor, unit: '', value, ts: Date.now(), quality: 'good' }] });
  const latest = (c: Captured) => c.summaries[c.summaries.length - 1]?.payload;
  const journal = async (): Promise<AlarmJournalRecord[]> => {
    const answer = new Promise<AlarmJournalRecord[]>((resolve) => testNode('answers').once('input', (msg: { payload: AlarmJournalRecord[] }) => resolve(msg.payload)));
    testNode('reader').receive({ payload: { alarmJournal: 'recent', position } });
    return answer;
  };

  it('loads with defaults', async function () {
    await helper.load([alarmsNode], [{ id: 'n1', type: 'twin-alarms' }] as never);
    assert.ok(helper.getNode('n1'));
  });

  it('shows a raised alarm with its priority, takes the acknowledgement of the logged-in user and tells twin-threshold', async function () {
    const c = await load();
    testNode('threshold').receive(readings('bearingTemp', 85));
    await until('the alarm on the summary', () => latest(c)?.alarms.length === 1, 5000);
    const alarm = latest(c)!.alarms[0];
    assert.deepEqual([alarm.key, alarm.state, alarm.priority, alarm.level], ['spindle-1:bearingTemp:alarm', 'unacknowledged', 'urgent', 'alarm']);
    assert.deepEqual(c.annunciations.map((a) => a.key), ['spindle-1:bearingTemp:alarm']);
    testNode('alarms').receive({ topic: 'ack', payload: { key: alarm.key, by: 'someone else' }, socketid: 'socket-anna' });
    await until('the acknowledgement on the summary', () => latest(c)?.alarms[0]?.state === 'acknowledged', 5000);
    assert.equal(latest(c)!.alarms[0].acknowledgedBy, 'anna', 'the login, not the name the message claims');
    await until('twin-threshold to hold it acknowledged', () => c.active.some((list) => list[0]?.state === 'acknowledged'), 5000);
    assert.equal(c.active[c.active.length - 1][0].acknowledgedBy, 'anna');
    assert.deepEqual(c.notices.map((n) => [n.payload.ok, n.socketid]), [[true, 'socket-anna']]);
    await until('the journal in the database', async () => (await journal()).length >= 2, 10000);
    const rows = await journal();
    assert.deepEqual(rows.map((r) => [r.action, r.state, r.by, r.priority]).reverse(), [['raised', 'unacknowledged', null, 'urgent'], ['acknowledged', 'acknowledged', 'anna', 'urgent']]);
    await withClient(db.url, async (client) => {
      const alerts = await client.query(`SELECT state, acknowledged_by FROM "${schema}".twin_alerts WHERE id = $1`, [alarm.alertId]);
      assert.deepEqual(alerts.rows, [{ state: 'acknowledged', acknowledged_by: 'anna' }]);
    });
  });

  it('refuses a shelve to a browser without a login, shelves for a logged-in user, and brings the alarm back when the shelve ends', async function () {
    const c = await load();
    testNode('threshold').receive(readings('load', 99));
    await until('the alarm on the summary', () => latest(c)?.alarms.length === 1, 5000);
    const key = latest(c)!.alarms[0].key;
    testNode('alarms').receive({ topic: 'shelve', payload: { key, seconds: 2, reason: 'testing' }, socketid: 'socket-nobody' });
    await until('the refusal', () => c.notices.length === 1, 5000);
    assert.equal(c.notices[0].payload.ok, false);
    assert.match(c.notices[0].payload.text, /shelving needs a named person, and this dashboard has no login: add dashboard users/, 'the settings installed no login: said so');
    assert.equal(latest(c)!.dashboardLogin, false, 'and the page is told');
    assert.equal(c.notices[0].socketid, 'socket-nobody', 'told to the browser that asked');
    testNode('alarms').receive({ topic: 'shelve', payload: { key, seconds: 7200, reason: 'too long' }, socketid: 'socket-anna' });
    await until('the second refusal', () => c.notices.length === 2, 5000);
    assert.match(c.notices[1].payload.text, /at most 1 h/);
    const shelvedAt = Date.now();
    testNode('alarms').receive({ topic: 'shelve', payload: { key, seconds: 2, reason: 'load sensor re-spanned, known high' }, socketid: 'socket-anna' });
    await until('the shelved alarm off the summary', () => latest(c)?.alarms.length === 0 && latest(c)?.shelved.length === 1, 5000);
    const shelve = latest(c)!.shelved[0].shelve!;
    assert.deepEqual([shelve.by, shelve.reason], ['anna', 'load sensor re-spanned, known high']);
    assert.ok(Math.abs(shelve.until - shelvedAt - 2000) < 1000);
    await until('the alarm back by itself', () => latest(c)?.alarms[0]?.state === 'unacknowledged' && latest(c)?.shelved.length === 0, 6000);
    assert.equal(c.annunciations.length, 2, 'shown again as a new alarm');
    await until('the journal in the database', async () => (await journal()).some((r) => r.action === 'shelve-expired'), 10000);
    const rows = (await journal()).reverse();
    assert.deepEqual(rows.map((r) => [r.action, r.by]), [['raised', null], ['refused', 'dashboard user (no login)'], ['refused', 'anna'], ['shelved', 'anna'],
      ['shelve-expired', 'system']]);
    const shelved = rows[3];
    assert.equal(shelved.reason, 'load sensor re-spanned, known high');
    assert.equal(shelved.until, shelve.until);
  });

  it('takes a sensor of the flow\'s assets out of service and refuses one it does not know', async function () {
    const c = await load();
    testNode('alarms').receive({ topic: 'out-of-service', payload: { asset: 'spindle-1', sensor: 'nope', reason: 'x' }, socketid: 'socket-anna' });
    testNode('alarms').receive({ topic: 'out-of-service', payload: { asset: 'spindle-1', sensor: 'bearingTemp', reason: 'WO-77 RTD replaced' }, socketid: 'socket-anna' });
    await until('both answers', () => c.notices.length === 2, 5000);
    assert.match(c.notices[0].payload.text, /no sensor "nope" of asset "spindle-1"/);
    assert.equal(c.notices[1].payload.ok, true);
    testNode('threshold').receive(readings('bearingTemp', 90));
    await until('the out-of-service list', () => latest(c)?.outOfService[0]?.activeAlarms === 1, 5000);
    assert.deepEqual(latest(c)!.alarms, [], 'its alarm is not shown');
    assert.deepEqual(latest(c)!.sensors.map((s) => s.sensor), ['bearingTemp', 'load', 'speed']);
    testNode('alarms').receive({ topic: 'return-to-service', payload: { asset: 'spindle-1', sensor: 'bearingTemp' }, socketid: 'socket-nobody' });
    await until('the alarm shown again', () => latest(c)?.alarms[0]?.state === 'unacknowledged', 5000);
  });

  it('sends the whole state and load to a browser that connects, addressed to it', async function () {
    const c = await load();
    testNode('threshold').receive(readings('bearingTemp', 70));
    await until('the alarm', () => latest(c)?.alarms.length === 1, 5000);
    const before = c.summaries.length;
    testNode('alarms').receive({ payload: 'connect', socketid: 'socket-anna', socketip: '127.0.0.1' });
    await until('the addressed copy', () => c.summaries.length > before, 5000);
    const copy = c.summaries[c.summaries.length - 1];
    assert.equal(copy.socketid, 'socket-anna');
    assert.equal(copy.payload.alarms[0].key, 'spindle-1:bearingTemp:warning');
    assert.ok(c.loads.some((l) => l.socketid === 'socket-anna' && l.payload.overall.inWindow === 1));
  });

  it('suppresses by design while the machine is down, and stores the hourly alarm load', async function () {
    const c = await load();
    plantFacts.setMachineState('test-machine-state', 'spindle-1', { state: 'down', since: Date.now() });
    try {
      testNode('threshold').receive(readings('bearingTemp', 70));
      await until('the suppressed alarm', () => latest(c)?.suppressed.length === 1, 5000);
      assert.deepEqual(latest(c)!.alarms, []);
      plantFacts.setMachineState('test-machine-state', 'spindle-1', { state: 'running', since: Date.now() });
      await until('the alarm shown once the machine runs', () => latest(c)?.alarms[0]?.state === 'unacknowledged', 5000);
    } finally {
      plantFacts.withdraw('test-machine-state');
    }
    await until('the alarm load stored', () => withClient(db.url, async (client) => {
      const rows = await client.query(`SELECT asset, alarms FROM "${schema}".twin_alarm_kpis WHERE position = $1 ORDER BY asset`, [position]).catch(() => ({ rows: [] }));
      return rows.rows.length === 2 && rows.rows.every((r: { alarms: number }) => r.alarms >= 1);
    }), 10000, 300);
    const answer = new Promise<Array<{ asset: string; alarms: number }>>((resolve) => testNode('answers').once('input', (msg: { payload: never }) => resolve(msg.payload)));
    testNode('reader').receive({ payload: { alarmKpis: position, from: Date.now() - 3_600_000 * 2 } });
    const kpis = await answer;
    assert.ok(kpis.some((k) => k.asset === '' && k.alarms >= 1) && kpis.some((k) => k.asset === 'spindle-1'));
    assert.ok(c.loads.length > 0 && c.loads[c.loads.length - 1].payload.overall.inWindow >= 1);
  });

  it('"Alarm management (ISA-18.2)" example: raise, acknowledge, return, raise again, shelve and take out of service, each journaled', async function () {
    const flow = EXAMPLES['Alarm management (ISA-18.2)']() as Array<Record<string, unknown>>;
    const alarms = flow.find((n) => n.type === 'twin-alarms')!;
    (alarms.wires as string[][])[0].push('probe-summary');
    (alarms.wires as string[][])[1].push('probe-journal');
    flow.push({ id: 'probe-summary', type: 'helper', z: alarms.z }, { id: 'probe-journal', type: 'helper', z: alarms.z });
    const core = ['common/20-inject.js', 'common/21-debug.js', 'common/90-comment.js', 'function/10-function.js'].map(coreNode);
    await helper.load([...core, assetNode, thresholdNode, alarmsNode], flow as never);
    const summaries: AlarmSummary[] = [];
    const journalRecords: AlarmJournalRecord[] = [];
    testNode('probe-summary').on('input', (msg: { topic: string; payload: AlarmSummary }) => { if (msg.topic !== 'notice') summaries.push(msg.payload); });
    testNode('probe-journal').on('input', (msg: { payload: AlarmJournalRecord[] }) => journalRecords.push(...msg.payload.filter((r) => r.kind === 'alarm-journal')));
    const press = async (button: string, what: string, check: () => boolean) => {
      testNode(FlowBuilder.idFor(button)).receive({});
      await until(what, check, 5000);
    };
    const state = () => summaries[summaries.length - 1]?.alarms[0]?.state;
    await press('hot', 'the alarm', () => state() === 'unacknowledged');
    assert.equal(summaries[summaries.length - 1].alarms[0].priority, 'high');
    await press('ack', 'acknowledged', () => state() === 'acknowledged');
    await press('cool', 'back to normal', () => summaries[summaries.length - 1].alarms.length === 0);
    await press('hot', 'raised again', () => state() === 'unacknowledged');
    await press('shelve', 'shelved', () => summaries[summaries.length - 1].shelved.length === 1);
    await press('unshelve', 'unshelved', () => state() === 'unacknowledged');
    await press('oos', 'out of service', () => summaries[summaries.length - 1].outOfService.length === 1);
    await press('rts', 'back in service', () => summaries[summaries.length - 1].outOfService.length === 0 && state() === 'unacknowledged');
    assert.deepEqual(journalRecords.map((j) => [j.action, j.by]), [['raised', null], ['acknowledged', 'example user'], ['returned', null], ['raised', null],
      ['shelved', 'example user'], ['unshelved', 'example user'], ['out-of-service', 'example user'], ['returned-to-service', 'example user']]);
  });
});
