/** One item taken for a scoring cycle, with the way to complete the message it came in. */
export interface Taken<T> {
  item: T;
  settle: (err?: Error) => void;
}

/**
 * The items of each asset held until the next scoring cycle, so the whole fleet goes through the model in one run.
 * Items are kept per slot (`slotOf`, e.g. the asset's newest feature vector and its newest machine-state change): a
 * newer item of the same slot replaces the older one, whose message is settled at once as it was not needed. Items of
 * different slots never replace each other, so the last vector taken before a machine stopped is still scored in the
 * cycle that also sees the stop.
 */
export class ScoringCycle<T> {
  private readonly waiting = new Map<string, Taken<T>>();

  constructor(private readonly slotOf: (item: T) => string) {}

  put(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const slot = this.slotOf(item);
      // Deleted before set so the map's order stays the arrival order of the items that will be taken.
      this.waiting.get(slot)?.settle();
      this.waiting.delete(slot);
      this.waiting.set(slot, { item, settle: (err) => (err ? reject(err) : resolve()) });
    });
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Everything waiting, in arrival order, each with a way to settle its message with its own outcome. */
  take(): Array<Taken<T>> {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    return all;
  }

  /** Settles whatever still waits (on close), so no message stays open; the next item of each asset follows soon. */
  flush(): void {
    for (const taken of this.waiting.values()) taken.settle();
    this.waiting.clear();
  }
}
