/**
 * Trend queries (lib/historian/trend-plan, trend-query): which table answers each range the Trends tab offers, how wide
 * the buckets are, that no answer carries more points than asked for, and, on the local PostgreSQL, that the bucket
 * averages are the readings' means from the raw table and the 1-minute rollup alike.
 */
import assert from 'node:assert/strict';
import { HistorianConnection } from '../lib/historian/connection';
import type { SchemaContext } from '../lib/historian/schema-context';
import { readingsTable } from '../lib/historian/tables/readings';
import { DEFAULT_TREND_POINTS, MIN_TREND_SPAN_MS, parseTrendRequest, planTrend, TREND_RANGES, trendStatement } from '../lib/historian/trend-plan';
import { queryTrend } from '../lib/historian/trend-query';
import type { ScalarReading } from '../lib/reading/reading';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema } from './support/database';

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const plan = (rangeMs: number, sensors = ['temp'], maxPoints?: number) =>
  planTrend(parseTrendRequest({ asset: 'm1', sensors, from: NOW - rangeMs, to: NOW, maxPoints }));

describe('trend plan', function () {
  it('reads the raw readings for the short ranges and the 1-minute rollup from 24 h up, within the point cap', function () {
    const planned = TREND_RANGES.map((r) => {
      const p = plan(r.ms);
      return [r.label, p.source, p.bucketS];
    });
    assert.deepEqual(planned, [
      ['1 h', 'twin_readings', 2], ['8 h', 'twin_readings', 15], ['24 h', 'twin_readings_1m', 60],
      ['7 d', 'twin_readings_1m', 600], ['30 d', 'twin_readings_1m', 1800], ['90 d', 'twin_readings_1m', 7200],
    ]);
    for (const r of TREND_RANGES) {
      const p = plan(r.ms);
      // A range of n buckets touches at most n + 1 of them.
      assert.ok(Math.ceil(r.ms / 1000 / p.bucketS) + 1 <= DEFAULT_TREND_POINTS, `${r.label}: ${p.bucketS} s buckets`);
    }
  });

  it('shares the cap among the sensors and keeps each bucket as narrow as the cap allows', function () {
    const one = plan(7 * DAY, ['a']);
    const four = plan(7 * DAY, ['a', 'b', 'c', 'd']);
    assert.equal(four.perSeries, DEFAULT_TREND_POINTS / 4);
    assert.ok(four.bucketS > one.bucketS, 'four lines need wider buckets');
    assert.ok(4 * (Math.ceil(7 * DAY / 1000 / four.bucketS) + 1) <= DEFAULT_TREND_POINTS);
    const small = plan(HOUR, ['a'], 100);
    assert.equal(small.bucketS, 60, 'an hour in at most 100 points: 1-minute buckets');
    assert.equal(small.source, 'twin_readings_1m');
  });

  it('widens a zoom narrower than a minute around its middle', function () {
    const p = planTrend(parseTrendRequest({ asset: 'm1', sensors: ['temp'], from: NOW - 10_000, to: NOW }));
    assert.equal(p.to - p.from, MIN_TREND_SPAN_MS);
    assert.equal((p.from + p.to) / 2, NOW - 5_000);
  });

  it('refuses a request it cannot serve, saying what to fix', function () {
    assert.throws(() => parseTrendRequest({ sensors: ['temp'], from: 1, to: 2 }), /needs an asset id/);
    assert.throws(() => parseTrendRequest({ asset: 'm1', sensors: [], from: 1, to: 2 }), /at least one sensor/);
    assert.throws(() => parseTrendRequest({ asset: 'm1', sensors: ['t'], from: 5, to: 2 }), /from before to/);
    assert.throws(() => parseTrendRequest({ asset: 'm1', sensors: ['t'], from: 'yesterday', to: 2 }), /from in epoch milliseconds/);
    assert.throws(() => parseTrendRequest({ asset: 'm1', sensors: ['t'], from: 0, to: 500 * DAY }), /at most 400 days/);
    assert.throws(() => parseTrendRequest({ asset: 'm1', sensors: ['t'], from: 1, to: 2, maxPoints: 1 }), /maxPoints/);
  });

  it('bins with time_bucket on TimescaleDB and date_bin on PostgreSQL, and limits the rows to the cap', function () {
    const ctx = (timescale: boolean): SchemaContext => ({ schema: '"s"', timescale, compressAfterDays: 7, retentionDays: undefined, maxStatementBytes: Infinity });
    const p = plan(90 * DAY, ['a', 'b']);
    assert.match(trendStatement(ctx(true), p).text, /time_bucket\(make_interval\(secs => \$5\), bucket\)[\s\S]*FROM "s"\.twin_readings_1m/);
    const plain = trendStatement(ctx(false), plan(HOUR));
    assert.match(plain.text, /date_bin\(make_interval\(secs => \$5\), ts, TIMESTAMPTZ '2000-01-01'\)[\s\S]*FROM "s"\.twin_readings WHERE/);
    assert.deepEqual(trendStatement(ctx(true), p).values.slice(4), [p.bucketS, p.perSeries * 2]);
  });
});

