/**
 * The Trends tab in real Chromium, on the reference flow's trend nodes (scripts/reference-flow/trends-flow) in a real
 * Node-RED with the project's settings and the local PostgreSQL: readings stored through twin-historian are on the
 * chart; 90 days come from the 1-minute rollup within the 2,000-point cap; dragging zooms to 2 days and then to the
 * last hour, which the raw readings answer; "Zoom out" goes back step by step; a query that fails shows its error on the
 * chart instead of "Loading…"; the tab lays out at 1280 × 800 and 1920 × 1080 with nothing clipped or overlapping.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import { DEFAULT_TREND_POINTS } from '../lib/historian/trend-plan';
import type { ScalarReading } from '../lib/reading/reading';
import { FlowBuilder } from '../scripts/reference-flow/builder';
import { embeddedDb } from '../scripts/reference-flow/example-nodes';
import { trendsFlow } from '../scripts/reference-flow/trends-flow';
import { chromiumPath, launchChromium, openDashboardTab, screenshot } from './support/browser';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema, withClient } from './support/database';
import { layoutFaults, SCREEN_SIZES } from './support/layout';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';
import { until } from './support/until';

const root = path.resolve(__dirname, '..', '..');
const SETTINGS = path.join(root, 'scripts', 'node-red-settings.js');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The chart's margins inside its SVG (trend-widgets): where the plot area starts and ends. */
const PLOT = { left: 64, right: 16 };

/** The Trends tab's nodes, and an HTTP endpoint that stores readings through a twin-historian as a plant's flow would. */
function trendTestFlow(schema: string): FlowBuilder['nodes'] {
  const flow = new FlowBuilder();
  const db = embeddedDb(flow);
  flow.node(db).schema = schema;
  trendsFlow(flow, db, [SPINDLE_ASSET]);
  const tab = flow.add('store:tab', { type: 'tab', label: 'Store readings', disabled: false, info: '' });
  const post = flow.place('store:http-in', tab, 0, 1, { type: 'http in', name: '', url: '/twin-test/readings', method: 'post', upload: false, swaggerDoc: '' });
  const historian = flow.place('store:historian', tab, 2, 1, { type: 'twin-historian', name: '', db, mode: 'write', batchSize: '5000', batchMs: '200',
    maxQueuedRows: '100000', replaySharePct: '50', waveformIntervalS: '60', output: 'rows' });
  const respond = flow.place('store:http-response', tab, 1, 2, { type: 'http response', name: '', statusCode: '202', headers: {}, outputs: 0 });
  flow.wire(post, historian);
  flow.wire(post, respond);
  return flow.nodes;
}

