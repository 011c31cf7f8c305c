/**
 * The ISA-18.2 alarm state model (lib/alarm): states and acknowledgement of returns to normal, priorities from the asset
 * model, shelving with its expiry, out-of-service, suppression by design from the machine state, the journal of every
 * transition, and the alarm-rate figures (floods, bad actors, chattering, hourly records). Alerts come from a real
 * ThresholdMonitor fed with readings, so the priorities and suppression design are the ones twin-threshold stamps.
 */
import assert from 'node:assert/strict';
import { validateAsset, type AssetDefinition } from '../lib/asset/asset-model';
import { catalogueToJson, parseCatalogueJson } from '../lib/catalogue/catalogue-json';
import { formatProblem } from '../lib/catalogue/catalogue-model';
import { parseTagCsv } from '../lib/catalogue/tag-csv';
import { AlarmBoard, AlarmRefusal, type BoardChanges } from '../lib/alarm/alarm-board';
import { AlarmRate, FLOOD_ALARMS_PER_10_MIN, TEN_MINUTES_MS } from '../lib/alarm/alarm-rate';
import { alarmSummary, parseShelveChoices } from '../lib/alarm/alarm-summary';
import type { MachineStateNow, MachineStateView } from '../lib/alarm/suppression';
import type { ScalarReading } from '../lib/reading/reading';
import { alarmKeyOf, type AlertEvent } from '../lib/threshold/alert';
import { ThresholdMonitor } from '../lib/threshold/threshold-monitor';

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);
const HOUR = 3_600_000;

const ASSET: AssetDefinition = {
  id: 'm1', name: 'Machine', type: 'test', ratings: {},
  sensors: [
    { id: 'temp', name: 'Temperature', unit: '°C', kind: 'scalar', warning: { high: 65 }, alarm: { high: 80, priority: 'urgent' }, hysteresis: 2 },
    { id: 'flow', name: 'Flow', unit: 'm³/h', kind: 'scalar', warning: { low: 150, priority: 'medium' }, suppressWhen: ['stopped'] },
    { id: 'load', name: 'Load', unit: '%', kind: 'scalar', alarm: { high: 110 }, suppressWhen: [] },
  ],
};

/** The machine state the machine-state rule would publish; changed by the test as the machine stops and starts. */
class Machines implements MachineStateView {
  states = new Map<string, MachineStateNow>();
  stateOf(asset: string): MachineStateNow | null {
    return this.states.get(asset) ?? null;
  }
}

function reading(sensor: string, value: number, ts: number): ScalarReading {
  return { asset: 'm1', sensor, unit: '', value, ts, quality: 'good' };
}

interface Rig {
  board: AlarmBoard;
  monitor: ThresholdMonitor;
  machines: Machines;
  journal: BoardChanges['journal'];
  annunciated: BoardChanges['annunciated'];
  /** Feeds a reading through the threshold monitor and its events to the board. */
  feed(sensor: string, value: number, ts: number): AlertEvent[];
  take(changes: BoardChanges): BoardChanges;
}

function rig(maxShelveMs = 8 * HOUR): Rig {
  const machines = new Machines();
  const board = new AlarmBoard({ position: 'Control room', maxShelveMs }, machines);
  const monitor = new ThresholdMonitor(ASSET, { sensors: [], staleAfterMs: 10_000, ignoreHistorical: true }, T0);
  const r: Rig = {
    board, monitor, machines, journal: [], annunciated: [],
    take(changes) {
      r.journal.push(...changes.journal);
      r.annunciated.push(...changes.annunciated);
      return changes;
    },
    feed(sensor, value, ts) {
      const events = monitor.process([reading(sensor, value, ts)], ts);
      for (const e of events) r.take(board.onAlert(e));
      return events;
    },
  };
  return r;
}

function stateOf(board: AlarmBoard, key: string): string | undefined {
  return board.views().find((v) => v.key === key)?.state;
}

