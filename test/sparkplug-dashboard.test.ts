/**
 * The Sparkplug example's "Fleet of sites" dashboard tab as a control room meets it, in real Chromium: the shipped
 * example in a real Node-RED process on the local Mosquitto (its group and host id made unique to this run, and its
 * edge node's link through a TCP proxy this test can cut). The edge's press of "reading" and "urgency estimate"
 * shows the site online with the catalogue's site, line and cell and the WARNING; a silent cut of the edge's link
 * shows it OFFLINE since the death certificate, on the page as it is; the restored link shows it online again.
 * The same example in the real editor: no node flagged. Skips without Chromium or a broker.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { EXAMPLES } from '../scripts/reference-flow/examples';
import { chromiumPath, launchChromium, openDashboardTab, screenshot, watchPage } from './support/browser';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';
import { TcpProxy } from './support/tcp-proxy';
import { until } from './support/until';

const root = path.resolve(__dirname, '..', '..');
const BROKER = 'mqtt://127.0.0.1:1883';
const EDGE_KEEPALIVE_S = 2;

interface FlowNode { id: string; type: string; name?: string; [key: string]: unknown }

function post(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST' }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
    req.end();
  });
}

async function brokerAnswers(): Promise<boolean> {
  const probe = mqtt.connect(BROKER, { connectTimeout: 2000, reconnectPeriod: 0 });
  const reachable = await new Promise<boolean>((resolve) => { probe.once('connect', () => resolve(true)); probe.once('error', () => resolve(false)); setTimeout(() => resolve(false), 2500); });
  probe.end(true);
  return reachable;
}

describe('the Sparkplug example\'s Fleet of sites tab (Chromium)', function () {
  this.timeout(180000);
  let workDir: string | undefined;
  let proxy: TcpProxy | undefined;
  let nodeRed: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  const hostId = `fleet-ui-${process.pid}`;
  const errors: string[] = [];

  before(async function () {
    const executable = chromiumPath();
    if (!executable || !(await brokerAnswers())) this.skip();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-fleet-ui-'));
    proxy = new TcpProxy('127.0.0.1', 1883);
    await proxy.start();
    const flow = EXAMPLES['Sparkplug B edge and central host']() as FlowNode[];
    const group = `plant-${process.pid}`;
    for (const node of flow) {
      if (node.type === 'twin-sparkplug-edge') Object.assign(node, { url: `mqtt://127.0.0.1:${proxy.port}`, keepaliveS: String(EDGE_KEEPALIVE_S), group, primaryHostId: hostId });
      if (node.type === 'twin-sparkplug-host') Object.assign(node, { hostId, groups: group });
    }
    fs.writeFileSync(path.join(workDir, 'flows.json'), JSON.stringify(flow));
    nodeRed = await startNodeRed(['--settings', path.join(root, 'scripts', 'node-red-settings.js'), '--userDir', workDir], {});
    browser = await launchChromium(executable!);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && nodeRed) process.stdout.write(`Node-RED said:\n${nodeRed.output().slice(-6000)}\n`);
  });

  after(async function () {
    await browser?.close();
    await nodeRed?.stop();
    await proxy?.stop();
    // The host's retained STATE stays on the shared broker otherwise.
    const client = mqtt.connect(BROKER);
    await new Promise<void>((resolve) => {
      client.once('connect', () => client.publish(`spBv1.0/STATE/${hostId}`, '', { qos: 1, retain: true }, () => resolve()));
      client.once('error', () => resolve());
      setTimeout(resolve, 3000);
    });
    client.end(true);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  const text = async (page: Page, selector: string): Promise<string> => ((await page.locator(selector).first().textContent()) ?? '').trim();

  it('shows the site with its device, place and urgency, OFFLINE since the cut of its link, online again after', async function () {
    const flow = EXAMPLES['Sparkplug B edge and central host']() as FlowNode[];
    const button = (name: string): string => flow.find((n) => n.type === 'inject' && n.name === name)!.id;
    const site = '[data-twin=site][data-edge="edge-1"]';
    const device = '[data-twin=device][data-device="spindle-1"]';
    const page = await openDashboardTab(browser!, nodeRed!.baseUrl, 0, 'Fleet of sites', errors);

    await until('the edge node born', async () => (await page.locator(site).count()) > 0, 60000, 200);
    assert.equal(await post(`${nodeRed!.baseUrl}/inject/${button('reading')}`), 200);
    assert.equal(await post(`${nodeRed!.baseUrl}/inject/${button('urgency estimate')}`), 200);
    await until('the device with its urgency', async () => (await page.locator(`${device} [data-twin=urgency]`).count()) > 0
      && (await text(page, `${device} [data-twin=urgency]`)) === 'WARNING', 30000, 200);
    assert.match(await text(page, `${site} [data-twin=site-name]`), /^north-plant · plant-\d+\/edge-1$/);
    assert.equal(await text(page, `${device} [data-twin=place]`), 'machining / cell-1');
    assert.equal(await text(page, `${site} [data-twin=state]`), 'online');
    await screenshot(page, 'fleet-of-sites-online');

    const cutAt = Date.now();
    proxy!.blackhole();
    await until('the site shown OFFLINE', async () => (await text(page, `${site} [data-twin=state]`)) === 'OFFLINE', 3 * EDGE_KEEPALIVE_S * 1000 + 10000, 200);
    const shownAfterMs = Date.now() - cutAt;
    const since = Number(await page.locator(`${site} [data-twin=since]`).getAttribute('data-since'));
    assert.ok(since >= cutAt && since <= cutAt + shownAfterMs, `offline since ${since - cutAt} ms after the cut`);
    assert.equal(await text(page, `${device} [data-twin=state]`), 'OFFLINE');
    assert.equal(await text(page, `${device} [data-twin=urgency]`), 'WARNING', 'the last urgency the site sent stays visible');
    await screenshot(page, 'fleet-of-sites-offline');

    const restoredAt = Date.now();
    proxy!.restore();
    await until('the site online again', async () => (await text(page, `${site} [data-twin=state]`)) === 'online', 60000, 200);
    assert.ok(Number(await page.locator(`${site} [data-twin=since]`).getAttribute('data-since')) >= restoredAt, 'online since after the restore');
    process.stdout.write(`      the page showed the site OFFLINE ${(shownAfterMs / 1000).toFixed(1)} s after the cut (edge keep-alive ${EDGE_KEEPALIVE_S} s), online ${((Date.now() - restoredAt) / 1000).toFixed(1)} s after the restore\n`);
    await page.close();
    assert.deepEqual(errors, []);
  });

  it('loads in the real editor with no node flagged', async function () {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    watchPage(page, 'editor', errors);
    await page.goto(`${nodeRed!.baseUrl}/`);
    await page.waitForSelector('#red-ui-palette-digital_twin', { timeout: 60000 });
    await until('the flow in the workspace', async () => (await page.locator('.red-ui-flow-node-group').count()) > 0, 30000, 200);
    const flagged = await page.evaluate(() => {
      type EditorNode = { id: string; type: string; valid?: boolean };
      const red = (window as unknown as { RED: { nodes: { eachNode(cb: (n: EditorNode) => void): void; eachConfig(cb: (n: EditorNode) => void): void } } }).RED;
      const out: string[] = [];
      const check = (n: EditorNode): void => { if (n.valid === false) out.push(`${n.type} ${n.id} ${JSON.stringify((n as unknown as { validationErrors?: unknown }).validationErrors)}`); };
      red.nodes.eachNode(check);
      red.nodes.eachConfig(check);
      return out;
    });
    assert.deepEqual(flagged, []);
    await page.close();
    assert.deepEqual(errors, []);
  });
});
