import type { AlertEvent } from '../../threshold/alert';
import type { SchemaContext, Statement, TableModule } from '../schema-context';

/** Alerts, one row per alert id, updated as it is acknowledged and cleared (a small, plain table). */
export const alertsTable: TableModule<AlertEvent> = {
  table: 'twin_alerts',
  createStatements(ctx: SchemaContext): string[] {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_alerts (id text PRIMARY KEY, asset text NOT NULL, sensor text NOT NULL,
        level text NOT NULL, direction text, state text NOT NULL, value double precision, limit_value double precision,
        unit text NOT NULL DEFAULT '', message text NOT NULL DEFAULT '', raised_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL, acknowledged_at timestamptz, acknowledged_by text, cleared_at timestamptz)`,
      `CREATE INDEX IF NOT EXISTS twin_alerts_open_idx ON ${ctx.schema}.twin_alerts (asset, raised_at DESC) WHERE state <> 'cleared'`,
    ];
  },
  insertStatements(ctx: SchemaContext, rows: AlertEvent[]): Statement[] {
    return rows.map((a) => ({
      text: `INSERT INTO ${ctx.schema}.twin_alerts AS t (id, asset, sensor, level, direction, state, value, limit_value, unit, message,
          raised_at, updated_at, acknowledged_at, acknowledged_by, cleared_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_timestamp($11 / 1000.0), to_timestamp($12 / 1000.0),
          CASE WHEN $6 = 'acknowledged' THEN to_timestamp($12 / 1000.0) END, $13, CASE WHEN $6 = 'cleared' THEN to_timestamp($12 / 1000.0) END)
        ON CONFLICT (id) DO UPDATE SET
          state = CASE WHEN t.state = 'cleared' THEN t.state ELSE EXCLUDED.state END,
          value = EXCLUDED.value, message = EXCLUDED.message, updated_at = EXCLUDED.updated_at,
          acknowledged_at = COALESCE(t.acknowledged_at, EXCLUDED.acknowledged_at),
          acknowledged_by = COALESCE(t.acknowledged_by, EXCLUDED.acknowledged_by),
          cleared_at = COALESCE(t.cleared_at, EXCLUDED.cleared_at)`,
      values: [a.id, a.asset, a.sensor, a.level, a.direction, a.state, a.value, a.limit, a.unit, a.message,
        a.raisedAt, a.ts, a.acknowledgedBy ?? null],
    }));
  },
};
