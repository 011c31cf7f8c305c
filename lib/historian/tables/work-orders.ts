import type { WorkOrderEvent } from '../../rul/urgency';
import type { WorkOrderChange, WorkOrderUpdate } from '../../rul/records';
import type { SchemaContext, Statement, TableModule } from '../schema-context';

function isUpdate(change: WorkOrderChange): change is WorkOrderUpdate {
  return (change as WorkOrderUpdate).kind === 'work-order';
}

/**
 * Maintenance work orders, one row per id: opened, escalated and closed by twin-urgency as the urgency level moves,
 * acknowledged and completed by maintenance from the dashboard. A closed order stays closed.
 */
export const workOrdersTable: TableModule<WorkOrderChange> = {
  table: 'twin_work_orders',
  createStatements(ctx: SchemaContext): string[] {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_work_orders (id text PRIMARY KEY, asset text NOT NULL, level text NOT NULL,
        state text NOT NULL CHECK (state IN ('open', 'acknowledged', 'closed')), rul_hours double precision, message text NOT NULL DEFAULT '',
        opened_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, acknowledged_at timestamptz, acknowledged_by text,
        closed_at timestamptz, closed_by text, close_note text)`,
      `CREATE INDEX IF NOT EXISTS twin_work_orders_open_idx ON ${ctx.schema}.twin_work_orders (asset, opened_at DESC) WHERE state <> 'closed'`,
    ];
  },
  insertStatements(ctx: SchemaContext, rows: WorkOrderChange[]): Statement[] {
    return rows.map((change) => (isUpdate(change) ? updateStatement(ctx, change) : urgencyStatement(ctx, change)));
  },
};

function urgencyStatement(ctx: SchemaContext, e: WorkOrderEvent): Statement {
  const closing = e.action === 'close';
  return {
    text: `INSERT INTO ${ctx.schema}.twin_work_orders AS w (id, asset, level, state, rul_hours, message, opened_at, updated_at, closed_at, closed_by, close_note)
      VALUES ($1, $2, $3, CASE WHEN $4 THEN 'closed' ELSE 'open' END, $5, $6, to_timestamp($7 / 1000.0), to_timestamp($7 / 1000.0),
        CASE WHEN $4 THEN to_timestamp($7 / 1000.0) END, CASE WHEN $4 THEN 'twin-urgency' END, CASE WHEN $4 THEN $6 END)
      ON CONFLICT (id) DO UPDATE SET
        level = CASE WHEN $4 THEN w.level ELSE EXCLUDED.level END,
        rul_hours = EXCLUDED.rul_hours, updated_at = EXCLUDED.updated_at,
        message = CASE WHEN $4 THEN w.message ELSE EXCLUDED.message END,
        state = CASE WHEN w.state = 'closed' OR $4 THEN 'closed' ELSE w.state END,
        closed_at = COALESCE(w.closed_at, EXCLUDED.closed_at), closed_by = COALESCE(w.closed_by, EXCLUDED.closed_by),
        close_note = COALESCE(w.close_note, EXCLUDED.close_note)`,
    values: [e.id, e.asset, e.level, closing, e.rulHours, e.message, e.ts],
  };
}

/** Maintenance's own steps only touch an order twin-urgency opened; an unknown id changes nothing. */
function updateStatement(ctx: SchemaContext, u: WorkOrderUpdate): Statement {
  const completing = u.action === 'complete';
  return {
    text: `UPDATE ${ctx.schema}.twin_work_orders SET updated_at = to_timestamp($2 / 1000.0),
        acknowledged_at = COALESCE(acknowledged_at, to_timestamp($2 / 1000.0)), acknowledged_by = COALESCE(acknowledged_by, $3),
        state = CASE WHEN state = 'closed' OR $4 THEN 'closed' ELSE 'acknowledged' END,
        closed_at = CASE WHEN $4 THEN COALESCE(closed_at, to_timestamp($2 / 1000.0)) ELSE closed_at END,
        closed_by = CASE WHEN $4 THEN COALESCE(closed_by, $3) ELSE closed_by END,
        close_note = CASE WHEN $4 THEN COALESCE(close_note, $5) ELSE close_note END
      WHERE id = $1`,
    values: [u.id, u.ts, u.by, completing, u.note ?? null],
  };
}
