import type { Pool } from 'pg';
import { loadFailureEvents } from '../rul/feature-history';
import { listModels } from '../rul/registry';
import { heldSince, rulChartData, rulHistory, workOrders } from './maintenance-queries';
import { activeAlerts, parseHistoryQuery, queryHistory, toChartData } from './query';
import type { SchemaContext } from './schema-context';
import { alarmJournalFromRow, alarmJournalStatement } from './tables/alarm-journal';
import { alarmKpiFromRow, alarmKpisStatement } from './tables/alarm-kpis';
import { queryTrend } from './trend-query';

/**
 * Answers a query message of twin-historian in query mode, by what it asks for:
 * `{asset, sensor | sensors, from, to, bucketS}` readings; `{alerts: 'active'}`; `{rul: <asset>, from, to}` the RUL
 * trend; `{workOrders: 'open' | 'recent'}`; `{failureEvents: 'recent'}`; `{models: 'recent'}` the model registry;
 * `{heldSince: <asset>, sensor, value}` since when a sensor has held a value (a machine's state "down");
 * `{alarmJournal: 'recent', position?, asset?, from?, to?, limit?}` the alarm journal, newest first;
 * `{alarmKpis: <position> | 'all', from, to?}` the hourly alarm load;
 * `{trend: {asset, sensors, from, to, maxPoints?, requestId?}}` a trend chart's bucket averages (lib/historian/trend-plan).
 */
export async function answerQuery(pool: Pool, ctx: SchemaContext, request: unknown, output: 'rows' | 'chart'): Promise<{ payload: unknown; count: number }> {
  const r = (request && typeof request === 'object' ? request : {}) as Record<string, unknown>;
  const asset = typeof r.asset === 'string' && r.asset ? r.asset : undefined;
  const limit = Number(r.limit) > 0 ? Number(r.limit) : undefined;
  const listed = (rows: unknown[]) => ({ payload: rows, count: rows.length });
  if (r.alerts === 'active') return listed(await activeAlerts(pool, ctx, asset));
  if (r.workOrders === 'open' || r.workOrders === 'recent') return listed(await workOrders(pool, ctx, r.workOrders, asset, limit));
  if (r.failureEvents !== undefined) return listed(await loadFailureEvents(pool, ctx, asset, limit ?? 50));
  if (r.models !== undefined) return listed(await listModels(pool, ctx, limit ?? 20));
  if (r.trend !== undefined) {
    const trend = await queryTrend(pool, ctx, r.trend);
    return { payload: trend, count: trend.points };
  }
  if (r.alarmJournal !== undefined) {
    const number = (x: unknown): number | undefined => (x === undefined || x === null || x === '' ? undefined : Number(x));
    const [from, to] = [number(r.from), number(r.to)];
    if ((from !== undefined && !Number.isFinite(from)) || (to !== undefined && !Number.isFinite(to))) throw new Error('an alarm journal query needs from and to in epoch milliseconds');
    const position = typeof r.position === 'string' && r.position ? r.position : undefined;
    const result = await pool.query(alarmJournalStatement(ctx, { position, asset, from, to, limit: Math.min(limit ?? 200, 5000) }));
    return listed(result.rows.map(alarmJournalFromRow));
  }
  if (r.alarmKpis !== undefined) {
    const to = r.to === undefined ? Date.now() : Number(r.to);
    const from = Number(r.from);
    if (typeof r.alarmKpis !== 'string' || !Number.isFinite(from) || !Number.isFinite(to) || !(from < to)) {
      throw new Error('an alarm KPI query needs alarmKpis: <position> or "all", and from < to in epoch milliseconds');
    }
    const result = await pool.query(alarmKpisStatement(ctx, r.alarmKpis === 'all' ? undefined : r.alarmKpis, from, to));
    return listed(result.rows.map(alarmKpiFromRow));
  }
  if (r.heldSince !== undefined) {
    const value = Number(r.value);
    if (typeof r.heldSince !== 'string' || typeof r.sensor !== 'string' || !Number.isFinite(value)) throw new Error('a heldSince query needs heldSince: <asset>, sensor and a numeric value');
    const since = await heldSince(pool, ctx, r.heldSince, r.sensor, value);
    return { payload: { asset: r.heldSince, sensor: r.sensor, value, since }, count: since === null ? 0 : 1 };
  }
  if (r.rul !== undefined) {
    if (typeof r.rul !== 'string' || !r.rul) throw new Error('a RUL history query needs rul: <asset id>');
    const to = r.to === undefined ? Date.now() : Number(r.to);
    const from = Number(r.from);
    if (!Number.isFinite(from) || !Number.isFinite(to) || !(from < to)) throw new Error('a RUL history query needs from < to, in epoch milliseconds');
    const rows = await rulHistory(pool, ctx, r.rul, from, to, limit);
    return { payload: output === 'chart' ? rulChartData(rows) : rows, count: rows.length };
  }
  const query = parseHistoryQuery(request);
  const rows = await queryHistory(pool, ctx, query);
  return { payload: output === 'chart' ? toChartData(rows, query.sensors) : rows, count: rows.length };
}
