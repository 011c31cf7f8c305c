/**
 * Alarm management as an operator meets it in real Chromium, on the reference flow as `npm start` ships it (the simulated
 * plant, a real Node-RED process with the project's settings and dashboard logins, the local PostgreSQL): a bearing-
 * temperature fault raises the alarm on the Alarms tab; anna, logged in, shelves it for 1 h (it leaves the summary, the
 * shelved list says who, why and until when) and unshelves it; shelved again for the short length this test configures,
 * it comes back by itself, unacknowledged, without a reload; the journal shows each step with anna's name and the
 * alarm-rate KPI on the KPI tab counts the alarm among the bad actors. Then Node-RED is stopped while a shelve runs out
 * and started again: the page shows the lost connection (a banner, its widgets grey) and, never reloaded, reconnects
 * and shows the current alarms (the alarm back on the summary, nothing shelved, the banner gone). No console error outside the restart.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { chromiumPath, launchChromium, openDashboardTab, screenshot } from './support/browser';
import { OPERATOR, writeDashboardUsers } from './support/dashboard-users';
import { startReferenceTwin, type FlowNode, type ReferenceTwin } from './support/reference-twin';
import { until } from './support/until';

const ALARM = 'spindle-1:bearingTemp:alarm';
/** The short shelve this test uses beside the reference flow's 1 h, so an expiry is seen within the test. */
const SHORT_SHELVE = { label: '20 s', seconds: 20 };

/** The index of a dashboard tab in the menu, as node-red-dashboard orders it. */
function tabIndex(flow: FlowNode[], name: string): number {
  const tabs = flow.filter((n) => n.type === 'ui_tab').sort((a, b) => Number(a.order) - Number(b.order));
  const index = tabs.findIndex((t) => t.name === name);
  if (index < 0) throw new Error(`no dashboard tab "${name}"`);
  return index;
}

