import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HistorianConnection, type ConnectionTarget } from '../lib/historian/connection';
import { queryHistory, toChartData } from '../lib/historian/query';
import { readingsTable } from '../lib/historian/tables/readings';
import { samplesFromBytes, waveformsTable } from '../lib/historian/tables/waveforms';
import { BatchWriter, type BatchResult, type TableRow } from '../lib/historian/writer';
import type { ScalarReading, WaveformReading } from '../lib/reading/reading';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema } from './support/database';

function readings(count: number, start: number, sensor = 'temp'): TableRow[] {
  return Array.from({ length: count }, (_, i): TableRow => ({
    table: readingsTable as TableRow['table'],
    row: { asset: 'm1', sensor, unit: '°C', ts: start + i * 1000, value: 20 + (i % 10), quality: 'good' } satisfies ScalarReading,
  }));
}

function suite(name: string, makeTarget: () => Promise<ConnectionTarget | undefined>, expectTimescale: boolean | 'detect'): void {
  describe(`historian on ${name}`, function () {
    this.timeout(120000);
    let connection: HistorianConnection;
    let schema: string;
    let cleanup: () => void = () => undefined;

    before(async function () {
      const target = await makeTarget();
      if (!target) this.skip();
      schema = uniqueSchema('twin_hist');
      connection = new HistorianConnection({ target: target!, poolMax: 4, schema, compressAfterDays: 7, retentionDays: 30 });
      if (target!.kind === 'embedded') cleanup = () => fs.rmSync(target!.dataDir, { recursive: true, force: true });
      await connection.ready();
    });

    after(async function () {
      if (!connection) return;
      const pool = await connection.getPool();
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await connection.close();
      cleanup();
    });

    it('creates its schema, with hypertables, compression and a 1-minute rollup where TimescaleDB exists', async function () {
      const ctx = await connection.ready();
      if (expectTimescale !== 'detect') assert.equal(ctx.timescale, expectTimescale);
      const pool = await connection.getPool();
      const tables = await pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]);
      const names = tables.rows.map((r: { table_name: string }) => r.table_name);
      for (const table of ['twin_alerts', 'twin_features', 'twin_readings', 'twin_waveforms']) assert.ok(names.includes(table), `${table} in ${names.join()}`);
      if (!ctx.timescale) return;
      const hypertables = await pool.query(`SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 ORDER BY 1`, [schema]);
      assert.deepEqual(hypertables.rows, [
        { hypertable_name: 'twin_features', compression_enabled: true },
        { hypertable_name: 'twin_readings', compression_enabled: true },
        { hypertable_name: 'twin_rul', compression_enabled: true },
        { hypertable_name: 'twin_waveforms', compression_enabled: true },
      ]);
      const segmentBy = await pool.query(`SELECT attname FROM timescaledb_information.compression_settings WHERE hypertable_schema = $1 AND hypertable_name = 'twin_readings' AND segmentby_column_index IS NOT NULL ORDER BY segmentby_column_index`, [schema]);
      assert.deepEqual(segmentBy.rows.map((r: { attname: string }) => r.attname), ['asset', 'sensor']);
      const jobs = await pool.query(`SELECT proc_name FROM timescaledb_information.jobs WHERE hypertable_schema = $1 ORDER BY 1`, [schema]);
      const procs = jobs.rows.map((r: { proc_name: string }) => r.proc_name);
      for (const job of ['policy_compression', 'policy_refresh_continuous_aggregate', 'policy_retention']) assert.ok(procs.includes(job), `${job} in ${procs.join()}`);
      const caggs = await pool.query(`SELECT view_name, materialized_only FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1`, [schema]);
      assert.deepEqual(caggs.rows, [{ view_name: 'twin_readings_1m', materialized_only: false }]);
    });

    it('batches by size, keeps replays idempotent and answers history and chart queries', async function () {
      const results: BatchResult[] = [];
      const writer = new BatchWriter(connection, { batchSize: 500, batchMs: 50, maxQueuedRows: 10000 }, (r) => results.push(r));
      const start = Date.UTC(2026, 0, 1, 8, 0, 0);
      await writer.write(readings(1200, start), 'first');
      assert.deepEqual(results.map((r) => r.rows), [500, 500, 200]);
      assert.deepEqual(results.flatMap((r) => r.acks), ['first']);
      await writer.write(readings(1200, start), 'replay');
      assert.equal(results.slice(3).reduce((sum, r) => sum + r.inserted, 0), 0, 'a replay inserts nothing');
      const ctx = await connection.ready();
      const pool = await connection.getPool();
      const count = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".twin_readings`);
      assert.equal(count.rows[0].n, 1200);
      const raw = await queryHistory(pool, ctx, { asset: 'm1', sensors: ['temp'], from: start, to: start + 9000 });
      assert.deepEqual(raw.map((r) => r.value), [20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
      assert.equal(raw[0].ts, start);
      const perMinute = await queryHistory(pool, ctx, { asset: 'm1', sensors: ['temp'], from: start, to: start + 1200 * 1000, bucketS: 60 });
      assert.equal(perMinute.length, 20);
      assert.ok(perMinute.every((r) => Math.abs(r.value - 24.5) < 1e-9), 'each minute averages 20..29 six times');
      const tenSeconds = await queryHistory(pool, ctx, { asset: 'm1', sensors: ['temp'], from: start, to: start + 59000, bucketS: 10 });
      assert.deepEqual(tenSeconds.map((r) => r.value), [24.5, 24.5, 24.5, 24.5, 24.5, 24.5]);
      const chart = toChartData(tenSeconds, ['temp']);
      assert.deepEqual(chart[0].series, ['temp']);
      assert.equal(chart[0].data[0][0].x, start);
      await writer.close(5000);
    });

    it('writes a live backlog of at least copyMinRows rows in one batch (the COPY path where the server has it)', async function () {
      const results: BatchResult[] = [];
      const writer = new BatchWriter(connection, { batchSize: 500, batchMs: 50, maxQueuedRows: 100000, copyMinRows: 2000, replayBatchSize: 10000 }, (r) => results.push(r));
      await writer.write(readings(12000, Date.UTC(2026, 0, 3), 'backlog'));
      assert.deepEqual(results.map((r) => [r.rows, r.inserted]), [[10000, 10000], [2000, 2000]], 'behind by 12,000 rows: 10,000, then the 2,000 left');
      await writer.close(5000);
    });

    it('batches by time when fewer rows than a batch arrive', async function () {
      const results: BatchResult[] = [];
      const writer = new BatchWriter(connection, { batchSize: 1000, batchMs: 200, maxQueuedRows: 10000 }, (r) => results.push(r));
      const started = Date.now();
      await writer.write(readings(3, Date.UTC(2026, 0, 2), 'pressure'));
      assert.ok(Date.now() - started >= 180, 'waited for the batch time');
      assert.equal(results.length, 1);
      assert.equal(results[0].inserted, 3);
      await writer.close(5000);
    });
  });
}

