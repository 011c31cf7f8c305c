import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Column types the binary COPY encoder writes ('timestamptz' from epoch milliseconds). */
export type CopyType = 'float8' | 'text' | 'bool' | 'timestamptz';

/**
 * How a table takes a large batch through COPY (binary format). Straight into the table when no row is there yet
 * (the common case: COPY is the fastest way in); when the batch repeats rows already stored (a replay after a
 * crash or a resend), through a temporary staging table and one INSERT … SELECT … ON CONFLICT DO NOTHING, so
 * replays stay idempotent exactly as with the UNNEST insert.
 */
export interface CopySpec<Row> {
  /** The target table (unqualified) and its staging table (temporary, one per connection, emptied at commit). */
  table: string;
  stage: string;
  /** Target columns, in order: name and type. */
  columns: ReadonlyArray<readonly [string, CopyType]>;
  /** A row's values in column order. */
  values(row: Row): Array<number | string | boolean>;
  /** Whether the encoder can write the row (e.g. its time within PostgreSQL's range); else the batch takes INSERT. */
  encodable(row: Row): boolean;
}

/** Microseconds between 1970-01-01 and PostgreSQL's epoch, 2000-01-01. */
const POSTGRES_EPOCH_US = 946684800000000n;
/** timestamptz's range, epoch ms: 4713 BC to 294276 AD. */
export const TIMESTAMPTZ_RANGE_MS = { min: -210866803200000, max: 9224318015999999 };

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Rows in the binary COPY format: header, per row a field count and length-prefixed fields, trailer. */
export function encodeBinaryCopy<Row>(spec: Pick<CopySpec<Row>, 'columns' | 'values'>, rows: Row[]): Buffer {
  const types = spec.columns.map(([, type]) => type);
  const values = rows.map((row) => spec.values(row));
  let size = SIGNATURE.length + 8 + 2;
  for (const row of values) {
    size += 2;
    for (let c = 0; c < types.length; c++) {
      const type = types[c];
      size += 4 + (type === 'float8' || type === 'timestamptz' ? 8 : type === 'bool' ? 1 : Buffer.byteLength(row[c] as string));
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
      } else if (type === 'timestamptz') {
        at = buffer.writeInt32BE(8, at);
        at = buffer.writeBigInt64BE(BigInt(Math.round((value as number) * 1000)) - POSTGRES_EPOCH_US, at);
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

/** Sends `data` (binary COPY) with the COPY statement `sql`; resolves with the rows the server counted. */
export function copyIn(client: PoolClient, sql: string, data: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', () => resolve(stream.rowCount));
    stream.end(data);
  });
}

/** Connections whose staging tables exist (temporary tables live as long as their session). */
const staged = new WeakMap<PoolClient, Set<string>>();

/** After a rollback the staging tables created in that transaction are gone: create them again next time. */
export function forgetStaging(client: PoolClient): void {
  staged.delete(client);
}

/** Batches after a duplicate that go through the staging table before COPY straight in is tried again. */
const STAGED_AFTER_DUPLICATE = 20;

/**
 * Remembers that batches repeat stored rows (a replay is on): trying COPY straight in first would fail and be
 * repeated for each of them. No savepoint around the direct COPY: a subtransaction costs more than the rare retry.
 */
export class CopyRoute {
  private stagedBatches = 0;

  /** Whether the next batch tries COPY straight into the table. */
  direct(): boolean {
    if (this.stagedBatches === 0) return true;
    this.stagedBatches--;
    return false;
  }

  duplicateSeen(): void {
    this.stagedBatches = STAGED_AFTER_DUPLICATE;
  }
}

const columnList = <Row>(spec: CopySpec<Row>): string => spec.columns.map(([name]) => name).join(', ');

async function viaStaging<Row>(client: PoolClient, schema: string, spec: CopySpec<Row>, data: Buffer): Promise<number> {
  let tables = staged.get(client);
  if (!tables) {
    tables = new Set();
    staged.set(client, tables);
  }
  if (!tables.has(spec.stage)) {
    await client.query(`CREATE TEMPORARY TABLE IF NOT EXISTS ${spec.stage} (LIKE ${schema}.${spec.table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`);
    tables.add(spec.stage);
  }
  await copyIn(client, `COPY pg_temp.${spec.stage} (${columnList(spec)}) FROM STDIN (FORMAT binary)`, data);
  const moved = await client.query(`INSERT INTO ${schema}.${spec.table} (${columnList(spec)}) SELECT ${columnList(spec)} FROM pg_temp.${spec.stage} ON CONFLICT DO NOTHING`);
  return moved.rowCount ?? 0;
}

/**
 * Within the caller's transaction: the rows into the table through COPY; returns how many were added. Straight in
 * (`direct`) fails with a unique violation (23505) when a row is already stored: the caller then rolls back and
 * writes the batch again with `direct` false.
 */
export async function copyRows<Row>(client: PoolClient, schema: string, spec: CopySpec<Row>, rows: Row[], direct: boolean): Promise<number> {
  const data = encodeBinaryCopy(spec, rows);
  if (!direct) return viaStaging(client, schema, spec, data);
  return copyIn(client, `COPY ${schema}.${spec.table} (${columnList(spec)}) FROM STDIN (FORMAT binary)`, data);
}
