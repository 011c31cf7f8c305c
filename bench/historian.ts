/**
 * Historian insert throughput: the UNNEST array insert the writer uses against a multi-row VALUES insert
 * (chunked under pg's 65,535 bind parameters), on the local PostgreSQL (when it answers) and on the embedded
 * TimescaleDB, at batch sizes of 1,000 and 5,000 rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { HistorianConnection, type ConnectionTarget } from '../lib/historian/connection';
import type { SchemaContext } from '../lib/historian/schema-context';
import { readingsTable } from '../lib/historian/tables/readings';
import { chunkBySize } from '../lib/historian/statement-size';
import type { ScalarReading } from '../lib/reading/reading';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema } from '../test/support/database';

const ROWS = 50000;
const MAX_PARAMS = 65535;
const COLUMNS = 6;

function rows(count: number, offset: number): ScalarReading[] {
  const start = Date.UTC(2026, 0, 1) + offset;
  return Array.from({ length: count }, (_, i) => ({ asset: `m${i % 10}`, sensor: `s${i % 7}`, unit: 'u', value: i * 0.5, ts: start + i, quality: 'good' }));
}

async function insertValues(pool: Pool, ctx: SchemaContext, batch: ScalarReading[]): Promise<void> {
  const perStatement = Math.floor(MAX_PARAMS / COLUMNS);
  const byParams = Array.from({ length: Math.ceil(batch.length / perStatement) }, (_, i) => batch.slice(i * perStatement, (i + 1) * perStatement));
  // The VALUES text grows by about 90 bytes a row besides its parameters.
  for (const chunk of byParams.flatMap((c) => chunkBySize(c, (r) => 150 + 2 * (r.asset.length + r.sensor.length), ctx.maxStatementBytes))) {
    const placeholders = chunk.map((_, r) => `(to_timestamp($${r * 6 + 1} / 1000.0), $${r * 6 + 2}, $${r * 6 + 3}, $${r * 6 + 4}, $${r * 6 + 5}, $${r * 6 + 6})`);
    await pool.query(`INSERT INTO ${ctx.schema}.twin_readings (ts, asset, sensor, value, unit, quality) VALUES ${placeholders.join(',')} ON CONFLICT DO NOTHING`,
      chunk.flatMap((r) => [r.ts, r.asset, r.sensor, r.value, r.unit, r.quality]));
  }
}

async function insertUnnest(pool: Pool, ctx: SchemaContext, batch: ScalarReading[]): Promise<void> {
  for (const statement of readingsTable.insertStatements(ctx, batch)) await pool.query(statement);
}

async function measure(name: string, target: ConnectionTarget): Promise<void> {
  const schema = uniqueSchema('twin_bench');
  const connection = new HistorianConnection({ target, poolMax: 1, schema, compressAfterDays: 7, retentionDays: undefined });
  try {
    const ctx = await connection.ready();
    const pool = await connection.getPool();
    let offset = 0;
    for (const batchSize of [1000, 5000]) {
      for (const [method, insert] of [['UNNEST arrays', insertUnnest], ['multi-row VALUES', insertValues]] as const) {
        const started = process.hrtime.bigint();
        for (let done = 0; done < ROWS; done += batchSize) await insert(pool, ctx, rows(batchSize, offset + done));
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        offset += ROWS * 10;
        process.stdout.write(`${name.padEnd(34)} batch ${String(batchSize).padStart(5)}  ${method.padEnd(17)} ${Math.round(ROWS / seconds).toLocaleString('en-US').padStart(9)} rows/s\n`);
      }
    }
    await pool.query(`DROP SCHEMA ${ctx.schema} CASCADE`);
  } finally {
    await connection.close();
  }
}

export async function run(): Promise<void> {
  process.stdout.write(`${ROWS.toLocaleString('en-US')} readings per measurement, one connection, ON CONFLICT DO NOTHING\n`);
  if (await postgresAnswers()) await measure('PostgreSQL 127.0.0.1:5432', { kind: 'url', url: LOCAL_POSTGRES_URL, ssl: false });
  else process.stdout.write('PostgreSQL 127.0.0.1:5432: not answering, skipped\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-bench-'));
  try {
    await measure('embedded TimescaleDB (PGlite)', { kind: 'embedded', dataDir: dir });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
