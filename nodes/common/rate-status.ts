import type { Status } from './status';

/**
 * Counts items and errors and repaints a node's status at most once a second, so a node handling thousands of
 * messages per second does not flood the editor with status updates.
 */
export class RateStatus {
  private readonly status: Status;
  private readonly unit: string;
  private items = 0;
  private errors = 0;
  private lastItems = 0;
  private lastPaint = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(status: Status, unit: string, intervalMs = 1000) {
    this.status = status;
    this.unit = unit;
    this.timer = setInterval(() => this.paint(), intervalMs);
    this.timer.unref();
  }

  count(items: number, errors: number): void {
    this.items += items;
    this.errors += errors;
  }

  get errorCount(): number {
    return this.errors;
  }

  private paint(): void {
    const now = Date.now();
    const rate = ((this.items - this.lastItems) * 1000) / Math.max(1, now - this.lastPaint);
    if (this.items === this.lastItems && this.items > 0) return;
    this.lastItems = this.items;
    this.lastPaint = now;
    if (this.items === 0 && this.errors === 0) return;
    const text = `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} ${this.unit}/s${this.errors ? ` · ${this.errors} err` : ''}`;
    if (this.errors > 0 && rate === 0) this.status.failed(text);
    else if (this.errors > 0) this.status.waiting(text);
    else this.status.success(text);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
