/**
 * The historian beside its bare engine on the same PostgreSQL, in one run: raw COPY (binary and CSV text) and raw
 * UNNEST straight into an empty readings table, against twin-historian's BatchWriter (COPY into a staging table,
 * then INSERT … ON CONFLICT DO NOTHING, so replays stay idempotent) and its UNNEST path, at the replay batch size
 * and the live one. Each method writes into its own fresh schema; two rounds, interleaved, so a busy machine
 * shows as spread rather than as a bias. Also the embedded TimescaleDB's historian rate.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PoolClient } from 'pg';
import { copyIn, encodeBinaryCopy, type CopySpec } from '../lib/historian/copy';
import { HistorianConnection, type ConnectionTarget } from '../lib/historian/connection';
import { readingsTable } from '../lib/historian/tables/readings';
import { BatchWriter, type TableRow } from '../lib/historian/writer';
import type { ScalarReading } from '../lib/reading/reading';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema, withClient } from '../test/support/database';
import { printFigure } from './print-figure';

const ROWS = 100000;

function rows(count: number, offset: number): ScalarReading[] {
  const start = Date.UTC(2026, 0, 1) + offset;
  return Array.from({ length: count }, (_, i) => ({ asset: `spindle-${i % 10}`, sensor: `sensor${i % 7}`, unit: '°C', value: 40 + (i % 1000) / 10, ts: start + i * 7, quality: 'good' }));
}

const rawBinary: Pick<CopySpec<ScalarReading>, 'columns' | 'values'> = {
  columns: [['ts', 'timestamptz'], ['asset', 'text'], ['sensor', 'text'], ['value', 'float8'], ['unit', 'text'], ['quality', 'text'], ['historical', 'bool']],
  values: (r) => [r.ts, r.asset, r.sensor, r.value, r.unit, r.quality, false],
};

function csv(batch: ScalarReading[]): Buffer {
  return Buffer.from(batch.map((r) => `${new Date(r.ts).toISOString()},${r.asset},${r.sensor},${r.value},${r.unit},${r.quality},f\n`).join(''));
}

type Method = (client: PoolClient, schema: string, batch: ScalarReading[], connection: HistorianConnection) => Promise<void>;

const transaction = async (client: PoolClient, work: () => Promise<unknown>): Promise<void> => {
  await client.query('BEGIN');
  await work();
  await client.query('COMMIT');
};

const COLUMNS = '(ts, asset, sensor, value, unit, quality, historical)';
const methods: Record<string, Method> = {
  'raw COPY binary': (client, schema, batch) => transaction(client, () => copyIn(client, `COPY ${schema}.twin_readings ${COLUMNS} FROM STDIN (FORMAT binary)`, encodeBinaryCopy(rawBinary, batch))),
  'raw COPY CSV': (client, schema, batch) => transaction(client, () => copyIn(client, `COPY ${schema}.twin_readings ${COLUMNS} FROM STDIN (FORMAT csv)`, csv(batch))),
  'raw UNNEST': async (client, schema, batch) => {
    const ctx = { schema, timescale: false, compressAfterDays: 7, retentionDays: undefined, maxStatementBytes: Infinity };
    await transaction(client, async () => { for (const statement of readingsTable.insertStatements(ctx, batch)) await client.query(statement); });
  },
};

/** rows/s of one method writing ROWS readings in batches of `batchSize` into a fresh schema. */
async function measureRaw(target: ConnectionTarget, name: string, batchSize: number): Promise<number> {
  const connection = new HistorianConnection({ target, poolMax: 1, schema: uniqueSchema('twin_bench'), compressAfterDays: 7, retentionDays: undefined });
  try {
    const ctx = await connection.ready();
    const pool = await connection.getPool();
    const client = await pool.connect();
    try {
      const started = process.hrtime.bigint();
      for (let done = 0; done < ROWS; done += batchSize) await methods[name](client, ctx.schema, rows(batchSize, done * 7), connection);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      await client.query(`DROP SCHEMA ${ctx.schema} CASCADE`);
      return ROWS / seconds;
    } finally {
      client.release();
    }
  } finally {
    await connection.close();
  }
}

/** rows/s through the BatchWriter: rows handed in as a replayed backlog (late lane, replay share 100 %). */
async function measureHistorian(target: ConnectionTarget, batchSize: number, copy: boolean, total = ROWS): Promise<number> {
  const connection = new HistorianConnection({ target, poolMax: 2, schema: uniqueSchema('twin_bench'), compressAfterDays: 7, retentionDays: undefined });
  try {
    const ctx = await connection.ready();
    const writer = new BatchWriter(connection, { batchSize, batchMs: 50, maxQueuedRows: total, replayShare: 1, replayBatchSize: batchSize,
      copyMinRows: copy ? 2000 : Infinity }, () => undefined);
    const tableRows = rows(total, 0).map((row): TableRow => ({ table: readingsTable as TableRow['table'], row }));
    const started = process.hrtime.bigint();
    await writer.write(tableRows, undefined, true);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await writer.close(1000);
    await (await connection.getPool()).query(`DROP SCHEMA ${ctx.schema} CASCADE`);
    return total / seconds;
  } finally {
    await connection.close();
  }
}

const perSecond = (rate: number): string => `${Math.round(rate).toLocaleString('en-US').padStart(9)} rows/s`;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ROUNDS = 3;

export async function run(): Promise<void> {
  process.stdout.write(`${ROWS.toLocaleString('en-US')} readings per measurement into an empty table with its primary key; ${ROUNDS} rounds, medians\n`);
  if (await postgresAnswers()) {
    const target: ConnectionTarget = { kind: 'url', url: LOCAL_POSTGRES_URL, ssl: false };
    for (const batchSize of [10000, 1000]) {
      const figures: Record<string, number[]> = {};
      const ratios: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const these: Record<string, number> = {};
        const measures: Array<[string, () => Promise<number>]> = [
          ...Object.keys(methods).map((name): [string, () => Promise<number>] => [name, () => measureRaw(target, name, batchSize)]),
          ['historian (COPY path)', () => measureHistorian(target, batchSize, true)],
          ['historian (UNNEST only)', () => measureHistorian(target, batchSize, false)],
        ];
        // Each round starts with another method, and each measurement after a checkpoint, so the WAL written by
        // one does not land on the next.
        for (let k = 0; k < measures.length; k++) {
          const [name, measure] = measures[(k + round) % measures.length];
          await withClient(LOCAL_POSTGRES_URL, (c) => c.query('CHECKPOINT'));
          these[name] = await measure();
        }
        for (const [name, rate] of Object.entries(these)) (figures[name] ??= []).push(rate);
        ratios.push(these['historian (COPY path)'] / Math.max(these['raw COPY binary'], these['raw COPY CSV']));
      }
      for (const [name, rates] of Object.entries(figures)) printFigure(`PostgreSQL, batch ${batchSize.toLocaleString('en-US')}: ${name}`, perSecond(median(rates)));
      printFigure(`  historian / raw COPY (best of binary, CSV), per round`, `${ratios.map((r) => r.toFixed(2)).join(' ')}; median ${median(ratios).toFixed(2)} (goal >= 0.80)`);
      printFigure(`  historian / raw UNNEST`, (median(figures['historian (COPY path)']) / median(figures['raw UNNEST'])).toFixed(2));
    }
  } else {
    process.stdout.write('PostgreSQL 127.0.0.1:5432: not answering, skipped\n');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-bench-'));
  try {
    printFigure('embedded TimescaleDB (PGlite), batch 5,000: historian', perSecond(await measureHistorian({ kind: 'embedded', dataDir: dir }, 5000, true, 50000)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
