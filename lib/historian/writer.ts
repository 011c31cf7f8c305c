import { Backoff, sleep } from './backoff';
import type { HistorianConnection } from './connection';
import { isConnectionError, isDataError } from './connection-errors';
import type { TableModule } from './schema-context';

export interface WriterOptions {
  batchSize: number;
  batchMs: number;
  /** Rows kept in memory while the database is unreachable; beyond it the oldest are failed, never silently. */
  maxQueuedRows: number;
}

export const DEFAULT_WRITER_OPTIONS: WriterOptions = { batchSize: 1000, batchMs: 1000, maxQueuedRows: 100000 };

export interface BatchResult {
  ok: boolean;
  /** Rows per table in this batch. */
  tables: Record<string, number>;
  rows: number;
  /** Rows actually added (replays of rows already stored are skipped). */
  inserted: number;
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

interface QueuedRow extends TableRow {
  ticket: Ticket;
}

/**
 * Batches rows into one transaction per batch (bounded by size and time), keeps order, and waits out database
 * outages with backoff while holding a bounded queue. Each `write` resolves only when all its rows are committed.
 */
export class BatchWriter {
  private readonly connection: HistorianConnection;
  private readonly options: WriterOptions;
  private readonly onResult: (result: BatchResult) => void;
  private readonly onState: (state: WriterState, queued: number) => void;
  private queue: QueuedRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  state: WriterState = 'idle';

  constructor(connection: HistorianConnection, options: WriterOptions, onResult: (result: BatchResult) => void,
    onState: (state: WriterState, queued: number) => void = () => undefined) {
    this.connection = connection;
    this.options = options;
    this.onResult = onResult;
    this.onState = onState;
  }

  get queued(): number {
    return this.queue.length;
  }

  write(rows: TableRow[], ack?: unknown): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new Error('historian is closed'));
    if (rows.length === 0) {
      // Nothing to store (a waveform block thinned out): still confirmed, or a buffer in front would wait for it forever.
      if (ack !== undefined) this.onResult({ ok: true, tables: {}, rows: 0, inserted: 0, durationMs: 0, acks: [ack] });
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { remaining: rows.length, settled: false, ack, resolve, reject };
      for (const row of rows) this.queue.push({ ...row, ticket });
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

  private enforceBound(): void {
    const excess = this.queue.length - this.options.maxQueuedRows;
    if (excess <= 0) return;
    const dropped = this.queue.splice(this.busy ? this.options.batchSize : 0, excess);
    const error = new Error(`historian queue full (${this.options.maxQueuedRows} rows) while the database is unreachable: ${dropped.length} oldest rows not written`);
    this.settleFailed(dropped, error);
  }

  private schedule(): void {
    if (this.busy || this.state === 'reconnecting') return;
    if (this.queue.length >= this.options.batchSize) {
      if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
      void this.flush();
    } else if (!this.timer && this.queue.length > 0) {
      this.timer = setTimeout(() => { this.timer = undefined; void this.flush(); }, this.options.batchMs);
    }
  }

  private async flush(): Promise<void> {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    const batch = this.queue.slice(0, this.options.batchSize);
    const started = Date.now();
    const tables: Record<string, number> = {};
    for (const row of batch) tables[row.table.table] = (tables[row.table.table] ?? 0) + 1;
    try {
      const inserted = await this.insert(batch);
      this.queue.splice(0, batch.length);
      const acks = this.settleWritten(batch);
      this.onResult({ ok: true, tables, rows: batch.length, inserted, durationMs: Date.now() - started, acks });
      this.busy = false;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (isConnectionError(error) && this.state !== 'closed') {
        this.busy = false;
        await this.reconnect(error);
      } else {
        this.queue.splice(0, batch.length);
        const acks = this.settleFailed(batch, error);
        this.onResult({ ok: false, tables, rows: batch.length, inserted: 0, durationMs: Date.now() - started, error: error.message, permanent: isDataError(error), acks });
        this.busy = false;
      }
    }
    this.schedule();
  }

  private async insert(batch: QueuedRow[]): Promise<number> {
    const ctx = await this.connection.ready();
    const pool = await this.connection.getPool();
    const byTable = new Map<TableModule<unknown>, unknown[]>();
    for (const { table, row } of batch) {
      const rows = byTable.get(table) ?? [];
      rows.push(row);
      byTable.set(table, rows);
    }
    const client = await pool.connect();
    // A connection dropped between two statements is reported by the failing query; without this listener the
    // client's own 'error' event would be unhandled and take the whole process down.
    const ignoreClientError = (): void => undefined;
    client.on('error', ignoreClientError);
    let inserted = 0;
    try {
      await client.query('BEGIN');
      for (const [table, rows] of byTable) {
        for (const statement of table.insertStatements(ctx, rows)) inserted += (await client.query(statement)).rowCount ?? 0;
      }
      await client.query('COMMIT');
      client.off('error', ignoreClientError);
      client.release();
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.off('error', ignoreClientError);
      client.release(isConnectionError(err) ? (err as Error) : undefined);
      throw err;
    }
    return inserted;
  }

  private async reconnect(cause: Error): Promise<void> {
    this.state = 'reconnecting';
    this.onState('reconnecting', this.queue.length);
    this.onResult({ ok: false, tables: {}, rows: 0, inserted: 0, durationMs: 0, error: `database unreachable, ${this.queue.length} rows queued: ${cause.message}`, acks: [] });
    const backoff = new Backoff();
    while (this.state === 'reconnecting') {
      await sleep(backoff.next());
      if (this.state !== 'reconnecting') return;
      try {
        await this.connection.probe();
        this.state = 'idle';
        this.onState('idle', this.queue.length);
      } catch {
        this.onState('reconnecting', this.queue.length);
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
    while (this.queue.length > 0 && this.state !== 'reconnecting' && Date.now() < deadline) {
      if (!this.busy) await this.flush();
      else await sleep(20);
    }
    this.state = 'closed';
    this.settleFailed(this.queue.splice(0), new Error('historian closed before these rows were written'));
  }
}
