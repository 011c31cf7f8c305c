/**
 * The editor as an integrator meets it, in real headless Chromium: the pack's nodes in the palette under
 * "digital twin", each node's edit dialog opening without a console error, and the asset preset filling the sensor
 * list (test/dashboard.test.ts covers the dashboard). Skips when no Chromium is installed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PUMP_ASSET } from '../lib/asset/presets';
import { startPlant, type Plant } from '../plant/plant';
import { LOCAL_POSTGRES_URL, postgresAnswers } from './support/database';
import { chromiumPath, launchChromium, watchPage } from './support/browser';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';

const root = path.resolve(__dirname, '..', '..');
const screenshots = process.env.TWIN_SCREENSHOTS;

async function shot(page: Page, name: string): Promise<void> {
  if (screenshots) await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

describe('editor in Chromium', function () {
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
    watchPage(page, url, consoleErrors);
    await page.goto(url);
    return page;
  }

  it('shows the pack in the palette and opens every node\'s edit dialog without errors', async function () {
    const page = await openPage(`${nodeRed!.baseUrl}/`);
    await page.waitForSelector('#red-ui-palette-digital_twin', { timeout: 60000 });
    const types = ['twin-ingest', 'twin-threshold', 'twin-buffer', 'twin-historian', 'twin-drift', 'twin-features', 'twin-rul', 'twin-urgency',
      'twin-train', 'twin-scenario', 'twin-setpoint', 'twin-kpi', 'twin-alarms'];
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
      if (type === 'twin-scenario') {
        assert.equal(await page.locator('#node-input-costsExample').isChecked(), true, 'the shipped what-if costs are marked as examples');
        await page.fill('#node-input-energyPerKwh', '0.31');
        assert.equal(await page.locator('#node-input-costsExample').isChecked(), false, 'a cost typed in is the plant\'s own');
      }
      if (type === 'twin-kpi') {
        assert.equal(await page.locator('#node-input-baselineExample').isChecked(), true, 'the shipped baseline is marked as example figures');
        await page.fill('#node-input-baselineHours', '5800');
        assert.equal(await page.locator('#node-input-baselineExample').isChecked(), false, 'a figure typed in is the plant\'s own');
      }
      await page.click('#node-dialog-cancel');
      await page.waitForTimeout(300);
    }
    assert.deepEqual(consoleErrors, []);
  });

  it('imports the machine-health example with no node flagged and opens twin-health\'s dialog', async function () {
    const example = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'Machine health and the RUL ladder.json'), 'utf8')) as unknown[];
    const page = await openPage(`${nodeRed!.baseUrl}/`);
    await page.waitForSelector('#red-ui-palette-digital_twin', { timeout: 60000 });
    assert.equal(await page.locator('#red-ui-palette-digital_twin .red-ui-palette-node[data-palette-type="twin-health"]').count(), 1, 'twin-health in the palette');
    const flagged = await page.evaluate((nodes) => {
      type EditorNode = { id: string; type: string; valid?: boolean; z?: string };
      const red = (window as unknown as { RED: { view: { importNodes(n: unknown[], o: object): void }; nodes: { filterNodes(f: object): EditorNode[] } } }).RED;
      red.view.importNodes(nodes, { generateIds: true, addFlow: true });
      const health = red.nodes.filterNodes({ type: 'twin-health' });
      const tab = health[health.length - 1].z;
      return red.nodes.filterNodes({ z: tab }).filter((n) => n.valid === false).map((n) => `${n.type} ${n.id}`);
    }, example);
    assert.deepEqual(flagged, [], 'no node of the example is flagged invalid');
    await page.evaluate(() => {
      const red = (window as unknown as { RED: { nodes: { filterNodes(f: { type: string }): Array<{ id: string }> }; editor: { edit(n: unknown): void } } }).RED;
      const health = red.nodes.filterNodes({ type: 'twin-health' });
      red.editor.edit(health[health.length - 1]);
    });
    await page.waitForSelector('.red-ui-tray-body', { state: 'visible' });
    assert.equal(await page.locator('#node-input-thresholds').inputValue(), 'acceleration.velocityRms=4.5');
    await shot(page, 'edit-twin-health');
    await page.click('#node-dialog-cancel');
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
    // The alarm design of the bearing temperature: an urgent alarm, never suppressed while warming up.
    const bearing = PUMP_ASSET.sensors.findIndex((s) => s.id === 'bearingTemp');
    await page.locator('#node-config-input-sensor-list .twin-alarm-priority').nth(bearing).selectOption('urgent');
    await page.locator('#node-config-input-sensor-list .twin-suppress-warming-up').nth(bearing).uncheck();
    await page.click('#node-config-dialog-ok');
    await page.waitForSelector('#node-config-dialog-ok', { state: 'detached' });
    const saved = await page.evaluate(() => {
      type AssetConfig = { type: string; assetId: string; sensors: Array<Record<string, unknown>> };
      const red = (window as unknown as { RED: { nodes: { eachConfig(cb: (n: AssetConfig) => void): void } } }).RED;
      let pump: AssetConfig | undefined;
      red.nodes.eachConfig((n) => { if (n.type === 'twin-asset' && n.assetId === 'pump-1' && n.sensors.some((s) => s.suppressWhen)) pump = n; });
      return pump?.sensors.map((s) => ({ id: s.id, alarm: s.alarm, suppressWhen: s.suppressWhen }));
    });
    assert.deepEqual(saved?.find((s) => s.id === 'bearingTemp'), { id: 'bearingTemp', alarm: { high: 90, priority: 'urgent' }, suppressWhen: ['down'] });
    assert.deepEqual(saved?.find((s) => s.id === 'vibration')?.suppressWhen, undefined, 'an untouched sensor keeps following the default');
    assert.deepEqual(consoleErrors, []);
  });

  it('imports a CSV tag list into a catalogue, names each bad row, and merges an uploaded one', async function () {
    const page = await openPage(`${nodeRed!.baseUrl}/`);
    await page.waitForSelector('#red-ui-palette-digital_twin', { timeout: 60000 });
    assert.equal(await page.locator('#red-ui-palette-digital_twin .red-ui-palette-node[data-palette-type="twin-poll"]').count(), 1, 'twin-poll in the palette');
    await page.evaluate(() => {
      const red = (window as unknown as { RED: { editor: { editConfig(name: string, type: string, id: string): void } } }).RED;
      red.editor.editConfig('', 'twin-catalogue', '_ADD_');
    });
    await page.waitForSelector('#node-config-input-catalogue', { state: 'visible', timeout: 10000 });
    await page.fill('#node-config-input-catalogue', 'asset;sensor;site;line;modbus_unit_id;modbus_address\nm1;temp;s;l;3;0\nm1;speed;s;l;3;-4\n');
    await page.click('#twin-catalogue-check');
    await page.waitForSelector('#twin-catalogue-report li', { timeout: 10000 });
    const report = await page.textContent('#twin-catalogue-report') ?? '';
    assert.match(report, /1 asset \(1 site, 1 line\), 1 sensor; 1 problem/);
    assert.match(report, /line 3 \(asset "m1" sensor "speed"\), modbus_address: modbus address must be 0-65535 \(row skipped\)/);
    assert.match(await page.inputValue('#node-config-input-catalogue'), /"format": "digital-twin-asset-catalogue"/, 'the node stores the catalogue as JSON');
    await page.setInputFiles('#twin-catalogue-upload-file', { name: 'more-tags.csv', mimeType: 'text/csv', buffer: Buffer.from('asset,sensor,unit,site,line\nm2,flow,m3/h,s,l2\nm1,speed,rpm,,\n') });
    await page.waitForFunction(() => /2 assets/.test(document.querySelector('#twin-catalogue-report')?.textContent ?? ''), undefined, { timeout: 10000 });
    const merged = JSON.parse(await page.inputValue('#node-config-input-catalogue')) as { assets: Array<{ id: string; site: string; sensors: Array<{ id: string }> }> };
    assert.deepEqual(merged.assets.map((a) => [a.id, a.site, a.sensors.map((x) => x.id)]), [['m1', 's', ['speed']], ['m2', 's', ['flow']]]);
    await shot(page, 'edit-twin-catalogue');
    assert.deepEqual(consoleErrors, []);
  });

  it('loads the reference flow and every example with no node flagged, and deploys each without a warning', async function () {
    this.timeout(600000);
    const flowFiles = [path.join(root, 'flows', 'reference-twin.json'),
      ...fs.readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(root, 'examples', f))];
    const problems: string[] = [];
    for (const file of flowFiles) {
      const label = path.basename(file, '.json');
      const emptied = await fetch(`${nodeRed!.baseUrl}/flows`, { method: 'POST', body: '[]',
        headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' } });
      assert.equal(emptied.status, 204, await emptied.text());
      const page = await openPage(`${nodeRed!.baseUrl}/`);
      await page.waitForSelector('#red-ui-palette-digital_twin', { timeout: 60000 });
      await page.waitForFunction(() => !document.querySelector('#red-ui-header-shade')?.checkVisibility(), undefined, { timeout: 30000 }).catch(() => undefined);
      const flagged = await page.evaluate((flow) => {
        interface EditorNode { id: string; type: string; name?: string; valid?: boolean; validationErrors?: string[] }
        const red = (window as unknown as { RED: {
          view: { importNodes(nodes: unknown, options: Record<string, unknown>): void };
          nodes: { eachNode(cb: (n: EditorNode) => void): void; eachConfig(cb: (n: EditorNode) => void): void };
        } }).RED;
        red.view.importNodes(flow, { addFlow: false, touchImport: false, generateIds: false, notify: false });
        const found: string[] = [];
        const check = (n: EditorNode): void => {
          if (n.type === 'unknown' || n.valid === false || (n.validationErrors?.length ?? 0) > 0) {
            found.push(`${n.type} ${n.name || n.id}: ${n.type === 'unknown' ? 'unknown type' : (n.validationErrors ?? []).join(', ') || 'invalid'}`);
          }
        };
        red.nodes.eachNode(check);
        red.nodes.eachConfig(check);
        return found;
      }, JSON.parse(fs.readFileSync(file, 'utf8')) as unknown);
      problems.push(...flagged.map((f) => `${label}: ${f}`));
      await page.click('#red-ui-header-button-deploy');
      const notice = page.locator('.red-ui-notification');
      await notice.first().waitFor({ state: 'visible', timeout: 90000 }).catch(async (err: Error) => { await shot(page, 'deploy-stuck'); throw err; });
      await page.waitForTimeout(500);
      const notices = await notice.allTextContents();
      await shot(page, `deploy-${label.replace(/[^A-Za-z0-9-]+/g, '-')}`);
      if (!notices.some((t) => /Successfully deployed/.test(t)) || notices.some((t) => /not properly configured|unknown|unused|Confirm deploy/i.test(t))) {
        problems.push(`${label}: deploy said ${JSON.stringify(notices)}`);
      }
      await page.close();
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(consoleErrors, []);
  });
});
