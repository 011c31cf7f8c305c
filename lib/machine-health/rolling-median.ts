/** Median of the last `size` values pushed (size 1 passes values through): suppresses single-snapshot blips. */
export class RollingMedian {
  private readonly values: number[] = [];
  private readonly sorted: number[] = [];

  constructor(readonly size: number) {
    if (!(Number.isInteger(size) && size >= 1)) throw new Error('the smoothing window must be a whole number of rows, at least 1');
  }

  push(value: number): number {
    if (this.size === 1) return value;
    this.values.push(value);
    insertSorted(this.sorted, value);
    if (this.values.length > this.size) removeSorted(this.sorted, this.values.shift() as number);
    const n = this.sorted.length;
    return n % 2 === 1 ? this.sorted[n >> 1] : (this.sorted[n / 2 - 1] + this.sorted[n / 2]) / 2;
  }

  toJSON(): number[] {
    return [...this.values];
  }

  static from(size: number, values: readonly number[] = []): RollingMedian {
    const ring = new RollingMedian(size);
    for (const value of values.slice(-size)) ring.push(value);
    return ring;
  }
}

function insertSorted(sorted: number[], value: number): void {
  let i = sorted.length;
  while (i > 0 && sorted[i - 1] > value) i--;
  sorted.splice(i, 0, value);
}

function removeSorted(sorted: number[], value: number): void {
  const i = sorted.indexOf(value);
  if (i >= 0) sorted.splice(i, 1);
}
