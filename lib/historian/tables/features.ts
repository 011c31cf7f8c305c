import type { FeatureVector } from '../../features/feature-vector';
import { addColumnStatement, hypertableStatements, type SchemaContext, type Statement, type TableModule } from '../schema-context';
import { chunkBySize } from '../statement-size';

export function isFeatureVector(value: unknown): value is FeatureVector {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.asset === 'string' && typeof v.ts === 'number' && Number.isFinite(v.ts) && !!v.features && typeof v.features === 'object';
}

/** Generous estimate of a vector's bytes in the UNNEST array parameters. */
function encodedBytes(vector: FeatureVector): number {
  let bytes = 0;
  for (const name of Object.keys(vector.features)) bytes += 66 + 2 * (vector.asset.length + name.length + (vector.units?.[name]?.length ?? 0));
  return bytes;
}

/** Feature vectors, one row per (asset, feature, ts): the history RUL models are trained on. */
export const featuresTable: TableModule<FeatureVector> = {
  table: 'twin_features',
  createStatements(ctx: SchemaContext): string[] {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_features (ts timestamptz NOT NULL, asset text NOT NULL, feature text NOT NULL,
        value double precision NOT NULL, unit text NOT NULL DEFAULT '', PRIMARY KEY (asset, feature, ts))`,
      ...hypertableStatements(ctx, 'twin_features', 'asset, feature'),
      addColumnStatement(ctx, 'twin_features', 'historical boolean NOT NULL DEFAULT false'),
    ];
  },
  insertStatements(ctx: SchemaContext, vectors: FeatureVector[]): Statement[] {
    return chunkBySize(vectors, encodedBytes, ctx.maxStatementBytes).map((chunk) => {
      const ts: number[] = [];
      const asset: string[] = [];
      const feature: string[] = [];
      const value: number[] = [];
      const unit: string[] = [];
      const historical: boolean[] = [];
      for (const vector of chunk) {
        for (const [name, v] of Object.entries(vector.features)) {
          if (!Number.isFinite(v)) continue;
          ts.push(vector.ts);
          asset.push(vector.asset);
          feature.push(name);
          value.push(v);
          unit.push(vector.units?.[name] ?? '');
          historical.push((vector as { historical?: boolean }).historical === true);
        }
      }
      return {
        text: `INSERT INTO ${ctx.schema}.twin_features (ts, asset, feature, value, unit, historical)
          SELECT to_timestamp(t / 1000.0), a, f, v, u, h FROM unnest($1::float8[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::bool[]) AS r(t, a, f, v, u, h)
          ON CONFLICT DO NOTHING`,
        values: [ts, asset, feature, value, unit, historical],
      };
    });
  },
};
