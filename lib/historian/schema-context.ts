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
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Hypertable with segment-by compression and its policies; nothing on plain PostgreSQL. */
export function hypertableStatements(ctx: SchemaContext, table: string, segmentBy: string): string[] {
  if (!ctx.timescale) return [];
  const name = `${ctx.schema}.${table}`;
  const statements = [
    `SELECT create_hypertable('${name}', by_range('ts', INTERVAL '1 day'), if_not_exists => TRUE)`,
    `ALTER TABLE ${name} SET (timescaledb.compress, timescaledb.compress_segmentby = '${segmentBy}', timescaledb.compress_orderby = 'ts DESC')`,
    `SELECT add_compression_policy('${name}', INTERVAL '${ctx.compressAfterDays} days', if_not_exists => TRUE)`,
  ];
  if (ctx.retentionDays !== undefined) {
    statements.push(`SELECT add_retention_policy('${name}', INTERVAL '${ctx.retentionDays} days', if_not_exists => TRUE)`);
  }
  return statements;
}
