import type { WaveformReading } from '../../reading/reading';
import { hypertableStatements, type SchemaContext, type Statement, type TableModule } from '../schema-context';

/** Raw waveform blocks (acceleration), kept for spectra and re-analysis; compressed like the readings. */
export const waveformsTable: TableModule<WaveformReading> = {
  table: 'twin_waveforms',
  createStatements(ctx: SchemaContext): string[] {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_waveforms (ts timestamptz NOT NULL, asset text NOT NULL, sensor text NOT NULL,
        sample_rate real NOT NULL, unit text NOT NULL DEFAULT '', quality text NOT NULL DEFAULT 'good', samples real[] NOT NULL,
        PRIMARY KEY (asset, sensor, ts))`,
      ...hypertableStatements(ctx, 'twin_waveforms', 'asset, sensor'),
    ];
  },
  // A block is thousands of samples: one row per statement keeps each bind parameter small and the SQL simple.
  insertStatements(ctx: SchemaContext, rows: WaveformReading[]): Statement[] {
    return rows.map((r) => ({
      text: `INSERT INTO ${ctx.schema}.twin_waveforms (ts, asset, sensor, sample_rate, unit, quality, samples)
        VALUES (to_timestamp($1 / 1000.0), $2, $3, $4, $5, $6, $7::real[]) ON CONFLICT DO NOTHING`,
      values: [r.ts, r.asset, r.sensor, r.sampleRate, r.unit, r.quality, Array.from(r.samples)],
    }));
  },
};
