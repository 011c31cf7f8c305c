/**
 * The plant's dashboard pages in real headless Chromium, against the shipped reference flow and a simulated plant of
 * seven machines (spindles on line machining, pumps on utilities, site demo-plant): the Fleet overview groups them by
 * site and line, each line's machines together under its header, with counts per level; a click on a fleet row opens
 * the one Machine page on that machine, whose list offers every machine of the catalogue and shows its live readings;
 * the machine's state by the pack's rule stands beside its name; a machine renamed on that page is shown by its new
 * name on both pages, and a dashboard tab and group renamed there in the menu, the title bar and on the card, on
 * every page, and all still after Node-RED restarts. Both pages
 * at 1280 × 800 and 1920 × 1080 have nothing clipped or overlapping and no console error. Screenshots go to
 * TWIN_SCREENSHOTS when set. Skips without Chromium.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { MACHINE_TAB_TITLE } from '../scripts/reference-flow/plant-view-flow';
import { chromiumPath, launchChromium, openDashboardTab, screenshot } from './support/browser';
import { layoutFaults, SCREEN_SIZES } from './support/layout';
import { startReferenceTwin, type ReferenceTwin } from './support/reference-twin';

/** The dashboard's tabs by their place in the menu (TAB_ORDER). */
const TAB = { fleet: 0, machine: 8 };
const MACHINES = 7;
const NEW_NAME = 'Boring mill B3';
const NEW_TAB_NAME = 'Plant overview, hall 2';
const NEW_GROUP_NAME = 'Urgency by line';

/** What a browser shows as a tab's and a group's title: the menu entry, the title bar, the card's title. */
async function shownTitles(page: Page): Promise<{ menu: string[]; title: string; cards: string[] }> {
  return page.evaluate(() => ({
    menu: Array.from(document.querySelectorAll('md-sidenav md-list-item p')).map((p) => (p.textContent ?? '').trim()),
    title: Array.from(document.querySelectorAll<HTMLElement>('md-toolbar h1')).filter((h) => h.offsetParent !== null).map((h) => (h.textContent ?? '').trim()).join(' '),
    cards: Array.from(document.querySelectorAll('.nr-dashboard-cardtitle')).map((p) => (p.textContent ?? '').trim()),
  }));
}