describe('alarm state model (ISA-18.2)', function () {
  it('goes unacknowledged → acknowledged → normal, journals each step with who, and sends the acknowledgement to the source', function () {
    const r = rig();
    const [raised] = r.feed('temp', 70, T0);
    const key = alarmKeyOf(raised);
    assert.equal(key, 'm1:temp:warning');
    assert.equal(stateOf(r.board, key), 'unacknowledged');
    assert.equal(r.annunciated.length, 1);
    const ack = r.take(r.board.acknowledge([key], 'anna', T0 + 1000));
    assert.equal(stateOf(r.board, key), 'acknowledged');
    assert.deepEqual(ack.acknowledgedAtSource, [raised.id]);
    assert.deepEqual(ack.acknowledgements.map((a) => [a.id, a.state, a.acknowledgedBy]), [[raised.id, 'acknowledged', 'anna']]);
    assert.equal(r.take(r.board.acknowledge([key], 'anna', T0 + 2000)).journal.length, 0, 'nothing more to acknowledge');
    r.feed('temp', 60, T0 + 3000);
    assert.equal(stateOf(r.board, key), 'normal');
    assert.deepEqual(r.journal.map((j) => [j.action, j.state, j.by]), [['raised', 'unacknowledged', null], ['acknowledged', 'acknowledged', 'anna'], ['returned', 'normal', null]]);
    assert.ok(r.journal.every((j) => j.kind === 'alarm-journal' && j.position === 'Control room' && j.alarm === key && j.priority === 'low'));
  });

  it('keeps an alarm that returned to normal unacknowledged on the summary until somebody acknowledges it', function () {
    const r = rig();
    const [raised] = r.feed('temp', 70, T0);
    r.feed('temp', 60, T0 + 5000);
    const key = alarmKeyOf(raised);
    assert.equal(stateOf(r.board, key), 'returned-unacknowledged');
    const summary = () => alarmSummary({ position: 'p', ts: T0, views: r.board.views(), outOfService: [], load: new AlarmRate(HOUR, T0).report('p', T0).overall,
      shelveChoices: [], sensors: [], loginRequired: true, dashboardLogin: true });
    assert.deepEqual(summary().alarms.map((a) => [a.key, a.state, a.active]), [[key, 'returned-unacknowledged', false]]);
    const ack = r.take(r.board.acknowledge([key], 'anna', T0 + 6000));
    assert.deepEqual(ack.acknowledgedAtSource, [], 'the source no longer holds it');
    assert.equal(ack.acknowledgements[0].state, 'acknowledged');
    assert.equal(stateOf(r.board, key), 'normal');
    assert.deepEqual(summary().alarms, []);
  });

  it('takes an escalation from warning to alarm as the alarm superseding the warning, not as the warning returning to normal', function () {
    const r = rig();
    r.feed('temp', 70, T0);
    r.feed('temp', 85.53799779185667, T0 + 1000);
    assert.deepEqual(r.board.views().map((v) => [v.key, v.state]).sort(), [['m1:temp:alarm', 'unacknowledged'], ['m1:temp:warning', 'normal']]);
    assert.match(r.journal[1].message, /superseded: temp 85\.54 °C crossed a higher limit$/, 'the value as the alert texts write it');
    r.feed('temp', 70, T0 + 2000);
    assert.deepEqual(r.board.views().map((v) => [v.key, v.state]).sort(), [['m1:temp:alarm', 'returned-unacknowledged'], ['m1:temp:warning', 'unacknowledged']],
      'back down to the warning: the alarm returned, the warning is raised again');
  });

  it('takes priorities from the asset model per limit, defaults the rest, and sorts the summary most important first', function () {
    const r = rig();
    r.feed('flow', 100, T0);
    r.feed('temp', 90, T0 + 1000);
    r.feed('load', 120, T0 + 2000);
    const views = r.board.views();
    const priority = (key: string) => views.find((v) => v.key === key)?.priority;
    assert.equal(priority('m1:temp:alarm'), 'urgent', 'the alarm limit names urgent');
    assert.equal(priority('m1:flow:warning'), 'medium', 'the warning limit names medium');
    assert.equal(priority('m1:load:alarm'), 'high', 'an alarm limit without one is high');
    const summary = alarmSummary({ position: 'p', ts: T0, views, outOfService: [], load: new AlarmRate(HOUR, T0).report('p', T0).overall, shelveChoices: [],
      sensors: [], loginRequired: true, dashboardLogin: true });
    assert.deepEqual(summary.alarms.map((a) => a.key), ['m1:temp:alarm', 'm1:load:alarm', 'm1:flow:warning']);
    assert.deepEqual(summary.counts.byPriority, { urgent: 1, high: 1, medium: 1, low: 0 });
  });

  it('shelves an alarm with who, why and until, hides what happens meanwhile, and brings it back by itself when the time is up', function () {
    const r = rig();
    const [raised] = r.feed('temp', 70, T0);
    const key = alarmKeyOf(raised);
    assert.throws(() => r.board.shelve(key, 'anna', '  ', HOUR, T0), (e: unknown) => e instanceof AlarmRefusal && /needs a reason/.test(e.message));
    assert.throws(() => r.board.shelve(key, 'anna', 'sensor chattering', 9 * HOUR, T0), /at most 8 h/);
    assert.throws(() => r.board.shelve('m1:nothing:alarm', 'anna', 'why', HOUR, T0), /no alarm/);
    r.take(r.board.shelve(key, 'anna', 'sensor chattering, instrument tech called', HOUR, T0 + 1000));
    const shelved = r.board.views().find((v) => v.key === key)!;
    assert.equal(shelved.state, 'shelved');
    assert.deepEqual(shelved.shelve, { by: 'anna', reason: 'sensor chattering, instrument tech called', at: T0 + 1000, until: T0 + 1000 + HOUR });
    // The condition comes and goes while shelved: journaled, never shown.
    r.feed('temp', 60, T0 + 60_000);
    r.feed('temp', 71, T0 + 120_000);
    assert.equal(r.annunciated.length, 1, 'only the first raise was shown');
    assert.equal(r.take(r.board.tick(T0 + HOUR)).journal.length, 0, 'not yet');
    const expired = r.take(r.board.tick(T0 + 1000 + HOUR));
    assert.deepEqual(expired.journal.map((j) => [j.action, j.state, j.by]), [['shelve-expired', 'unacknowledged', 'system']]);
    assert.equal(expired.annunciated.length, 1, 'still active: shown again as a new alarm');
    assert.equal(stateOf(r.board, key), 'unacknowledged');
    assert.deepEqual(r.journal.map((j) => j.action), ['raised', 'shelved', 'returned', 'raised', 'shelve-expired']);
    assert.match(r.journal[3].message, /\(not shown: shelved by anna for another 59 min\)$/, 'a duration: the journal\'s readers are in time zones the server does not know');
  });

  it('an alarm that returned to normal while shelved comes back as normal, and unshelving early is journaled with the person', function () {
    const r = rig();
    const [raised] = r.feed('temp', 70, T0);
    const key = alarmKeyOf(raised);
    r.take(r.board.shelve(key, 'anna', 'known, maintenance planned', HOUR, T0));
    r.feed('temp', 60, T0 + 1000);
    const back = r.take(r.board.unshelve(key, 'lead', T0 + 2000));
    assert.deepEqual(back.annunciated, []);
    assert.deepEqual(back.journal.map((j) => [j.action, j.state, j.by, j.reason]), [['unshelved', 'normal', 'lead', 'known, maintenance planned']]);
    assert.throws(() => r.board.unshelve(key, 'lead', T0 + 3000), /not shelved/);
  });

  it('takes a sensor out of service: all of its alarms hidden, new ones too; back in service, active ones are shown again', function () {
    const r = rig();
    r.feed('temp', 70, T0);
    r.take(r.board.removeFromService('m1', 'temp', 'tech-joe', 'WO-1234 replace RTD', T0 + 1000));
    assert.equal(stateOf(r.board, 'm1:temp:warning'), 'out-of-service');
    r.feed('temp', 90, T0 + 2000);
    assert.equal(stateOf(r.board, 'm1:temp:alarm'), 'out-of-service', 'an alarm raised while out of service is not shown');
    assert.throws(() => r.board.shelve('m1:temp:alarm', 'anna', 'x', HOUR, T0 + 3000), /out of service/);
    assert.throws(() => r.board.removeFromService('m1', 'temp', 'tech-joe', 'again', T0 + 3000), /already/);
    const back = r.take(r.board.returnToService('m1', 'temp', 'tech-joe', T0 + 4000));
    assert.deepEqual(back.annunciated.map((a) => a.key), ['m1:temp:alarm']);
    assert.equal(stateOf(r.board, 'm1:temp:warning'), 'normal', 'the warning cleared on the escalation while out of service');
    assert.deepEqual(back.journal.map((j) => [j.action, j.alarm, j.by, j.reason]), [['returned-to-service', 'm1:temp', 'tech-joe', 'WO-1234 replace RTD']]);
  });

  it('suppresses by design while the machine is in a state the sensor names, and shows the alarm again when the state ends', function () {
    const r = rig();
    r.machines.states.set('m1', { state: 'stopped', since: T0 });
    const [flow] = r.feed('flow', 100, T0);
    assert.deepEqual(flow.suppressWhen, ['stopped']);
    assert.equal(stateOf(r.board, 'm1:flow:warning'), 'suppressed', 'low flow of a stopped pump');
    r.feed('load', 120, T0 + 1000);
    assert.equal(stateOf(r.board, 'm1:load:alarm'), 'unacknowledged', 'designed never to be suppressed');
    const [temp] = r.feed('temp', 70, T0 + 2000);
    assert.deepEqual(temp.suppressWhen, ['down', 'warming-up'], 'the default design');
    assert.equal(stateOf(r.board, 'm1:temp:warning'), 'unacknowledged', 'stopped is not among the default states');
    r.machines.states.set('m1', { state: 'down', since: T0 + 3000 });
    const down = r.take(r.board.tick(T0 + 3000));
    assert.equal(stateOf(r.board, 'm1:temp:warning'), 'suppressed');
    assert.equal(stateOf(r.board, 'm1:flow:warning'), 'unacknowledged', 'its design names stopped, not down');
    assert.deepEqual(down.journal.map((j) => [j.action, j.alarm]).sort(), [['suppressed', 'm1:temp:warning'], ['unsuppressed', 'm1:flow:warning']]);
    r.machines.states.set('m1', { state: 'running', since: T0 + 4000 });
    const running = r.take(r.board.tick(T0 + 4000));
    assert.deepEqual(running.annunciated.map((a) => a.key), ['m1:temp:warning']);
    assert.deepEqual(running.journal.map((j) => [j.action, j.state]), [['unsuppressed', 'unacknowledged']]);
  });

  it('never suppresses lost data or the machine-down alarm, and follows health alerts through their level changes', function () {
    const r = rig();
    r.machines.states.set('m1', { state: 'down', since: T0 });
    const stale = r.monitor.checkStale(T0 + 11_000);
    for (const e of stale) r.take(r.board.onAlert(e));
    assert.deepEqual(r.board.views().map((v) => [v.key, v.state, v.priority]).sort(), [
      ['m1:flow:stale', 'unacknowledged', 'medium'], ['m1:load:stale', 'unacknowledged', 'medium'], ['m1:temp:stale', 'unacknowledged', 'medium']]);
    const down: AlertEvent = { id: `m1:machine-down:${T0}`, asset: 'm1', sensor: 'machine state', level: 'alarm', direction: null, state: 'raised', value: null,
      limit: null, unit: '', ts: T0, raisedAt: T0, message: 'm1 is DOWN' };
    r.take(r.board.onAlert(down));
    assert.equal(stateOf(r.board, 'm1:machine-down'), 'unacknowledged');
    const health = (level: 'warning' | 'alarm', ts: number, state: 'raised' | 'cleared'): AlertEvent => ({ id: `m1:temp:health:${ts}`, asset: 'm1', sensor: 'temp',
      level, direction: null, state, value: 3, limit: null, unit: '°C', ts, raisedAt: ts, message: `temp sensor ${level}` });
    r.take(r.board.onAlert(health('warning', T0 + 1, 'raised')));
    r.take(r.board.onAlert(health('warning', T0 + 1, 'cleared')));
    r.take(r.board.onAlert(health('alarm', T0 + 2, 'raised')));
    const view = r.board.views().find((v) => v.key === 'm1:temp:health')!;
    assert.deepEqual([view.state, view.level, view.priority, view.alertId], ['unacknowledged', 'alarm', 'high', 'm1:temp:health:' + (T0 + 2)]);
    r.take(r.board.onAlert(health('warning', T0 + 1, 'cleared')));
    assert.equal(stateOf(r.board, 'm1:temp:health'), 'unacknowledged', 'a clear of an older occurrence changes nothing');
  });

  it('records an acknowledgement made at the source (a Live tab list) under that person, once', function () {
    const r = rig();
    const [raised] = r.feed('temp', 70, T0);
    const [ack] = r.monitor.acknowledge({ id: raised.id }, 'lead', T0 + 500);
    const changes = r.take(r.board.onAlert(ack));
    assert.deepEqual(changes.acknowledgements, [], 'the source stores its own acknowledgement');
    assert.deepEqual(changes.journal.map((j) => [j.action, j.by]), [['acknowledged', 'lead']]);
    assert.equal(r.take(r.board.onAlert(ack)).journal.length, 0, 'a repeat changes nothing');
  });

  it('survives a restart: shelves and out-of-service sensors restored, a shelve that ran out meanwhile ends on the first tick', function () {
    const r = rig();
    const [raised] = r.feed('temp', 70, T0);
    r.take(r.board.shelve(alarmKeyOf(raised), 'anna', 'night shift', HOUR, T0));
    r.take(r.board.removeFromService('m1', 'flow', 'tech-joe', 'WO-9', T0));
    const restored = new AlarmBoard({ position: 'Control room', maxShelveMs: 8 * HOUR }, r.machines, JSON.parse(JSON.stringify(r.board.snapshot())));
    assert.deepEqual(restored.outOfServiceList().map((o) => [o.asset, o.sensor, o.by]), [['m1', 'flow', 'tech-joe']]);
    assert.equal(stateOf(restored, 'm1:temp:warning'), 'shelved');
    const ended = restored.tick(T0 + 2 * HOUR);
    assert.deepEqual(ended.journal.map((j) => [j.action, j.state]), [['shelve-expired', 'unacknowledged']]);
  });
});

