import type { Pool } from 'pg';
import { loadFailureEvents } from '../rul/feature-history';
import { listModels } from '../rul/registry';
import { heldSince, rulChartData, rulHistory, workOrders } from './maintenance-queries';
import { activeAlerts, parseHistoryQuery, queryHistory, toChartData } from './query';
import type { SchemaContext } from './schema-context';

/**
 * Answers a query message of twin-historian in query mode, by what it asks for:
 * `{asset, sensor | sensors, from, to, bucketS}` readings; `{alerts: 'active'}`; `{rul: <asset>, from, to}` the RUL
 * trend; `{workOrders: 'open' | 'recent'}`; `{failureEvents: 'recent'}`; `{models: 'recent'}` the model registry;
 * `{heldSince: <asset>, sensor, value}` since when a sensor has held a value (a machine's state "down").
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
