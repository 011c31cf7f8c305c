import { Backoff, sleep } from './backoff';
import type { HistorianConnection } from './connection';
import { isConnectionError } from './connection-errors';
import { CopyRoute } from './copy';
import { asBulk } from './gated-pool';
import { insertBatch } from './insert';
import { storeSplitting, type StoreOutcome } from './poison-rows';
import type { TableModule } from './schema-context';
import { deadLettersTable, type DeadLetter } from './tables/dead-letters';

export interface WriterOptions {
  batchSize: number;
  batchMs: number;
  /**
   * Rows kept in memory; beyond it the oldest are failed, never silently. While the database answers, a message that
   * came with an ack token (from a buffer, which keeps it and bounds what it sends by its in-flight window) is queued
   * whole and does not trigger the bound; once the database is unreachable every message does.
   */
  maxQueuedRows: number;
  /**
   * Share (0–1] of the writer's time that late rows (replayed from a buffer) may take: after a batch with late rows
   * that took d ms, the next late rows wait d·(1−share)/share ms, so a backlog drains at that share of what the
   * database really takes. Live rows never wait for it. Default 0.5.
   */
  replayShare?: number;
  /**
   * Most rows in a batch that carries late rows (default 10,000; larger batches take the COPY path), and in a batch of
   * live rows while at least `copyMinRows` of them wait: the writer is behind, and one COPY of the backlog takes the
   * database about twice the rows per second of `batchSize`-row inserts one after the other.
   */
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
type Lane = 'live' | 'late';

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

function countByTable(rows: TableRow[]): Record<string, number> {
  const tables: Record<string, number> = {};
  for (const row of rows) tables[row.table.table] = (tables[row.table.table] ?? 0) + 1;
  return tables;
}

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
  /** `cause`: why the writer went to `reconnecting` (the error's message), given when it goes there. */
  private readonly onState: (state: WriterState, queued: number, cause?: string) => void;
  private live: QueuedRow[] = [];
  private late: QueuedRow[] = [];
  /** Rows of each lane in the batch being written (at the head of their queue); 0 = that lane is idle. */
  private writing = { live: 0, late: 0 };
  private liveSince = 0;
  private lateAllowedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly copyRoute = new CopyRoute();
  state: WriterState = 'idle';

