/**
 * The operator dashboards in real headless Chromium (Debian `chromium`), against the shipped reference flow, the
 * simulated plant and the database: every tab loads without a console error and shows live values; on the What-if
 * tab +15 % speed is evaluated (throughput, energy, temperature, vibration, life, RUL, ROI), applied by one logged-in
 * user, approved by another, written through OPC UA and Modbus, and the spindle speeds up while the twin's estimates
 * follow; on the Maintenance tab a work order is acknowledged; last, each tab at 1280 × 800 and 1920 × 1080 has no clipped
 * button or text, no card overflowing, no overlapping controls; every widget shows the age of its data and the spindle's
 * live widgets grey out during a PLC outage. Screenshots go to TWIN_SCREENSHOTS when set. Skips without Chromium.
 *
 * Nothing is seeded: the what-if models are learned from the running plant, as on a fresh start. The spindle runs a
 * shorter start-of-shift warm-up than the shipped one (70, 85, 100 and 115 % without cutting, two minutes a step
 * instead of 85, 100 and 115 % for five: the wider spread settles the vibration's speed exponent in fewer minutes),
 * and the thermal model is asked for 8 minutes of history instead of the shipped 15 (two of the spindle's 4-minute
 * time constants, the least the identification accepts), so the models come within about ten minutes instead of
 * twenty. The shipped warm-up itself is the operator-day test's (test/e2e-operator-day.test.ts).
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TwinScenarioFields } from '../nodes/twin-scenario/options';
import { FlowBuilder } from '../scripts/reference-flow/builder';
import { chromiumPath, launchChromium, openDashboardTab, screenshot } from './support/browser';
import { layoutFaults, SCREEN_SIZES } from './support/layout';
import { withClient } from './support/database';
import { OPERATOR, SUPERVISOR, writeDashboardUsers } from './support/dashboard-users';
import { startReferenceTwin, type FlowNode, type ReferenceTwin } from './support/reference-twin';

const TAB = { fleet: 0, spindle: 1, pump: 2, whatIf: 3, maintenance: 4, kpis: 5, alarms: 6, trends: 7 };
/** Each tab by its title, and what shows that its live content has arrived. */
const TAB_CONTENT: [number, string, string][] = [[TAB.fleet, 'Fleet overview', '.twin-fleet-row'], [TAB.spindle, 'Spindle 1 · Live', '.twin-spectrum polyline'],
  [TAB.pump, 'Pump 1 · Live', '.twin-spectrum polyline'], [TAB.whatIf, 'What-if', '.twin-whatif-form'], [TAB.maintenance, 'Maintenance', '.twin-order-row'],
  [TAB.kpis, 'KPIs & ROI', '.twin-kpis'], [TAB.alarms, 'Alarms', '[data-twin=alarm-counts]'], [TAB.trends, 'Trends', '[data-twin=trend-svg] polyline']];

