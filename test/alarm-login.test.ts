/**
 * Shelving in the logged-in user's name, in a real Node-RED process with the project's settings and real Chromium, on
 * the reference flow's alarm widgets: with dashboard users, anna logs in, the summary says actions are recorded under
 * her login (never "needs a logged-in user"), she shelves an alarm for 1 h with a reason and the journal row names her.
 * Without dashboard users (the login really off) the page says so and offers no shelve.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { FlowBuilder } from '../scripts/reference-flow/builder';
import { ALARM_HIDDEN_TEMPLATE, ALARM_JOURNAL_TEMPLATE, ALARM_SUMMARY_TEMPLATE } from '../scripts/reference-flow/alarm-widgets';
import { uiGroup, uiTab, uiTemplate, uiToast } from '../scripts/reference-flow/dashboard';
import { spindleAsset } from '../scripts/reference-flow/example-nodes';
import { chromiumPath, launchChromium, openDashboardTab, screenshot } from './support/browser';
import { OPERATOR, writeDashboardUsers } from './support/dashboard-users';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';
import { until } from './support/until';

const root = path.resolve(__dirname, '..', '..');
const SETTINGS = path.join(root, 'scripts', 'node-red-settings.js');
const ALARM = 'spindle-1:bearingTemp:alarm';

/** The journal as the page shows it: newest first, every record twin-alarms wrote (in the test flow, not the historian); its hourly load records are not journal lines. */
const KEEP_JOURNAL_CODE = `if (msg.topic !== 'alarm-journal') return null;
const rows = msg.payload.concat(flow.get('journal') || []);
flow.set('journal', rows);
msg.payload = rows;
return msg;`;

/** twin-alarms with one bearing-temperature alarm raised, and the Alarms tab's summary, shelved list and journal. */
function alarmFlow(): FlowBuilder['nodes'] {
  const flow = new FlowBuilder();
  const tab = flow.add('shelve:tab', { type: 'tab', label: 'Shelve test', disabled: false, info: '' });
  spindleAsset(flow, 'shelve:asset');
  const alert = { id: `${ALARM}:1700000000000`, asset: 'spindle-1', sensor: 'bearingTemp', level: 'alarm', direction: 'high', state: 'raised',
    value: 84.2, limit: 80, unit: '°C', ts: 1700000000000, raisedAt: 1700000000000, message: 'bearing temperature 84.2 °C above the 80 °C alarm limit' };
  const raise = flow.place('shelve:raise', tab, 0, 1, { type: 'inject', name: 'bearing-temperature alarm', props: [{ p: 'payload' }], repeat: '', crontab: '',
    once: true, onceDelay: '0.5', topic: '', payload: JSON.stringify(alert), payloadType: 'json' });
  const alarms = flow.place('shelve:alarms', tab, 2, 1, { type: 'twin-alarms', name: '', position: 'Control room', assets: '',
    shelveDurations: '15 min, 1 h, 4 h, 8 h', requireLogin: true, windowHours: '24', reportS: '60', outputs: 5 });
  flow.wire(raise, alarms);
  const connects = flow.place('shelve:connects', tab, 0, 2, { type: 'ui_ui_control', name: '', events: 'connect', outputs: 1 });
  flow.wire(connects, alarms);
  const uiTabId = uiTab(flow, 'shelve:ui-tab', 'Alarms', 1, 'fa-bell');
  const group = uiGroup(flow, 'shelve:ui-group', uiTabId, 'Alarms', 1, 20);
  const route = flow.place('shelve:route', tab, 3, 1, { type: 'switch', name: '', property: 'topic', propertyType: 'msg', checkall: 'false',
    repair: false, rules: [{ t: 'eq', v: 'notice', vt: 'str' }, { t: 'else' }], outputs: 2 });
  flow.wire(alarms, route, 0);
  const answerText = flow.place('shelve:answer-text', tab, 4, 0, { type: 'change', name: '', rules: [
    { t: 'set', p: 'payload', pt: 'msg', to: 'payload.text', tot: 'msg' }] });
  flow.wire(route, answerText, 0);
  flow.wire(answerText, uiToast(flow, 'shelve:answer', tab, 5, 0, 'answer'));
  for (const [key, html, order] of [['summary', ALARM_SUMMARY_TEMPLATE, 1], ['hidden', ALARM_HIDDEN_TEMPLATE, 2]] as const) {
    const template = uiTemplate(flow, `shelve:${key}`, tab, 4, order, group, order, key, html, { width: 20, height: 6 });
    flow.node(template).storeOutMessages = false;
    flow.wire(route, template, 1);
    flow.wire(template, alarms);
  }
  const keep = flow.placeFunction('shelve:keep-journal', tab, 3, 3, 'keep the journal', KEEP_JOURNAL_CODE);
  flow.wire(alarms, keep, 1);
  flow.wire(keep, uiTemplate(flow, 'shelve:journal', tab, 4, 3, group, 3, 'journal', ALARM_JOURNAL_TEMPLATE, { width: 20, height: 6 }));
  return flow.nodes;
}

