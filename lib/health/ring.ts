/** Fixed-size ring of the newest numbers: what the health checks remember, never more. */
export class Ring {
  private readonly values: number[] = [];
  private next = 0;

  constructor(readonly capacity: number, saved?: number[]) {
    if (saved) for (const value of saved.slice(-capacity)) this.push(value);
  }

  get length(): number {
    return this.values.length;
  }

  get full(): boolean {
    return this.values.length === this.capacity;
  }

  push(value: number): void {
    if (this.values.length < this.capacity) this.values.push(value);
    else this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
  }

  clear(): void {
    this.values.length = 0;
    this.next = 0;
  }

  sum(): number {
    let total = 0;
    for (const value of this.values) total += value;
    return total;
  }

  median(): number {
    return medianOf(this.values.slice());
  }

  /** Median absolute deviation from `centre`. */
  mad(centre: number): number {
    return medianOf(this.values.map((v) => Math.abs(v - centre)));
  }

  /** Oldest first, for saving. */
  toJSON(): number[] {
    return this.full ? [...this.values.slice(this.next), ...this.values.slice(0, this.next)] : this.values.slice();
  }
}

function medianOf(values: number[]): number {
  if (values.length === 0) return NaN;
  values.sort((a, b) => a - b);
  const middle = values.length >> 1;
  return values.length % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}
