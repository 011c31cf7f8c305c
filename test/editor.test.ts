/**
 * The editor as an integrator meets it, in real headless Chromium: the pack's nodes in the palette under
 * "digital twin", each node's edit dialog opening without a console error, the asset preset filling the sensor
 * list, and the dashboard tabs rendering live values. Skips when no Chromium is installed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startPlant, type Plant } from '../plant/plant';
import { LOCAL_POSTGRES_URL, postgresAnswers } from './support/database';
import { chromiumPath, launchChromium } from './support/browser';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';

const root = path.resolve(__dirname, '..', '..');
const screenshots = process.env.TWIN_SCREENSHOTS;

async function shot(page: Page, name: string): Promise<void> {
  if (screenshots) await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

describe('editor and dashboard in Chromium', function () {
  this.timeout(180000);
  let browser: Browser | undefined;
  let plant: Plant | undefined;
  let nodeRed: NodeRedProcess | undefined;
  let workDir: string;
  const consoleErrors: string[] = [];

  before(async function () {
    const executable = chromiumPath();
    if (!executable) this.skip();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-editor-'));
    const userDir = path.join(workDir, 'user');
    fs.mkdirSync(userDir);
    fs.copyFileSync(path.join(root, 'flows', 'reference-twin.json'), path.join(userDir, 'flows.json'));
    plant = await startPlant({ opcuaPort: 0, modbusPort: 0 });
    const env: NodeJS.ProcessEnv = { TWIN_OPCUA_ENDPOINT: plant.opcuaEndpoint, TWIN_MODBUS_PORT: String(plant.modbusPort) };
    if (await postgresAnswers()) env.DATABASE_URL = LOCAL_POSTGRES_URL;
    nodeRed = await startNodeRed(['--settings', path.join(root, 'scripts', 'node-red-settings.js'), '--userDir', userDir], env);
    browser = await launchChromium(executable!);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && nodeRed) process.stdout.write(`Node-RED said:\n${nodeRed.output().slice(-6000)}\n`);
  });

  after(async function () {
    await browser?.close();
    await nodeRed?.stop();
    await plant?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  async function openPage(url: string): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 404/.test(message.text())) consoleErrors.push(`${url}: ${message.text()}`);
    });
    page.on('requestfailed', (request) => consoleErrors.push(`failed ${request.url()}: ${request.failure()?.errorText ?? ''}`));
    page.on('response', (response) => {
      // node-red-dashboard asks for an optional custom loading page (ui/loading.html) that no one has to provide.
      if (response.status() >= 400 && !response.url().endsWith('/ui/loading.html')) consoleErrors.push(`${response.status()} ${response.url()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`${url}: ${error.message}`));
    await page.goto(url);
    return page;
  }

  it('shows the pack in the palette and opens every node\'s edit dialog without errors', async function () {
    const page = await openPage(`${nodeRed!.baseUrl}/`);
    await page.waitForSelector('#red-ui-palette-digital_twin', { timeout: 60000 });
    const types = ['twin-ingest', 'twin-threshold', 'twin-buffer', 'twin-historian', 'twin-drift', 'twin-features'];
    for (const type of types) {
      assert.equal(await page.locator(`#red-ui-palette-digital_twin .red-ui-palette-node[data-palette-type="${type}"]`).count(), 1, `${type} in the palette`);
    }
    for (const type of types) {
      await page.evaluate((t) => {
        const red = (window as unknown as { RED: { nodes: { filterNodes(f: { type: string }): Array<{ id: string }> }; editor: { edit(n: unknown): void } } }).RED;
        red.editor.edit(red.nodes.filterNodes({ type: t })[0]);
      }, type);
      await page.waitForSelector('.red-ui-tray-body', { state: 'visible' });
      await page.waitForTimeout(500);
      await shot(page, `edit-${type}`);
      if (type === 'twin-drift') {
        assert.equal(await page.locator('#node-input-checks-container .twin-drift-sensor').count(), 3, 'the spindle\'s three sensor checks are listed');
        assert.equal(await page.locator('#node-input-checks-container .twin-drift-sensor').first().inputValue(), 'motorCurrent');
      }
      if (type === 'twin-features') assert.equal(await page.locator('#node-input-windows').inputValue(), '1h, 24h, 7d');
      await page.click('#node-dialog-cancel');
      await page.waitForTimeout(300);
    }
    assert.deepEqual(consoleErrors, []);
  });

  it('fills an asset\'s sensor list from a preset', async function () {
    const page = await openPage(`${nodeRed!.baseUrl}/`);
    await page.waitForSelector('#red-ui-palette-digital_twin', { timeout: 60000 });
    await page.evaluate(() => {
      const red = (window as unknown as { RED: { editor: { editConfig(name: string, type: string, id: string): void } } }).RED;
      red.editor.editConfig('', 'twin-asset', '_ADD_');
    });
    await page.waitForSelector('#node-config-input-preset option', { state: 'attached', timeout: 10000 });
    await page.selectOption('#node-config-input-preset', '1');
    await page.click('#node-config-input-preset-apply');
    assert.equal(await page.inputValue('#node-config-input-assetId'), 'pump-1');
    assert.equal(await page.locator('#node-config-input-sensor-list .twin-id').count(), 9);
    await shot(page, 'edit-twin-asset');
    assert.deepEqual(consoleErrors, []);
  });

  it('renders each Live dashboard tab with values from the plant', async function () {
    for (const [index, label] of [[0, 'Spindle 1'], [1, 'Pump 1']] as const) {
      const page = await openPage(`${nodeRed!.baseUrl}/ui/#!/${index}`);
      await page.waitForSelector(`text=${label} · Live`, { timeout: 30000 });
      await page.waitForFunction(() => document.querySelectorAll('ui-gauge, .nr-dashboard-gauge').length > 0, undefined, { timeout: 30000 });
      await page.waitForTimeout(8000);
      await shot(page, `dashboard-${index}`);
      const text = await page.locator('body').innerText();
      assert.match(text, /running/, `${label} shows its machine state`);
      assert.match(text, /Bearing temperature/);
      assert.match(text, /No active alerts|Acknowledge|acknowledged/);
      await page.waitForSelector('.twin-spectrum polyline', { timeout: 30000 });
      const condition = await page.locator('body').innerText();
      assert.match(condition, /ISO 10816-3 zone [ABCD]/, `${label} shows its vibration zone`);
      assert.match(condition, /Velocity RMS \(10 Hz–1 kHz\)\s+\d+\.\d\d\s+mm\/s/, `${label} shows velocity RMS`);
      assert.match(condition, /Operating hours/);
      assert.match(condition, /motorCurrent\s+(learning|healthy)/, `${label} shows the motor current's health`);
      assert.ok(await page.locator('.twin-spectrum text', { hasText: 'BPFO' }).count() === 1, `${label} marks BPFO on the spectrum`);
      await page.locator('.twin-spectrum').scrollIntoViewIfNeeded();
      await shot(page, `dashboard-${index}-condition`);
    }
    assert.deepEqual(consoleErrors, []);
  });
});