describe('shelving in the logged-in user\'s name (Chromium, project settings)', function () {
  this.timeout(180000);
  let workDir: string;
  let browser: Browser | undefined;
  const running: NodeRedProcess[] = [];
  const errors: string[] = [];

  before(async function () {
    const executable = chromiumPath();
    if (!executable) this.skip();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-shelve-login-'));
    browser = await launchChromium(executable!);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') for (const n of running) process.stdout.write(`Node-RED said:\n${n.output().slice(-6000)}\n`);
  });

  after(async function () {
    await browser?.close();
    for (const n of running) await n.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  async function start(name: string, withUsers: boolean): Promise<NodeRedProcess> {
    const userDir = path.join(workDir, name);
    fs.mkdirSync(userDir, { recursive: true });
    if (withUsers) writeDashboardUsers(userDir, [OPERATOR]);
    fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(alarmFlow()));
    const nodeRed = await startNodeRed(['--settings', SETTINGS, '--userDir', userDir], {});
    running.push(nodeRed);
    return nodeRed;
  }

  it('shelves an alarm for 1 h in the name of the user logged in, and the journal row names her', async function () {
    const nodeRed = await start('with-login', true);
    const page = await openDashboardTab(browser!, nodeRed.baseUrl, 0, 'Alarms', errors, OPERATOR);
    const alarm = page.locator(`[data-twin=alarm][data-key="${ALARM}"]`);
    await alarm.waitFor({ timeout: 30000 });
    assert.equal((await page.locator('[data-twin=login-note]').innerText()).trim(), 'Shelving and out of service are recorded under your dashboard login.');
    assert.doesNotMatch(await page.locator('[data-twin=alarm-summary]').innerText(), /needs a logged-in user/);

    const shelvedAt = Date.now();
    await alarm.locator('[data-twin=open-shelve]').click();
    await page.locator('[data-twin=shelve-duration]').selectOption({ label: '1 h' });
    await page.locator('[data-twin=shelve-reason]').fill('RTD loose, fitter on the way');
    await page.locator('[data-twin=shelve]').click();
    const shelved = page.locator(`[data-twin=shelved][data-key="${ALARM}"]`);
    await shelved.waitFor({ timeout: 10000 });
    assert.equal((await shelved.locator('[data-twin=shelved-by]').innerText()).trim(), OPERATOR.username);
    const shelvedUntil = Number(await shelved.getAttribute('data-until'));
    assert.ok(Math.abs(shelvedUntil - shelvedAt - 3_600_000) < 15_000, `shelved until ${new Date(shelvedUntil).toISOString()}, an hour after ${new Date(shelvedAt).toISOString()}`);
    await page.locator('md-toast', { hasText: `shelved by ${OPERATOR.username} for 1 h` }).waitFor({ timeout: 10000 });

    const journalRow = page.locator('[data-twin=journal-row]', { has: page.locator('[data-twin=journal-row-action]:text-is("shelved")') });
    await until('the shelve in the journal', async () => (await journalRow.count()) === 1, 10000, 250);
    assert.equal((await journalRow.locator('[data-twin=journal-row-by]').innerText()).trim(), OPERATOR.username);
    assert.match(await journalRow.innerText(), /RTD loose, fitter on the way/);
    assert.equal(await page.locator('[data-twin=journal-row]', { has: page.locator('[data-twin=journal-row-action]:text-is("refused")') }).count(), 0, 'nothing refused');
    await screenshot(page, 'alarm-shelved-by-logged-in-user');
    await page.close();
    assert.deepEqual(errors, []);
  });

  it('says so where the dashboard has no login, and offers no shelve', async function () {
    const nodeRed = await start('without-login', false);
    const page = await openDashboardTab(browser!, nodeRed.baseUrl, 0, 'Alarms', errors);
    const alarm = page.locator(`[data-twin=alarm][data-key="${ALARM}"]`);
    await alarm.waitFor({ timeout: 30000 });
    assert.match(await page.locator('[data-twin=login-note]').innerText(), /This dashboard has no login: shelving and out of service are refused\s+until dashboard users are added/);
    assert.equal(await alarm.locator('[data-twin=open-shelve]').isDisabled(), true);
    await screenshot(page, 'alarm-shelve-without-login');
    await page.close();
    assert.deepEqual(errors, []);
  });
});
