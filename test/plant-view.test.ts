import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dashboardElement, dashboardNames, type DashboardElement } from '../lib/plant-view/dashboard-names';
import { DisplayNames, MAX_NAME_LENGTH } from '../lib/plant-view/display-names';
import { MachineViewers, PAGE_UPDATE_MS } from '../lib/plant-view/machine-viewers';
import { PlantView } from '../lib/plant-view/plant-view';
import type { UrgencyRecord } from '../lib/rul/records';
import { UrgencyTracker } from '../lib/rul/urgency';
import { parseMachineMix, plantCatalogue, plantMachines } from '../plant/machine-mix';

/** The simulated plant's catalogue: spindles on line machining, pumps on utilities, site demo-plant. */
const CATALOGUE = plantCatalogue(plantMachines(parseMachineMix('spindle:4,pump:3')));

function namesFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'twin-names-')), 'twin-display-names.json');
}

/** twin-urgency's decision for an estimate, as the node sends it. */
function urgency(tracker: UrgencyTracker, asset: string, rulHours: number): UrgencyRecord {
  return { kind: 'urgency', ...tracker.update({ asset, ts: 1_000, rulHours }) };
}

describe('plant view: fleet overview, machine page, display names', function () {
  it('groups by site and line, the line with the most urgent machine first, most urgent first within it, with counts per level', function () {
    const view = new PlantView(CATALOGUE.assets, new DisplayNames(namesFile()), 4);
    const tracker = new UrgencyTracker();
    for (const [asset, hours] of [['spindle-1', 900], ['spindle-2', 100], ['spindle-3', 30], ['pump-1', 500], ['pump-2', 20], ['pump-3', 400]] as const) {
      view.addUrgency(urgency(tracker, asset, hours));
    }
    const fleet = view.fleet();
    assert.deepEqual(fleet.rows.map((r) => `${r.line}/${r.asset}/${r.level ?? '-'}`), [
      'utilities/pump-2/CRITICAL', 'utilities/pump-3/NORMAL', 'utilities/pump-1/NORMAL',
      'machining/spindle-3/CRITICAL', 'machining/spindle-2/WARNING', 'machining/spindle-1/NORMAL', 'machining/spindle-4/-',
    ]);
    assert.deepEqual(fleet.counts, { DOWN: 0, CRITICAL: 2, WARNING: 1, NORMAL: 3, waiting: 1 });
    assert.deepEqual(fleet.lines.map((l) => [l.key, l.machines, l.counts.CRITICAL, l.counts.WARNING]), [['demo-plant/utilities', 3, 1, 0], ['demo-plant/machining', 4, 1, 1]]);
    assert.equal(fleet.pages, 2, '7 machines, 4 a page');
    assert.deepEqual(fleet.rows.map((r) => fleet.lines[r.lineIndex].key), fleet.rows.map((r) => r.lineKey));
    assert.equal(fleet.rows[0].name, 'Centrifugal pump 2', 'the catalogue\'s name');
  });

  it('puts a machine that is DOWN first, before CRITICAL, and counts it as DOWN, whatever its last estimate said', function () {
    const view = new PlantView(CATALOGUE.assets, new DisplayNames(namesFile()));
    const tracker = new UrgencyTracker();
    view.addUrgency(urgency(tracker, 'pump-2', 20));
    view.addUrgency({ ...urgency(tracker, 'spindle-1', 300), machineState: { state: 'down', since: 1_000 } });
    assert.deepEqual([view.machineList()[0].asset, view.machineList()[0].level], ['spindle-1', 'NORMAL'], 'the machine page opens on it');
    assert.equal(view.fleet().lines[0].line, 'machining', 'its line before the line of the CRITICAL pump');
    assert.deepEqual(view.fleet().counts, { DOWN: 1, CRITICAL: 1, WARNING: 0, NORMAL: 0, waiting: 5 }, 'not counted as NORMAL');
    assert.equal(view.fleet().lines[0].counts.DOWN, 1);
  });

  it('shows one machine\'s newest readings against its limits; replayed backlog is not "now"', function () {
    const view = new PlantView(CATALOGUE.assets, new DisplayNames(namesFile()));
    const spindle = CATALOGUE.assets.find((a) => a.id === 'spindle-2')!;
    const limited = spindle.sensors.find((s) => s.alarm?.high !== undefined)!;
    const touched = view.addReadings([
      { asset: 'spindle-2', sensor: limited.id, unit: limited.unit, ts: 2_000, quality: 'good', value: limited.alarm!.high! + 1 },
      { asset: 'spindle-2', sensor: limited.id, unit: limited.unit, ts: 1_000, quality: 'good', value: 0 },
      { asset: 'spindle-3', sensor: limited.id, unit: limited.unit, ts: 3_000, quality: 'good', value: 0, historical: true },
    ]);
    assert.deepEqual([...touched], ['spindle-2']);
    const page = view.machinePage('spindle-2')!;
    const shown = page.sensors.find((s) => s.id === limited.id)!;
    assert.equal(shown.value, limited.alarm!.high! + 1, 'the newest by its source time, not the last to arrive');
    assert.equal(shown.limit, 'alarm');
    assert.match(shown.limits, /alarm > /);
    assert.equal(page.sensors.length, spindle.sensors.length);
    assert.equal(view.machinePage('spindle-3')!.sensors.find((s) => s.id === limited.id)!.value, undefined);
    assert.equal(view.machinePage('no-such-machine'), undefined);
    assert.deepEqual([page.siteName, page.lineName, page.cell], ['demo-plant', 'machining', 'cell-1']);
    assert.deepEqual(page.sensors.filter((s) => s.whole).map((s) => s.unit).sort(), spindle.sensors.filter((s) => s.unit === 'state' || s.unit === 'count').map((s) => s.unit).sort(),
      'state codes and counts are whole numbers');
  });

  it('keeps the plant\'s own names in their file: a new instance (a restart) reads them back; empty goes back to the catalogue\'s', function () {
    const file = namesFile();
    const names = new DisplayNames(file);
    names.rename('machine', 'pump-2', '  Cooling   water pump ');
    names.rename('line', 'demo-plant/utilities', 'Utilities hall');
    const view = new PlantView(CATALOGUE.assets, new DisplayNames(file));
    const row = view.fleet().rows.find((r) => r.asset === 'pump-2')!;
    assert.deepEqual([row.name, row.lineName, row.siteName], ['Cooling water pump', 'Utilities hall', 'demo-plant']);
    assert.equal(view.machineList().find((m) => m.asset === 'pump-2')!.group, 'demo-plant › Utilities hall');
    assert.throws(() => names.rename('machine', 'pump-2', 'x'.repeat(MAX_NAME_LENGTH + 1)), /at most 60 fit/);
    names.rename('machine', 'pump-2', '');
    assert.equal(new DisplayNames(file).nameOf('machine', 'pump-2', 'Pump 2'), 'Pump 2');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { machine: {}, line: { 'demo-plant/utilities': 'Utilities hall' }, site: {}, tab: {}, group: {} });
  });

  it('names the dashboard\'s tabs and groups by node id, in the menu\'s order, the flow\'s title where the plant gave none', function () {
    const file = namesFile();
    const flow = [
      { id: 't2', type: 'ui_tab', name: 'Machine', order: 9 }, { id: 't1', type: 'ui_tab', name: 'Fleet overview', order: 1 },
      { id: 'g2', type: 'ui_group', name: 'One machine', tab: 't2', order: 1 }, { id: 'g1', type: 'ui_group', name: 'By line', tab: 't1', order: 1 },
      { id: 'x', type: 'twin-rul' },
    ];
    const elements = flow.map(dashboardElement).filter((e): e is DashboardElement => e !== undefined);
    assert.equal(elements.length, 4, 'tabs and groups only');
    new DisplayNames(file).rename('tab', 't1', 'Hall 2 overview');
    const shown = dashboardNames(elements, new DisplayNames(file));
    assert.deepEqual(shown.tabs.map((t) => [t.id, t.name, t.own]), [['t1', 'Hall 2 overview', 'Hall 2 overview'], ['t2', 'Machine', '']]);
    assert.deepEqual(shown.groups.map((g) => g.label), ['Group · Hall 2 overview › By line', 'Group · Machine › One machine']);
    assert.equal(shown.groups[0].flowName, 'By line');
  });

  it('shows the machine\'s state as the machine-state rule decided it, none while no node publishes one', function () {
    const states = new Map([['pump-1', { state: 'down' as const, since: 5_000 }]]);
    const view = new PlantView(CATALOGUE.assets, new DisplayNames(namesFile()), 15, (asset) => states.get(asset) ?? null);
    assert.deepEqual(view.machinePage('pump-1')!.state, { state: 'down', since: 5_000 });
    assert.equal(view.machinePage('pump-2')!.state, null);
  });

  it('a names file that is not JSON says so and starts empty', function () {
    const file = namesFile();
    fs.writeFileSync(file, '{ not json');
    const names = new DisplayNames(file);
    assert.match(names.loadProblem ?? '', /not read/);
    assert.equal(names.nameOf('machine', 'pump-1', 'Pump 1'), 'Pump 1');
  });

  it('updates a browser\'s machine page only while it is open, at most once a second', function () {
    const viewers = new MachineViewers();
    viewers.choose('a', 'pump-1');
    viewers.tabOpened('a', true);
    viewers.tabOpened('b', true);
    viewers.tabOpened('c', false);
    const showsPump1 = (chosen: string | undefined) => (chosen ?? 'spindle-1') === 'pump-1';
    assert.deepEqual(viewers.due(10_000, showsPump1), ['a']);
    viewers.sent('a', 10_000);
    assert.deepEqual(viewers.due(10_000 + PAGE_UPDATE_MS - 1, showsPump1), []);
    assert.deepEqual(viewers.due(10_000 + PAGE_UPDATE_MS, showsPump1), ['a']);
    viewers.tabOpened('a', false);
    assert.deepEqual(viewers.open(), ['b']);
    viewers.lost('b');
    assert.deepEqual(viewers.open(), []);
    assert.equal(viewers.chosen('a'), 'pump-1', 'the choice stays for when it comes back');
  });
});
