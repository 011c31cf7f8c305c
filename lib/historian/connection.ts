import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Pool, type PoolConfig } from 'pg';
import { Backoff, sleep } from './backoff';
import { isConnectionError } from './connection-errors';
import { acquireEmbedded, type EmbeddedDatabase } from './embedded/embedded-registry';
import { GatedPool } from './gated-pool';
import { ensureSchema, type SchemaSettings } from './schema';
import type { SchemaContext } from './schema-context';
import { EMBEDDED_MAX_STATEMENT_BYTES } from './statement-size';

/** TLS to a server: the server's certificate is always verified, against `caFile` (PEM) or the system's CAs. */
export interface TlsSettings {
  ssl: boolean;
  caFile?: string;
}

export type ConnectionTarget =
  | ({ kind: 'url'; url: string } & TlsSettings)
  | ({ kind: 'server'; host: string; port: number; database: string; user: string; password: string } & TlsSettings)
  | { kind: 'embedded'; dataDir: string };

export interface ConnectionSettings extends SchemaSettings {
  target: ConnectionTarget;
  poolMax: number;
  /**
   * Longest a statement may run (server-side statement_timeout); the client gives up 2 s later, which is how a
   * half-open link (no reply, no reset) is noticed. Default 10 s.
   */
  statementTimeoutMs?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 10000;
/** Idle time before TCP keepalive probes start, so a dead peer of an idle pooled connection is found. */
const KEEPALIVE_MS = 5000;

function tlsOptions(target: TlsSettings): ConnectionOptions | undefined {
  if (!target.ssl) return undefined;
  const options: ConnectionOptions = { rejectUnauthorized: true };
  if (target.caFile) {
    try {
      options.ca = fs.readFileSync(target.caFile, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the database CA certificate ${target.caFile}: ${(err as Error).message}`);
    }
  }
  return options;
}

export type ConnectionState = 'connecting' | 'ready' | 'reconnecting' | 'failed' | 'closed';

/** Where a connection goes, for status and logs: never the password. */
export function describeTarget(target: ConnectionTarget): string {
  switch (target.kind) {
    case 'embedded': return `embedded database in ${target.dataDir}`;
    case 'server': return `${target.user}@${target.host}:${target.port}/${target.database}`;
    case 'url': {
      try {
        const url = new URL(target.url);
        return `${url.username ? `${url.username}@` : ''}${url.host}${url.pathname}`;
      } catch {
        return 'DATABASE_URL';
      }
    }
  }
}

/**
 * A bounded pg pool to the historian's database plus its schema, shared by every historian node of one config.
 * `ready()` waits (with backoff) for the database to answer and the schema to exist; pool errors from dropped
 * connections are absorbed here, never crashing the process.
 */
export class HistorianConnection extends EventEmitter {
  readonly settings: ConnectionSettings;
  state: ConnectionState = 'connecting';
  detail = '';
  private pool: Pool | undefined;
  private users = 0;
  private usersGone: (() => void) | undefined;
  private embedded: EmbeddedDatabase | undefined;
  private readying: Promise<SchemaContext> | undefined;
  private readonly abort = new AbortController();

  constructor(settings: ConnectionSettings) {
    super();
    // Every historian, model and training node of a flow listens for the state of the one connection they share.
    this.setMaxListeners(0);
    this.settings = settings;
  }

  private setState(state: ConnectionState, detail: string): void {
    this.state = state;
    this.detail = detail;
    this.emit('state', state, detail);
  }

  private async createPool(): Promise<Pool> {
    const { target, poolMax } = this.settings;
    const statementMs = this.settings.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    const base: PoolConfig = { max: poolMax, idleTimeoutMillis: 10000, connectionTimeoutMillis: 10000,
      keepAlive: true, keepAliveInitialDelayMillis: KEEPALIVE_MS, query_timeout: statementMs + 2000 };
    let pool: Pool;
    if (target.kind === 'embedded') {
      this.embedded = await acquireEmbedded(target.dataDir, (message) => this.emit('warning', message));
      // The embedded server serves one connection at a time: one pooled client, released quickly when idle, taken
      // in turns by priority (historian batches last).
      pool = new GatedPool({ ...base, connectionString: this.embedded.url, max: 1, idleTimeoutMillis: 2000 });
    } else if (target.kind === 'url') {
      pool = new Pool({ ...base, statement_timeout: statementMs, connectionString: target.url, ssl: tlsOptions(target) });
    } else {
      pool = new Pool({ ...base, statement_timeout: statementMs, host: target.host, port: target.port, database: target.database, user: target.user,
        password: target.password || undefined, ssl: tlsOptions(target) });
    }
    pool.on('error', (err) => this.emit('warning', `idle database connection lost: ${err.message}`));
    return pool;
  }

  /** The pool, once the database answered and the schema exists. */
  ready(): Promise<SchemaContext> {
    this.readying ??= this.connect();
    return this.readying;
  }

  async getPool(): Promise<Pool> {
    await this.ready();
    if (!this.pool) throw new Error('historian connection closed');
    return this.pool;
  }

  /**
   * Keeps the pool open on close until the returned function is called: Node-RED stops config nodes alongside the
   * nodes using them, and a historian still writing its last batch must not find the pool gone.
   */
  retain(): () => void {
    this.users++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.users--;
      if (this.users === 0) this.usersGone?.();
    };
  }

  private async connect(): Promise<SchemaContext> {
    const backoff = new Backoff();
    for (;;) {
      if (this.abort.signal.aborted) throw new Error('historian connection closed');
      try {
        this.pool ??= await this.createPool();
        const maxStatementBytes = this.settings.target.kind === 'embedded' ? EMBEDDED_MAX_STATEMENT_BYTES : Infinity;
        const ctx = await ensureSchema(this.pool, { ...this.settings, maxStatementBytes });
        this.setState('ready', ctx.timescale ? 'TimescaleDB' : 'plain PostgreSQL');
        return ctx;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (!isConnectionError(err) && this.pool) {
          this.setState('failed', message);
          throw err;
        }
        const delay = backoff.next();
        this.setState('reconnecting', `${describeTarget(this.settings.target)}: ${message}; retry in ${delay / 1000} s`);
        await sleep(delay, this.abort.signal);
      }
    }
  }

  /** Waits until the database answers a trivial query (after a connection loss). */
  async probe(): Promise<void> {
    const pool = await this.getPool();
    await pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.users > 0) await new Promise<void>((resolve) => { this.usersGone = resolve; });
    this.abort.abort();
    this.setState('closed', '');
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end().catch(() => undefined);
    this.embedded?.release();
    this.embedded = undefined;
  }
}