describe('trend query on the local PostgreSQL', function () {
  this.timeout(120000);
  let connection: HistorianConnection | undefined;
  let schema: string;

  before(async function () {
    if (!(await postgresAnswers())) this.skip();
    schema = uniqueSchema('twin_trend');
    connection = new HistorianConnection({ target: { kind: 'url', url: LOCAL_POSTGRES_URL, ssl: false }, poolMax: 2, schema, compressAfterDays: 7, retentionDays: undefined });
    await connection.ready();
    // Two hours of a reading every second (0..59 repeating) and 100 days of one every 10 minutes before them.
    const rows: ScalarReading[] = [];
    for (let t = NOW - 2 * HOUR; t < NOW; t += 1000) rows.push({ asset: 'm1', sensor: 'temp', unit: '°C', ts: t, value: (t / 1000) % 60, quality: 'good' });
    for (let t = NOW - 100 * DAY; t < NOW - 2 * HOUR; t += 600_000) rows.push({ asset: 'm1', sensor: 'temp', unit: '°C', ts: t, value: 50, quality: 'good' });
    const ctx = await connection.ready();
    const pool = await connection.getPool();
    for (const statement of readingsTable.insertStatements(ctx, rows)) await pool.query(statement);
  });

  after(async function () {
    if (!connection) return;
    const pool = await connection.getPool();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await connection.close();
  });

  it('answers 90 days from the rollup and the last hour from the raw readings, each within the cap and with the readings\' means', async function () {
    const pool = await connection!.getPool();
    const ctx = await connection!.ready();
    const long = await queryTrend(pool, ctx, { asset: 'm1', sensors: ['temp'], from: NOW - 90 * DAY, to: NOW, requestId: 'r1' });
    assert.equal(long.source, 'twin_readings_1m');
    assert.equal(long.requestId, 'r1');
    assert.ok(long.points > 1000 && long.points <= DEFAULT_TREND_POINTS, `${long.points} points`);
    assert.equal(long.series[0].points.length, long.points);
    // Two-hour buckets of the 10-minute readings: all 50.
    assert.ok(long.series[0].points.slice(0, -2).every(([, v]) => v === 50));
    const short = await queryTrend(pool, ctx, { asset: 'm1', sensors: ['temp'], from: NOW - HOUR, to: NOW - 1000 });
    assert.equal(short.source, 'twin_readings');
    assert.equal(short.bucketS, 2);
    assert.ok(short.points >= 1799 && short.points <= DEFAULT_TREND_POINTS, `${short.points} points`);
    // Each 2-s bucket averages an even and the next odd second: 0.5, 2.5, … (mod 60).
    assert.ok(short.series[0].points.every(([ts, v]) => v === ((ts / 1000) % 60) + 0.5), JSON.stringify(short.series[0].points.slice(0, 3)));
    const capped = await queryTrend(pool, ctx, { asset: 'm1', sensors: ['temp'], from: NOW - 2 * HOUR, to: NOW, maxPoints: 50 });
    assert.ok(capped.points <= 50, `${capped.points} points`);
  });
});
