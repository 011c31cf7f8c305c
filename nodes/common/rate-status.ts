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
  private lastErrors = 0;
  private lastPaint = Date.now();
  private active = false;
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

  private paint(): void {
    const now = Date.now();
    const newItems = this.items - this.lastItems;
    const newErrors = this.errors - this.lastErrors;
    const rate = (newItems * 1000) / Math.max(1, now - this.lastPaint);
    this.lastItems = this.items;
    this.lastErrors = this.errors;
    this.lastPaint = now;
    if (newItems === 0 && newErrors === 0) {
      if (this.active) this.status.idle(`no data · ${this.items} so far`);
      this.active = false;
      return;
    }
    this.active = true;
    const text = `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} ${this.unit}/s${this.errors ? ` · ${this.errors} err` : ''}`;
    if (newItems === 0) this.status.failed(text);
    else if (this.errors > 0) this.status.waiting(text);
    else this.status.success(text);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
