import type { Pool } from 'pg';
import { quoteIdentifier, type SchemaContext, type TableModule } from './schema-context';
import { alarmJournalTable } from './tables/alarm-journal';
import { alarmKpisTable } from './tables/alarm-kpis';
import { alertsTable } from './tables/alerts';
import { deadLettersTable } from './tables/dead-letters';
import { failureEventsTable } from './tables/failure-events';
import { featuresTable } from './tables/features';
import { kpisTable } from './tables/kpis';
import { modelsTable } from './tables/models';
import { readingsTable } from './tables/readings';
import { rulEstimatesTable } from './tables/rul-estimates';
import { setpointAuditTable } from './tables/setpoint-audit';
import { waveformsTable } from './tables/waveforms';
import { workOrdersTable } from './tables/work-orders';

export const HISTORIAN_TABLES: ReadonlyArray<TableModule<never>> = [readingsTable, waveformsTable, alertsTable, featuresTable,
  rulEstimatesTable, failureEventsTable, workOrdersTable, modelsTable, kpisTable, setpointAuditTable, deadLettersTable, alarmJournalTable,
  alarmKpisTable] as ReadonlyArray<TableModule<never>>;

export interface SchemaSettings {
  schema: string;
  /** See SchemaContext.maxStatementBytes. */
  maxStatementBytes?: number;
  compressAfterDays: number;
  retentionDays: number | undefined;
}

async function timescaleAvailable(pool: Pool): Promise<boolean> {
  const installed = await pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
  if (installed.rowCount) return true;
  const available = await pool.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
  if (!available.rowCount) return false;
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    return true;
  } catch {
    // Listed but not loadable (e.g. not in shared_preload_libraries): plain tables still work.
    return false;
  }
}

/**
 * Creates the historian's schema if it is missing; safe to run on every start. With TimescaleDB: hypertables,
 * compression, a 1-minute continuous aggregate and the policies; on plain PostgreSQL: indexed tables and a view.
 */
export async function ensureSchema(pool: Pool, settings: SchemaSettings): Promise<SchemaContext> {
  const ctx: SchemaContext = {
    schema: quoteIdentifier(settings.schema),
    timescale: await timescaleAvailable(pool),
    compressAfterDays: settings.compressAfterDays,
    retentionDays: settings.retentionDays,
    maxStatementBytes: settings.maxStatementBytes ?? Infinity,
    copy: settings.maxStatementBytes === undefined || !Number.isFinite(settings.maxStatementBytes),
  };
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${ctx.schema}`);
  for (const table of HISTORIAN_TABLES) {
    for (const statement of table.createStatements(ctx)) await pool.query(statement);
  }
  return ctx;
}
