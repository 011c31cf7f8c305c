import type { Pool } from 'pg';
import type { SchemaContext } from './schema-context';
import { parseTrendRequest, planTrend, trendStatement, type TrendPlan } from './trend-plan';

/** One sensor's line: [epoch ms, bucket average] pairs, oldest first. */
export interface TrendSeries {
  sensor: string;
  points: Array<[number, number]>;
}

/** A trend chart's data, with the plan that produced it, so the chart can say what it shows (range, table, bucket). */
export interface TrendAnswer extends TrendPlan {
  kind: 'trend';
  series: TrendSeries[];
  /** Points in all series together: never more than maxPoints. */
  points: number;
}

/** Answers a `{trend: {...}}` query of twin-historian (lib/historian/query-request) from the table its plan names. */
export async function queryTrend(pool: Pool, ctx: SchemaContext, input: unknown): Promise<TrendAnswer> {
  const plan = planTrend(parseTrendRequest(input));
  const result = await pool.query<{ ts: string | number; sensor: string; value: string | number }>(trendStatement(ctx, plan));
  const series = plan.sensors.map((sensor): TrendSeries => ({ sensor, points: [] }));
  const bySensor = new Map(series.map((s) => [s.sensor, s]));
  for (const row of result.rows) bySensor.get(row.sensor)?.points.push([Math.round(Number(row.ts)), Number(row.value)]);
  return { kind: 'trend', ...plan, series, points: result.rows.length };
}
