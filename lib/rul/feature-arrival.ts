/**
 * Whether features a model needs, missing from an asset's vector, are still on their way. Right after a start a
 * machine's vector holds its scalar features while its first waveform block is still to come: that is waiting, not a
 * fault. Features still missing once the asset has been seen for the grace time, or missing again after every one had
 * arrived, are a fault (a subscription lost, a sensor or feature misnamed) and are reported as one.
 */
export const DEFAULT_FEATURE_GRACE_MS = 5 * 60_000;

/** The names among `needed` that `features` has no number for. */
export function missingFeatures(features: Readonly<Record<string, number>>, needed: readonly string[]): string[] {
  return needed.filter((name) => !Number.isFinite(features[name]));
}

export class FeatureArrival {
  private readonly firstSeen = new Map<string, number>();
  private readonly complete = new Set<string>();

  constructor(private readonly graceMs = DEFAULT_FEATURE_GRACE_MS) {}

  /** `asset`'s vector held every feature the model needs. */
  arrived(asset: string): void {
    this.complete.add(asset);
  }

  /** True while the features missing from `asset`'s vector at `now` (epoch ms) may still come by themselves. */
  awaited(asset: string, now: number): boolean {
    if (this.complete.has(asset)) return false;
    const first = this.firstSeen.get(asset);
    if (first === undefined) {
      this.firstSeen.set(asset, now);
      return this.graceMs > 0;
    }
    return now - first < this.graceMs;
  }
}
