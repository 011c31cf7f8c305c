import type { CopySpec } from './copy';

/** What table modules need to know to create and address their tables. */
export interface SchemaContext {
  /** Quoted PostgreSQL schema name, ready to prefix table names. */
  schema: string;
  timescale: boolean;
  compressAfterDays: number;
  /** Drop raw data older than this (TimescaleDB retention policy); undefined = keep forever. */
  retentionDays: number | undefined;
  /** Largest statement the server accepts in one protocol message (bytes); Infinity for real servers. */
  maxStatementBytes: number;
  /** Whether large batches may go through COPY (not on the embedded server, whose messages are limited). */
  copy?: boolean;
}

export interface Statement {
  text: string;
  values: unknown[];
}

/** One table of the historian: its DDL and how a batch of its rows is inserted. */
export interface TableModule<Row> {
  readonly table: string;
  createStatements(ctx: SchemaContext): string[];
  insertStatements(ctx: SchemaContext, rows: Row[]): Statement[];
  /** The COPY path for large batches, where the table has one. */
  readonly copy?: CopySpec<Row>;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A string as an SQL literal: for the few places (TimescaleDB's functions) that take a table name as text. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A column added after a table was first created: added to databases made by an earlier version too. */
export function addColumnStatement(ctx: SchemaContext, table: string, definition: string): string {
  return `ALTER TABLE ${ctx.schema}.${table} ADD COLUMN IF NOT EXISTS ${definition}`;
}

/** Hypertable with segment-by compression and its policies; nothing on plain PostgreSQL. */
export function hypertableStatements(ctx: SchemaContext, table: string, segmentBy: string): string[] {
  if (!ctx.timescale) return [];
  const name = `${ctx.schema}.${table}`;
  const regclass = `${quoteLiteral(name)}::regclass`;
  const statements = [
    `SELECT create_hypertable(${regclass}, by_range('ts', INTERVAL '1 day'), if_not_exists => TRUE)`,
    `ALTER TABLE ${name} SET (timescaledb.compress, timescaledb.compress_segmentby = ${quoteLiteral(segmentBy)}, timescaledb.compress_orderby = 'ts DESC')`,
    `SELECT add_compression_policy(${regclass}, make_interval(days => ${Math.round(ctx.compressAfterDays)}), if_not_exists => TRUE)`,
  ];
  if (ctx.retentionDays !== undefined) {
    statements.push(`SELECT add_retention_policy(${regclass}, make_interval(days => ${Math.round(ctx.retentionDays)}), if_not_exists => TRUE)`);
  }
  return statements;
}