suite('the local PostgreSQL server', async () => (await postgresAnswers() ? { kind: 'url', url: LOCAL_POSTGRES_URL, ssl: false } : undefined), 'detect');
suite('the embedded TimescaleDB', async () => ({ kind: 'embedded', dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'twin-embedded-')) }), true);

describe('historian on the embedded TimescaleDB: message size limits', function () {
  this.timeout(120000);
  it('writes a 5000-row batch of realistic readings in one transaction without overrunning the 64 KiB message limit', async function () {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-embedded-big-'));
    const connection = new HistorianConnection({ target: { kind: 'embedded', dataDir }, poolMax: 1, schema: 'public', compressAfterDays: 7, retentionDays: undefined });
    try {
      const results: BatchResult[] = [];
      const writer = new BatchWriter(connection, { batchSize: 5000, batchMs: 10, maxQueuedRows: 10000 }, (r) => results.push(r));
      const start = Date.UTC(2026, 0, 4);
      await writer.write(Array.from({ length: 5000 }, (_, i): TableRow => ({ table: readingsTable as TableRow['table'],
        row: { asset: 'centrifugal-pump-17', sensor: 'dischargePressureTransmitter', unit: 'm³/h', value: Math.PI * i, ts: start + i, quality: 'uncertain' } })));
      await writer.close(1000);
      assert.deepEqual(results.map((r) => [r.ok, r.rows, r.inserted]), [[true, 5000, 5000]]);
    } finally {
      await connection.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps writing to its hypertables after the database is stopped and reopened on the same files', async function () {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-embedded-reopen-'));
    const settings = { target: { kind: 'embedded' as const, dataDir }, poolMax: 1, schema: 'public', compressAfterDays: 7, retentionDays: undefined };
    const writeTen = async (start: number): Promise<BatchResult[]> => {
      const connection = new HistorianConnection(settings);
      const results: BatchResult[] = [];
      const writer = new BatchWriter(connection, { batchSize: 100, batchMs: 10, maxQueuedRows: 1000 }, (r) => results.push(r));
      await writer.write(readings(10, start)).catch(() => undefined);
      await writer.close(1000);
      await connection.close();
      return results;
    };
    try {
      assert.deepEqual((await writeTen(Date.UTC(2026, 0, 5))).map((r) => [r.ok, r.inserted]), [[true, 10]]);
      // The embedded server stops a few seconds after its last user lets go; the next connection starts it afresh.
      await new Promise((resolve) => setTimeout(resolve, 8000));
      const reopened = await writeTen(Date.UTC(2026, 0, 6));
      assert.deepEqual(reopened.map((r) => [r.ok, r.inserted, r.error]), [[true, 10, undefined]]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stores a 4096-sample block and reads it back bit-exact', async function () {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-embedded-wf-'));
    const connection = new HistorianConnection({ target: { kind: 'embedded', dataDir }, poolMax: 1, schema: 'public', compressAfterDays: 7, retentionDays: undefined });
    try {
      const writer = new BatchWriter(connection, { batchSize: 10, batchMs: 10, maxQueuedRows: 100 }, () => undefined);
      const samples = Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i / 7) * 0.5);
      const ts = Date.UTC(2026, 0, 3);
      await writer.write([{ table: waveformsTable as TableRow['table'], row: { asset: 'm1', sensor: 'acc', unit: 'g', quality: 'good', ts, sampleRate: 12800, samples } satisfies WaveformReading }]);
      await writer.close(1000);
      const pool = await connection.getPool();
      const row = (await pool.query('SELECT sample_rate, sample_count, samples FROM twin_waveforms WHERE asset = $1', ['m1'])).rows[0] as { sample_rate: number; sample_count: number; samples: Buffer };
      assert.equal(row.sample_rate, 12800);
      assert.equal(row.sample_count, 4096);
      assert.deepEqual(samplesFromBytes(row.samples), samples);
    } finally {
      await connection.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
