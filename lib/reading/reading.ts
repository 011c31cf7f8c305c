/**
 * The pack's canonical reading: what `twin-ingest` emits and every other node consumes.
 * A message carries a batch: `msg.payload` is an array of readings.
 */

export type Quality = 'good' | 'uncertain' | 'bad';

interface ReadingBase {
  asset: string;
  sensor: string;
  unit: string;
  /** Source time, epoch milliseconds (UTC). */
  ts: number;
  quality: Quality;
  /** Set on readings replayed from a store-and-forward backlog, so live-only logic can skip them. */
  historical?: boolean;
}

export interface ScalarReading extends ReadingBase {
  value: number;
}

export interface WaveformReading extends ReadingBase {
  /**
   * Samples of one block. A Float32Array because Node-RED deep-clones message payloads on fan-out and
   * cloning a typed array is a single memory copy, while a number[] of the same size costs milliseconds.
   */
  samples: Float32Array;
  /** Samples per second. */
  sampleRate: number;
}

export type Reading = ScalarReading | WaveformReading;

export function isWaveform(reading: Reading): reading is WaveformReading {
  return (reading as WaveformReading).samples !== undefined;
}

export const QUALITIES: readonly Quality[] = ['good', 'uncertain', 'bad'];

/** Worst of two qualities: bad beats uncertain beats good. */
export function worseQuality(a: Quality, b: Quality): Quality {
  return QUALITIES.indexOf(a) >= QUALITIES.indexOf(b) ? a : b;
}
