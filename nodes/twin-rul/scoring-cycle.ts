interface Waiting<T> {
  item: T;
  settle: (err?: Error) => void;
}

/**
 * The newest feature vector (or machine-state change) of each asset, held until the next scoring cycle so the whole
 * fleet goes through the model in one run. An item replaced by a newer one of the same asset is settled at once: it
 * was not needed (a vector taken before the machine stopped is superseded by the stop).
 */
export class ScoringCycle<T extends { asset: string }> {
  private readonly waiting = new Map<string, Waiting<T>>();

  put(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.get(item.asset)?.settle();
      this.waiting.set(item.asset, { item, settle: (err) => (err ? reject(err) : resolve()) });
    });
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Everything waiting, in arrival order, and a way to settle each item's message with its own outcome. */
  take(): { items: T[]; settle: (asset: string, err?: Error) => void } {
    const taken = new Map(this.waiting);
    this.waiting.clear();
    return {
      items: [...taken.values()].map((w) => w.item),
      settle: (asset, err) => taken.get(asset)?.settle(err),
    };
  }

  /** Settles whatever still waits (on close), so no message stays open; the next item of each asset follows soon. */
  flush(): void {
    for (const waiting of this.waiting.values()) waiting.settle();
    this.waiting.clear();
  }
}
