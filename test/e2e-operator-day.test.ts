/**
 * An operator's day with the twin as `npm start` ships it (issue 14, "Done when"): the shipped reference flow in a
 * real Node-RED, the simulated plant with its defaults (the spindle's start-of-shift warm-up, the site's shorter
 * bearing life), the database and the dashboards in headless Chromium, two dashboard users and nothing else: no
 * model, no context, no wear seeded. The README's fault (`fault spindle-1 bearingTemp drift 30`) is typed during the
 * warm-up, raises the bearing-temperature alarm and is cleared; What-if still identifies its models from the live
 * warm-up and the first minute of production; +15 % speed is evaluated, applied by anna, approved by the supervisor,
 * and the PLC's setpoint and the spindle's speed are read back; the bearing then goes WARNING → CRITICAL → failure:
 * DOWN everywhere, no de-escalation, the work order open; the failure is confirmed from the form and linked to that
 * order; after the repair the spindle is NORMAL again. Every step is asserted on what the dashboards show, with a
 * screenshot (TWIN_SCREENSHOTS), and the log may hold no [error] line but those the injected fault explains.
 *
 * Time: the README's speed-up, 1,440 (a day of bearing wear per minute), and no other: the warm-up runs in wall-clock
 * minutes (three speeds, five minutes each), so a faster plant would wear the bearing out before What-if has seen a
 * part cut; the README's story takes about half an hour (What-if 16–17 minutes after the start, the failure about
 * 14 minutes of production later, sooner at +15 % speed). Skips without Chromium.
 *
 * It runs only when TWIN_E2E_OPERATOR_DAY=1: half an hour does not fit CI's budget beside the suite. The window for
 * +15 % is a few minutes (the models about 21 minutes in with the fault's window left out, the wearing bearing's
 * +15 % over its warning limit a few minutes later), so each try's verdict is printed to show where a run stood.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { chromiumPath, launchChromium, openDashboardTab, screenshot } from './support/browser';
import { OPERATOR, SUPERVISOR, writeDashboardUsers } from './support/dashboard-users';
import { FailureStory, TAB } from './support/failure-story';
import { troubleLines } from './support/log-trouble';
import { startReferenceTwin, type ReferenceTwin } from './support/reference-twin';
import { until } from './support/until';

/** The README's speed-up (`npm start`'s default). */
const SPEEDUP = 1440;
const NOMINAL_RPM = 12000;
const FASTER_RPM = 13800;
const WARM_UP_MS = 15 * 60_000;
const BEARING_ALARM = 'spindle-1:bearingTemp:alarm';

