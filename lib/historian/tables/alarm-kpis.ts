import type { AlarmKpiRecord } from '../../alarm/alarm-rate';
import type { SchemaContext, Statement, TableModule } from '../schema-context';
import { chunkBySize } from '../statement-size';

/** An hourly alarm-load record as twin-alarms emits it: `kind: 'alarm-kpi'` and every field of its type. */
export function isAlarmKpiRecord(value: unknown): value is AlarmKpiRecord {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  return v.kind === 'alarm-kpi' && typeof v.position === 'string' && typeof v.asset === 'string' && typeof v.complete === 'boolean'
    && finite(v.periodStart) && finite(v.periodEnd) && finite(v.ts) && finite(v.alarms) && finite(v.peak10Min) && finite(v.floodPeriods)
    && Array.isArray(v.badActors);
}

/** The newest report of each hour: one statement may not update the same row twice. */
function newestPerHour(records: AlarmKpiRecord[]): AlarmKpiRecord[] {
  const newest = new Map<string, AlarmKpiRecord>();
  for (const r of records) {
    const key = `${r.position}\u0000${r.asset}\u0000${r.periodStart}`;
    const seen = newest.get(key);
    if (!seen || r.ts >= seen.ts) newest.set(key, r);
  }
  return [...newest.values()];
}

function encodedBytes(r: AlarmKpiRecord): number {
  return 160 + 2 * (r.position.length + r.asset.length) + JSON.stringify(r.badActors).length * 2;
}

/**
 * Alarm load per operator position (asset '') and per asset, one row per hour, updated while the hour fills (like
 * twin_kpis): the alarms shown, the busiest 10 minutes, the 10-minute periods in flood and the hour's bad actors.
 */
export const alarmKpisTable: TableModule<AlarmKpiRecord> = {
  table: 'twin_alarm_kpis',
  createStatements(ctx: SchemaContext): string[] {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_alarm_kpis (position text NOT NULL, asset text NOT NULL, period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL, complete boolean NOT NULL, ts timestamptz NOT NULL, alarms integer NOT NULL, peak_10min integer NOT NULL,
        flood_periods integer NOT NULL, bad_actors jsonb NOT NULL DEFAULT '[]', PRIMARY KEY (position, asset, period_start))`,
    ];
  },
  insertStatements(ctx: SchemaContext, records: AlarmKpiRecord[]): Statement[] {
    return chunkBySize(newestPerHour(records), encodedBytes, ctx.maxStatementBytes).map((chunk) => ({
      text: `INSERT INTO ${ctx.schema}.twin_alarm_kpis AS t (position, asset, period_start, period_end, complete, ts, alarms, peak_10min, flood_periods, bad_actors)
        SELECT p, a, to_timestamp(s / 1000.0), to_timestamp(e / 1000.0), c, to_timestamp(x / 1000.0), n, pk, f, b::jsonb
        FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::bool[], $6::float8[], $7::int[], $8::int[], $9::int[], $10::text[])
          AS r(p, a, s, e, c, x, n, pk, f, b)
        ON CONFLICT (position, asset, period_start) DO UPDATE SET period_end = EXCLUDED.period_end, complete = EXCLUDED.complete, ts = EXCLUDED.ts,
          alarms = EXCLUDED.alarms, peak_10min = EXCLUDED.peak_10min, flood_periods = EXCLUDED.flood_periods, bad_actors = EXCLUDED.bad_actors
        WHERE EXCLUDED.ts >= t.ts`,
      values: [chunk.map((r) => r.position), chunk.map((r) => r.asset), chunk.map((r) => r.periodStart), chunk.map((r) => r.periodEnd),
        chunk.map((r) => r.complete), chunk.map((r) => r.ts), chunk.map((r) => r.alarms), chunk.map((r) => r.peak10Min), chunk.map((r) => r.floodPeriods),
        chunk.map((r) => JSON.stringify(r.badActors))],
    }));
  },
};

/** Hourly records of a position (and its assets) starting in [from, to), oldest first. */
export function alarmKpisStatement(ctx: SchemaContext, position: string | undefined, from: number, to: number): Statement {
  return {
    text: `SELECT position, asset, extract(epoch FROM period_start) * 1000 AS period_start, extract(epoch FROM period_end) * 1000 AS period_end,
        complete, extract(epoch FROM ts) * 1000 AS ts, alarms, peak_10min, flood_periods, bad_actors
      FROM ${ctx.schema}.twin_alarm_kpis WHERE ($1::text IS NULL OR position = $1)
        AND period_start >= to_timestamp($2 / 1000.0) AND period_start < to_timestamp($3 / 1000.0)
      ORDER BY period_start, asset`,
    values: [position ?? null, from, to],
  };
}

export function alarmKpiFromRow(row: Record<string, unknown>): AlarmKpiRecord {
  return {
    kind: 'alarm-kpi', position: String(row.position), asset: String(row.asset), periodStart: Math.round(Number(row.period_start)),
    periodEnd: Math.round(Number(row.period_end)), complete: row.complete === true, ts: Math.round(Number(row.ts)), alarms: Number(row.alarms),
    peak10Min: Number(row.peak_10min), floodPeriods: Number(row.flood_periods), badActors: row.bad_actors as AlarmKpiRecord['badActors'],
  };
}
