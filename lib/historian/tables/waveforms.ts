import type { WaveformReading } from '../../reading/reading';
import { addColumnStatement, hypertableStatements, type SchemaContext, type Statement, type TableModule } from '../schema-context';

/**
 * Raw waveform blocks (acceleration), kept for spectra and re-analysis; compressed like the readings. Samples are
 * stored as little-endian float32 bytes: a quarter of the size of a text array, and the embedded server's wire
 * protocol handles a 16 kB bytea parameter where it drops the connection on a 4096-element real[] literal.
 */
export const waveformsTable: TableModule<WaveformReading> = {
  table: 'twin_waveforms',
  createStatements(ctx: SchemaContext): string[] {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.schema}.twin_waveforms (ts timestamptz NOT NULL, asset text NOT NULL, sensor text NOT NULL,
        sample_rate real NOT NULL, unit text NOT NULL DEFAULT '', quality text NOT NULL DEFAULT 'good', sample_count integer NOT NULL,
        samples bytea NOT NULL,
        PRIMARY KEY (asset, sensor, ts))`,
      ...hypertableStatements(ctx, 'twin_waveforms', 'asset, sensor'),
      addColumnStatement(ctx, 'twin_waveforms', 'historical boolean NOT NULL DEFAULT false'),
    ];
  },
  // A block is thousands of samples: one row per statement keeps each bind parameter small and the SQL simple.
  insertStatements(ctx: SchemaContext, rows: WaveformReading[]): Statement[] {
    const tooLarge = rows.find((r) => r.samples.length * 4 + 500 > ctx.maxStatementBytes);
    if (tooLarge) {
      throw new Error(`waveform block of ${tooLarge.samples.length} samples (${tooLarge.asset}/${tooLarge.sensor}) exceeds what the embedded database ` +
        `accepts in one message (${ctx.maxStatementBytes} bytes); use a PostgreSQL/TimescaleDB server for blocks over ${Math.floor((ctx.maxStatementBytes - 500) / 4)} samples`);
    }
    return rows.map((r) => ({
      text: `INSERT INTO ${ctx.schema}.twin_waveforms (ts, asset, sensor, sample_rate, unit, quality, sample_count, samples, historical)
        VALUES (to_timestamp($1 / 1000.0), $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      values: [r.ts, r.asset, r.sensor, r.sampleRate, r.unit, r.quality, r.samples.length, float32Bytes(r.samples), r.historical === true],
    }));
  },
};

export function float32Bytes(samples: Float32Array): Buffer {
  const bytes = Buffer.alloc(samples.length * 4);
  samples.forEach((sample, i) => bytes.writeFloatLE(sample, i * 4));
  return bytes;
}

export function samplesFromBytes(bytes: Buffer): Float32Array {
  const samples = new Float32Array(bytes.length / 4);
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readFloatLE(i * 4);
  return samples;
}
