/** Median of the last `size` values pushed (size 1 passes values through): suppresses single-snapshot blips. */
export class RollingMedian {
  private readonly ring: Float64Array;
  private readonly scratch: Float64Array;
  private count = 0;
  private next = 0;

  constructor(readonly size: number) {
    if (!(Number.isInteger(size) && size >= 1)) throw new Error('the smoothing window must be a whole number of rows, at least 1');
    this.ring = new Float64Array(size);
    this.scratch = new Float64Array(size);
  }

  /** The values in the window, oldest first (what a restart needs to go on where it stopped). */
  toJSON(): number[] {
    const out: number[] = [];
    const start = this.count < this.size ? 0 : this.next;
    for (let i = 0; i < this.count; i++) out.push(this.ring[(start + i) % this.size]);
    return out;
  }

  static restore(size: number, values: readonly number[] = []): RollingMedian {
    const median = new RollingMedian(size);
    for (const value of values.slice(-size)) median.push(value);
    return median;
  }

  push(value: number): number {
    if (this.size === 1) return value;
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
    // Insertion sort of at most `size` values: the windows are a handful of rows, where this beats any tree.
    const n = this.count;
    const sorted = this.scratch;
    for (let i = 0; i < n; i++) {
      const v = this.ring[i];
      let j = i;
      while (j > 0 && sorted[j - 1] > v) {
        sorted[j] = sorted[j - 1];
        j--;
      }
      sorted[j] = v;
    }
    return n % 2 === 1 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
