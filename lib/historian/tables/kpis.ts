import type { KpiRecord } from '../../kpi/kpi-record';
import type { SchemaContext, Statement, TableModule } from '../schema-context';
import { chunkBySize } from '../statement-size';

/**
 * KPI periods, one row per (asset, period, period start), updated while a period is still filling: twin-kpi reports
 * the open hour every minute and the row converges on its final values. A plain table rather than a hypertable:
 * a year of hourly periods is under 10,000 rows per asset, too few for chunks and compression to pay, and
 * compressed chunks would turn these updates into decompress-and-rewrite work.
 */

type NumericField = { [K in keyof KpiRecord]-?: KpiRecord[K] extends number ? K : KpiRecord[K] extends number | null ? K : never }[keyof KpiRecord];

interface NumericColumn {
  column: string;
  field: NumericField;
  nullable: boolean;
}

const NUMERIC_COLUMNS: readonly NumericColumn[] = [
  ['known_hours', 'knownHours'], ['unknown_hours', 'unknownHours'], ['planned_hours', 'plannedHours'], ['run_hours', 'runHours'],
  ['planned_run_hours', 'plannedRunHours'], ['downtime_hours', 'downtimeHours'], ['failure_hours', 'failureHours'], ['idle_hours', 'idleHours'],
  ['availability', 'availability', true], ['performance', 'performance', true], ['quality', 'quality', true], ['oee', 'oee', true],
  ['parts', 'parts'], ['good', 'good'], ['scrap', 'scrap'], ['scrap_rate', 'scrapRate', true], ['energy_kwh', 'energyKWh'],
  ['energy_per_part_kwh', 'energyPerPartKWh', true], ['failures', 'failures'], ['repairs', 'repairs'], ['repair_hours', 'repairHours'],
  ['mtbf_hours', 'mtbfHours', true], ['mttr_hours', 'mttrHours', true], ['work_orders_opened', 'workOrdersOpened'],
  ['work_orders_closed', 'workOrdersClosed'], ['work_order_hours', 'workOrderHours'], ['work_order_mttr_hours', 'workOrderMttrHours', true],
].map(([column, field, nullable]) => ({ column: column as string, field: field as NumericField, nullable: nullable === true }));

/** A KPI period record as twin-kpi emits it: `kind: 'kpi'` and every field of its type. */
export function isKpiRecord(value: unknown): value is KpiRecord {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  return v.kind === 'kpi' && typeof v.asset === 'string' && typeof v.period === 'string' && typeof v.complete === 'boolean'
    && finite(v.periodStart) && finite(v.periodEnd) && finite(v.ts)
    && NUMERIC_COLUMNS.every((c) => finite(v[c.field]) || (c.nullable && v[c.field] === null));
}

const FIXED_BYTES = 120;

function encodedBytes(record: KpiRecord): number {
  return FIXED_BYTES + NUMERIC_COLUMNS.length * 26 + 2 * (record.asset.length + record.period.length);
}

/** The newest report of each period: one statement may not update the same row twice. */
function newestPerPeriod(records: KpiRecord[]): KpiRecord[] {
  const newest = new Map<string, KpiRecord>();
  for (const record of records) {
    const key = `${record.asset}\u0000${record.period}\u0000${record.periodStart}`;
    const seen = newest.get(key);
    if (!seen || record.ts >= seen.ts) newest.set(key, record);
  }
  return [...newest.values()];
}

const NUMERIC_NAMES = NUMERIC_COLUMNS.map((c) => c.column);

export const kpisTable: TableModule<KpiRecord> = {
  table: 'twin_kpis',
  createStatements(ctx: SchemaContext): string[] {
    const numeric = NUMERIC_COLUMNS.map((c) => `${c.column} double precision${c.nullable ? '' : ' NOT NULL'}`).join(', ');
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_kpis (asset text NOT NULL, period text NOT NULL, period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL, complete boolean NOT NULL, ts timestamptz NOT NULL, ${numeric},
        PRIMARY KEY (asset, period, period_start))`,
      `CREATE INDEX IF NOT EXISTS twin_kpis_start_idx ON ${ctx.schema}.twin_kpis (period_start DESC)`,
    ];
  },
  insertStatements(ctx: SchemaContext, records: KpiRecord[]): Statement[] {
    return chunkBySize(newestPerPeriod(records), encodedBytes, ctx.maxStatementBytes).map((chunk) => {
      const fixed = [chunk.map((r) => r.asset), chunk.map((r) => r.period), chunk.map((r) => r.periodStart), chunk.map((r) => r.periodEnd),
        chunk.map((r) => r.complete), chunk.map((r) => r.ts)];
      const numeric = NUMERIC_COLUMNS.map((c) => chunk.map((r) => r[c.field]));
      const params = NUMERIC_NAMES.map((_, i) => `$${i + 7}::float8[]`).join(', ');
      const aliases = NUMERIC_NAMES.map((_, i) => `n${i}`);
      return {
        text: `INSERT INTO ${ctx.schema}.twin_kpis AS t (asset, period, period_start, period_end, complete, ts, ${NUMERIC_NAMES.join(', ')})
          SELECT a, p, to_timestamp(s / 1000.0), to_timestamp(e / 1000.0), c, to_timestamp(x / 1000.0), ${aliases.join(', ')}
          FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::bool[], $6::float8[], ${params}) AS r(a, p, s, e, c, x, ${aliases.join(', ')})
          ON CONFLICT (asset, period, period_start) DO UPDATE SET period_end = EXCLUDED.period_end, complete = EXCLUDED.complete, ts = EXCLUDED.ts,
            ${NUMERIC_NAMES.map((n) => `${n} = EXCLUDED.${n}`).join(', ')}
          WHERE EXCLUDED.ts >= t.ts`,
        values: [...fixed, ...numeric],
      };
    });
  },
};

export interface KpiPeriodQuery {
  asset: string;
  /** e.g. `1h`; rolling windows overlap, so a baseline is built from bucket periods. */
  period: string;
  from: number;
  to: number;
}

/** Stored periods of an asset starting in [from, to), oldest first: e.g. a savings baseline from before the twin. */
export function kpiPeriodsStatement(ctx: SchemaContext, query: KpiPeriodQuery): Statement {
  return {
    text: `SELECT asset, period, extract(epoch FROM period_start) * 1000 AS period_start, extract(epoch FROM period_end) * 1000 AS period_end,
        complete, extract(epoch FROM ts) * 1000 AS ts, ${NUMERIC_NAMES.join(', ')}
      FROM ${ctx.schema}.twin_kpis WHERE asset = $1 AND period = $2 AND period_start >= to_timestamp($3 / 1000.0) AND period_start < to_timestamp($4 / 1000.0)
      ORDER BY period_start`,
    values: [query.asset, query.period, query.from, query.to],
  };
}

/** A row of kpiPeriodsStatement as the record twin-kpi emitted. */
export function kpiRecordFromRow(row: Record<string, unknown>): KpiRecord {
  const number = (x: unknown): number => Number(x);
  const record: Record<string, unknown> = {
    kind: 'kpi', asset: String(row.asset), period: String(row.period), periodStart: number(row.period_start),
    periodEnd: number(row.period_end), complete: row.complete === true, ts: number(row.ts),
  };
  for (const c of NUMERIC_COLUMNS) record[c.field] = row[c.column] === null ? null : number(row[c.column]);
  return record as unknown as KpiRecord;
}
