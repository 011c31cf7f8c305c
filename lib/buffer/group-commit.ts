import fs from 'node:fs';
import type { Durability } from './disk-queue';

/** How long a 'batch' fsync waits for more records to share it. */
export const BATCH_GATHER_MS = 5;

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Group commit: one fsync covers every record written before it started, so records arriving while a sync runs share
 * the next one and the disk is flushed a few hundred times a second at most, however many messages arrive. With
 * 'sync' a flush starts as soon as the previous one ends; with 'batch' it also waits BATCH_GATHER_MS for more;
 * with 'interval' it runs every `fsyncMs` and nobody waits for it. The fsync runs on libuv's thread pool, off the
 * event loop.
 */
export class GroupCommit {
  private writtenSeq = 0;
  private durableSeq = 0;
  private fd: number | undefined;
  private syncingFd: number | undefined;
  private readonly closeAfterSync = new Set<number>();
  private waiters: Waiter[] = [];
  private scheduled: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private readonly interval: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly durability: Durability, fsyncMs: number) {
    if (durability === 'interval') {
      this.interval = setInterval(() => this.run(), fsyncMs);
      this.interval.unref();
    }
  }

  /** Records up to `seq` were written to `fd`. */
  written(fd: number, seq: number): void {
    this.fd = fd;
    this.writtenSeq = seq;
    if (this.durability !== 'interval') this.schedule();
  }

  /** Resolves once records up to `seq` are synced (at once with 'interval'); rejects when the sync failed. */
  durable(seq: number): Promise<void> {
    if (this.durability === 'interval' || seq <= this.durableSeq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.syncingFd !== undefined || this.closed) return;
    const run = (): void => { this.scheduled = undefined; this.run(); };
    this.scheduled = this.durability === 'batch' ? setTimeout(run, BATCH_GATHER_MS) : setImmediate(run);
  }

  private run(): void {
    const fd = this.fd;
    const target = this.writtenSeq;
    if (fd === undefined || target <= this.durableSeq || this.syncingFd !== undefined) return;
    this.syncingFd = fd;
    fs.fsync(fd, (err) => {
      this.syncingFd = undefined;
      if (this.closeAfterSync.delete(fd)) fs.close(fd, () => undefined);
      if (err) this.settle(target, err);
      else this.settle(target);
      if (this.writtenSeq > this.durableSeq && this.durability !== 'interval') this.schedule();
    });
  }

  private settle(seq: number, err?: Error): void {
    if (!err) this.durableSeq = Math.max(this.durableSeq, seq);
    const due = this.waiters.filter((w) => w.seq <= seq);
    this.waiters = this.waiters.filter((w) => w.seq > seq);
    for (const waiter of due) {
      if (err) waiter.reject(new Error(`the buffer could not sync its file to disk: ${err.message}; the message is not confirmed`));
      else waiter.resolve();
    }
  }

  /** `fd` takes no more records: it is synced now (so its records are durable) and closed once no sync uses it. */
  retire(fd: number): void {
    let failure: Error | undefined;
    try {
      fs.fsyncSync(fd);
    } catch (err) {
      failure = err as Error;
    }
    if (this.fd === fd) this.fd = undefined;
    this.settle(this.writtenSeq, failure);
    if (this.syncingFd === fd) this.closeAfterSync.add(fd);
    else fs.closeSync(fd);
  }

  close(): void {
    this.closed = true;
    if (this.interval) clearInterval(this.interval);
    if (this.scheduled) {
      clearTimeout(this.scheduled as NodeJS.Timeout);
      clearImmediate(this.scheduled as NodeJS.Immediate);
      this.scheduled = undefined;
    }
    if (this.fd !== undefined) this.retire(this.fd);
    if (this.waiters.length > 0) this.settle(Infinity, new Error('the buffer was closed'));
  }
}