describe('alarm management on the dashboard (reference flow, Chromium)', function () {
  this.timeout(900000);
  let twin: ReferenceTwin | undefined;
  let browser: Browser | undefined;
  let flow: FlowNode[] = [];
  const errors: string[] = [];

  before(async function () {
    const executable = chromiumPath();
    if (!executable) this.skip();
    twin = await startReferenceTwin({
      schemaPrefix: 'twin_alarm_ui',
      plant: {},
      prepare: (userDir, nodes) => {
        writeDashboardUsers(userDir, [OPERATOR]);
        const alarms = nodes.find((n) => n.type === 'twin-alarms')!;
        alarms.shelveDurations = `${SHORT_SHELVE.label}, ${String(alarms.shelveDurations)}`;
        alarms.reportS = '5';
        flow = nodes;
      },
    });
    browser = await launchChromium(executable!);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && twin) process.stdout.write(`Node-RED said:\n${twin.nodeRed.output().slice(-8000)}\n`);
  });

  after(async function () {
    await browser?.close();
    await twin?.stop();
  });

  const row = (page: Page, list: 'alarm' | 'shelved') => page.locator(`[data-twin=${list}][data-key="${ALARM}"]`);

  async function shelve(page: Page, label: string, reason: string): Promise<void> {
    await row(page, 'alarm').locator('[data-twin=open-shelve]').click();
    await page.locator('[data-twin=shelve-duration]').selectOption({ label });
    await page.locator('[data-twin=shelve-reason]').fill(reason);
    await page.locator('[data-twin=shelve]').click();
    await row(page, 'shelved').waitFor({ timeout: 10000 });
  }

  it('shelves an alarm for 1 h in a named user\'s name, brings a short shelve back by itself, journals it and counts it in the alarm rate', async function () {
    const alarmsTab = tabIndex(flow, 'Alarms');
    const page = await openDashboardTab(browser!, twin!.nodeRed.baseUrl, alarmsTab, 'Alarms', errors, OPERATOR);
    await page.locator('[data-twin=alarm-counts]').waitFor({ timeout: 60000 });
    // The README's fault: the transmitter drifts upwards until the bearing temperature passes its 80 °C alarm limit.
    twin!.plant.command('fault spindle-1 bearingTemp drift 60');
    await row(page, 'alarm').waitFor({ timeout: 240000 });
    assert.equal((await row(page, 'alarm').locator('.prio').innerText()).trim().toLowerCase(), 'high');
    assert.equal((await row(page, 'alarm').locator('[data-twin=state]').innerText()).trim(), 'unacknowledged');
    await screenshot(page, 'alarms-raised');

    const shelvedAt = Date.now();
    await shelve(page, '1 h', 'transmitter drifting, instrument technician called');
    assert.equal(await row(page, 'alarm').count(), 0, 'off the summary');
    assert.equal((await row(page, 'shelved').locator('[data-twin=shelved-by]').innerText()).trim(), 'anna');
    const until1h = Number(await row(page, 'shelved').getAttribute('data-until'));
    assert.ok(Math.abs(until1h - shelvedAt - 3_600_000) < 15_000, `shelved until ${new Date(until1h).toISOString()}, an hour after ${new Date(shelvedAt).toISOString()}`);
    await page.locator('md-toast', { hasText: 'shelved by anna for 1 h' }).waitFor({ timeout: 10000 });
    await screenshot(page, 'alarms-shelved-1h');
    await row(page, 'shelved').locator('[data-twin=unshelve]').click();
    await row(page, 'alarm').waitFor({ timeout: 10000 });

    await shelve(page, SHORT_SHELVE.label, 'short shelve of the test');
    const shortUntil = Number(await row(page, 'shelved').getAttribute('data-until'));
    // Back by itself, on the page as it is: no reload, no click.
    await row(page, 'alarm').waitFor({ timeout: SHORT_SHELVE.seconds * 1000 + 15000 });
    assert.ok(Date.now() >= shortUntil, 'not before the shelve ended');
    assert.equal(await row(page, 'shelved').count(), 0);
    assert.equal((await row(page, 'alarm').locator('[data-twin=state]').innerText()).trim(), 'unacknowledged', 'shown again as a new alarm');

    const journal = page.locator('[data-twin=journal-row]');
    const entry = (action: string) => journal.filter({ has: page.locator(`[data-twin=journal-row-action]:text-is("${action}")`) }).filter({ hasText: 'bearingTemp' });
    await until('the journal to show the expiry', async () => (await entry('shelve-expired').count()) > 0, 20000, 500);
    assert.equal(await entry('shelved').count(), 2);
    for (const text of await entry('shelved').locator('[data-twin=journal-row-by]').allInnerTexts()) assert.equal(text.trim(), 'anna');
    assert.equal((await entry('unshelved').locator('[data-twin=journal-row-by]').innerText()).trim(), 'anna');
    assert.equal((await entry('shelve-expired').locator('[data-twin=journal-row-by]').innerText()).trim(), 'system');
    assert.ok((await entry('shelved').allInnerTexts()).some((t) => t.includes('transmitter drifting, instrument technician called')));
    await screenshot(page, 'alarms-back-and-journal');

    const kpis = await openDashboardTab(browser!, twin!.nodeRed.baseUrl, tabIndex(flow, 'KPIs & ROI'), 'KPIs & ROI', errors, OPERATOR);
    const badActor = kpis.locator('[data-twin=bad-actor]', { hasText: ALARM });
    await badActor.waitFor({ timeout: 30000 });
    // Raised once, shown again after the unshelve and after the expiry: three annunciations of the same alarm.
    assert.ok(Number(await badActor.locator('td').nth(1).innerText()) >= 3, await badActor.innerText());
    assert.match(await kpis.locator('[data-twin=alarm-load-overall]').innerText(), /alarms in the last 10 min/);
    assert.match(await page.locator('[data-twin=alarm-rate]').innerText(), /Alarm rate: \d+ in the last 10 min/);
    await screenshot(kpis, 'alarms-load-kpi-tab');
    await kpis.close();
    await page.close();
    assert.deepEqual(errors, []);
  });

  it('shows the current alarms in a browser that reconnects after Node-RED restarted, without a reload', async function () {
    const page = await openDashboardTab(browser!, twin!.nodeRed.baseUrl, tabIndex(flow, 'Alarms'), 'Alarms', errors, OPERATOR);
    await row(page, 'alarm').waitFor({ timeout: 30000 });
    await shelve(page, SHORT_SHELVE.label, 'shelved across a restart');
    // Mark what the page shows now: after the restart the dashboard rebuilds its widgets, and only a fresh state fills them.
    await page.evaluate(() => document.querySelectorAll('[data-twin=alarm-summary]').forEach((e) => e.setAttribute('data-before-restart', 'yes')));
    const before = errors.length;
    await twin!.restartNodeRed(async () => {
      await page.locator('md-toast', { hasText: 'Connection lost' }).waitFor({ timeout: 20000 });
      // The page says so itself too, and greys out what it shows until the connection is back.
      assert.match(await page.locator('[data-twin=connection-lost]').innerText({ timeout: 5000 }), /No connection to Node-RED since .*: the values shown are frozen/);
      assert.ok(await page.locator('md-card.twin-age-shown.twin-stale').count() > 0, 'the widgets grey');
      await screenshot(page, 'alarms-connection-lost');
      // The shelve runs out while Node-RED is down.
      await new Promise((resolve) => setTimeout(resolve, SHORT_SHELVE.seconds * 1000));
    });
    // While Node-RED stops and starts, node-red-dashboard shows its own welcome page until its widgets are back.
    await until('the dashboard rebuilt', async () => (await page.locator('.node-red-ui--notabs').count()) === 0
      && (await page.locator('.md-toolbar-tools').first().innerText()).includes('Alarms'), 90000, 500);
    await page.locator('[data-twin=alarm-summary]:not([data-before-restart])').waitFor({ timeout: 60000 });
    await row(page, 'alarm').waitFor({ timeout: 60000 });
    assert.equal(await page.locator('[data-twin=connection-lost]').count(), 0, 'the banner gone once connected');
    assert.equal(await row(page, 'shelved').count(), 0, 'the shelve that ran out is not shown');
    assert.equal((await row(page, 'alarm').locator('[data-twin=state]').innerText()).trim(), 'unacknowledged');
    // The journal comes from the historian, which answers once its database is connected again: current, with the
    // expiry of the shelve that ran out while Node-RED was down.
    const expired = page.locator('[data-twin=journal-row]', { has: page.locator('[data-twin=journal-row-action]:text-is("shelve-expired")') });
    await until('the journal with the expiry during the restart', async () => (await expired.count()) === 2, 60000, 500);
    await screenshot(page, 'alarms-after-restart');
    // While Node-RED was down the page's requests failed, as they must; nothing else may go wrong.
    const duringRestart = errors.splice(before).filter((e) => !/ERR_CONNECTION_REFUSED|socket\.io|Failed to load resource/.test(e));
    assert.deepEqual(duringRestart, []);
    await page.close();
  });
});