describe('an operator\'s day on the shipped twin, nothing seeded', function () {
  this.timeout(60 * 60_000);
  let browser: Browser | undefined;
  let twin: ReferenceTwin | undefined;
  let startedAt = 0;
  const consoleErrors: string[] = [];
  const story = new FailureStory(() => twin!, () => browser!, consoleErrors);

  before(async function () {
    const executable = chromiumPath();
    if (!executable || process.env.TWIN_E2E_OPERATOR_DAY !== '1') this.skip();
    startedAt = Date.now();
    twin = await startReferenceTwin({ schemaPrefix: 'twin_e2e_day', plant: { speedup: SPEEDUP }, prepare: (userDir) => writeDashboardUsers(userDir) });
    browser = await launchChromium(executable!);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && twin) process.stdout.write(`Node-RED said:\n${twin.nodeRed.output().slice(-8000)}\n`);
  });

  after(async function () {
    await browser?.close();
    await twin?.stop();
  });

  const spindle = () => twin!.plant.machines.get('spindle-1')!;
  const minutesIn = () => ((Date.now() - startedAt) / 60_000).toFixed(1);
  const progress = (step: string) => process.stdout.write(`      ${minutesIn()} min: ${step}\n`);
  const level = async (fleet: Page) => (await fleet.locator('.twin-fleet-row', { hasText: 'spindle-1' }).locator('.twin-level').innerText()).trim();

  it('warm-up with the README\'s fault → What-if from live data → +15 % by four eyes → WARNING → CRITICAL → DOWN → confirmed → repaired → NORMAL', async function () {
    const fleet = await story.openTab(TAB.fleet, 'Fleet overview');
    await fleet.locator('.twin-fleet-row', { hasText: 'spindle-1' }).waitFor({ timeout: 120000 });
    assert.equal(await level(fleet), 'NORMAL', 'the new bearing starts NORMAL');
    assert.ok(Date.now() - startedAt < WARM_UP_MS, 'the twin is up during the warm-up');
    await screenshot(fleet, 'day-fleet-warm-up');
    progress('the fleet shows the spindle NORMAL in its warm-up');

    // The README's fault, typed during the warm-up: the transmitter drifts until the bearing-temperature alarm.
    const alarms = await story.openTab(TAB.alarms, 'Alarms');
    await alarms.locator('[data-twin=alarm-counts]').waitFor({ timeout: 60000 });
    assert.match(twin!.plant.command('fault spindle-1 bearingTemp drift 30'), /^ok/);
    await alarms.locator(`[data-twin=alarm][data-key="${BEARING_ALARM}"]`).waitFor({ timeout: 300000 });
    await screenshot(alarms, 'day-alarm-bearing-temperature');
    assert.match(twin!.plant.command('clear spindle-1'), /^ok/);
    assert.ok(Date.now() - startedAt < WARM_UP_MS, 'the fault came and went during the warm-up');
    progress('the fault raised the bearing-temperature alarm and was cleared');
    await alarms.close();

    // What-if from the live warm-up and the first parts: until its models are identified it says which is missing.
    const whatIf = await story.openTab(TAB.whatIf, 'What-if');
    await whatIf.waitForSelector('.twin-whatif-form', { timeout: 30000 });
    let missingShown = false;
    let result = '';
    for (const deadline = startedAt + 27 * 60_000; ;) {
      await whatIf.click('text=Evaluate');
      await whatIf.waitForSelector('.twin-whatif-row, .twin-whatif .warn, .twin-whatif .flag', { timeout: 30000 });
      result = await whatIf.locator('.twin-whatif').innerText();
      const missing = await whatIf.locator('.twin-whatif .warn').allInnerTexts();
      // A model is named at the start of its warning: the scrap model's says "parts with vibration readings".
      if (/speed \+15 %: within every limit/.test(result) && !missing.some((m) => /^(thermal|power|vibration) model/.test(m))) break;
      // The verdict line on each try, so a run that ends here shows when the models came and what held the +15 % back.
      progress(`What-if: ${result.split('\n')[0]}${missing.length > 0 ? ` (missing: ${missing.join('; ')})` : ''}`);
      if (!missingShown && missing.length > 0) {
        missingShown = true;
        await screenshot(whatIf, 'day-whatif-models-missing');
      }
      if (Date.now() > deadline) assert.fail(`What-if not identified from live data ${minutesIn()} min after the start: ${result}`);
      await new Promise((resolve) => setTimeout(resolve, 30000));
    }
    assert.ok(missingShown, 'before identification, What-if said which model was still missing');
    assert.ok(spindle().state !== 'down', 'identified before the first failure');
    await screenshot(whatIf, 'day-whatif-evaluated');
    progress('What-if identified from live data and evaluated +15 %');
    assert.match(result, /Throughput\s+60\.0 parts\/h\s+69\.0 parts\/h\s+15\.0 %/, result);
    for (const figure of ['Energy per part', 'Bearing temperature, steady', 'Vibration', 'Bearing life', 'Remaining useful life']) {
      assert.match(result, new RegExp(`${figure}[^\\n]*\\d`), `${figure} is quantified: ${result}`);
    }
    assert.match(result, /ROI terms per year: good parts (unknown|[-\d,.]+ EUR\/yr) · scrap (unknown|[-\d,.]+ EUR\/yr) · energy [-\d,.]+ EUR\/yr · maintenance [-\d,.]+ EUR\/yr · labour [-\d,.]+ EUR\/yr/, result);

    // Four eyes: anna applies, the supervisor approves on a browser of his own; the PLC's setpoint and speed follow.
    await whatIf.click(`text=Apply +15 % speed`);
    await whatIf.waitForSelector('.twin-approval .pending', { timeout: 30000 });
    assert.match(await whatIf.locator('.twin-approval .pending').innerText(), new RegExp(`13,800 rpm asked for by ${OPERATOR.username}`));
    assert.ok(Math.abs(spindle().values().speedSetpoint - NOMINAL_RPM) < 1, 'nothing is written before the approval');
    const supervisor = await openDashboardTab(browser!, twin!.nodeRed.baseUrl, TAB.whatIf, 'What-if', consoleErrors, SUPERVISOR);
    await supervisor.waitForSelector('.twin-approval .pending', { timeout: 30000 });
    const approvedAt = Date.now();
    await supervisor.click('.twin-approval button:has-text("Approve")');
    await until('the PLC\'s setpoint read back on the approval panel', async () =>
      /Setpoint in the PLC\s*13,800 rpm/.test(await whatIf.locator('.twin-approval table').innerText()), 30000, 500);
    await until('the spindle at 13,800 rpm', () => spindle().values().speed > FASTER_RPM - 100, 30000, 500);
    await until('the speed read back from the PLC into the historian', async () => (await story.query<{ speed: number }>(
      `SELECT max(value) AS speed FROM "${twin!.schema}".twin_readings WHERE asset = 'spindle-1' AND sensor = 'speed' AND ts > $1`, [new Date(approvedAt)]))[0]?.speed > FASTER_RPM - 100, 60000, 1000);
    await screenshot(whatIf, 'day-whatif-approved');
    const audit = await story.query<{ action: string; requested_by: string; approved_by: string; before_value: number; after_value: number }>(
      `SELECT action, requested_by, approved_by, before_value, after_value FROM "${twin!.schema}".twin_setpoint_audit ORDER BY ts, id`);
    const approval = audit.find((r) => r.action === 'approve');
    assert.deepEqual([approval?.requested_by, approval?.approved_by], [OPERATOR.username, SUPERVISOR.username], JSON.stringify(audit));
    const write = audit.find((r) => r.action === 'write');
    assert.deepEqual([write?.before_value, write?.after_value], [NOMINAL_RPM, FASTER_RPM], 'what the write replaced, and with what');
    await supervisor.close();
    await whatIf.close();
    progress('+15 % applied by anna, approved by the supervisor, read back from the PLC');

    // The bearing's life to its failure, as the fleet overview shows it; the order never steps back.
    const ranks: Record<string, number> = { NORMAL: 0, WARNING: 1, CRITICAL: 2 };
    const seen: Array<{ level: string; trueRulHours: number }> = [];
    for (const deadline = Date.now() + 30 * 60_000; spindle().state !== 'down';) {
      if (Date.now() > deadline) assert.fail(`the spindle did not fail (wear ${spindle().wear})`);
      const shown = await level(fleet);
      const last = seen[seen.length - 1];
      if (!last || shown !== last.level) {
        assert.ok(!last || ranks[shown] > ranks[last.level], `no de-escalation before the failure: ${last?.level} → ${shown}`);
        seen.push({ level: shown, trueRulHours: spindle().remainingLifeHours() });
        if (shown !== 'NORMAL') {
          await screenshot(fleet, `day-fleet-${shown.toLowerCase()}`);
          // The work order travels through the store-and-forward buffer to the historian.
          await until(`the work order ${shown}`, async () => (await story.openOrders())[0]?.level === shown, 30000, 500);
          progress(`the fleet shows ${shown}, the work order too`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const failedAt = Date.now();
    progress('the spindle failed');
    const levels = seen.map((s) => s.level);
    assert.deepEqual(levels.filter((l) => l !== 'NORMAL'), ['WARNING', 'CRITICAL'], `WARNING, then CRITICAL, before the failure: ${JSON.stringify(seen)}`);
    assert.ok(seen.find((s) => s.level === 'WARNING')!.trueRulHours > 48, `the warning came more than 48 h of life ahead: ${JSON.stringify(seen)}`);
    assert.ok(seen.find((s) => s.level === 'CRITICAL')!.trueRulHours > 0, `critical before the failure: ${JSON.stringify(seen)}`);

    const openOrder = await story.checkDownShown('operator-day');
    progress(`DOWN shown everywhere, CRITICAL held, work order ${openOrder} open`);
    await story.confirmFailure('operator-day', openOrder);
    await story.checkConfirmationStored(1, openOrder, failedAt);
    progress('the failure confirmed from the form, linked to the order');

    assert.match(twin!.plant.command('repair spindle-1'), /^ok/);
    const row = fleet.locator('.twin-fleet-row', { hasText: 'spindle-1' });
    await until('the repaired spindle NORMAL on the fleet overview, no longer DOWN', async () =>
      (await level(fleet)) === 'NORMAL' && (await row.locator('.twin-machine-state', { hasText: 'DOWN' }).count()) === 0, 180000, 1000);
    await screenshot(fleet, 'day-fleet-repaired');
    progress('repaired: NORMAL');
    await fleet.close();

    // The log: an operator reads it to find real faults; only the injected transmitter fault may have left a mark.
    const unexplained = troubleLines(twin!.nodeRed.output()).filter((line) => !/bearingTemp/.test(line));
    assert.deepEqual(unexplained, [], 'no [error] line but those the injected fault explains');
    assert.deepEqual(consoleErrors, []);
  });
});
