import { JOURNAL_ACTIONS, type AlarmJournalRecord } from '../../alarm/alarm-journal';
import type { SchemaContext, Statement, TableModule } from '../schema-context';
import { chunkBySize } from '../statement-size';

/** A journal record as twin-alarms emits it: `kind: 'alarm-journal'` and every field of its type. */
export function isAlarmJournalRecord(value: unknown): value is AlarmJournalRecord {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const text = (x: unknown): boolean => typeof x === 'string';
  const optionalText = (x: unknown): boolean => x === null || typeof x === 'string';
  const optionalNumber = (x: unknown): boolean => x === null || (typeof x === 'number' && Number.isFinite(x));
  return v.kind === 'alarm-journal' && text(v.id) && typeof v.ts === 'number' && Number.isFinite(v.ts) && text(v.position) && text(v.asset)
    && text(v.sensor) && text(v.alarm) && JOURNAL_ACTIONS.includes(v.action as AlarmJournalRecord['action']) && text(v.message)
    && optionalText(v.alertId) && optionalText(v.state) && optionalText(v.priority) && optionalText(v.by) && optionalText(v.reason)
    && optionalNumber(v.until) && optionalNumber(v.value);
}

const TEXT_FIELDS = ['id', 'position', 'asset', 'sensor', 'alarm', 'alertId', 'action', 'state', 'priority', 'by', 'reason', 'message'] as const;

function encodedBytes(r: AlarmJournalRecord): number {
  return 100 + TEXT_FIELDS.reduce((sum, f) => sum + 2 * ((r[f] as string | null)?.length ?? 4) + 4, 0);
}

/**
 * The alarm journal: append-only, one row per record id (the primary key), so records replayed through the
 * store-and-forward buffer are stored once. A plain table: an audit trail read by time, asset and person.
 */
export const alarmJournalTable: TableModule<AlarmJournalRecord> = {
  table: 'twin_alarm_journal',
  createStatements(ctx: SchemaContext): string[] {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_alarm_journal (id text PRIMARY KEY, ts timestamptz NOT NULL, position text NOT NULL,
        asset text NOT NULL, sensor text NOT NULL, alarm text NOT NULL, alert_id text, action text NOT NULL, state text, priority text,
        by_user text, reason text, until timestamptz, value double precision, message text NOT NULL DEFAULT '')`,
      `CREATE INDEX IF NOT EXISTS twin_alarm_journal_ts_idx ON ${ctx.schema}.twin_alarm_journal (ts DESC)`,
      `CREATE INDEX IF NOT EXISTS twin_alarm_journal_asset_idx ON ${ctx.schema}.twin_alarm_journal (asset, ts DESC)`,
    ];
  },
  insertStatements(ctx: SchemaContext, rows: AlarmJournalRecord[]): Statement[] {
    return chunkBySize(rows, encodedBytes, ctx.maxStatementBytes).map((chunk) => ({
      text: `INSERT INTO ${ctx.schema}.twin_alarm_journal (id, ts, position, asset, sensor, alarm, alert_id, action, state, priority, by_user, reason,
          until, value, message)
        SELECT i, to_timestamp(t / 1000.0), p, a, s, al, ai, ac, st, pr, b, re, to_timestamp(u / 1000.0), v, m
        FROM unnest($1::text[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
          $11::text[], $12::text[], $13::float8[], $14::float8[], $15::text[]) AS x(i, t, p, a, s, al, ai, ac, st, pr, b, re, u, v, m)
        ON CONFLICT (id) DO NOTHING`,
      values: [chunk.map((r) => r.id), chunk.map((r) => r.ts), chunk.map((r) => r.position), chunk.map((r) => r.asset), chunk.map((r) => r.sensor),
        chunk.map((r) => r.alarm), chunk.map((r) => r.alertId), chunk.map((r) => r.action), chunk.map((r) => r.state), chunk.map((r) => r.priority),
        chunk.map((r) => r.by), chunk.map((r) => r.reason), chunk.map((r) => r.until), chunk.map((r) => r.value), chunk.map((r) => r.message)],
    }));
  },
};

export interface AlarmJournalQuery {
  position?: string;
  asset?: string;
  from?: number;
  to?: number;
  limit: number;
}

/** Journal lines, newest first, as the records twin-alarms emitted. */
export function alarmJournalStatement(ctx: SchemaContext, query: AlarmJournalQuery): Statement {
  return {
    text: `SELECT id, extract(epoch FROM ts) * 1000 AS ts, position, asset, sensor, alarm, alert_id, action, state, priority, by_user, reason,
        extract(epoch FROM until) * 1000 AS until, value, message
      FROM ${ctx.schema}.twin_alarm_journal
      WHERE ($1::text IS NULL OR position = $1) AND ($2::text IS NULL OR asset = $2)
        AND ($3::float8 IS NULL OR ts >= to_timestamp($3 / 1000.0)) AND ($4::float8 IS NULL OR ts <= to_timestamp($4 / 1000.0))
      ORDER BY ts DESC, id LIMIT $5`,
    values: [query.position ?? null, query.asset ?? null, query.from ?? null, query.to ?? null, query.limit],
  };
}

export function alarmJournalFromRow(row: Record<string, unknown>): AlarmJournalRecord {
  const text = (x: unknown): string | null => (x === null || x === undefined ? null : String(x));
  const number = (x: unknown): number | null => (x === null || x === undefined ? null : Number(x));
  return {
    kind: 'alarm-journal', id: String(row.id), ts: Math.round(Number(row.ts)), position: String(row.position), asset: String(row.asset),
    sensor: String(row.sensor), alarm: String(row.alarm), alertId: text(row.alert_id), action: String(row.action) as AlarmJournalRecord['action'],
    state: text(row.state) as AlarmJournalRecord['state'], priority: text(row.priority) as AlarmJournalRecord['priority'], by: text(row.by_user),
    reason: text(row.reason), until: row.until === null || row.until === undefined ? null : Math.round(Number(row.until)), value: number(row.value),
    message: String(row.message ?? ''),
  };
}
