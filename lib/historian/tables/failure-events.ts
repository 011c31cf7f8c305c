import type { FailureEvent } from '../../rul/records';
import type { SchemaContext, Statement, TableModule } from '../schema-context';

/** Confirmed failures and false alarms: the ground truth RUL models are retrained on. One row per event id. */
export const failureEventsTable: TableModule<FailureEvent> = {
  table: 'twin_failure_events',
  createStatements(ctx: SchemaContext): string[] {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_failure_events (id text PRIMARY KEY, asset text NOT NULL, component text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('failure', 'false-alarm')), failed_at timestamptz NOT NULL, confirmed_by text NOT NULL,
        notes text NOT NULL DEFAULT '', work_order_id text, recorded_at timestamptz NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS twin_failure_events_asset_idx ON ${ctx.schema}.twin_failure_events (asset, failed_at)`,
    ];
  },
  insertStatements(ctx: SchemaContext, rows: FailureEvent[]): Statement[] {
    return rows.map((e) => ({
      text: `INSERT INTO ${ctx.schema}.twin_failure_events (id, asset, component, outcome, failed_at, confirmed_by, notes, work_order_id, recorded_at)
        VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0), $6, $7, $8, to_timestamp($9 / 1000.0))
        ON CONFLICT (id) DO UPDATE SET component = EXCLUDED.component, outcome = EXCLUDED.outcome, failed_at = EXCLUDED.failed_at,
          confirmed_by = EXCLUDED.confirmed_by, notes = EXCLUDED.notes, work_order_id = EXCLUDED.work_order_id`,
      values: [e.id, e.asset, e.component, e.outcome, e.failedAt, e.confirmedBy, e.notes ?? '', e.workOrderId ?? null, e.ts],
    }));
  },
};