describe('alarm rate (ISA-18.2 / EEMUA 191)', function () {
  const entry = (ts: number, alarm: string, asset = 'm1') => ({ ts, alarm, asset, sensor: alarm.split(':')[1] ?? 'x', priority: 'high' as const });

  it('reports the rate per 10 minutes against the target, floods over 10 in 10 minutes, the bad actors and chattering alarms', function () {
    const rate = new AlarmRate(24 * HOUR, T0);
    // Two quiet hours: one alarm every 20 minutes on m2.
    for (let t = T0; t < T0 + 2 * HOUR; t += 20 * 60_000) rate.record(entry(t, 'm2:temp:warning', 'm2'));
    // Then a flood on m1: 15 alarms within 5 minutes, one of them chattering (3 within a minute).
    const flood = T0 + 2 * HOUR + 60_000;
    for (let i = 0; i < 12; i++) rate.record(entry(flood + i * 20_000, `m1:s${i}:alarm`));
    for (let i = 0; i < 3; i++) rate.record(entry(flood + 250_000 + i * 10_000, 'm1:load:alarm'));
    const now = flood + 5 * 60_000;
    const report = rate.report('Control room', now);
    const all = report.overall;
    assert.equal(all.inWindow, 6 + 15);
    assert.equal(all.last10Min, 15);
    assert.equal(all.flooding, true, `more than ${FLOOD_ALARMS_PER_10_MIN} in 10 minutes`);
    assert.equal(all.peak10Min, 15);
    assert.equal(all.floodPeriods, 1);
    const span = (now - T0) / TEN_MINUTES_MS;
    assert.equal(all.averagePer10Min, Math.round((21 / span) * 100) / 100);
    assert.equal(all.rating, 'manageable', `${all.averagePer10Min} per 10 min is above the target of 1 but within 2`);
    assert.deepEqual(all.badActors.slice(0, 2).map((b) => [b.alarm, b.count, b.chattering]), [['m2:temp:warning', 6, false], ['m1:load:alarm', 3, true]]);
    const shownAgain = new AlarmRate(24 * HOUR, T0);
    for (let i = 0; i < 3; i++) shownAgain.record({ ...entry(T0 + i * 10_000, 'm1:load:alarm'), raised: i === 0 });
    assert.equal(shownAgain.report('p', T0 + 60_000).overall.badActors[0].chattering, false, 'shown again after shelves is not chattering');
    assert.equal(all.badActors[0].sharePct, Math.round((1000 * 6) / 21) / 10);
    assert.deepEqual(report.assets.map((a) => [a.asset, a.inWindow, a.flooding]), [['m1', 15, true], ['m2', 6, false]]);
    assert.equal(report.assets[1].rating, 'acceptable');
  });

  it('averages over at least 10 minutes just after the start, and reports hourly records, the ended hour complete', function () {
    const rate = new AlarmRate(24 * HOUR, T0);
    rate.record(entry(T0 + 60_000, 'm1:temp:alarm'));
    assert.equal(rate.report('p', T0 + 120_000).overall.averagePer10Min, 1, 'one alarm in two minutes is one per 10 minutes, not five');
    const first = rate.hourRecords('p', T0 + 120_000);
    assert.deepEqual(first.map((r) => [r.asset, r.alarms, r.complete]), [['', 1, false], ['m1', 1, false]]);
    rate.record(entry(T0 + HOUR + 60_000, 'm1:temp:alarm'));
    const next = rate.hourRecords('p', T0 + HOUR + 120_000);
    assert.deepEqual(next.map((r) => [r.periodStart - T0, r.asset, r.alarms, r.complete]), [[0, '', 1, true], [0, 'm1', 1, true], [HOUR, '', 1, false], [HOUR, 'm1', 1, false]]);
    const restored = new AlarmRate(24 * HOUR, T0 + 5 * HOUR, JSON.parse(JSON.stringify(rate.toJSON())));
    assert.equal(restored.report('p', T0 + HOUR + 180_000).overall.inWindow, 2);
  });
});

