import { SETPOINT_ACTIONS, type SetpointAuditRecord } from '../../setpoint/setpoint-audit';
import type { SchemaContext, Statement, TableModule } from '../schema-context';
import { chunkBySize } from '../statement-size';

/** An audit record as twin-setpoint emits it: `kind: 'setpoint-audit'` and every field of its type. */
export function isSetpointAuditRecord(value: unknown): value is SetpointAuditRecord {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const text = (x: unknown): boolean => typeof x === 'string';
  const optionalText = (x: unknown): boolean => x === null || typeof x === 'string';
  const optionalNumber = (x: unknown): boolean => x === null || (typeof x === 'number' && Number.isFinite(x));
  return v.kind === 'setpoint-audit' && text(v.id) && typeof v.ts === 'number' && Number.isFinite(v.ts) && text(v.asset) && text(v.sensor)
    && SETPOINT_ACTIONS.includes(v.action as SetpointAuditRecord['action']) && text(v.requestId)
    && optionalText(v.requestedBy) && optionalText(v.approvedBy) && optionalText(v.reason) && optionalText(v.detail)
    && optionalNumber(v.before) && optionalNumber(v.after);
}

function encodedBytes(r: SetpointAuditRecord): number {
  const texts = [r.id, r.asset, r.sensor, r.action, r.requestId, r.requestedBy, r.approvedBy, r.reason, r.detail];
  return 120 + texts.reduce((sum, t) => sum + 2 * (t?.length ?? 4) + 4, 0);
}

/**
 * The setpoint audit trail: append-only, one row per record id (the primary key), so records replayed through the
 * store-and-forward buffer are skipped. A plain table: a few records per setpoint change, read by time and asset.
 */
export const setpointAuditTable: TableModule<SetpointAuditRecord> = {
  table: 'twin_setpoint_audit',
  createStatements(ctx: SchemaContext): string[] {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_setpoint_audit (id text PRIMARY KEY, ts timestamptz NOT NULL, asset text NOT NULL,
        sensor text NOT NULL, action text NOT NULL, request_id text NOT NULL, requested_by text, approved_by text, reason text,
        before_value double precision, after_value double precision, detail text)`,
      `CREATE INDEX IF NOT EXISTS twin_setpoint_audit_asset_idx ON ${ctx.schema}.twin_setpoint_audit (asset, sensor, ts DESC)`,
    ];
  },
  insertStatements(ctx: SchemaContext, rows: SetpointAuditRecord[]): Statement[] {
    return chunkBySize(rows, encodedBytes, ctx.maxStatementBytes).map((chunk) => ({
      text: `INSERT INTO ${ctx.schema}.twin_setpoint_audit (id, ts, asset, sensor, action, request_id, requested_by, approved_by, reason,
          before_value, after_value, detail)
        SELECT i, to_timestamp(t / 1000.0), a, s, ac, rq, rb, ab, re, b, af, d
        FROM unnest($1::text[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
          $10::float8[], $11::float8[], $12::text[]) AS r(i, t, a, s, ac, rq, rb, ab, re, b, af, d)
        ON CONFLICT (id) DO NOTHING`,
      values: [chunk.map((r) => r.id), chunk.map((r) => r.ts), chunk.map((r) => r.asset), chunk.map((r) => r.sensor),
        chunk.map((r) => r.action), chunk.map((r) => r.requestId), chunk.map((r) => r.requestedBy), chunk.map((r) => r.approvedBy),
        chunk.map((r) => r.reason), chunk.map((r) => r.before), chunk.map((r) => r.after), chunk.map((r) => r.detail)],
    }));
  },
};
