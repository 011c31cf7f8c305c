import type { Pool } from 'pg';
import type { SchemaContext } from './schema-context';

export interface HistoryQuery {
  asset: string;
  sensors: string[];
  from: number;
  to: number;
  /** Average over buckets of this many seconds; raw rows when absent. */
  bucketS?: number;
  limit?: number;
}

export interface HistoryRow {
  ts: number;
  asset: string;
  sensor: string;
  value: number;
}

const DEFAULT_LIMIT = 100000;

function epoch(value: unknown, name: string): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value instanceof Date ? value.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new Error(`${name} must be epoch milliseconds or an ISO date, got ${JSON.stringify(value)}`);
  return ms;
}

/** Validates a query as it arrives in a message; throws an Error that says what to fix. */
export function parseHistoryQuery(input: unknown): HistoryQuery {
  if (!input || typeof input !== 'object') throw new Error('a history query needs {asset, sensor | sensors, from, to}');
  const q = input as Record<string, unknown>;
  if (typeof q.asset !== 'string' || !q.asset) throw new Error('a history query needs an asset id');
  const sensors = Array.isArray(q.sensors) ? q.sensors.map(String) : typeof q.sensor === 'string' ? [q.sensor] : [];
  if (sensors.length === 0) throw new Error('a history query needs sensor (a sensor id) or sensors (an array)');
  const from = epoch(q.from, 'from');
  const to = q.to === undefined ? Date.now() : epoch(q.to, 'to');
  if (!(from < to)) throw new Error('from must be before to');
  const bucketS = q.bucketS === undefined ? undefined : Number(q.bucketS);
  if (bucketS !== undefined && !(bucketS > 0)) throw new Error('bucketS must be a positive number of seconds');
  const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
  if (!(limit > 0)) throw new Error('limit must be positive');
  return { asset: q.asset, sensors, from, to, bucketS, limit };
}

/**
 * History of some sensors of an asset. Buckets of a minute or more read the 1-minute rollup; shorter buckets
 * use time_bucket on TimescaleDB and date_bin on plain PostgreSQL.
 */
export async function queryHistory(pool: Pool, ctx: SchemaContext, query: HistoryQuery): Promise<HistoryRow[]> {
  const params = [query.asset, query.sensors, query.from / 1000, query.to / 1000, query.limit ?? DEFAULT_LIMIT];
  let sql: string;
  if (query.bucketS === undefined) {
    sql = `SELECT extract(epoch FROM ts) * 1000 AS ts, asset, sensor, value FROM ${ctx.schema}.twin_readings
      WHERE asset = $1 AND sensor = ANY($2) AND ts >= to_timestamp($3) AND ts <= to_timestamp($4) ORDER BY ts LIMIT $5`;
  } else {
    const bucket = ctx.timescale ? 'time_bucket(make_interval(secs => $6), %s)' : "date_bin(make_interval(secs => $6), %s, TIMESTAMPTZ '2000-01-01')";
    params.push(query.bucketS);
    sql = query.bucketS >= 60
      ? `SELECT extract(epoch FROM ${bucket.replace('%s', 'bucket')}) * 1000 AS ts, asset, sensor, sum(avg * count) / sum(count) AS value
          FROM ${ctx.schema}.twin_readings_1m WHERE asset = $1 AND sensor = ANY($2) AND bucket >= to_timestamp($3) AND bucket <= to_timestamp($4)
          GROUP BY 1, 2, 3 ORDER BY 1 LIMIT $5`
      : `SELECT extract(epoch FROM ${bucket.replace('%s', 'ts')}) * 1000 AS ts, asset, sensor, avg(value) AS value
          FROM ${ctx.schema}.twin_readings WHERE asset = $1 AND sensor = ANY($2) AND ts >= to_timestamp($3) AND ts <= to_timestamp($4)
          GROUP BY 1, 2, 3 ORDER BY 1 LIMIT $5`;
  }
  const result = await pool.query<{ ts: string | number; asset: string; sensor: string; value: string | number }>(sql, params);
  return result.rows.map((r) => ({ ts: Math.round(Number(r.ts)), asset: r.asset, sensor: r.sensor, value: Number(r.value) }));
}

/** node-red-dashboard (v1) ui_chart data: one series per sensor. */
export function toChartData(rows: HistoryRow[], sensors: string[]): Array<{ series: string[]; data: Array<Array<{ x: number; y: number }>>; labels: string[] }> {
  const data = sensors.map((sensor) => rows.filter((r) => r.sensor === sensor).map((r) => ({ x: r.ts, y: r.value })));
  return [{ series: sensors, data, labels: [''] }];
}

export interface ActiveAlertRow {
  id: string;
  asset: string;
  sensor: string;
  level: string;
  state: string;
  value: number | null;
  limit: number | null;
  unit: string;
  message: string;
  raisedAt: number;
}

export async function activeAlerts(pool: Pool, ctx: SchemaContext, asset?: string): Promise<ActiveAlertRow[]> {
  const result = await pool.query<{ id: string; asset: string; sensor: string; level: string; state: string; value: number | null;
    limit_value: number | null; unit: string; message: string; raised_at: Date }>(
    `SELECT * FROM ${ctx.schema}.twin_alerts WHERE state <> 'cleared' AND ($1::text IS NULL OR asset = $1) ORDER BY raised_at DESC`, [asset ?? null]);
  return result.rows.map((r) => ({ id: r.id, asset: r.asset, sensor: r.sensor, level: r.level, state: r.state, value: r.value,
    limit: r.limit_value, unit: r.unit, message: r.message, raisedAt: r.raised_at.getTime() }));
}
