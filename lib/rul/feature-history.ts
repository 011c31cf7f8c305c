import type { Pool } from 'pg';
import type { SchemaContext } from '../historian/schema-context';
import type { TimedVector } from './ground-truth';
import type { FailureEvent } from './records';

/**
 * Reads what a retrain learns from: the stored feature vectors (the features a model needs, one vector per step,
 * averaged within the step) and the failure events, from the historian's database.
 */
export interface HistoryRequest {
  featureNames: readonly string[];
  from: number;
  to: number;
  /** Assets to read; all when absent. */
  assets?: readonly string[];
  /** One vector per this many milliseconds of clock time. */
  stepMs: number;
  /** Refuse rather than read more vectors than this into memory. */
  maxVectors: number;
}

export interface FeatureHistory {
  vectors: Map<string, TimedVector[]>;
  /** Steps left out because a feature was missing in them (e.g. a slope before its window filled). */
  incomplete: number;
}

export async function loadFeatureHistory(pool: Pool, ctx: SchemaContext, request: HistoryRequest): Promise<FeatureHistory> {
  if (request.featureNames.length === 0) throw new Error('no features to read');
  if (!(request.from < request.to)) throw new Error('the history window must start before it ends');
  if (!(request.stepMs > 0)) throw new Error('the step must be a positive number of milliseconds');
  const bucket = ctx.timescale ? 'time_bucket(make_interval(secs => $5), ts)' : "date_bin(make_interval(secs => $5), ts, TIMESTAMPTZ '2000-01-01')";
  const params = [request.featureNames, request.from / 1000, request.to / 1000, request.assets ?? null, request.stepMs / 1000];
  const count = await pool.query<{ n: string }>(
    `SELECT count(DISTINCT (asset, ${bucket}))::bigint AS n FROM ${ctx.schema}.twin_features
      WHERE feature = ANY($1) AND ts >= to_timestamp($2) AND ts < to_timestamp($3) AND ($4::text[] IS NULL OR asset = ANY($4))`, params);
  const steps = Number(count.rows[0]?.n ?? 0);
  if (steps > request.maxVectors) {
    throw new Error(`the history holds ${steps} steps, more than the ${request.maxVectors} allowed in memory: shorten the window or lengthen the step`);
  }
  const result = await pool.query<{ asset: string; ts: string | number; feature: string; value: number }>(
    `SELECT asset, extract(epoch FROM ${bucket}) * 1000 AS ts, feature, avg(value) AS value FROM ${ctx.schema}.twin_features
      WHERE feature = ANY($1) AND ts >= to_timestamp($2) AND ts < to_timestamp($3) AND ($4::text[] IS NULL OR asset = ANY($4))
      GROUP BY 1, 2, 3 ORDER BY 1, 2`, params);
  const vectors = new Map<string, TimedVector[]>();
  let current: TimedVector | undefined;
  let currentAsset = '';
  for (const row of result.rows) {
    const ts = Math.round(Number(row.ts));
    if (!current || current.ts !== ts || currentAsset !== row.asset) {
      current = { ts, features: {} };
      currentAsset = row.asset;
      const list = vectors.get(row.asset) ?? [];
      list.push(current);
      vectors.set(row.asset, list);
    }
    current.features[row.feature] = Number(row.value);
  }
  let incomplete = 0;
  for (const [asset, list] of vectors) {
    const complete = list.filter((v) => request.featureNames.every((name) => Number.isFinite(v.features[name])));
    incomplete += list.length - complete.length;
    vectors.set(asset, complete);
  }
  return { vectors, incomplete };
}

interface FailureRow {
  id: string;
  asset: string;
  component: string;
  outcome: FailureEvent['outcome'];
  failed_at: Date;
  confirmed_by: string;
  notes: string;
  work_order_id: string | null;
  recorded_at: Date;
}

export async function loadFailureEvents(pool: Pool, ctx: SchemaContext, asset?: string, limit = 10_000): Promise<FailureEvent[]> {
  const result = await pool.query<FailureRow>(
    `SELECT * FROM ${ctx.schema}.twin_failure_events WHERE ($1::text IS NULL OR asset = $1) ORDER BY failed_at DESC LIMIT $2`, [asset ?? null, limit]);
  return result.rows.map((r) => ({
    kind: 'failure-event', id: r.id, asset: r.asset, component: r.component, outcome: r.outcome, failedAt: r.failed_at.getTime(),
    confirmedBy: r.confirmed_by, notes: r.notes, workOrderId: r.work_order_id ?? undefined, ts: r.recorded_at.getTime(),
  }));
}
