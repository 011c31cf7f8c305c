import type { SchemaContext, Statement, TableModule } from '../schema-context';

/**
 * Model bytes go in pieces: the embedded server drops any protocol message over 64 KiB, and a model of a few hundred
 * trees is hundreds of kB. Each piece is one row, read back in order.
 */
const CHUNK_BYTES = 32_000;

export type ModelStatus = 'candidate' | 'promoted' | 'rejected' | 'retired';

/** One trained model in the registry: its ONNX bytes, where its data came from, and how it did on held-out assets. */
export interface ModelEntry {
  version: string;
  createdAt: number;
  trainedAt: number;
  /** Time span of the history it was trained on, epoch ms. */
  dataFrom: number | null;
  dataTo: number | null;
  trainingRows: number;
  trainingUnits: number;
  validationUnits: string[];
  /** Held-out figures: the candidate's and the model it was compared with, on the same rows. */
  metrics: Record<string, number | string | null>;
  featureNames: string[];
  status: ModelStatus;
  note: string;
  onnx: Uint8Array;
}

/** The model registry: every trained model, the promoted one being the one in use. */
export const modelsTable: TableModule<ModelEntry> = {
  table: 'twin_models',
  createStatements(ctx: SchemaContext): string[] {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_models (version text PRIMARY KEY, created_at timestamptz NOT NULL,
        trained_at timestamptz NOT NULL, data_from timestamptz, data_to timestamptz, training_rows integer NOT NULL,
        training_units integer NOT NULL, validation_units jsonb NOT NULL, metrics jsonb NOT NULL, feature_names jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('candidate', 'promoted', 'rejected', 'retired')), promoted_at timestamptz,
        note text NOT NULL DEFAULT '', onnx_bytes integer NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS twin_models_promoted_idx ON ${ctx.schema}.twin_models (promoted_at DESC) WHERE status = 'promoted'`,
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_model_chunks (version text NOT NULL REFERENCES ${ctx.schema}.twin_models (version) ON DELETE CASCADE,
        seq integer NOT NULL, bytes bytea NOT NULL, PRIMARY KEY (version, seq))`,
    ];
  },
  insertStatements(ctx: SchemaContext, rows: ModelEntry[]): Statement[] {
    return rows.flatMap((m) => [{
      text: `INSERT INTO ${ctx.schema}.twin_models (version, created_at, trained_at, data_from, data_to, training_rows, training_units,
          validation_units, metrics, feature_names, status, promoted_at, note, onnx_bytes)
        VALUES ($1, to_timestamp($2 / 1000.0), to_timestamp($3 / 1000.0), to_timestamp($4 / 1000.0), to_timestamp($5 / 1000.0), $6, $7,
          $8::jsonb, $9::jsonb, $10::jsonb, $11::text, CASE WHEN $11::text = 'promoted' THEN now() END, $12, $13)`,
      values: [m.version, m.createdAt, m.trainedAt, m.dataFrom, m.dataTo, m.trainingRows, m.trainingUnits, JSON.stringify(m.validationUnits),
        JSON.stringify(m.metrics), JSON.stringify(m.featureNames), m.status, m.note, m.onnx.byteLength],
    }, ...chunkStatements(ctx, m)]);
  },
};

function chunkStatements(ctx: SchemaContext, m: ModelEntry): Statement[] {
  const bytes = Buffer.from(m.onnx.buffer, m.onnx.byteOffset, m.onnx.byteLength);
  const statements: Statement[] = [];
  for (let offset = 0, seq = 0; offset < bytes.length; offset += CHUNK_BYTES, seq++) {
    statements.push({
      text: `INSERT INTO ${ctx.schema}.twin_model_chunks (version, seq, bytes) VALUES ($1, $2, $3)`,
      values: [m.version, seq, bytes.subarray(offset, offset + CHUNK_BYTES)],
    });
  }
  return statements;
}
