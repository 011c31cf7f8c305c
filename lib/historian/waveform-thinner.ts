import type { WaveformReading } from '../reading/reading';

/**
 * Raw waveform blocks are large (a 4096-sample block a second is 1.4 GB a day per sensor before compression);
 * the historian keeps at most one block per sensor per interval, enough for trending spectra and re-analysis.
 */
export class WaveformThinner {
  private readonly intervalMs: number;
  private readonly lastKept = new Map<string, number>();

  constructor(intervalS: number) {
    this.intervalMs = Math.max(0, intervalS) * 1000;
  }

  keep(reading: WaveformReading): boolean {
    if (this.intervalMs === 0) return true;
    const key = `${reading.asset}/${reading.sensor}`;
    const last = this.lastKept.get(key);
    if (last !== undefined && reading.ts - last < this.intervalMs && reading.ts >= last) return false;
    this.lastKept.set(key, reading.ts);
    return true;
  }
}