async function until(what: string, test: () => Promise<boolean> | boolean, timeoutMs: number, detail: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s ${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The shorter warm-up: see the header. */
const WARM_UP = [0.7, 0.85, 1, 1.15].map((speedRatio) => ({ speedRatio, minutes: 2, cutting: false }));
const WARM_UP_MS = WARM_UP.reduce((sum, step) => sum + step.minutes * 60_000, 0);

/** The thermal model's least history, for the shorter warm-up (the shipped flow asks 15 minutes). */
function shorterThermalHistory(flow: FlowNode[]): void {
  const node = flow.find((n) => n.id === FlowBuilder.idFor('prescribe:scenario')) as FlowNode & Partial<TwinScenarioFields>;
  node.minThermalMinutes = '8';
}

describe('operator dashboards in Chromium', function () {
  this.timeout(900000);
  let browser: Browser | undefined;
  let twin: ReferenceTwin | undefined;
  const consoleErrors: string[] = [];

  before(async function () {
    const executable = chromiumPath();
    if (!executable) this.skip();
    twin = await startReferenceTwin({
      schemaPrefix: 'twin_dash',
      // The spindle a fifth through its bearing's life, its warm-up then production at its nominal speed, room for
      // +15 % within its limits and still NORMAL after the warm-up's hours of wear (at a quarter it reached WARNING,
      // 168 h, by the time the fleet was read); the pump's bearing worn far enough for a WARNING and a work order.
      // Wear at an hour per minute, so the bearings stay where they are while the test looks at them.
      plant: { seed: 11, speedup: 60, startProgram: { 'spindle-1': WARM_UP }, initialWear: { 'spindle-1': 0.2, 'pump-1': 0.6 } },
      prepare: (userDir, flow) => {
        shorterThermalHistory(flow);
        writeDashboardUsers(userDir);
      },
    });
    browser = await launchChromium(executable!);
    // The tabs are checked in production, as before a warm-up nothing is cut (no parts, no savings to compare).
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS + 5000));
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && twin) process.stdout.write(`Node-RED said:\n${twin.nodeRed.output().slice(-6000)}\n`);
  });

  after(async function () {
    await browser?.close();
    await twin?.stop();
  });

  const openTab = (index: number, name: string, login = OPERATOR): Promise<Page> =>
    openDashboardTab(browser!, twin!.nodeRed.baseUrl, index, name, consoleErrors, login);

  const spindle = () => twin!.plant.machines.get('spindle-1')!.values();

  it('shows every tab with live values and no console error', async function () {
    const fleet = await openTab(TAB.fleet, 'Fleet overview');
    await fleet.waitForSelector('.twin-fleet-row', { timeout: 60000 });
    await until('both machines in the fleet table, the worn pump bearing WARNING', async () =>
      /pump-1\s+WARNING/.test(await fleet.locator('.twin-fleet').innerText()), 90000, () => '');
    const fleetText = await fleet.locator('.twin-fleet').innerText();
    assert.match(fleetText, /pump-1\s+WARNING\s+\d+ h\s+\d+–\d+ h/, `the worn pump bearing: ${fleetText}`);
    assert.match(fleetText, /spindle-1\s+NORMAL\s+(≥ )?\d+ h/, `the spindle: ${fleetText}`);
    assert.ok(fleetText.indexOf('pump-1') < fleetText.indexOf('spindle-1'), 'the most urgent first');
    await screenshot(fleet, 'dashboard-fleet');

    for (const [index, label] of [[TAB.spindle, 'Spindle 1 · Live'], [TAB.pump, 'Pump 1 · Live']] as const) {
      const page = await openTab(index, label);
      await page.waitForFunction(() => document.querySelectorAll('ui-gauge, .nr-dashboard-gauge').length > 0, undefined, { timeout: 30000 });
      await page.waitForSelector('.twin-spectrum polyline', { timeout: 30000 });
      const text = await page.locator('body').innerText();
      assert.match(text, /running/, `${label} shows its machine state`);
      assert.match(text, /ISO 10816-3 zone [ABCD]/, `${label} shows its vibration zone`);
      assert.match(text, /Velocity RMS \(10 Hz–1 kHz\)\s+\d+\.\d\d\s+mm\/s/, `${label} shows velocity RMS`);
      assert.match(text, /motorCurrent\s+(learning|healthy)/, `${label} shows the motor current's health`);
      assert.match(text, /Remaining useful life, with its 80 % interval/, `${label} has its RUL trend`);
      assert.equal(await page.locator('.twin-spectrum text', { hasText: 'BPFO' }).count(), 1, `${label} marks BPFO on the spectrum`);
      const defects = await page.locator('[data-twin=spectrum-defect]').allTextContents();
      assert.ok(defects.length >= 3 && defects.every((d) => /^(BPFO|BPFI|BSF|FTF) \d+\.\d Hz$/.test(d.trim())), `${label} names each defect line with its frequency: ${defects.join(', ')}`);
      assert.equal((await page.locator('[data-twin=spectrum-x-axis]').innerHTML()).trim(), 'Frequency (Hz)');
      assert.match(await page.locator('[data-twin=spectrum-y-axis]').innerHTML(), /^Amplitude \((mm\/s|g|m\/s²)\)$/);
      assert.ok((await page.locator('[data-twin=spectrum-x-tick]').count()) >= 5 && (await page.locator('[data-twin=spectrum-y-tick]').count()) >= 3, `${label} has ticks on both axes`);
      await screenshot(page, `dashboard-${label.split(' ')[0].toLowerCase()}`);
    }

    const maintenance = await openTab(TAB.maintenance, 'Maintenance');
    await maintenance.waitForSelector('.twin-model-row', { timeout: 30000 });
    assert.match(await maintenance.locator('.twin-models').innerText(), /default-[0-9a-f]{12}\s+promoted/, 'the shipped model, promoted in the registry');
    await until('the pump\'s work order', async () => (await maintenance.locator('.twin-order-row').count()) > 0, 60000);
    await screenshot(maintenance, 'dashboard-maintenance');

    const kpis = await openTab(TAB.kpis, 'KPIs & ROI');
    await until('the KPI report of both machines', async () => /Availability × performance × quality/.test(await kpis.locator('.twin-kpis').innerText().catch(() => '')), 120000);
    const kpiText = await kpis.locator('.twin-kpis').innerText();
    assert.match(kpiText, /spindle-1/);
    // A part a minute: until ten are made the spindle's performance, so its OEE, is left out and the tab says why.
    assert.match(kpiText, /Performance not given\s+(.*\s+)?\d+ parts? made: too few to tell a rate \(10 needed\)|OEE\s+–\s+\d+\.\d %/, kpiText);
    assert.match(kpiText, /Unplanned downtime\s+\d+\.\d\d h/);
    assert.match(kpiText, /MTTR/);
    await until('the savings report of both machines', async () => /Saved in this period\s+(cost )?[\d,.]+ EUR\s+(cost )?[\d,.]+ EUR/.test(await kpis.locator('.twin-kpis').innerText()), 120000);
    const savingsText = await kpis.locator('.twin-kpis').innerText();
    assert.match(savingsText, /Example baseline: the figures before the twin are the demo's examples/, 'the shipped baseline is labelled as an example');
    // Columns: pump-1, spindle-1. The pump makes no parts: no scrap figure; its energy is compared by the hour.
    assert.match(savingsText, /Scrap\s+not compared: the machine makes no parts\s/, `the pump has no scrap figure: ${savingsText}`);
    assert.match(savingsText, /Energy\s+[\d,.]+ kWh (saved|more) \((cost )?[\d,.]+ EUR\)/, `the pump's energy, priced: ${savingsText}`);
    await screenshot(kpis, 'dashboard-kpis');
    assert.deepEqual(consoleErrors, []);
  });

  it('what-if: models learned from the live warm-up with the data behind them; +15 % speed evaluated, a refusal kept beside the results, applied, approved, and the spindle speeds up', async function () {
    const page = await openTab(TAB.whatIf, 'What-if');
    await page.waitForSelector('.twin-whatif-form', { timeout: 30000 });
    // Learned, not seeded: "Identify the models again" until the panel says each limit model is identified.
    const dataPanel = page.locator('.twin-whatif-data');
    let data = '';
    await until('the thermal, power and vibration models identified from the live plant', async () => {
      await page.click('text=Identify the models again');
      await page.waitForTimeout(2000);
      data = await dataPanel.innerText().catch(() => '');
      return ['thermal', 'power', 'vibration'].every((model) => new RegExp(`${model}\\s+yes`).test(data));
    }, 420000, () => data);
    for (const model of ['thermal', 'power', 'vibration']) {
      // Identified by the newest attempt, with the samples it was fit on; or by an earlier one, kept while the newest
      // attempt could not identify it (the panel says why), with the data of that attempt.
      const fresh = new RegExp(`${model}\\s+yes\\s+\\d\\d:\\d\\d–\\d\\d:\\d\\d\\s+used [\\d,]+ readings; (none left out|left out [\\d,]+: .+) · fit on [\\d,]+ samples`);
      const kept = new RegExp(`${model}\\s+yes · kept; the newest attempt: [^\\n]+\\s+\\d\\d:\\d\\d–\\d\\d:\\d\\d\\s+used [\\d,]+ readings; (none left out|left out [\\d,]+: .+)`);
      assert.ok(fresh.test(data) || kept.test(data), `${model}: ${data}`);
    }
    await screenshot(page, 'dashboard-whatif-models');
    await until('the spindle at speed', () => Math.abs(spindle().speed - 12000) < 50, 30000);
    // The twin's "today" is the newest five minutes of running; a minute is enough for the bearing's heading.
    await new Promise((resolve) => setTimeout(resolve, 60000));
    await page.click('text=Evaluate');
    await page.waitForSelector('.twin-whatif-row', { timeout: 30000 });
    const result = await page.locator('.twin-whatif').innerText();
    await screenshot(page, 'dashboard-whatif-evaluated');
    assert.match(result, /speed \+15 %: within every limit/, result);
    assert.match(result, /Throughput\s+60\.0 parts\/h\s+69\.0 parts\/h\s+15\.0 %/, result);
    for (const figure of ['Energy per part', 'Bearing temperature, steady', 'Vibration', 'Bearing life', 'Remaining useful life', 'ROI per year']) {
      assert.match(result, new RegExp(`${figure.replace(/[()]/g, '.')}[^\\n]*\\d`), `${figure} is quantified: ${result}`);
    }
    // The ROI's five terms, each a figure or "unknown"; the total only when all are known; the demo's costs are examples.
    assert.match(result, /ROI terms per year: good parts (unknown|[-\d,.]+ EUR\/yr) · scrap (unknown|[-\d,.]+ EUR\/yr) · energy [-\d,.]+ EUR\/yr · maintenance [-\d,.]+ EUR\/yr · labour [-\d,.]+ EUR\/yr/, result);
    assert.match(result, /ROI priced with example costs/, result);

    // +30 % is beyond the spindle's rated speed: the refusal goes beside the evaluated results, which stay.
    const speed = page.locator('.twin-whatif-form input[type=range]').first();
    await speed.fill('30');
    await page.click('text=Apply +30 % speed');
    await page.waitForSelector('.twin-whatif-refusal', { timeout: 30000 });
    assert.match(await page.locator('.twin-whatif-refusal').innerText(), /not applied: "speed \+30 %" .*above the rated maximum.* the results below are the last evaluation/);
    assert.ok(await page.locator('.twin-whatif-row').count() > 0, 'the evaluated table stays on screen');
    await screenshot(page, 'dashboard-whatif-refused');
    // A browser connecting now sees the last table, the refusal and the data behind the models, not an empty panel.
    const later = await openTab(TAB.whatIf, 'What-if');
    await later.waitForSelector('.twin-whatif-row', { timeout: 30000 });
    assert.match(await later.locator('.twin-whatif-refusal').innerText(), /not applied: "speed \+30 %"/);
    assert.match(await later.locator('.twin-whatif-data').innerText(), /thermal\s+yes/);
    await later.close();
    await speed.fill('15');

    const before = await estimatesSince(Date.now() - 60_000);
    await page.click('text=Apply +15 % speed');
    await page.waitForSelector('.twin-approval .pending', { timeout: 30000 });
    assert.match(await page.locator('.twin-approval .pending').innerText(), /13,800 rpm asked for by anna/);
    assert.ok(Math.abs(spindle().speedSetpoint - 12000) < 1, 'nothing is written before the approval');
    // Four eyes: the supervisor, logged in on a browser of his own, approves.
    const supervisor = await openTab(TAB.whatIf, 'What-if', SUPERVISOR);
    await supervisor.waitForSelector('.twin-approval .pending', { timeout: 30000 });
    await supervisor.click('.twin-approval button:has-text("Approve")');
    await until('the PLC setpoint 13,800 rpm', () => spindle().speedSetpoint === 13800, 30000);
    await until('the spindle at 13,800 rpm', () => spindle().speed > 13700, 30000);
    await screenshot(page, 'dashboard-whatif-approved');
    const changedAt = Date.now();
    await until('the twin\'s estimates to follow the faster spindle', async () => {
      const after = await estimatesSince(changedAt + 15_000);
      return after.length >= 3 && mean(after) < mean(before);
    }, 120000, () => `before ${before.map((r) => r.toFixed(0)).join(' ')}`);
    await withClient(twin!.databaseUrl, async (client) => {
      const audit = await client.query(`SELECT action, requested_by, approved_by, before_value, after_value FROM "${twin!.schema}".twin_setpoint_audit ORDER BY ts, id`);
      const actions = audit.rows.map((r: { action: string }) => r.action);
      for (const action of ['request', 'approve', 'write']) assert.ok(actions.includes(action), `${action} audited: ${actions.join(', ')}`);
      const approved = audit.rows.find((r: { action: string }) => r.action === 'approve');
      assert.equal(approved.requested_by, OPERATOR.username);
      assert.equal(approved.approved_by, SUPERVISOR.username);
      const written = audit.rows.find((r: { action: string }) => r.action === 'write');
      assert.deepEqual([written.before_value, written.after_value], [12000, 13800], 'what the write replaced, and with what');
    });
    assert.deepEqual(consoleErrors, []);
  });

  it('maintenance: a work order is acknowledged from the dashboard', async function () {
    const page = await openTab(TAB.maintenance, 'Maintenance');
    const pumpOrder = '.twin-order-row:has-text("pump-1")';
    await page.waitForSelector(pumpOrder, { timeout: 60000 });
    await page.click(`${pumpOrder} >> text=Acknowledge`);
    // The logged-in user acknowledged it: a pop-up says so at once, the database and the list once stored.
    await page.waitForSelector(`text=/Acknowledged work order .* \\(pump-1\\) as ${OPERATOR.username}/`, { timeout: 30000 });
    await until('the order acknowledged in the database', async () => withClient(twin!.databaseUrl, async (client) => {
      const rows = await client.query(`SELECT state, acknowledged_by FROM "${twin!.schema}".twin_work_orders WHERE asset = 'pump-1'`);
      return rows.rows.some((r: { state: string; acknowledged_by: string }) => r.state === 'acknowledged' && r.acknowledged_by === OPERATOR.username);
    }), 30000);
    await page.waitForSelector(`${pumpOrder} >> text=acknowledged by ${OPERATOR.username}`, { timeout: 30000 });
    await screenshot(page, 'dashboard-maintenance-acknowledged');
    assert.deepEqual(consoleErrors, []);
  });

  it('lays out every tab at 1280 × 800 and 1920 × 1080 with nothing clipped or overlapping', async function () {
    const faults: string[] = [];
    for (const size of SCREEN_SIZES) {
      for (const [index, name, content] of TAB_CONTENT) {
        const page = await openDashboardTab(browser!, twin!.nodeRed.baseUrl, index, name, consoleErrors, OPERATOR, size);
        await page.waitForSelector(content, { timeout: 60000 });
        // Widgets that arrived with the tab finish their first layout pass (charts, gauges) before the boxes are measured.
        await page.waitForTimeout(1500);
        faults.push(...(await layoutFaults(page)).map((fault) => `${name} at ${size.width}×${size.height}: ${fault}`));
        await screenshot(page, `layout-${size.width}x${size.height}-${name.split(' ')[0].toLowerCase().replace(/[^a-z]/g, '')}`);
        await page.close();
      }
    }
    assert.deepEqual(faults, []);
    assert.deepEqual(consoleErrors, []);
  });

  it('shows the age of every widget\'s data, and greys out the machine\'s live widgets once its PLC is silent', async function () {
    const page = await openTab(TAB.spindle, 'Spindle 1 · Live');
    const live = page.locator('md-card.twin-feed-spindle-1');
    const grey = page.locator('md-card.twin-feed-spindle-1.twin-stale');
    await until('the age of the live widgets', async () => {
      const liveAges = await live.locator('.twin-age').allInnerTexts();
      return liveAges.length > 0 && liveAges.length === await live.count() && liveAges.every((age) => /^\d+ s$/.test(age));
    }, 30000);
    const ages = await page.locator('md-card.twin-age-shown > .twin-age').allInnerTexts();
    assert.equal(ages.length, await page.locator('md-card.twin-age-shown').count(), 'every marked widget shows its age');
    // A steady speed is not reported again by the PLC (report by exception), and is not stale for that.
    await page.waitForTimeout(20000);
    assert.equal(await page.locator('md-card.twin-stale').count(), 0, 'nothing grey while the machine reports');
    assert.match(twin!.plant.command('fault network 60'), /^ok/);
    let greyTexts: string[] = [];
    await until('the spindle\'s live widgets grey', async () => (greyTexts = await grey.allInnerTexts()).length === await live.count(), 50000, () => greyTexts.join(' | '));
    const age = Number((await grey.first().locator('.twin-age').innerText()).split(' ')[0]);
    assert.ok(age >= 15, `their age, ${age} s, at the stale limit or past it`);
    await screenshot(page, 'dashboard-stale-plc');
    await page.close();

    // A page opened now gets the last values replayed: they are as old as the readings, not as new as the page.
    const reopened = await openTab(TAB.spindle, 'Spindle 1 · Live');
    const reopenedLive = reopened.locator('md-card.twin-feed-spindle-1');
    let reopenedAges: string[] = [];
    await until('the replayed live widgets show their age', async () => {
      reopenedAges = await reopenedLive.locator('.twin-age').allInnerTexts();
      return reopenedAges.length === await reopenedLive.count() && reopenedAges.every((text) => text !== 'no data');
    }, 20000, () => reopenedAges.join(' | '));
    assert.ok(reopenedAges.every((text) => /^\d+ s$/.test(text) && Number(text.split(' ')[0]) >= 15), `ages after reopening: ${reopenedAges.join(', ')}`);
    assert.equal(await reopened.locator('md-card.twin-feed-spindle-1.twin-stale').count(), await reopenedLive.count(), 'still grey');
    await screenshot(reopened, 'dashboard-stale-plc-reopened');
    await reopened.close();
    assert.deepEqual(consoleErrors, []);
  });

  async function estimatesSince(from: number): Promise<number[]> {
    return withClient(twin!.databaseUrl, async (client) => {
      const rows = await client.query(`SELECT rul_hours FROM "${twin!.schema}".twin_rul WHERE asset = 'spindle-1' AND ts > $1 ORDER BY ts`, [new Date(from)]);
      return rows.rows.map((r: { rul_hours: number }) => r.rul_hours);
    });
  }
});

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}
