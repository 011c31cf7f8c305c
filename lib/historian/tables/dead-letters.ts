import type { SchemaContext, Statement } from '../schema-context';

/** A row the database refused for its content, kept for an operator to inspect (and fix and re-insert by hand). */
export interface DeadLetter {
  table: string;
  error: string;
  sqlstate: string;
  row: unknown;
}

/** Typed arrays (waveform samples) as base64 of their bytes, so the row is kept whole but compact. */
function replacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    return { bytesBase64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'), type: value.constructor.name };
  }
  return value;
}

/**
 * The row as JSON text. JSON escapes what PostgreSQL text cannot hold (a NUL byte becomes \u0000), so even the row
 * that broke the insert can be kept; `row::jsonb` works where it holds no NUL.
 */
export function deadLetterJson(row: unknown): string {
  try {
    return JSON.stringify(row, replacer) ?? 'null';
  } catch (err) {
    return JSON.stringify({ unserialisable: String(err) });
  }
}

/** Refused rows: what, why and when, one row each. A plain table; an operator deletes what was dealt with. */
export const deadLettersTable = {
  table: 'twin_dead_letters',
  createStatements(ctx: SchemaContext): string[] {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_dead_letters (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now(),
        table_name text NOT NULL, error text NOT NULL, sqlstate text NOT NULL DEFAULT '', row_json text NOT NULL)`,
    ];
  },
  insertStatements(ctx: SchemaContext, letters: DeadLetter[]): Statement[] {
    return [{
      text: `INSERT INTO ${ctx.schema}.twin_dead_letters (table_name, error, sqlstate, row_json)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      values: [letters.map((l) => l.table), letters.map((l) => l.error.replace(/\0/g, '\\0')), letters.map((l) => l.sqlstate), letters.map((l) => deadLetterJson(l.row))],
    }];
  },
};
