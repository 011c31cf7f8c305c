import { Backoff, sleep } from './backoff';
import type { HistorianConnection } from './connection';
import { isConnectionError } from './connection-errors';
import { insertBatch } from './insert';
import { storeSplitting, type StoreOutcome } from './poison-rows';
import type { TableModule } from './schema-context';
import { deadLettersTable, type DeadLetter } from './tables/dead-letters';

export interface WriterOptions {
  batchSize: number;
  batchMs: number;
  /** Rows kept in memory while the database is unreachable; beyond it the oldest are failed, never silently. */
  maxQueuedRows: number;
  /**
   * Share (0–1] of the writer's time that late rows (replayed from a buffer) may take: after a batch with late rows
   * that took d ms, the next late rows wait d·(1−share)/share ms, so a backlog drains at that share of what the
   * database really takes. Live rows never wait for it. Default 0.5.
   */
  replayShare?: number;
  /** Most rows in a batch that carries late rows (default 10,000; larger batches take the COPY path). */
  replayBatchSize?: number;
  /** A table's rows in a batch go through COPY from this many on (default 2,000), where the table and server allow it. */
  copyMinRows?: number;
}

export const DEFAULT_WRITER_OPTIONS = { batchSize: 1000, batchMs: 1000, maxQueuedRows: 100000, replayShare: 0.5, replayBatchSize: 10000, copyMinRows: 2000 };

export interface BatchResult {
  ok: boolean;
  /** Rows per table in this batch. */
  tables: Record<string, number>;
  rows: number;
  /** Rows actually added (replays of rows already stored are skipped). */
  inserted: number;
  /** Of `rows`, how many arrived late (replayed). */
  late?: number;
  /** Rows the database refused for their content, kept in the dead-letter table (the first few are in `refused`). */
  deadLettered?: number;
  refused?: DeadLetter[];
  durationMs: number;
  error?: string;
  /** The database refused the rows for their content: retrying cannot help (a buffer acknowledges and reports them). */
  permanent?: boolean;
  /** The ack tokens of the writes this batch completed (or failed), in order. */
  acks: unknown[];
}

export type WriterState = 'idle' | 'writing' | 'reconnecting' | 'closed';

export interface TableRow {
  table: TableModule<unknown>;
  row: unknown;
}

interface Ticket {
  remaining: number;
  settled: boolean;
  ack: unknown;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface QueuedRow extends TableRow {
  ticket: Ticket;
}

const REPORTED_REFUSALS = 5;

/**
 * Batches rows into one transaction per batch (bounded by size and time), keeps order within each lane, and waits
 * out database outages with backoff while holding a bounded queue. Live rows go first; late rows (replayed after an
 * outage) fill the rest of a batch, as fast as the replay share allows. A batch the database refuses for its content
 * is split until the offending rows are found: every other row is stored, the refused ones go to the dead-letter
 * table. Each `write` resolves only when all its rows are committed (or kept as dead letters).
 */
export class BatchWriter {
  private readonly connection: HistorianConnection;
  private readonly options: Required<WriterOptions>;
  private readonly onResult: (result: BatchResult) => void;
  private readonly onState: (state: WriterState, queued: number) => void;
  private live: QueuedRow[] = [];
  private late: QueuedRow[] = [];
  /** Rows of each lane in the batch being written (at the head of their queue). */
  private writing = { live: 0, late: 0 };
  private liveSince = 0;
  private lateAllowedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  state: WriterState = 'idle';

  constructor(connection: HistorianConnection, options: WriterOptions, onResult: (result: BatchResult) => void,
    onState: (state: WriterState, queued: number) => void = () => undefined) {
    this.connection = connection;
    const share = options.replayShare ?? DEFAULT_WRITER_OPTIONS.replayShare;
    this.options = {
      ...DEFAULT_WRITER_OPTIONS,
      ...options,
      replayShare: Math.min(1, Math.max(0.01, Number.isFinite(share) ? share : DEFAULT_WRITER_OPTIONS.replayShare)),
      replayBatchSize: Math.max(options.batchSize, options.replayBatchSize ?? DEFAULT_WRITER_OPTIONS.replayBatchSize),
    };
    this.onResult = onResult;
    this.onState = onState;
  }

