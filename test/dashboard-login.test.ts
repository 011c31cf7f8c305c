/**
 * The dashboard login in a real Node-RED process with the project's settings, and real Chromium: nobody reaches the
 * dashboard page or its socket without a name and password; a request carries the logged-in user; the requester's own
 * approval is refused and shown on the approval panel, also when his browser claims another user's socket; another
 * logged-in user's approval writes. The settings refuse to serve the dashboard beyond loopback without users, and keep
 * a generated credential key in the user directory.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CREDENTIAL_SECRET_FILE } from '../lib/identity/credential-secret';
import type { SetpointAuditRecord } from '../lib/setpoint/setpoint-audit';
import { FlowBuilder } from '../scripts/reference-flow/builder';
import { uiGroup, uiTab, uiTemplate } from '../scripts/reference-flow/dashboard';
import { spindleAsset } from '../scripts/reference-flow/example-nodes';
import { APPROVAL_TEMPLATE, SETPOINT_BOARD_CODE } from '../scripts/reference-flow/prescribe-widgets';
import { chromiumPath, launchChromium, openDashboardTab, screenshot, type DashboardLogin } from './support/browser';
import { OPERATOR, SUPERVISOR, writeDashboardUsers } from './support/dashboard-users';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';
import { until } from './support/until';

const root = path.resolve(__dirname, '..', '..');
const SETTINGS = path.join(root, 'scripts', 'node-red-settings.js');

/** Stands in for the What-if tab's "Apply": a widget sending a request, nothing about who asks. */
const REQUEST_TEMPLATE = `<md-button class="md-raised md-warn" ng-click="send({topic: 'request', payload: {value: 13000, reason: 'login test'}})">Ask for 13,000 rpm</md-button>`;

const KEEP_AUDITS_CODE = `flow.set('audits', (flow.get('audits') || []).concat(msg.payload));
return null;`;

/** The guarded spindle speed with the reference flow's approval panel, and the audit trail at GET /twin-test/audits. */
function loginFlow(): FlowBuilder['nodes'] {
  const flow = new FlowBuilder();
  const tab = flow.add('login:tab', { type: 'tab', label: 'Login test', disabled: false, info: '' });
  const asset = spindleAsset(flow, 'login:asset');
  const plc = flow.place('login:plc', tab, 0, 1, { type: 'inject', name: 'PLC reads 12,000 rpm', props: [{ p: 'payload' }], repeat: '2', crontab: '',
    once: true, onceDelay: '0.5', topic: '', payload: '[{"asset": "spindle-1", "sensor": "speedSetpoint", "value": 12000, "ts": $millis()}]', payloadType: 'jsonata' });
  const ingest = flow.place('login:ingest', tab, 1, 1, { type: 'twin-ingest', name: '', asset, source: 'canonical', missingTimestamp: 'reject', property: 'payload' });
  flow.wire(plc, ingest);
  const setpoint = flow.place('login:setpoint', tab, 2, 2, { type: 'twin-setpoint', name: '', asset, sensor: 'speedSetpoint', protocol: 'opcua',
    opcuaDataType: 'Double', unitId: '1', min: '6000', max: '14400', maxStep: '2400', maxRatePerMinute: '', allowedHours: '', timeZone: '',
    interlockUrgency: 'CRITICAL', interlockAlerts: 'alarm', mode: 'manual', approver: 'four-eyes', approvalTimeoutS: '600', watchdogS: '0',
    confirmOnReadings: true, readback: true, readbackSensor: 'speedSetpoint', readbackTolerance: '', safeValue: '', outputs: 3 });
  const uiTabId = uiTab(flow, 'login:ui-tab', 'Login test', 1, 'fa-lock');
  const group = uiGroup(flow, 'login:ui-group', uiTabId, 'Setpoint approval', 1, 8);
  const request = uiTemplate(flow, 'login:request', tab, 1, 3, group, 1, 'request', REQUEST_TEMPLATE, { width: 8, height: 1 });
  const approval = uiTemplate(flow, 'login:approval', tab, 4, 2, group, 2, 'setpoint approval', APPROVAL_TEMPLATE, { width: 8, height: 8 });
  const board = flow.placeFunction('login:board', tab, 3, 2, 'state + audits', SETPOINT_BOARD_CODE);
  flow.wire(request, setpoint);
  flow.wire(approval, setpoint);
  flow.wire(setpoint, board, 1);
  flow.wire(setpoint, board, 2);
  flow.wire(board, approval);
  flow.wire(setpoint, flow.placeFunction('login:keep-audits', tab, 3, 3, 'keep audits', KEEP_AUDITS_CODE), 1);
  const get = flow.place('login:http-in', tab, 0, 5, { type: 'http in', name: '', url: '/twin-test/audits', method: 'get', upload: false, swaggerDoc: '' });
  const read = flow.placeFunction('login:read-audits', tab, 1, 5, 'audits', 'msg.payload = flow.get(\'audits\') || [];\nreturn msg;');
  const respond = flow.place('login:http-response', tab, 2, 5, { type: 'http response', name: '', statusCode: '', headers: {}, outputs: 0 });
  flow.wire(get, read);
  flow.wire(read, respond);
  return flow.nodes;
}

