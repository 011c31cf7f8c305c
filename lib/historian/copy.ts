import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Column types the binary COPY encoder writes. */
export type CopyType = 'float8' | 'text' | 'bool';

/**
 * How a table takes a large batch through COPY: rows go in PostgreSQL's binary COPY format into a temporary staging
 * table (no WAL, no index), then one INSERT … SELECT … ON CONFLICT DO NOTHING moves them, so a replay stays
 * idempotent exactly as with the UNNEST insert, and a value the table refuses fails the same way.
 */
export interface CopySpec<Row> {
  /** Staging table name (temporary, one per connection, emptied at commit). */
  stage: string;
  /** Staging columns, in order: name and type. */
  columns: ReadonlyArray<readonly [string, CopyType]>;
  /** A row's values in column order. */
  values(row: Row): Array<number | string | boolean>;
  /** The INSERT … SELECT from the staging table into the target. */
  merge(schema: string): string;
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Rows in the binary COPY format: header, per row a field count and length-prefixed fields, trailer. */
export function encodeBinaryCopy<Row>(spec: CopySpec<Row>, rows: Row[]): Buffer {
  const types = spec.columns.map(([, type]) => type);
  const values = rows.map((row) => spec.values(row));
  let size = SIGNATURE.length + 8 + 2;
  for (const row of values) {
    size += 2;
    for (let c = 0; c < types.length; c++) {
      const type = types[c];
      size += 4 + (type === 'float8' ? 8 : type === 'bool' ? 1 : Buffer.byteLength(row[c] as string));
    }
  }
  const buffer = Buffer.allocUnsafe(size);
  let at = SIGNATURE.copy(buffer, 0);
  at = buffer.writeInt32BE(0, at);
  at = buffer.writeInt32BE(0, at);
  for (const row of values) {
    at = buffer.writeInt16BE(types.length, at);
    for (let c = 0; c < types.length; c++) {
      const type = types[c];
      const value = row[c];
      if (type === 'float8') {
        at = buffer.writeInt32BE(8, at);
        at = buffer.writeDoubleBE(value as number, at);
      } else if (type === 'bool') {
        at = buffer.writeInt32BE(1, at);
        at = buffer.writeUInt8(value ? 1 : 0, at);
      } else {
        const length = buffer.write(value as string, at + 4, 'utf8');
        buffer.writeInt32BE(length, at);
        at += 4 + length;
      }
    }
  }
  buffer.writeInt16BE(-1, at);
  return buffer;
}

/** Connections whose staging tables exist (temporary tables live as long as their session). */
const staged = new WeakMap<PoolClient, Set<string>>();

/** After a rollback the staging tables created in that transaction are gone: create them again next time. */
export function forgetStaging(client: PoolClient): void {
  staged.delete(client);
}

/** Sends `data` (binary COPY) to `table` and resolves with the rows the server counted. */
export function copyIn(client: PoolClient, sql: string, data: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', () => resolve(stream.rowCount));
    stream.end(data);
  });
}

/** Within the caller's transaction: stage the rows, move them into the table; returns how many were added. */
export async function copyRows<Row>(client: PoolClient, schema: string, spec: CopySpec<Row>, rows: Row[]): Promise<number> {
  let tables = staged.get(client);
  if (!tables) {
    tables = new Set();
    staged.set(client, tables);
  }
  if (!tables.has(spec.stage)) {
    const columns = spec.columns.map(([name, type]) => `${name} ${type}`).join(', ');
    await client.query(`CREATE TEMPORARY TABLE IF NOT EXISTS ${spec.stage} (${columns}) ON COMMIT DELETE ROWS`);
    tables.add(spec.stage);
  }
  await copyIn(client, `COPY pg_temp.${spec.stage} FROM STDIN (FORMAT binary)`, encodeBinaryCopy(spec, rows));
  const moved = await client.query(spec.merge(schema));
  return moved.rowCount ?? 0;
}