  constructor(connection: HistorianConnection, options: WriterOptions, onResult: (result: BatchResult) => void,
    onState: (state: WriterState, queued: number, cause?: string) => void = () => undefined) {
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
      for (const { table, row } of rows) lane.push({ table, row, ticket });
      // Rows a buffer sent (with its ack token) are bounded by the buffer's in-flight window while the database
      // answers; cutting them would only make the buffer send them all again, which overruns the bound once more.
      if (ack === undefined || this.state === 'reconnecting') this.enforceBound();
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
      const queue = this.lane(lane);
      const keep = this.writing[lane];
      const removed = queue.splice(keep, Math.min(excess, Math.max(0, queue.length - keep)));
      dropped.push(...removed);
      excess -= removed.length;
    }
    const error = new Error(`historian queue full (${this.options.maxQueuedRows} rows): ${dropped.length} oldest rows not written`);
    const acks = this.settleFailed(dropped, error);
    // A buffer in front learns at once that these messages were let go and sends them again after its back-off,
    // instead of waiting out its acknowledgement timeout.
    if (acks.length > 0) {
      this.onResult({ ok: false, tables: countByTable(dropped), rows: dropped.length, inserted: 0, durationMs: 0, error: error.message, acks });
    }
  }

  private lane(lane: Lane): QueuedRow[] {
    return lane === 'live' ? this.live : this.late;
  }

  /**
   * Each lane writes its own batches, on its own pooled connection: live rows never wait behind a large batch of
   * late ones. Live rows go when a batch is full or the batch time is up; late rows as soon as the replay share allows.
   */
  private schedule(): void {
    if (this.state === 'reconnecting' || this.state === 'closed') return;
    const now = Date.now();
    const liveDue = this.live.length > 0 ? this.liveSince + this.options.batchMs : Infinity;
    if (this.writing.live === 0 && this.live.length > 0 && (this.live.length >= this.options.batchSize || now >= liveDue)) void this.flush('live');
    if (this.writing.late === 0 && this.late.length > 0 && now >= this.lateAllowedAt) void this.flush('late');
    const waits = [this.writing.live === 0 ? liveDue : Infinity, this.writing.late === 0 && this.late.length > 0 ? this.lateAllowedAt : Infinity];
    const at = Math.min(...waits.filter((t) => t > now));
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (at === Infinity) return;
    this.timer = setTimeout(() => { this.timer = undefined; this.schedule(); }, at - now);
  }

  private async flush(lane: Lane): Promise<void> {
    const queue = this.lane(lane);
    if (this.writing[lane] > 0 || queue.length === 0) return;
    const started = Date.now();
    const behind = lane === 'late' || queue.length >= this.options.copyMinRows;
    const count = Math.min(queue.length, behind ? this.options.replayBatchSize : this.options.batchSize);
    this.writing[lane] = count;
    const batch = queue.slice(0, count);
    const tables = countByTable(batch);
    try {
      const outcome: StoreOutcome = await storeSplitting(batch, (rows) => this.insert(rows));
      if (outcome.deadLetters.length > 0) await this.keepDeadLetters(outcome.deadLetters);
      queue.splice(0, count);
      if (lane === 'live' && this.live.length > 0) this.liveSince = started;
      const durationMs = Date.now() - started;
      if (lane === 'late') this.lateAllowedAt = Date.now() + durationMs * (1 - this.options.replayShare) / this.options.replayShare;
      const acks = this.settleWritten(batch);
      this.writing[lane] = 0;
      this.onResult({ ok: true, tables, rows: count, inserted: outcome.inserted, late: lane === 'late' ? count : 0, durationMs, acks,
        ...(outcome.deadLetters.length > 0 ? { deadLettered: outcome.deadLetters.length, refused: outcome.deadLetters.slice(0, REPORTED_REFUSALS) } : {}) });
    } catch (err) {
      this.writing[lane] = 0;
      const error = err instanceof Error ? err : new Error(String(err));
      if (isConnectionError(error) && this.state !== 'closed') {
        if (this.state !== 'reconnecting') await this.reconnect(error);
      } else {
        queue.splice(0, count);
        const acks = this.settleFailed(batch, error);
        this.onResult({ ok: false, tables, rows: count, inserted: 0, durationMs: Date.now() - started, error: error.message, acks });
      }
    }
    this.schedule();
  }

  private async insert(batch: TableRow[]): Promise<number> {
    const ctx = await this.connection.ready();
    const pool = await this.connection.getPool();
    return asBulk(() => insertBatch(pool, ctx, batch, this.options.copyMinRows, this.copyRoute));
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
    this.enforceBound();
    this.onState('reconnecting', this.queued, cause.message);
    this.onResult({ ok: false, tables: {}, rows: 0, inserted: 0, durationMs: 0, error: `database unreachable, ${this.queued} rows queued: ${cause.message}`, acks: [] });
    // Probed at least every 2 s (a probe is one small query): once the database is back, live rows should not wait
    // long for the writer to notice.
    const backoff = new Backoff(500, 2000);
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
    while ((this.queued > 0 || this.writing.live > 0 || this.writing.late > 0) && this.state !== 'reconnecting' && Date.now() < deadline) {
      if (this.writing.live === 0 && this.live.length > 0) void this.flush('live');
      if (this.writing.late === 0 && this.late.length > 0) void this.flush('late');
      await sleep(20);
    }
    this.state = 'closed';
    this.settleFailed([...this.live.splice(0), ...this.late.splice(0)], new Error('historian closed before these rows were written'));
  }
}