function post(url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

interface Shown { from: number; to: number; source: string; bucketS: number; points: number; linePoints: number }

describe('Trends tab (Chromium, local PostgreSQL)', function () {
  this.timeout(240000);
  let workDir: string;
  let schema: string;
  let nodeRed: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const errors: string[] = [];
  // Taken when the readings are made, not when mocha loads this file: in the whole suite that is half an hour earlier,
  // and the readings' last hour would then lie long before the chart's.
  let now: number;

  before(async function () {
    const executable = chromiumPath();
    if (!executable || !(await postgresAnswers())) this.skip();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-trends-'));
    schema = uniqueSchema('twin_trends');
    fs.writeFileSync(path.join(workDir, 'flows.json'), JSON.stringify(trendTestFlow(schema)));
    nodeRed = await startNodeRed(['--settings', SETTINGS, '--userDir', workDir], { DATABASE_URL: LOCAL_POSTGRES_URL });
    browser = await launchChromium(executable!);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && nodeRed) process.stdout.write(`Node-RED said:\n${nodeRed.output().slice(-6000)}\n`);
  });

  after(async function () {
    await browser?.close();
    await nodeRed?.stop();
    if (schema) await withClient(LOCAL_POSTGRES_URL, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  /** What the chart shows now, once it shows an answer other than `previous`. */
  /**
   * The chart's next answer after `previous` that is the one asked for (`wanted`): an answer to an earlier request of
   * the same page (a sensor ticked, then the range picked) may arrive first.
   */
  async function shownAfter(previous?: Shown, wanted: (shown: Shown) => boolean = () => true): Promise<Shown> {
    let shown: Shown | undefined;
    await until('the chart to show a new answer', async () => {
      const svg = page.locator('[data-twin=trend-svg]');
      if ((await svg.count()) === 0) return false;
      const attr = async (name: string) => Number(await svg.getAttribute(name));
      const line = page.locator('[data-twin=trend-svg] polyline');
      shown = { from: await attr('data-from'), to: await attr('data-to'), source: String(await svg.getAttribute('data-source')), bucketS: await attr('data-bucket-s'),
        points: await attr('data-points'), linePoints: (await line.count()) > 0 ? Number(await line.first().getAttribute('data-points')) : 0 };
      return (!previous || shown.from !== previous.from || shown.to !== previous.to) && wanted(shown);
    }, 30000, 250).catch((err: Error) => { throw new Error(`${err.message}; shown: ${JSON.stringify(shown)}`); });
    return shown!;
  }

  /** Drags across the plot from time `a` to time `b` of what it shows. */
  async function drag(shown: Shown, a: number, b: number): Promise<void> {
    const box = (await page.locator('[data-twin=trend-svg]').boundingBox())!;
    const x = (t: number) => box.x + PLOT.left + (t - shown.from) / (shown.to - shown.from) * (box.width - PLOT.left - PLOT.right);
    const y = box.y + box.height / 2;
    await page.mouse.move(x(a), y);
    await page.mouse.down();
    await page.mouse.move((x(a) + x(b)) / 2, y, { steps: 3 });
    await page.mouse.move(x(b), y, { steps: 3 });
    await page.mouse.up();
  }

  it('shows stored readings, zooms from 90 days to the last hour (rollup, then raw) within the point cap, and zooms out', async function () {
    // 100 days of a reading every 15 minutes, and the last two hours of one every 2 s, through twin-historian.
    now = Date.now();
    const readings: ScalarReading[] = [];
    for (let t = now - 100 * DAY; t < now - 2 * HOUR; t += 15 * 60_000) readings.push({ asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', ts: t, value: 45 + 10 * Math.sin(t / (5 * DAY)), quality: 'good' });
    for (let t = now - 2 * HOUR; t < now; t += 2000) readings.push({ asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', ts: t, value: 60 + ((t / 2000) % 10), quality: 'good' });
    // One spindle-load reading: a series of a single point, as a plant started minutes ago has over 90 days.
    readings.push({ asset: 'spindle-1', sensor: 'load', unit: '%', ts: now - 30 * 60_000, value: 42, quality: 'good' });
    assert.equal(await post(`${nodeRed!.baseUrl}/twin-test/readings`, readings), 202);
    await until('the readings stored', async () => {
      const count = await withClient(LOCAL_POSTGRES_URL, (c) => c.query(`SELECT count(*)::int AS n FROM "${schema}".twin_readings`)).catch(() => undefined);
      return count?.rows[0].n === readings.length;
    }, 60000, 500);

    page = await openDashboardTab(browser!, nodeRed!.baseUrl, 0, 'Trends', errors);
    const opened = await shownAfter();
    assert.ok(Math.abs(opened.to - opened.from - DAY) < 1000, '24 h at first');
    assert.equal(opened.points, 0, 'the first sensor (spindle speed) has nothing stored');
    assert.equal(await page.locator('[data-twin=trend-empty]').count(), 1, 'and the chart says so');
    await page.locator('[data-twin=trend-sensor][data-sensor=speed]').uncheck();
    await page.locator('[data-twin=trend-sensor][data-sensor=bearingTemp]').check();
    const first = await shownAfter();
    assert.equal(first.linePoints, first.points);
    assert.ok(first.points > 0, 'the stored readings are on the chart');

    await page.locator('[data-twin=trend-range][data-range="90 d"]').click();
    const ninety = await shownAfter(first, (s) => Math.abs(s.to - s.from - 90 * DAY) < 60_000);
    assert.equal(ninety.source, 'twin_readings_1m');
    assert.ok(ninety.points > 500 && ninety.points <= DEFAULT_TREND_POINTS, `${ninety.points} points`);
    assert.equal(ninety.linePoints, ninety.points);
    assert.match(await page.locator('[data-twin=trend-info]').innerText(), /1-minute rollup, 2 h averages · 1,0\d\d of at most 2,000 points/);
    await screenshot(page, 'trends-90d');

    await drag(ninety, ninety.to - 2 * DAY, ninety.to);
    const twoDays = await shownAfter(ninety);
    assert.ok(twoDays.to - twoDays.from > 1.5 * DAY && twoDays.to - twoDays.from < 2.5 * DAY, `zoomed to ${(twoDays.to - twoDays.from) / HOUR} h`);
    assert.equal(twoDays.source, 'twin_readings_1m');

    await drag(twoDays, twoDays.to - HOUR, twoDays.to);
    const hour = await shownAfter(twoDays);
    assert.ok(hour.to - hour.from > 0.8 * HOUR && hour.to - hour.from < 1.2 * HOUR, `zoomed to ${(hour.to - hour.from) / 60_000} min`);
    assert.equal(hour.source, 'twin_readings', 'the last hour from the raw readings');
    assert.ok(hour.bucketS <= 5, `${hour.bucketS} s buckets`);
    assert.ok(hour.points > 500 && hour.points <= DEFAULT_TREND_POINTS, `${hour.points} points`);
    await screenshot(page, 'trends-zoomed-1h');

    await page.locator('[data-twin=trend-zoom-out]').click();
    const back = await shownAfter(hour);
    assert.deepEqual([back.from, back.to], [twoDays.from, twoDays.to]);
    await page.locator('[data-twin=trend-zoom-out]').click();
    const out = await shownAfter(back);
    assert.deepEqual([out.from, out.to], [ninety.from, ninety.to]);
    assert.equal(await page.locator('[data-twin=trend-zoom-out]').isDisabled(), true, 'nothing further to zoom out to');

    await page.locator('[data-twin=trend-sensor][data-sensor=load]').check();
    const lonePoint = page.locator('[data-twin=trend-svg] circle[data-sensor=load]');
    await lonePoint.waitFor({ timeout: 30000 });
    assert.equal(await lonePoint.count(), 1, 'the lone reading drawn as a dot');
    assert.equal(await page.locator('[data-twin=trend-svg] circle[data-sensor=bearingTemp]').count(), 0, 'a dense series is a line only');
    await screenshot(page, 'trends-90d-lone-point');
    assert.deepEqual(errors, []);
  });

  it('lays out at 1280 × 800 and 1920 × 1080 with nothing clipped or overlapping', async function () {
    const faults: string[] = [];
    for (const size of SCREEN_SIZES) {
      const sized = await openDashboardTab(browser!, nodeRed!.baseUrl, 0, 'Trends', errors, undefined, size);
      await sized.locator('[data-twin=trend-svg]').waitFor({ timeout: 30000 });
      await sized.locator('[data-twin=trend-sensor][data-sensor=bearingTemp]').check();
      await sized.locator('[data-twin=trend-svg] polyline').first().waitFor({ timeout: 30000 });
      faults.push(...(await layoutFaults(sized)).map((f) => `${size.width}×${size.height}: ${f}`));
      await screenshot(sized, `trends-${size.width}x${size.height}`);
      await sized.close();
    }
    assert.deepEqual(faults, []);
    assert.deepEqual(errors, []);
  });

  it('shows a failed query\'s error on the chart, not "Loading…"', async function () {
    // The rollup gone (a view on PostgreSQL, a continuous aggregate on TimescaleDB): every query of a long range fails.
    await withClient(LOCAL_POSTGRES_URL, async (c) => {
      const view = await c.query('SELECT 1 FROM pg_views WHERE schemaname = $1 AND viewname = $2', [schema, 'twin_readings_1m']);
      await c.query(`DROP ${view.rowCount ? 'VIEW' : 'MATERIALIZED VIEW'} "${schema}".twin_readings_1m`);
    });
    await page.locator('[data-twin=trend-range][data-range="30 d"]').click();
    const error = page.locator('[data-twin=trend-error]');
    await error.waitFor({ timeout: 30000 });
    assert.match(await error.innerText(), /Trend not available: .*twin_readings_1m.* does not exist/);
    assert.equal(await page.locator('[data-twin=trend-loading]').count(), 0);
    await screenshot(page, 'trends-query-failed');
    await page.close();
    assert.deepEqual(errors, []);
  });
});
