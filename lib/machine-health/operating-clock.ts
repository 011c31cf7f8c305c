/**
 * Operating time from message time. On a real plant they are the same (scale 1). A simulated plant that runs its wear
 * `scale` times faster than the clock (the reference flow's TWIN_SPEEDUP) would otherwise have its learning period,
 * trends and remaining life read in clock hours, `scale` times too short: the health twin runs on operating time, and
 * what it sends goes back onto the clock.
 */
export class OperatingClock {
  constructor(readonly scale: number, private origin?: number) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`the time scale must be a positive number (1 for a real plant), not ${scale}`);
  }

  /** The first time seen: operating time counts from there (kept across restarts so it never jumps). */
  get start(): number | undefined {
    return this.origin;
  }

  toOperating(ts: number): number {
    this.origin ??= ts;
    return this.scale === 1 ? ts : this.origin + (ts - this.origin) * this.scale;
  }

  toClock(operatingTs: number): number {
    const origin = this.origin ?? operatingTs;
    return this.scale === 1 ? operatingTs : Math.round(origin + (operatingTs - origin) / this.scale);
  }
}
