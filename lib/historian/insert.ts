import type { Pool } from 'pg';
import { isConnectionError } from './connection-errors';
import { copyRows, forgetStaging, type CopyRoute } from './copy';
import type { SchemaContext, Statement, TableModule } from './schema-context';
import type { TableRow } from './writer';

/**
 * One transaction for a batch (or a single statement, atomic by itself): each table's rows through COPY when there are at least `copyMinRows` of them and the
 * table and server allow it, else through the table's own INSERT statements. Returns the rows added. A batch that
 * repeats stored rows fails COPY straight into the table and is written again through the staging table.
 */
export async function insertBatch(pool: Pool, ctx: SchemaContext, batch: TableRow[], copyMinRows: number, route: CopyRoute): Promise<number> {
  const direct = route.direct();
  try {
    return await insertOnce(pool, ctx, batch, copyMinRows, direct);
  } catch (err) {
    if (!direct || (err as { code?: string }).code !== '23505') throw err;
    route.duplicateSeen();
    return insertOnce(pool, ctx, batch, copyMinRows, false);
  }
}

async function insertOnce(pool: Pool, ctx: SchemaContext, batch: TableRow[], copyMinRows: number, direct: boolean): Promise<number> {
  const byTable = new Map<TableModule<unknown>, unknown[]>();
  for (const { table, row } of batch) {
    const rows = byTable.get(table) ?? [];
    rows.push(row);
    byTable.set(table, rows);
  }
  // Each table's rows through COPY, or its INSERT statements: decided before the connection is taken.
  const copies: Array<[NonNullable<TableModule<unknown>['copy']>, unknown[]]> = [];
  const statements: Statement[] = [];
  for (const [table, rows] of byTable) {
    const copy = table.copy;
    if (ctx.copy && copy && rows.length >= copyMinRows && rows.every((row) => copy.encodable(row))) copies.push([copy, rows]);
    else statements.push(...table.insertStatements(ctx, rows));
  }
  // One statement is atomic by itself: BEGIN and COMMIT would be two more round trips, which on the embedded
  // server's one connection are most of what a small batch costs.
  const transaction = copies.length > 0 || statements.length > 1;
  const client = await pool.connect();
  // A connection dropped between two statements is reported by the failing query; without this listener the
  // client's own 'error' event would be unhandled and take the whole process down.
  const ignoreClientError = (): void => undefined;
  client.on('error', ignoreClientError);
  let inserted = 0;
  try {
    if (transaction) await client.query('BEGIN');
    for (const [copy, rows] of copies) inserted += await copyRows(client, ctx.schema, copy, rows, direct);
    for (const statement of statements) inserted += (await client.query(statement)).rowCount ?? 0;
    if (transaction) await client.query('COMMIT');
    client.off('error', ignoreClientError);
    client.release();
  } catch (err) {
    forgetStaging(client);
    // A connection that timed out may still be busy with the statement: never reuse it.
    if (transaction && !isConnectionError(err)) await client.query('ROLLBACK').catch(() => undefined);
    client.off('error', ignoreClientError);
    client.release(isConnectionError(err) ? (err as Error) : undefined);
    throw err;
  }
  return inserted;
}
