/**
 * The historian at the edges a plant hits, against the real PostgreSQL and the embedded TimescaleDB: poison rows in
 * a batch, a black-holed database link, a database made by an earlier version, odd schema names, TLS with a
 * certificate that must be verified, and an embedded database that other local clients must not reach.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { HistorianConnection, type ConnectionSettings, type ConnectionTarget } from '../lib/historian/connection';
import { acquireEmbedded } from '../lib/historian/embedded/embedded-registry';
import { readingsTable } from '../lib/historian/tables/readings';
import { BatchWriter, type BatchResult, type TableRow } from '../lib/historian/writer';
import type { ScalarReading } from '../lib/reading/reading';
import { LOCAL_POSTGRES_URL, postgresAnswers, proxiedPostgres, uniqueSchema, withClient } from './support/database';
import { makeCertificates, startTlsPostgres } from './support/tls-postgres';

const reading = (i: number, start: number, overrides: Partial<ScalarReading> = {}): TableRow => ({
  table: readingsTable as TableRow['table'],
  row: { asset: 'm1', sensor: 'temp', unit: '°C', value: i, ts: start + i * 1000, quality: 'good', ...overrides } satisfies ScalarReading,
});

function settings(target: ConnectionTarget, schema: string): ConnectionSettings {
  return { target, poolMax: 2, schema, compressAfterDays: 7, retentionDays: undefined };
}

function poisonSuite(name: string, makeTarget: () => Promise<ConnectionTarget | undefined>): void {
  describe(`historian poison rows on ${name}`, function () {
    this.timeout(180000);
    let connection: HistorianConnection | undefined;
    let cleanup: () => void = () => undefined;
    const schema = uniqueSchema('twin_poison');

    before(async function () {
      const target = await makeTarget();
      if (!target) this.skip();
      if (target!.kind === 'embedded') cleanup = () => fs.rmSync(target!.dataDir, { recursive: true, force: true });
      connection = new HistorianConnection(settings(target!, schema));
      await connection.ready();
    });
    after(async function () {
      if (!connection) return;
      await (await connection.getPool()).query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await connection.close();
      cleanup();
    });

    it('stores all 397 good rows of a 400-row batch, keeps the 3 refused ones as dead letters and reports them', async function () {
      const results: BatchResult[] = [];
      const writer = new BatchWriter(connection!, { batchSize: 1000, batchMs: 20, maxQueuedRows: 10000 }, (r) => results.push(r));
      const start = Date.UTC(2026, 4, 1);
      const rows = Array.from({ length: 400 }, (_, i) => reading(i, start));
      rows[57] = reading(57, start, { ts: 9.3e15 });
      rows[200] = reading(200, start, { sensor: 'te\u0000mp' });
      rows[311] = reading(311, start, { ts: -2.2e14 });
      await writer.write(rows, 'token');
      await writer.close(5000);
      const pool = await connection!.getPool();
      const stored = (await pool.query(`SELECT value FROM "${schema}".twin_readings ORDER BY ts`)).rows.map((r: { value: number }) => r.value);
      assert.deepEqual(stored, Array.from({ length: 400 }, (_, i) => i).filter((i) => ![57, 200, 311].includes(i)));
      const dead = (await pool.query(`SELECT table_name, error, sqlstate, row_json FROM "${schema}".twin_dead_letters ORDER BY id`)).rows as
        Array<{ table_name: string; error: string; sqlstate: string; row_json: string }>;
      assert.deepEqual(dead.map((d) => (JSON.parse(d.row_json) as { value: number }).value), [57, 200, 311]);
      assert.ok(dead.every((d) => d.table_name === 'twin_readings' && /^22/.test(d.sqlstate)), JSON.stringify(dead.map((d) => [d.sqlstate, d.error])));
      assert.match(dead[0].error, /out of range/);
      assert.equal(JSON.parse(dead[1].row_json).sensor, 'te\u0000mp', 'the refused row is kept as it was, NUL byte included');
      const total = results.reduce((sum, r) => ({ inserted: sum.inserted + r.inserted, dead: sum.dead + (r.deadLettered ?? 0) }), { inserted: 0, dead: 0 });
      assert.deepEqual(total, { inserted: 397, dead: 3 });
      assert.ok(results.every((r) => r.ok), 'no batch failed');
      assert.deepEqual(results.flatMap((r) => r.acks), ['token'], 'the message is confirmed: nothing of it waits to be resent');
    });
  });
}

poisonSuite('the local PostgreSQL server', async () => (await postgresAnswers() ? { kind: 'url', url: LOCAL_POSTGRES_URL, ssl: false } : undefined));
poisonSuite('the embedded TimescaleDB', async () => ({ kind: 'embedded', dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'twin-poison-')) }));

describe('historian COPY path on the local PostgreSQL server', function () {
  this.timeout(120000);

  it('writes large batches through COPY, stores a replayed batch once, and isolates a NUL byte as it does with INSERT', async function () {
    if (!(await postgresAnswers())) this.skip();
    const schema = uniqueSchema('twin_copy');
    const connection = new HistorianConnection(settings({ kind: 'url', url: LOCAL_POSTGRES_URL, ssl: false }, schema));
    try {
      const results: BatchResult[] = [];
      const writer = new BatchWriter(connection, { batchSize: 10000, batchMs: 20, maxQueuedRows: 100000, replayShare: 1 }, (r) => results.push(r));
      const start = Date.UTC(2026, 7, 1);
      const batch = Array.from({ length: 6000 }, (_, i) => reading(i, start, { sensor: `s${i % 3}`, historical: i % 2 === 0 }));
      await writer.write(batch, 'first', true);
      await writer.write(batch, 'replay', true);
      const poisoned = Array.from({ length: 6000 }, (_, i) => reading(i, start + 1e7, { sensor: i === 4321 ? 'bad\u0000name' : 'p' }));
      await writer.write(poisoned, 'poisoned', true);
      await writer.close(5000);
      const pool = await connection.getPool();
      const counts = (await pool.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE historical)::int AS h FROM "${schema}".twin_readings`)).rows[0];
      assert.deepEqual(counts, { n: 6000 + 5999, h: 3000 }, "the historical flag stored as each row says");
      assert.deepEqual(results.map((r) => [r.rows, r.inserted, r.deadLettered ?? 0]), [[6000, 6000, 0], [6000, 0, 0], [6000, 5999, 1]]);
      const dead = (await pool.query(`SELECT sqlstate FROM "${schema}".twin_dead_letters`)).rows;
      assert.deepEqual(dead, [{ sqlstate: '22021' }]);
    } finally {
      await (await connection.getPool()).query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await connection.close();
    }
  });
});

describe('historian over a black-holed database link', function () {
  this.timeout(120000);

  it('reports the half-open link within 30 s, and once it is back writes every row once, in order', async function () {
    if (!(await postgresAnswers())) this.skip();
    const { proxy, url } = await proxiedPostgres();
    const schema = uniqueSchema('twin_hole');
    const connection = new HistorianConnection(settings({ kind: 'url', url, ssl: false }, schema));
    const results: Array<BatchResult & { at: number }> = [];
    const writer = new BatchWriter(connection, { batchSize: 100, batchMs: 50, maxQueuedRows: 100000 }, (r) => results.push({ ...r, at: Date.now() }));
    try {
      await connection.ready();
      const start = Date.UTC(2026, 5, 1);
      await writer.write(Array.from({ length: 100 }, (_, i) => reading(i, start)));
      proxy.blackhole();
      const holeAt = Date.now();
      const writes: Array<Promise<void>> = [];
      for (let i = 100; i < 300; i++) {
        writes.push(writer.write([reading(i, start)]));
        if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      while (!results.some((r) => !r.ok) && Date.now() - holeAt < 40000) await new Promise((resolve) => setTimeout(resolve, 200));
      const report = results.find((r) => !r.ok);
      assert.ok(report, 'the outage was reported');
      const seconds = (report!.at - holeAt) / 1000;
      process.stdout.write(`      (half-open link reported after ${seconds.toFixed(1)} s: ${report!.error})\n`);
      assert.ok(seconds < 30, `reported after ${seconds} s`);
      assert.match(report!.error ?? '', /unreachable/);
      proxy.restore();
      await Promise.all(writes);
      await withClient(LOCAL_POSTGRES_URL, async (client) => {
        const stored = await client.query(`SELECT value FROM "${schema}".twin_readings ORDER BY ts`);
        assert.deepEqual(stored.rows.map((r: { value: number }) => r.value), Array.from({ length: 300 }, (_, i) => i));
      });
    } finally {
      await writer.close(2000);
      await withClient(LOCAL_POSTGRES_URL, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
      await connection.close();
      await proxy.stop();
    }
  });
});

describe('historian queue bound', function () {
  this.timeout(60000);

  it('queues a buffer\'s messages whole while the database answers, cuts the oldest when it does not and reports their ack tokens', async function () {
    if (!(await postgresAnswers())) this.skip();
    const { proxy, url } = await proxiedPostgres();
    const schema = uniqueSchema('twin_bound');
    const connection = new HistorianConnection(settings({ kind: 'url', url, ssl: false }, schema));
    const results: BatchResult[] = [];
    const writer = new BatchWriter(connection, { batchSize: 1000, batchMs: 20, maxQueuedRows: 100 }, (r) => results.push(r));
    const start = Date.UTC(2026, 5, 1);
    const message = (first: number): TableRow[] => Array.from({ length: 50 }, (_, i) => reading(first + i, start));
    try {
      await connection.ready();
      // 150 rows from a buffer: over the bound, all kept while the database answers.
      await Promise.all([writer.write(message(0), 'a'), writer.write(message(50), 'b'), writer.write(message(100), 'c')]);
      assert.deepEqual(results.map((r) => [r.ok, r.acks]), [[true, ['a', 'b', 'c']]]);
      // Rows that exist nowhere else are bounded all the same.
      const unbuffered = await Promise.allSettled([writer.write(message(150)), writer.write(message(200)), writer.write(message(250))]);
      assert.deepEqual(unbuffered.map((o) => o.status), ['rejected', 'fulfilled', 'fulfilled']);
      assert.match(String((unbuffered[0] as PromiseRejectedResult).reason), /queue full \(100 rows\): 50 oldest rows not written/);
      results.length = 0;

      proxy.cut();
      const first = writer.write(message(300), 'd');
      while (!results.some((r) => /unreachable/.test(r.error ?? ''))) await new Promise((resolve) => setTimeout(resolve, 20));
      const later = [writer.write(message(350), 'e'), writer.write(message(400), 'f')];
      const cut = results.filter((r) => /queue full/.test(r.error ?? ''));
      assert.equal(cut.length, 1);
      assert.deepEqual([cut[0].ok, cut[0].acks, cut[0].rows, cut[0].tables], [false, ['d'], 50, { twin_readings: 50 }]);
      assert.notEqual(cut[0].permanent, true, 'a buffer must send them again, not let them go');
      await assert.rejects(first, /queue full/);
      proxy.restore();
      await Promise.all(later);
      await withClient(LOCAL_POSTGRES_URL, async (client) => {
        const stored = (await client.query(`SELECT value FROM "${schema}".twin_readings ORDER BY ts`)).rows.map((r: { value: number }) => r.value);
        const expected = [...Array.from({ length: 150 }, (_, i) => i), ...Array.from({ length: 100 }, (_, i) => 200 + i), ...Array.from({ length: 100 }, (_, i) => 350 + i)];
        assert.deepEqual(stored, expected);
      });
    } finally {
      await writer.close(2000);
      await withClient(LOCAL_POSTGRES_URL, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
      await connection.close();
      await proxy.stop();
    }
  });
});

describe('historian schema', function () {
  this.timeout(120000);

  it('adds the historical column to a readings table made by an earlier version and stores late rows as historical', async function () {
    if (!(await postgresAnswers())) this.skip();
    const schema = uniqueSchema('twin_migrate');
    await withClient(LOCAL_POSTGRES_URL, async (c) => {
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.query(`CREATE TABLE "${schema}".twin_readings (ts timestamptz NOT NULL, asset text NOT NULL, sensor text NOT NULL,
        value double precision NOT NULL, unit text NOT NULL DEFAULT '', quality text NOT NULL DEFAULT 'good', PRIMARY KEY (asset, sensor, ts))`);
      await c.query(`INSERT INTO "${schema}".twin_readings VALUES (to_timestamp(1), 'm1', 'temp', 1, '', 'good')`);
    });
    const connection = new HistorianConnection(settings({ kind: 'url', url: LOCAL_POSTGRES_URL, ssl: false }, schema));
    try {
      const writer = new BatchWriter(connection, { batchSize: 10, batchMs: 10, maxQueuedRows: 100 }, () => undefined);
      await writer.write([reading(5, 0, { historical: true }), reading(6, 0)], undefined, true);
      await writer.close(2000);
      const rows = (await (await connection.getPool()).query(`SELECT value, historical FROM "${schema}".twin_readings ORDER BY ts`)).rows;
      assert.deepEqual(rows, [{ value: 1, historical: false }, { value: 5, historical: true }, { value: 6, historical: false }]);
    } finally {
      await (await connection.getPool()).query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await connection.close();
    }
  });

  it('takes a schema name with quotes on the embedded TimescaleDB (identifiers are quoted, never spliced into literals)', async function () {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-quoted-'));
    const schema = `plant's "twin"`;
    const connection = new HistorianConnection(settings({ kind: 'embedded', dataDir }, schema));
    try {
      const ctx = await connection.ready();
      assert.equal(ctx.timescale, true);
      const pool = await connection.getPool();
      const hypertables = await pool.query(`SELECT hypertable_name FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 ORDER BY 1`, [schema]);
      assert.ok(hypertables.rows.length >= 3, JSON.stringify(hypertables.rows));
      const writer = new BatchWriter(connection, { batchSize: 10, batchMs: 10, maxQueuedRows: 100 }, () => undefined);
      await writer.write([reading(1, Date.UTC(2026, 0, 1))]);
      await writer.close(2000);
      assert.equal((await pool.query(`SELECT count(*)::int AS n FROM "plant's ""twin""".twin_readings`)).rows[0].n, 1);
    } finally {
      await connection.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('historian over TLS', function () {
  this.timeout(60000);

  it('connects when the server certificate verifies against the configured CA, and refuses it against the system CAs', async function () {
    if (!(await postgresAnswers())) this.skip();
    const certificates = makeCertificates();
    if (!certificates) this.skip();
    const target = new URL(LOCAL_POSTGRES_URL);
    const front = await startTlsPostgres(certificates!, target.hostname, Number(target.port || 5432));
    const schema = uniqueSchema('twin_tls');
    const server = (caFile?: string): ConnectionTarget => ({ kind: 'server', host: '127.0.0.1', port: front.port, database: target.pathname.slice(1), user: 'postgres', password: '', ssl: true, caFile });
    const verified = new HistorianConnection(settings(server(certificates!.caFile), schema));
    const unverified = new HistorianConnection(settings(server(), schema));
    try {
      await verified.ready();
      assert.equal(verified.state, 'ready', 'connected through TLS with the CA given');
      await assert.rejects(unverified.ready(), /self-signed|unable to verify|certificate/);
      assert.equal(unverified.state, 'failed');
    } finally {
      await (await verified.getPool()).query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await verified.close();
      await unverified.close();
      front.close();
      fs.rmSync(certificates!.dir, { recursive: true, force: true });
    }
  });
});

describe('embedded database protection', function () {
  this.timeout(120000);

  it('refuses local clients without the generated password, and a second process on the same data folder', async function () {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-protect-'));
    const embedded = await acquireEmbedded(dataDir, () => undefined);
    try {
      const url = new URL(embedded.url);
      assert.ok(url.password.length >= 20, 'a generated password');
      const attempt = async (password: string | undefined): Promise<string> => {
        const client = new Client({ host: '127.0.0.1', port: Number(url.port), user: 'postgres', database: 'postgres', password, connectionTimeoutMillis: 5000 });
        try {
          await client.connect();
          return String((await client.query('SELECT 1 AS one')).rows[0].one);
        } catch (err) {
          return (err as Error).message;
        } finally {
          await client.end().catch(() => undefined);
        }
      };
      assert.match(await attempt('guess'), /password authentication failed/);
      assert.match(await attempt(''), /password/);
      assert.equal(await attempt(decodeURIComponent(url.password)), '1', 'Node-RED itself gets in');
      // Another Node-RED on the same folder: its own server process must not open the files.
      const other = fork(path.join(__dirname, 'support', 'open-embedded.js'), [dataDir], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      const outcome = await new Promise<string>((resolve) => other.once('message', (m: string) => resolve(m)));
      other.kill();
      assert.match(outcome, /in use by an embedded TimescaleDB \(process \d+/);
    } finally {
      embedded.release();
      await new Promise((resolve) => setTimeout(resolve, 6000));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