interface Reply { status: number; body: string }

function request(url: string, options: { method?: string; login?: DashboardLogin; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.login) headers.Authorization = `Basic ${Buffer.from(`${options.login.username}:${options.login.password}`).toString('base64')}`;
    if (options.body !== undefined) headers['Content-Type'] = 'text/plain;charset=UTF-8';
    const req = http.request(url, { method: options.method ?? 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('dashboard login', function () {
  this.timeout(180000);
  let workDir: string;
  let userDir: string;
  let nodeRed: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  const consoleErrors: string[] = [];

  before(async function () {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-login-'));
    userDir = path.join(workDir, 'user');
    writeDashboardUsers(userDir);
    fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(loginFlow()));
    nodeRed = await startNodeRed(['--settings', SETTINGS, '--userDir', userDir], {});
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && nodeRed) process.stdout.write(`Node-RED said:\n${nodeRed.output().slice(-6000)}\n`);
  });

  after(async function () {
    await browser?.close();
    await nodeRed?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  const audits = async (): Promise<SetpointAuditRecord[]> => JSON.parse((await request(`${nodeRed!.baseUrl}/twin-test/audits`, { login: SUPERVISOR })).body);

  it('lets nobody reach the dashboard page or its socket without a name and password', async function () {
    const base = nodeRed!.baseUrl;
    assert.equal((await request(`${base}/ui/`)).status, 401);
    assert.equal((await request(`${base}/ui/`, { login: { ...OPERATOR, password: 'guess' } })).status, 401);
    assert.equal((await request(`${base}/ui/`, { login: OPERATOR })).status, 200);
    assert.equal((await request(`${base}/twin-test/audits`)).status, 401, 'every http-in endpoint is behind the login too');
    // socket.io answers before Express: its handshake succeeds, connecting to the dashboard's namespace does not.
    const open = await request(`${base}/ui/socket.io/?EIO=4&transport=polling`);
    const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
    await request(`${base}/ui/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '40' });
    const answer = await request(`${base}/ui/socket.io/?EIO=4&transport=polling&sid=${sid}`);
    assert.match(answer.body, /^44\{"message":"log in to the dashboard first"\}/, `the namespace refuses: ${answer.body}`);
  });

  it('records the logged-in requester, refuses his own approval (also through another user\'s socket id), writes on another user\'s approval', async function () {
    const executable = chromiumPath();
    if (!executable) this.skip();
    browser = await launchChromium(executable!);
    const operator = await openDashboardTab(browser, nodeRed!.baseUrl, 0, 'Login test', consoleErrors, OPERATOR);
    await until('the PLC setpoint on the panel', async () => /Setpoint in the PLC\s+12,000 rpm/.test(await operator.locator('.twin-approval').innerText()), 30000);
    await operator.click('text=Ask for 13,000 rpm');
    await operator.waitForSelector('.twin-approval .pending', { timeout: 30000 });
    assert.match(await operator.locator('.twin-approval .pending').innerText(), /13,000 rpm asked for by anna \(login test\)/);
    assert.match(await operator.locator('.twin-approval .pending').innerText(), /Another person than anna must give the approval/);

    await operator.click('.twin-approval button:has-text("Approve")');
    await until('the refusal on the panel', async () => /anna asked for this change and may not approve it too/.test(await operator.locator('.twin-approval .refused').first().innerText().catch(() => '')), 30000);
    await screenshot(operator, 'login-self-approval-refused');

    const supervisor = await openDashboardTab(browser, nodeRed!.baseUrl, 0, 'Login test', consoleErrors, SUPERVISOR);
    await supervisor.waitForSelector('.twin-approval .pending', { timeout: 30000 });
    const supervisorSocket = await supervisor.evaluate(() => (window as unknown as { angular: { element(e: Element): { injector(): { get(n: string): { id: string } } } } })
      .angular.element(document.body).injector().get('UiEvents').id);
    assert.ok(supervisorSocket, 'the supervisor\'s socket id');
    const pendingId = (await audits()).find((a) => a.action === 'request')!.requestId;
    // A browser of anna's opens its own socket and claims the supervisor's: the login writes anna's socket back in.
    await forgeApproval(operator, FlowBuilder.idFor('login:approval'), pendingId, supervisorSocket);
    await until('the forged approval refused', async () => (await audits()).filter((a) => a.action === 'refuse').length === 2, 30000);
    assert.equal((await audits()).filter((a) => a.action === 'refuse')[1].approvedBy, 'anna');
    assert.ok(!(await audits()).some((a) => a.action === 'write'), 'nothing written');

    await supervisor.click('.twin-approval button:has-text("Approve")');
    await until('the write', async () => (await audits()).some((a) => a.action === 'write'), 30000);
    const write = (await audits()).find((a) => a.action === 'write')!;
    assert.deepEqual([write.requestedBy, write.approvedBy, write.after], ['anna', 'lead', 13000]);
    await until('the write on the panel', async () => /write 13,000 rpm/.test(await supervisor.locator('.twin-approval').innerText()), 30000);
    await screenshot(supervisor, 'login-approved-by-another');
    assert.deepEqual(consoleErrors, []);
  });

  it('refuses to serve the dashboard beyond loopback without users, and keeps a generated credential key', async function () {
    const bare = path.join(workDir, 'bare');
    await assert.rejects(startNodeRed(['--settings', SETTINGS, '--userDir', bare], { TWIN_HOST: '0.0.0.0', TWIN_ADMIN_USER: 'admin',
      TWIN_ADMIN_PASSWORD_HASH: '$2b$08$zZWtXTja0fB1pzD4sHCMyOCMYz2Z6dNbM6tl8sJogENOMcxWV9DN.' }), /refusing to serve the dashboard on 0\.0\.0\.0 without a login/);
    const key = path.join(userDir, CREDENTIAL_SECRET_FILE);
    assert.equal(fs.statSync(key).mode & 0o777, 0o600, 'readable by its owner only');
    assert.match(fs.readFileSync(key, 'utf8'), /^[0-9a-f]{64}\n$/);
    assert.doesNotMatch(nodeRed!.output(), /system-generated key/, 'Node-RED does not fall back to its own key');
  });
});

/** From `page`, a second socket of its own sending an approval that claims to come from `claimedSocket`. */
async function forgeApproval(page: Page, templateId: string, requestId: string, claimedSocket: string): Promise<void> {
  await page.evaluate(([id, pending, claimed]) => new Promise<void>((resolve) => {
    const io = (window as unknown as { io: (o: object) => { on(e: string, f: () => void): void; emit(e: string, d: object): void } }).io;
    const socket = io({ path: `${location.pathname}socket.io` });
    socket.on('connect', () => {
      socket.emit('update-value', { id, socketid: claimed, msg: { topic: 'approve', payload: { id: pending }, socketid: claimed } });
      resolve();
    });
  }), [templateId, requestId, claimedSocket]);
}
