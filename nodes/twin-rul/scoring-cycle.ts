import type { FeatureVector } from '../../lib/features/feature-vector';

interface Waiting {
  vector: FeatureVector;
  settle: (err?: Error) => void;
}

/**
 * The newest feature vector of each asset, held until the next scoring cycle so the whole fleet goes through the
 * model in one run. A vector replaced by a newer one of the same asset is settled at once: it was not needed.
 */
export class ScoringCycle {
  private readonly waiting = new Map<string, Waiting>();

  put(vector: FeatureVector): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.get(vector.asset)?.settle();
      this.waiting.set(vector.asset, { vector, settle: (err) => (err ? reject(err) : resolve()) });
    });
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Everything waiting, in arrival order, and a way to settle each vector's message with its own outcome. */
  take(): { vectors: FeatureVector[]; settle: (asset: string, err?: Error) => void } {
    const taken = new Map(this.waiting);
    this.waiting.clear();
    return {
      vectors: [...taken.values()].map((w) => w.vector),
      settle: (asset, err) => taken.get(asset)?.settle(err),
    };
  }

  /** Settles whatever still waits (on close), so no message stays open; the next vector of each asset follows soon. */
  flush(): void {
    for (const waiting of this.waiting.values()) waiting.settle();
    this.waiting.clear();
  }
}