async function until(what: string, test: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Each fleet row's line, as the header above it names it, in the order shown. */
async function rowsByLine(page: Page): Promise<Array<[string, string]>> {
  return page.evaluate(() => {
    const out: Array<[string, string]> = [];
    let line = '';
    for (const tr of Array.from(document.querySelectorAll('.twin-fleet tr'))) {
      if (tr.classList.contains('twin-fleet-line')) line = tr.querySelector('.twin-fleet-line-name')?.textContent?.trim() ?? '';
      if (tr.classList.contains('twin-fleet-row')) out.push([line, tr.getAttribute('data-asset') ?? '']);
    }
    return out;
  });
}

describe('the plant on the dashboard in Chromium: fleet by site and line, one machine page, the plant\'s own names', function () {
  this.timeout(600000);
  let browser: Browser | undefined;
  let twin: ReferenceTwin | undefined;
  const consoleErrors: string[] = [];
  /** Pages a test opened; closed after it even when it fails, so none is left open across the restart. */
  let opened: Page[] = [];
  const openTab = async (index: number, name: string, viewport?: { width: number; height: number }): Promise<Page> => {
    const page = await openDashboardTab(browser!, twin!.nodeRed.baseUrl, index, name, consoleErrors, undefined, viewport);
    opened.push(page);
    return page;
  };

  before(async function () {
    const executable = chromiumPath();
    if (!executable) this.skip();
    twin = await startReferenceTwin({ schemaPrefix: 'twin_plant_ui', plant: { seed: 5, speedup: 60, machines: [{ type: 'spindle', count: 4 }, { type: 'pump', count: 3 }] } });
    browser = await launchChromium(executable!);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && twin) process.stdout.write(`Node-RED said:\n${twin.nodeRed.output().slice(-6000)}\n`);
    await Promise.all(opened.map((page) => page.close()));
    opened = [];
  });

  after(async function () {
    await browser?.close();
    await twin?.stop();
  });

  it('groups the fleet by site and line, every machine of the catalogue, with counts per level', async function () {
    const page = await openTab(TAB.fleet, 'Fleet overview');
    await until(`${MACHINES} fleet rows`, async () => (await page.locator('.twin-fleet-row').count()) === MACHINES, 120000);
    const rows = await rowsByLine(page);
    const lines = [...new Set(rows.map(([line]) => line))];
    assert.deepEqual([...lines].sort(), ['machining', 'utilities']);
    assert.equal(await page.locator('.twin-fleet-line').count(), 2, 'each line once: its machines stand together');
    for (const [line, asset] of rows) assert.equal(line, asset.startsWith('spindle') ? 'machining' : 'utilities', `${asset} under its line`);
    assert.match(await page.locator('[data-twin=fleet-counts]').innerText(), new RegExp(`${MACHINES} machines on 2 lines ·[\\s\\S]*NORMAL`));
    assert.match(await page.locator('.twin-fleet-line').first().innerText(), /demo-plant › \w+ \d machines/);
  });

  it('opens the one machine page from a fleet row; its list offers every machine and shows the chosen one\'s readings', async function () {
    const fleet = await openTab(TAB.fleet, 'Fleet overview');
    await fleet.locator('.twin-fleet-row[data-asset="pump-2"]').click();
    await fleet.waitForSelector(`.md-toolbar-tools >> text=${MACHINE_TAB_TITLE}`, { timeout: 30000 });
    const title = fleet.locator('[data-twin=machine-title]');
    await until('the machine page on pump-2', async () => (await title.count()) > 0 && /pump 2/i.test(await title.innerText()), 30000);
    assert.equal(await fleet.locator('[data-twin=machine-select] option').count(), MACHINES);
    await fleet.selectOption('[data-twin=machine-select]', 'string:spindle-3');
    await until('the machine page on spindle-3', async () => /spindle 3/i.test(await title.innerText()), 30000);
    const sensors = fleet.locator('[data-twin=machine-sensors] tr[data-sensor]');
    await until('spindle-3\'s live readings', async () => /\d/.test(await fleet.locator('[data-twin=machine-sensors] tr[data-sensor="speed"] td.value').innerText()), 30000);
    assert.ok((await sensors.count()) >= 5, 'every sensor of the catalogue');
    // The state as the machine-state rule decides it, not the PLC's code; the code itself and the counts as whole numbers.
    await until('spindle-3\'s machine state', async () => (await fleet.locator('[data-twin=machine-state]').count()) > 0, 30000);
    assert.match(await fleet.locator('[data-twin=machine-state]').innerText(), /^(RUNNING|WARMING UP|STOPPED|DOWN|UNKNOWN)\b/);
    assert.match(await fleet.locator('[data-twin=machine-sensors] tr[data-sensor="state"] td.value').innerText(), /^\d$/);
    assert.match(await fleet.locator('[data-twin=machine-sensors] tr[data-sensor="partCount"] td.value').innerText(), /^[\d,]+$/);
  });

  it('lays out both pages at 1280 × 800 and 1920 × 1080 with nothing clipped or overlapping', async function () {
    const faults: string[] = [];
    for (const size of SCREEN_SIZES) {
      for (const [index, name, content] of [[TAB.fleet, 'Fleet overview', '.twin-fleet-row'], [TAB.machine, MACHINE_TAB_TITLE, '[data-twin=machine-sensors]']] as const) {
        const page = await openTab(index, name, size);
        await page.waitForSelector(content, { timeout: 60000 });
        await page.waitForTimeout(1500);
        faults.push(...(await layoutFaults(page)).map((fault) => `${name} at ${size.width}×${size.height}: ${fault}`));
        await screenshot(page, `plant-${size.width}x${size.height}-${name.split(' ')[0].toLowerCase()}`);
        await page.close();
      }
    }
    assert.deepEqual(faults, []);
  });

  it('keeps a machine\'s, a tab\'s and a group\'s new names on every page, and after Node-RED restarts', async function () {
    const page = await openTab(TAB.machine, MACHINE_TAB_TITLE);
    await page.waitForSelector('[data-twin=machine-select]', { timeout: 60000 });
    await page.selectOption('[data-twin=machine-select]', 'string:spindle-3');
    const title = page.locator('[data-twin=machine-title]');
    await until('the machine page on spindle-3', async () => /spindle 3/i.test(await title.innerText()), 30000);
    await page.fill('[data-twin=name-machine]', NEW_NAME);
    await page.click('[data-twin=rename-machine]');
    await until('the new name on the machine page', async () => (await title.innerText()).trim() === NEW_NAME, 30000);
    const fleetGroup = (await page.locator('[data-twin=dashboard-element] option').allInnerTexts()).find((label) => /^Group · Fleet overview › /.test(label));
    assert.ok(fleetGroup, 'the Fleet overview\'s group is offered');
    await page.selectOption('[data-twin=dashboard-element]', { label: fleetGroup });
    await page.fill('[data-twin=name-dashboard]', NEW_GROUP_NAME);
    await page.click('[data-twin=rename-dashboard]');
    await page.selectOption('[data-twin=dashboard-element]', { label: 'Tab · Fleet overview' });
    await page.fill('[data-twin=name-dashboard]', NEW_TAB_NAME);
    await page.click('[data-twin=rename-dashboard]');
    await until('the new tab name in the menu', async () => (await shownTitles(page)).menu.includes(NEW_TAB_NAME), 30000);
    assert.ok(!(await shownTitles(page)).menu.includes('Fleet overview'), 'the flow\'s title is gone from the menu');
    // Closed before the restart: an open page would log the refused reconnections as console errors.
    await page.close();
    await twin!.restartNodeRed();
    const fleet = await openTab(TAB.fleet, NEW_TAB_NAME);
    let shown = await shownTitles(fleet);
    await until('the tab\'s and the group\'s new names after the restart', async () => {
      shown = await shownTitles(fleet);
      return shown.title === NEW_TAB_NAME && shown.menu.includes(NEW_TAB_NAME) && shown.cards.includes(NEW_GROUP_NAME);
    }, 60000).catch((err: Error) => { throw new Error(`${err.message}; shown: ${JSON.stringify(shown)}`); });
    const row = fleet.locator('.twin-fleet-row[data-asset="spindle-3"]');
    await until('spindle-3 by its new name after the restart', async () => (await row.count()) > 0 && (await row.locator('td.id').innerText()).includes(NEW_NAME), 120000);
    await row.click();
    await until('the machine page by the new name', async () => (await fleet.locator('[data-twin=machine-title]').count()) > 0
      && (await fleet.locator('[data-twin=machine-title]').innerText()).trim() === NEW_NAME, 30000);
    assert.deepEqual(consoleErrors, []);
  });
});