describe('alarm design in the asset model', function () {
  it('validates priorities and suppression states, and reads shelve lengths', function () {
    assert.deepEqual(validateAsset(ASSET), []);
    const bad: AssetDefinition = { ...ASSET, sensors: [{ id: 'x', name: 'x', unit: '', kind: 'scalar', alarm: { high: 1, priority: 'critical' as never },
      suppressWhen: ['idle' as never] }] };
    assert.deepEqual(validateAsset(bad), ['sensor "x": alarm priority must be urgent, high, medium or low', 'sensor "x": suppress-when states must be among down, stopped, warming-up']);
    assert.deepEqual(parseShelveChoices('8 h, 15 min, 30 s'), [{ label: '30 s', seconds: 30 }, { label: '15 min', seconds: 900 }, { label: '8 h', seconds: 28800 }]);
    assert.throws(() => parseShelveChoices('1 hour'), /"1 hour" should be a number and s, min or h/);
  });

  it('is read from the asset catalogue, JSON and CSV, each bad value named by its row and field', function () {
    const json = parseCatalogueJson(JSON.stringify({ format: 'digital-twin-asset-catalogue', version: 1, site: 's', line: 'l', assets: [
      { id: 'm1', sensors: [{ id: 'temp', unit: '°C', warning: { high: 65 }, alarm: { high: 80, priority: 'urgent' }, suppressWhen: ['stopped', 'down'] },
        { id: 'flow', unit: 'm³/h', warning: { low: 10, priority: 'loud' }, suppressWhen: [] }] }] }));
    assert.deepEqual(json.catalogue.assets[0].sensors.map((x) => [x.id, x.alarm?.priority, x.suppressWhen]), [['temp', 'urgent', ['stopped', 'down']]]);
    assert.deepEqual(json.problems.map(formatProblem), ['assets[0].sensors[1] (asset "m1" sensor "flow"), warning.priority: warning priority must be urgent, high, medium or low (sensor skipped)']);
    assert.match(catalogueToJson(json.catalogue), /"priority": "urgent"[\s\S]*"suppressWhen": \[/, 'written back for version control');
    const csv = parseTagCsv([
      'asset,sensor,site,line,unit,warning_high,alarm_high,alarm_priority,suppress_when',
      'm1,temp,s,l,°C,65,80,urgent,down|warming-up',
      'm1,load,s,l,%,95,,high,none',
      'm1,speed,s,l,rpm,,,,idle',
    ].join('\n'));
    assert.deepEqual(csv.catalogue.assets[0].sensors.map((x) => [x.id, x.alarm?.priority, x.suppressWhen]), [['temp', 'urgent', ['down', 'warming-up']]]);
    assert.deepEqual(csv.problems.map(formatProblem), [
      'line 3 (asset "m1" sensor "load"), alarm_priority: alarm_priority needs alarm_low or alarm_high (row skipped)',
      'line 4 (asset "m1" sensor "speed"), suppress_when: suppress-when states must be among down, stopped, warming-up (row skipped)',
    ]);
  });
});
