import type { DiskQueue, QueueStats } from './disk-queue';
import type { DiskRecord } from './record-codec';

export type BufferState = 'live' | 'buffering' | 'replaying';

export interface ForwarderOptions {
  /** Records sent and not yet acknowledged, at most, in each lane. */
  maxInFlight: number;
  /** Backlog records handed to the sink per second at most (0 = no fixed limit: the sink's confirmations pace it). */
  maxReplayRate: number;
  /** A record not acknowledged within this time is sent again (with growing back-off). */
  ackTimeoutMs: number;
  /** A record older than this when sent is flagged historical. */
  historicalAfterMs: number;
  /**
   * Live before late: while a backlog drains, records arriving now go to the sink at once (the live lane) and the
   * backlog follows in order behind them. False = one lane, strictly in arrival order.
   */
  liveFirst: boolean;
}

export interface ForwarderMetrics extends QueueStats {
  state: BufferState;
  inFlight: number;
  /** Records per second appended / acknowledged over the last measuring interval. */
  inRate: number;
  outRate: number;
}

type Lane = 'live' | 'replay';

const MAX_BACKOFF_MS = 60000;

/**
 * At-least-once delivery out of a DiskQueue, in two lanes: the live lane hands each new record to the sink as it is
 * appended; the replay lane reads the backlog from disk in order, paced, within an in-flight window. The queue's
 * acknowledged cursor advances only over records the sink confirmed, so a live record confirmed ahead of the backlog
 * is remembered until the backlog catches up. An unconfirmed record is sent again after a timeout, so a sink that
 * silently drops (e.g. an MQTT out node while disconnected) loses nothing.
 */
export class Forwarder {
  private readonly queue: DiskQueue;
  private readonly options: ForwarderOptions;
  private readonly send: (record: DiskRecord, historical: boolean) => void;
  private readonly inFlight = new Map<number, { sentAt: number; lane: Lane }>();
  private readonly inFlightByLane = { live: 0, replay: 0 };
  /** Confirmed records beyond the contiguously confirmed prefix (live records confirmed ahead of the backlog). */
  private readonly ackedAhead = new Set<number>();
  /** Highest sequence number the replay lane has handled (sent, or skipped as already handled). */
  private replayedTo: number;
  /** While the live lane is open: the first record it sent; every record from there on went live. */
  private liveStart: number | undefined;
  private caughtUp = false;
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
    this.replayedTo = queue.lastAcked;
    this.tokens = this.burst;
    // The sink is taken to be up until it fails to confirm: new records go live from the start.
    if (options.liveFirst) this.openLiveLane();
  }

  /**
   * Stores records (throws BufferWriteError when the disk cannot take them), then sends what the lanes allow.
   * Returns how many were stored; `queue.whenDurable()` says when they are synced.
   */
  push(payloads: Buffer[], now = Date.now()): number {
    const firstSeq = this.queue.lastSeq + 1;
    const stored = this.queue.append(payloads, now);
    this.appended += stored;
    if (stored > 0 && this.liveStart !== undefined) {
      for (let i = 0; i < stored; i++) {
        if (this.inFlightByLane.live >= this.options.maxInFlight) {
          // The sink is not keeping up with live data: what is left goes through the replay lane.
          this.closeLiveLane();
          break;
        }
        this.dispatch({ seq: firstSeq + i, appendedAt: now, payload: payloads[i] }, 'live', now);
      }
    }
    this.pump(now);
    return stored;
  }

  ack(seq: number, now = Date.now()): void {
    const sent = this.inFlight.get(seq);
    if (sent) {
      this.inFlight.delete(seq);
      this.inFlightByLane[sent.lane]--;
    } else if (seq <= this.queue.lastAcked || seq > this.queue.lastSeq || this.ackedAhead.has(seq)) {
      return;
    }
    // Also a record given up on (timed out, to be resent) that the sink did store after all: the sink is back, and
    // that record need not go again.
    this.acknowledged++;
    this.backoffMs = 0;
    this.retryAt = 0;
    this.ackedAhead.add(seq);
    let contiguous = this.queue.lastAcked;
    while (this.ackedAhead.delete(contiguous + 1)) contiguous++;
    this.queue.ack(contiguous);
    if (this.options.liveFirst && this.liveStart === undefined && this.inFlightByLane.live === 0) this.openLiveLane();
    // Refill the replay window in large steps: each read touches the disk, so one read per freed slot would crawl.
    if (this.inFlightByLane.replay <= this.options.maxInFlight / 2) this.pump(now);
  }

  /** The sink reported a failure: resend from the first unconfirmed record after the back-off. */
  nack(now = Date.now()): void {
    this.retryLater(now);
  }

  /** Called on a timer: resends after a timeout, sends what pacing now allows. */
  tick(now = Date.now()): void {
    const oldest = this.inFlight.values().next().value;
    if (oldest !== undefined && now - oldest.sentAt > this.options.ackTimeoutMs) this.retryLater(now);
    this.pump(now);
  }

  private openLiveLane(): void {
    this.liveStart = this.queue.lastSeq + 1;
  }

  private closeLiveLane(): void {
    this.liveStart = undefined;
    this.caughtUp = false;
  }

  private retryLater(now: number): void {
    this.inFlight.clear();
    this.inFlightByLane.live = 0;
    this.inFlightByLane.replay = 0;
    this.closeLiveLane();
    this.queue.rewind();
    this.replayedTo = this.queue.lastAcked;
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs ? this.backoffMs * 2 : 1000);
    this.retryAt = now + this.backoffMs;
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

  private dispatch(record: DiskRecord, lane: Lane, now: number): void {
    this.inFlight.set(record.seq, { sentAt: now, lane });
    this.inFlightByLane[lane]++;
    this.send(record, lane === 'replay' && now - record.appendedAt > this.options.historicalAfterMs);
  }

  private handled(seq: number): boolean {
    return this.inFlight.has(seq) || this.ackedAhead.has(seq);
  }

  /** The replay lane: the backlog from disk, in order, up to where the live lane took over. */
  private pump(now: number): void {
    if (now < this.retryAt || this.caughtUp) return;
    this.refill(now);
    for (;;) {
      let room = this.options.maxInFlight - this.inFlightByLane.replay;
      if (this.options.maxReplayRate > 0) room = Math.min(room, Math.floor(this.tokens));
      if (room <= 0) return;
      const records = this.queue.read(room);
      if (records.length === 0) return;
      for (const record of records) {
        if (record.seq <= this.replayedTo) continue;
        if (this.liveStart !== undefined && record.seq >= this.liveStart) {
          this.caughtUp = true;
          return;
        }
        this.replayedTo = record.seq;
        if (this.handled(record.seq)) continue;
        if (this.options.maxReplayRate > 0) this.tokens--;
        this.dispatch(record, 'replay', now);
      }
    }
  }

  get state(): BufferState {
    if (this.retryAt > Date.now() || this.backoffMs > 0) return 'buffering';
    const backlogBehindLive = this.liveStart === undefined ? this.queue.getStats().backlog - this.inFlight.size : (this.caughtUp ? 0 : this.liveStart - 1 - this.replayedTo);
    return backlogBehindLive > this.options.maxInFlight ? 'replaying' : 'live';
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
