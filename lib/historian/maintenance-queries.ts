import type { Pool } from 'pg';
import type { SchemaContext } from './schema-context';

/** What the maintenance and fleet dashboards read back: the RUL trend, work orders and confirmed events. */
export interface RulHistoryRow {
  ts: number;
  asset: string;
  rulHours: number;
  lowerHours: number | null;
  upperHours: number | null;
  capped: boolean;
  modelVersion: string;
}

export async function rulHistory(pool: Pool, ctx: SchemaContext, asset: string, from: number, to: number, limit = 20_000): Promise<RulHistoryRow[]> {
  const result = await pool.query<{ ts: string; asset: string; rul_hours: number; lower_hours: number | null; upper_hours: number | null; capped: boolean; model_version: string }>(
    `SELECT extract(epoch FROM ts) * 1000 AS ts, asset, rul_hours, lower_hours, upper_hours, capped, model_version FROM ${ctx.schema}.twin_rul
      WHERE asset = $1 AND ts >= to_timestamp($2) AND ts <= to_timestamp($3) ORDER BY ts LIMIT $4`, [asset, from / 1000, to / 1000, limit]);
  return result.rows.map((r) => ({ ts: Math.round(Number(r.ts)), asset: r.asset, rulHours: r.rul_hours, lowerHours: r.lower_hours,
    upperHours: r.upper_hours, capped: r.capped, modelVersion: r.model_version }));
}

/** node-red-dashboard (v1) chart data: the estimate and its interval as three series. */
export function rulChartData(rows: RulHistoryRow[]): Array<{ series: string[]; data: Array<Array<{ x: number; y: number }>>; labels: string[] }> {
  const series = (pick: (r: RulHistoryRow) => number | null) => rows.filter((r) => pick(r) !== null).map((r) => ({ x: r.ts, y: pick(r) as number }));
  return [{ series: ['RUL', 'lower', 'upper'], data: [series((r) => r.rulHours), series((r) => r.lowerHours), series((r) => r.upperHours)], labels: [''] }];
}

/**
 * When a sensor last took a value and has held it since (e.g. the time a machine's state went to "down"), or null
 * when it does not hold it now: what the failure form proposes as the time of a failure.
 */
export async function heldSince(pool: Pool, ctx: SchemaContext, asset: string, sensor: string, value: number): Promise<number | null> {
  const result = await pool.query<{ since: string | null }>(
    `SELECT extract(epoch FROM min(ts)) * 1000 AS since FROM ${ctx.schema}.twin_readings
      WHERE asset = $1 AND sensor = $2 AND value = $3
        AND ts > COALESCE((SELECT max(ts) FROM ${ctx.schema}.twin_readings WHERE asset = $1 AND sensor = $2 AND value <> $3), '-infinity'::timestamptz)`,
    [asset, sensor, value]);
  const since = result.rows[0]?.since;
  return since === null || since === undefined ? null : Math.round(Number(since));
}

export interface WorkOrderRow {
  id: string;
  asset: string;
  level: string;
  state: string;
  rulHours: number | null;
  message: string;
  openedAt: number;
  updatedAt: number;
  acknowledgedBy: string | null;
  closedAt: number | null;
  closeNote: string | null;
}

export async function workOrders(pool: Pool, ctx: SchemaContext, which: 'open' | 'recent', asset?: string, limit = 50): Promise<WorkOrderRow[]> {
  const result = await pool.query<{ id: string; asset: string; level: string; state: string; rul_hours: number | null; message: string; opened_at: Date;
    updated_at: Date; acknowledged_by: string | null; closed_at: Date | null; close_note: string | null }>(
    `SELECT * FROM ${ctx.schema}.twin_work_orders WHERE ($1::text IS NULL OR asset = $1) AND ($2 = 'recent' OR state <> 'closed')
      ORDER BY CASE level WHEN 'CRITICAL' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END, opened_at DESC LIMIT $3`, [asset ?? null, which, limit]);
  return result.rows.map((r) => ({ id: r.id, asset: r.asset, level: r.level, state: r.state, rulHours: r.rul_hours, message: r.message,
    openedAt: r.opened_at.getTime(), updatedAt: r.updated_at.getTime(), acknowledgedBy: r.acknowledged_by, closedAt: r.closed_at?.getTime() ?? null,
    closeNote: r.close_note }));
}
