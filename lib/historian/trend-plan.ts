import type { SchemaContext, Statement } from './schema-context';

/**
 * How a trend chart's query is built: which table answers a time range, how wide its buckets are, and how many points
 * it may return. A chart never carries more than `maxPoints` points in all (series together), whatever range an
 * operator picks or zooms to: the database averages the readings into buckets wide enough for that, so 90 days cost
 * the browser no more than an hour.
 */

/** The ranges the Trends tab offers, shortest first. */
export const TREND_RANGES: ReadonlyArray<{ label: string; ms: number }> = [
  { label: '1 h', ms: 3_600_000 },
  { label: '8 h', ms: 8 * 3_600_000 },
  { label: '24 h', ms: 24 * 3_600_000 },
  { label: '7 d', ms: 7 * 86_400_000 },
  { label: '30 d', ms: 30 * 86_400_000 },
  { label: '90 d', ms: 90 * 86_400_000 },
];

/** Enough for a sharp line across a wide screen, few enough for a browser to draw at once. */
export const DEFAULT_TREND_POINTS = 2000;
/** A request asking for more is cut to this. */
export const MAX_TREND_POINTS = 10_000;
/** The narrowest a zoom may go: below, a chart of averaged buckets shows nothing a raw table would not. */
export const MIN_TREND_SPAN_MS = 60_000;
/** The longest range served, a little over the longest offered, for a zoom-out beyond it. */
export const MAX_TREND_SPAN_MS = 400 * 86_400_000;
export const MAX_TREND_SENSORS = 8;

/**
 * Bucket widths a chart's time axis reads well in (seconds). From a minute up they are whole minutes, so the
 * 1-minute rollup can answer them exactly.
 */
const BUCKETS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/** The 1-minute rollup answers buckets of a minute or more; shorter buckets need the raw readings. */
export type TrendSource = 'twin_readings' | 'twin_readings_1m';

export interface TrendRequest {
  asset: string;
  sensors: string[];
  from: number;
  to: number;
  maxPoints: number;
  /** The browser's number for this request, echoed so it can drop answers to ranges it has left. */
  requestId: string | null;
}

export interface TrendPlan extends TrendRequest {
  source: TrendSource;
  bucketS: number;
  /** Points each series may have: maxPoints shared among the sensors. */
  perSeries: number;
}

function epochMs(value: unknown, name: string): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(ms)) throw new Error(`a trend query needs ${name} in epoch milliseconds, got ${JSON.stringify(value)}`);
  return ms;
}

/** Validates a trend request as it arrives in a message; throws an Error that says what to fix. */
export function parseTrendRequest(input: unknown): TrendRequest {
  if (!input || typeof input !== 'object') throw new Error('a trend query needs {trend: {asset, sensors, from, to, maxPoints?}}');
  const r = input as Record<string, unknown>;
  if (typeof r.asset !== 'string' || r.asset === '') throw new Error('a trend query needs an asset id');
  const sensors = (Array.isArray(r.sensors) ? r.sensors : typeof r.sensor === 'string' ? [r.sensor] : [])
    .filter((s): s is string => typeof s === 'string' && s !== '');
  if (sensors.length === 0) throw new Error('a trend query needs at least one sensor');
  if (sensors.length > MAX_TREND_SENSORS) throw new Error(`a trend shows at most ${MAX_TREND_SENSORS} sensors, ${sensors.length} were asked for`);
  const from = epochMs(r.from, 'from');
  const to = epochMs(r.to, 'to');
  if (!(from < to)) throw new Error('a trend query needs from before to');
  if (to - from > MAX_TREND_SPAN_MS) throw new Error(`a trend spans at most ${MAX_TREND_SPAN_MS / 86_400_000} days`);
  const asked = r.maxPoints === undefined || r.maxPoints === null || r.maxPoints === '' ? DEFAULT_TREND_POINTS : Number(r.maxPoints);
  if (!(Number.isFinite(asked) && asked >= sensors.length * 2)) throw new Error(`maxPoints must be a number of at least 2 per sensor, got ${JSON.stringify(r.maxPoints)}`);
  const requestId = typeof r.requestId === 'string' || typeof r.requestId === 'number' ? String(r.requestId) : null;
  return { asset: r.asset, sensors: [...new Set(sensors)], from, to, maxPoints: Math.min(Math.floor(asked), MAX_TREND_POINTS), requestId };
}

/**
 * The plan for a request: the narrowest readable bucket with which each series stays within its share of the points
 * (a range of n buckets can touch n + 1 of them), and the table that answers it. A range narrower than a minute is
 * widened around its middle, so a zoom always shows something.
 */
export function planTrend(request: TrendRequest): TrendPlan {
  let { from, to } = request;
  if (to - from < MIN_TREND_SPAN_MS) {
    const middle = (from + to) / 2;
    from = Math.round(middle - MIN_TREND_SPAN_MS / 2);
    to = from + MIN_TREND_SPAN_MS;
  }
  const perSeries = Math.floor(request.maxPoints / request.sensors.length);
  const neededS = (to - from) / 1000 / (perSeries - 1);
  const bucketS = BUCKETS_S.find((b) => b >= neededS) ?? Math.ceil(neededS / 86400) * 86400;
  return { ...request, from, to, perSeries, bucketS, source: bucketS >= 60 ? 'twin_readings_1m' : 'twin_readings' };
}

/**
 * The SQL of a plan: bucket averages of each sensor, oldest first. The rollup's minute averages are weighted by their
 * counts, so a bucket's value is the mean of its readings either way. The LIMIT holds the cap even if the buckets
 * were to fall differently than planned.
 */
export function trendStatement(ctx: SchemaContext, plan: TrendPlan): Statement {
  const bucketOf = (column: string): string => (ctx.timescale
    ? `time_bucket(make_interval(secs => $5), ${column})`
    : `date_bin(make_interval(secs => $5), ${column}, TIMESTAMPTZ '2000-01-01')`);
  const values = [plan.asset, plan.sensors, plan.from / 1000, plan.to / 1000, plan.bucketS, plan.perSeries * plan.sensors.length];
  const text = plan.source === 'twin_readings_1m'
    ? `SELECT extract(epoch FROM ${bucketOf('bucket')}) * 1000 AS ts, sensor, sum(avg * count) / sum(count) AS value
        FROM ${ctx.schema}.twin_readings_1m WHERE asset = $1 AND sensor = ANY($2) AND bucket >= to_timestamp($3) AND bucket <= to_timestamp($4)
        GROUP BY 1, 2 ORDER BY 1, 2 LIMIT $6`
    : `SELECT extract(epoch FROM ${bucketOf('ts')}) * 1000 AS ts, sensor, avg(value) AS value
        FROM ${ctx.schema}.twin_readings WHERE asset = $1 AND sensor = ANY($2) AND ts >= to_timestamp($3) AND ts <= to_timestamp($4)
        GROUP BY 1, 2 ORDER BY 1, 2 LIMIT $6`;
  return { text, values };
}
