import type { Pool, PoolClient } from 'pg';
import type { SchemaContext } from '../historian/schema-context';
import { modelsTable, type ModelEntry, type ModelStatus } from '../historian/tables/models';

/**
 * The model registry in the historian's database: every trained model with its data window and held-out figures,
 * and at most one promoted at a time — the one the twin scores with. Promotion is one transaction, so a reader
 * never sees two models in use or none.
 */
export type ModelSummary = Omit<ModelEntry, 'onnx'> & { promotedAt: number | null; onnxBytes: number };

interface ModelRow {
  version: string;
  created_at: Date;
  trained_at: Date;
  data_from: Date | null;
  data_to: Date | null;
  training_rows: number;
  training_units: number;
  validation_units: string[];
  metrics: Record<string, number | string | null>;
  feature_names: string[];
  status: ModelStatus;
  promoted_at: Date | null;
  note: string;
  onnx_bytes: number;
}

function summary(row: ModelRow): ModelSummary {
  return {
    version: row.version, createdAt: row.created_at.getTime(), trainedAt: row.trained_at.getTime(),
    dataFrom: row.data_from?.getTime() ?? null, dataTo: row.data_to?.getTime() ?? null, trainingRows: row.training_rows,
    trainingUnits: row.training_units, validationUnits: row.validation_units, metrics: row.metrics, featureNames: row.feature_names,
    status: row.status, promotedAt: row.promoted_at?.getTime() ?? null, note: row.note, onnxBytes: row.onnx_bytes,
  };
}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function retireOthers(client: PoolClient, ctx: SchemaContext, version: string): Promise<void> {
  await client.query(`UPDATE ${ctx.schema}.twin_models SET status = 'retired' WHERE status = 'promoted' AND version <> $1`, [version]);
}

/** Stores a model; with status 'promoted' it replaces the one in use in the same transaction. */
export async function registerModel(pool: Pool, ctx: SchemaContext, entry: ModelEntry): Promise<void> {
  await inTransaction(pool, async (client) => {
    if (entry.status === 'promoted') await retireOthers(client, ctx, entry.version);
    for (const statement of modelsTable.insertStatements(ctx, [entry])) await client.query(statement);
  });
}

export async function promoteModel(pool: Pool, ctx: SchemaContext, version: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    const found = await client.query(`UPDATE ${ctx.schema}.twin_models SET status = 'promoted', promoted_at = now() WHERE version = $1`, [version]);
    if (!found.rowCount) throw new Error(`no model "${version}" in the registry`);
    await retireOthers(client, ctx, version);
  });
}

const COLUMNS = `version, created_at, trained_at, data_from, data_to, training_rows, training_units, validation_units, metrics,
  feature_names, status, promoted_at, note, onnx_bytes`;

/** The promoted model, or undefined while the registry has none. */
export async function promotedModel(pool: Pool, ctx: SchemaContext): Promise<ModelSummary | undefined> {
  const result = await pool.query<ModelRow>(`SELECT ${COLUMNS} FROM ${ctx.schema}.twin_models WHERE status = 'promoted' ORDER BY promoted_at DESC LIMIT 1`);
  return result.rows[0] ? summary(result.rows[0]) : undefined;
}

export async function listModels(pool: Pool, ctx: SchemaContext, limit = 20): Promise<ModelSummary[]> {
  const result = await pool.query<ModelRow>(`SELECT ${COLUMNS} FROM ${ctx.schema}.twin_models ORDER BY created_at DESC LIMIT $1`, [limit]);
  return result.rows.map(summary);
}

/** The ONNX bytes of a registered model, checked against the length recorded with it. */
export async function modelBytes(pool: Pool, ctx: SchemaContext, version: string): Promise<Uint8Array> {
  const meta = await pool.query<{ onnx_bytes: number }>(`SELECT onnx_bytes FROM ${ctx.schema}.twin_models WHERE version = $1`, [version]);
  if (!meta.rows[0]) throw new Error(`no model "${version}" in the registry`);
  const chunks = await pool.query<{ bytes: Buffer }>(`SELECT bytes FROM ${ctx.schema}.twin_model_chunks WHERE version = $1 ORDER BY seq`, [version]);
  const bytes = Buffer.concat(chunks.rows.map((r) => r.bytes));
  if (bytes.length !== meta.rows[0].onnx_bytes) throw new Error(`model "${version}" is incomplete in the registry (${bytes.length} of ${meta.rows[0].onnx_bytes} bytes)`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
