import type { DiskQueue, QueueStats } from './disk-queue';
import type { DiskRecord } from './record-codec';

export type BufferState = 'live' | 'buffering' | 'replaying';

export interface ForwarderOptions {
  /** Records sent and not yet acknowledged, at most. */
  maxInFlight: number;
  /** Records handed to the sink per second at most (0 = no limit), so a backlog does not swamp the sink. */
  maxReplayRate: number;
  /** A record not acknowledged within this time is sent again (with growing back-off). */
  ackTimeoutMs: number;
  /** A record older than this when sent is flagged historical. */
  historicalAfterMs: number;
}

export interface ForwarderMetrics extends QueueStats {
  state: BufferState;
  inFlight: number;
  /** Records per second appended / acknowledged over the last measuring interval. */
  inRate: number;
  outRate: number;
}

const MAX_BACKOFF_MS = 60000;

/**
 * At-least-once delivery out of a DiskQueue: sends in order within an in-flight window, paced, and advances
 * the queue's acknowledged cursor only over records the sink confirmed. An unconfirmed record is sent again
 * after a timeout, so a sink that silently drops (e.g. an MQTT out node while disconnected) loses nothing.
 */
export class Forwarder {
  private readonly queue: DiskQueue;
  private readonly options: ForwarderOptions;
  private readonly send: (record: DiskRecord, historical: boolean) => void;
  private readonly inFlight = new Map<number, number>();
  private lastSent: number;
  private tokens: number;
  private lastRefill = Date.now();
  private backoffMs = 0;
  private retryAt = 0;
  private appended = 0;
  private acknowledged = 0;
  private rates = { inRate: 0, outRate: 0, at: Date.now(), appended: 0, acknowledged: 0 };

  constructor(queue: DiskQueue, options: ForwarderOptions, send: (record: DiskRecord, historical: boolean) => void) {
    this.queue = queue;
    this.options = options;
    this.send = send;
    this.lastSent = queue.lastAcked;
    this.tokens = this.burst;
  }

  /** Stores records durably, then sends what the window allows. Returns how many were stored. */
  push(payloads: Buffer[], now = Date.now()): number {
    const stored = this.queue.append(payloads, now);
    this.appended += stored;
    this.pump(now);
    return stored;
  }

  ack(seq: number, now = Date.now()): void {
    if (!this.inFlight.delete(seq)) return;
    this.acknowledged++;
    this.backoffMs = 0;
    this.retryAt = 0;
    const oldest = this.oldestInFlight();
    this.queue.ack(oldest === undefined ? this.lastSent : oldest - 1);
    // Refill the window in large steps: each read touches the disk, so one read per freed slot would crawl.
    if (this.inFlight.size <= this.options.maxInFlight / 2) this.pump(now);
  }

  /** The sink reported a failure: resend from the first unconfirmed record after the back-off. */
  nack(now = Date.now()): void {
    this.retryLater(now);
  }

  /** Called on a timer: resends after a timeout, sends what pacing now allows. */
  tick(now = Date.now()): void {
    const oldest = this.oldestInFlight();
    if (oldest !== undefined && now - this.inFlight.get(oldest)! > this.options.ackTimeoutMs) this.retryLater(now);
    this.pump(now);
  }

  private retryLater(now: number): void {
    this.inFlight.clear();
    this.queue.rewind();
    this.lastSent = this.queue.lastAcked;
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs ? this.backoffMs * 2 : 1000);
    this.retryAt = now + this.backoffMs;
  }

  /** Records are sent in sequence order and a Map keeps insertion order, so the first key is the oldest. */
  private oldestInFlight(): number | undefined {
    return this.inFlight.keys().next().value;
  }

  /** A tenth of a second's worth of records may go out at once; beyond that, the rate holds. */
  private get burst(): number {
    return Math.max(1, this.options.maxReplayRate / 10);
  }

  private refill(now: number): void {
    if (this.options.maxReplayRate <= 0) return;
    this.tokens = Math.min(this.burst, this.tokens + ((Math.max(0, now - this.lastRefill)) / 1000) * this.options.maxReplayRate);
    this.lastRefill = now;
  }

  private pump(now: number): void {
    if (now < this.retryAt) return;
    this.refill(now);
    for (;;) {
      let room = this.options.maxInFlight - this.inFlight.size;
      if (this.options.maxReplayRate > 0) room = Math.min(room, Math.floor(this.tokens));
      if (room <= 0) return;
      const records = this.queue.read(room).filter((r) => r.seq > this.lastSent);
      if (records.length === 0) return;
      for (const record of records) {
        this.inFlight.set(record.seq, now);
        this.lastSent = record.seq;
        if (this.options.maxReplayRate > 0) this.tokens--;
        this.send(record, now - record.appendedAt > this.options.historicalAfterMs);
      }
    }
  }

  get state(): BufferState {
    if (this.retryAt > Date.now() || this.backoffMs > 0) return 'buffering';
    return this.queue.getStats().backlog > this.options.maxInFlight ? 'replaying' : 'live';
  }

  metrics(now = Date.now()): ForwarderMetrics {
    const seconds = (now - this.rates.at) / 1000;
    if (seconds >= 1) {
      this.rates = {
        inRate: (this.appended - this.rates.appended) / seconds, outRate: (this.acknowledged - this.rates.acknowledged) / seconds,
        at: now, appended: this.appended, acknowledged: this.acknowledged,
      };
    }
    return { ...this.queue.getStats(), state: this.state, inFlight: this.inFlight.size, inRate: this.rates.inRate, outRate: this.rates.outRate };
  }
}