  get queued(): number {
    return this.live.length + this.late.length;
  }

  /** Queues rows; `late` = they arrived late (replayed), so they yield to live rows. */
  write(rows: TableRow[], ack?: unknown, late = false): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new Error('historian is closed'));
    if (rows.length === 0) {
      // Nothing to store (a waveform block thinned out): still confirmed, or a buffer in front would wait for it forever.
      if (ack !== undefined) this.onResult({ ok: true, tables: {}, rows: 0, inserted: 0, durationMs: 0, acks: [ack] });
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { remaining: rows.length, settled: false, ack, resolve, reject };
      const lane = late ? this.late : this.live;
      if (!late && this.live.length === 0) this.liveSince = Date.now();
      for (const row of rows) lane.push({ ...row, ticket });
      this.enforceBound();
      this.schedule();
    });
  }

  /**
   * Reports a message that holds nothing storable as refused for good, so a buffer in front lets it go instead of
   * resending it forever and holding up the queue.
   */
  refuse(ack: unknown, reason: string): void {
    if (ack !== undefined) this.onResult({ ok: false, tables: {}, rows: 0, inserted: 0, durationMs: 0, error: reason, permanent: true, acks: [ack] });
  }

  /** Fails the oldest rows beyond the bound, late ones first (a buffer behind them still has them). */
  private enforceBound(): void {
    let excess = this.queued - this.options.maxQueuedRows;
    if (excess <= 0) return;
    const dropped: QueuedRow[] = [];
    for (const lane of ['late', 'live'] as const) {
      const queue = lane === 'late' ? this.late : this.live;
      const keep = this.busy ? this.writing[lane] : 0;
      const removed = queue.splice(keep, Math.min(excess, Math.max(0, queue.length - keep)));
      dropped.push(...removed);
      excess -= removed.length;
    }
    const error = new Error(`historian queue full (${this.options.maxQueuedRows} rows) while the database is unreachable: ${dropped.length} oldest rows not written`);
    this.settleFailed(dropped, error);
  }

  private schedule(): void {
    if (this.busy || this.state === 'reconnecting' || this.state === 'closed') return;
    const now = Date.now();
    const lateReady = this.late.length > 0 && now >= this.lateAllowedAt;
    const liveDue = this.live.length > 0 ? this.liveSince + this.options.batchMs : Infinity;
    if (this.live.length >= this.options.batchSize || lateReady || now >= liveDue) {
      if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
      void this.flush();
      return;
    }
    const at = Math.min(liveDue, this.late.length > 0 ? this.lateAllowedAt : Infinity);
    if (this.timer || at === Infinity) return;
    this.timer = setTimeout(() => { this.timer = undefined; this.schedule(); }, Math.max(0, at - now));
  }

  private takeBatch(now: number): QueuedRow[] {
    const live = Math.min(this.live.length, this.options.batchSize);
    const room = this.options.replayBatchSize - live;
    const late = now >= this.lateAllowedAt ? Math.min(this.late.length, room) : 0;
    this.writing = { live, late };
    return [...this.live.slice(0, live), ...this.late.slice(0, late)];
  }

  private async flush(): Promise<void> {
    if (this.busy || this.queued === 0) return;
    this.busy = true;
    const started = Date.now();
    const batch = this.takeBatch(started);
    const lateRows = this.writing.late;
    const tables: Record<string, number> = {};
    for (const row of batch) tables[row.table.table] = (tables[row.table.table] ?? 0) + 1;
    try {
      const outcome: StoreOutcome = await storeSplitting(batch, (rows) => this.insert(rows));
      if (outcome.deadLetters.length > 0) await this.keepDeadLetters(outcome.deadLetters);
      this.live.splice(0, this.writing.live);
      this.late.splice(0, this.writing.late);
      if (this.live.length > 0) this.liveSince = started;
      const durationMs = Date.now() - started;
      if (lateRows > 0) this.lateAllowedAt = Date.now() + durationMs * (1 - this.options.replayShare) / this.options.replayShare;
      const acks = this.settleWritten(batch);
      this.onResult({ ok: true, tables, rows: batch.length, inserted: outcome.inserted, late: lateRows, durationMs, acks,
        ...(outcome.deadLetters.length > 0 ? { deadLettered: outcome.deadLetters.length, refused: outcome.deadLetters.slice(0, REPORTED_REFUSALS) } : {}) });
      this.busy = false;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (isConnectionError(error) && this.state !== 'closed') {
        this.busy = false;
        await this.reconnect(error);
      } else {
        this.live.splice(0, this.writing.live);
        this.late.splice(0, this.writing.late);
        const acks = this.settleFailed(batch, error);
        this.onResult({ ok: false, tables, rows: batch.length, inserted: 0, durationMs: Date.now() - started, error: error.message, acks });
        this.busy = false;
      }
    }
    this.writing = { live: 0, late: 0 };
    this.schedule();
  }

  private async insert(batch: TableRow[]): Promise<number> {
    const ctx = await this.connection.ready();
    const pool = await this.connection.getPool();
    return insertBatch(pool, ctx, batch, this.options.copyMinRows);
  }

  /** Refused rows are kept where an operator finds them; if even that fails for their content, the report still names them. */
  private async keepDeadLetters(letters: DeadLetter[]): Promise<void> {
    const ctx = await this.connection.ready();
    const pool = await this.connection.getPool();
    try {
      for (const statement of deadLettersTable.insertStatements(ctx, letters)) await pool.query(statement);
    } catch (err) {
      if (isConnectionError(err)) throw err;
      for (const letter of letters) letter.error += ` (not kept in twin_dead_letters: ${(err as Error).message})`;
    }
  }

  private async reconnect(cause: Error): Promise<void> {
    this.state = 'reconnecting';
    this.onState('reconnecting', this.queued);
    this.onResult({ ok: false, tables: {}, rows: 0, inserted: 0, durationMs: 0, error: `database unreachable, ${this.queued} rows queued: ${cause.message}`, acks: [] });
    // Probed at least every 5 s: once the database is back, live rows should not wait long for the writer to notice.
    const backoff = new Backoff(1000, 5000);
    while (this.state === 'reconnecting') {
      await sleep(backoff.next());
      if (this.state !== 'reconnecting') return;
      try {
        await this.connection.probe();
        this.state = 'idle';
        this.onState('idle', this.queued);
      } catch {
        this.onState('reconnecting', this.queued);
      }
    }
  }

  private settleWritten(rows: QueuedRow[]): unknown[] {
    const acks: unknown[] = [];
    for (const { ticket } of rows) {
      ticket.remaining--;
      if (ticket.remaining === 0 && !ticket.settled) {
        ticket.settled = true;
        if (ticket.ack !== undefined) acks.push(ticket.ack);
        ticket.resolve();
      }
    }
    return acks;
  }

  private settleFailed(rows: QueuedRow[], error: Error): unknown[] {
    const acks: unknown[] = [];
    for (const { ticket } of rows) {
      if (ticket.settled) continue;
      ticket.settled = true;
      if (ticket.ack !== undefined) acks.push(ticket.ack);
      ticket.reject(error);
    }
    return acks;
  }

  /** Writes what is queued within `timeoutMs`; whatever is left then is failed, so no caller waits forever. */
  async close(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    this.lateAllowedAt = 0;
    while (this.queued > 0 && this.state !== 'reconnecting' && Date.now() < deadline) {
      if (!this.busy) await this.flush();
      else await sleep(20);
    }
    this.state = 'closed';
    this.settleFailed([...this.live.splice(0), ...this.late.splice(0)], new Error('historian closed before these rows were written'));
  }
}
