import type { RulRecord } from '../../rul/records';
import { hypertableStatements, type SchemaContext, type Statement, type TableModule } from '../schema-context';
import { chunkBySize } from '../statement-size';

function encodedBytes(r: RulRecord): number {
  return 120 + 2 * (r.asset.length + r.modelVersion.length);
}

/** Remaining-useful-life estimates, one row per (asset, ts): the RUL trend of each asset's dashboard tab. */
export const rulEstimatesTable: TableModule<RulRecord> = {
  table: 'twin_rul',
  createStatements(ctx: SchemaContext): string[] {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_rul (ts timestamptz NOT NULL, asset text NOT NULL, rul_hours double precision NOT NULL,
        lower_hours double precision, upper_hours double precision, capped boolean NOT NULL DEFAULT false,
        confidence text NOT NULL DEFAULT 'normal', model_version text NOT NULL, PRIMARY KEY (asset, ts))`,
      ...hypertableStatements(ctx, 'twin_rul', 'asset'),
    ];
  },
  insertStatements(ctx: SchemaContext, rows: RulRecord[]): Statement[] {
    return chunkBySize(rows, encodedBytes, ctx.maxStatementBytes).map((chunk) => ({
      text: `INSERT INTO ${ctx.schema}.twin_rul (ts, asset, rul_hours, lower_hours, upper_hours, capped, confidence, model_version)
        SELECT to_timestamp(t / 1000.0), a, r, l, u, c, q, m
        FROM unnest($1::float8[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::bool[], $7::text[], $8::text[]) AS x(t, a, r, l, u, c, q, m)
        ON CONFLICT DO NOTHING`,
      values: [chunk.map((r) => r.ts), chunk.map((r) => r.asset), chunk.map((r) => r.rulHours), chunk.map((r) => r.lowerHours ?? null),
        chunk.map((r) => r.upperHours ?? null), chunk.map((r) => r.capped), chunk.map((r) => r.confidence), chunk.map((r) => r.modelVersion)],
    }));
  },
};
