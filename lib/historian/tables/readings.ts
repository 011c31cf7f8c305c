import type { ScalarReading } from '../../reading/reading';
import { TIMESTAMPTZ_RANGE_MS, type CopySpec } from '../copy';
import { addColumnStatement, hypertableStatements, quoteLiteral, type SchemaContext, type Statement, type TableModule } from '../schema-context';
import { chunkBySize } from '../statement-size';

/** Generous estimate of a row's bytes in the UNNEST array parameters (text encoding, quoting, separators). */
function encodedBytes(r: ScalarReading): number {
  return 66 + 2 * (r.asset.length + r.sensor.length + r.unit.length + r.quality.length);
}

/** Scalar readings: the bulk of the data. One row per (asset, sensor, ts), so replays are idempotent. */
export const readingsTable: TableModule<ScalarReading> = {
  table: 'twin_readings',
  createStatements(ctx: SchemaContext): string[] {
    const name = `${ctx.schema}.twin_readings`;
    const rollup = `${ctx.schema}.twin_readings_1m`;
    const statements = [
      `CREATE TABLE IF NOT EXISTS ${name} (ts timestamptz NOT NULL, asset text NOT NULL, sensor text NOT NULL,
        value double precision NOT NULL, unit text NOT NULL DEFAULT '', quality text NOT NULL DEFAULT 'good',
        PRIMARY KEY (asset, sensor, ts))`,
      ...hypertableStatements(ctx, 'twin_readings', 'asset, sensor'),
      // Rows that reached the historian late (replayed from a buffer after an outage) say so.
      addColumnStatement(ctx, 'twin_readings', 'historical boolean NOT NULL DEFAULT false'),
    ];
    if (ctx.timescale) {
      // materialized_only = false: the rollup answers with live data even where background jobs do not run.
      statements.push(
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${rollup} WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
          SELECT time_bucket(INTERVAL '1 minute', ts) AS bucket, asset, sensor, avg(value) AS avg, min(value) AS min,
          max(value) AS max, count(*) AS count FROM ${name} GROUP BY 1, 2, 3 WITH NO DATA`,
        `SELECT add_continuous_aggregate_policy(${quoteLiteral(rollup)}::regclass, start_offset => INTERVAL '2 hours', end_offset => INTERVAL '1 minute',
          schedule_interval => INTERVAL '1 minute', if_not_exists => TRUE)`,
      );
    } else {
      statements.push(
        `CREATE INDEX IF NOT EXISTS twin_readings_ts_idx ON ${name} (ts DESC)`,
        `CREATE OR REPLACE VIEW ${rollup} AS SELECT date_bin(INTERVAL '1 minute', ts, TIMESTAMPTZ '2000-01-01') AS bucket, asset, sensor,
          avg(value) AS avg, min(value) AS min, max(value) AS max, count(*) AS count FROM ${name} GROUP BY 1, 2, 3`,
      );
    }
    return statements;
  },
  insertStatements(ctx: SchemaContext, rows: ScalarReading[]): Statement[] {
    return chunkBySize(rows, encodedBytes, ctx.maxStatementBytes).map((chunk) => insertChunk(ctx, chunk));
  },
  copy: readingsCopy(),
};

function readingsCopy(): CopySpec<ScalarReading> {
  return {
    table: 'twin_readings',
    stage: 'twin_stage_readings',
    columns: [['ts', 'timestamptz'], ['asset', 'text'], ['sensor', 'text'], ['value', 'float8'], ['unit', 'text'], ['quality', 'text'], ['historical', 'bool']],
    values: (r) => [r.ts, r.asset, r.sensor, r.value, r.unit, r.quality, r.historical === true],
    encodable: (r) => r.ts >= TIMESTAMPTZ_RANGE_MS.min && r.ts <= TIMESTAMPTZ_RANGE_MS.max,
  };
}

function insertChunk(ctx: SchemaContext, rows: ScalarReading[]): Statement {
  return {
      text: `INSERT INTO ${ctx.schema}.twin_readings (ts, asset, sensor, value, unit, quality, historical)
        SELECT to_timestamp(t / 1000.0), a, s, v, u, q, h
        FROM unnest($1::float8[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::bool[]) AS r(t, a, s, v, u, q, h)
        ON CONFLICT DO NOTHING`,
      values: [rows.map((r) => r.ts), rows.map((r) => r.asset), rows.map((r) => r.sensor), rows.map((r) => r.value),
        rows.map((r) => r.unit), rows.map((r) => r.quality), rows.map((r) => r.historical === true)],
  };
}
