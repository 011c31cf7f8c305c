import { AsyncLocalStorage } from 'node:async_hooks';
import { Pool, type PoolClient } from 'pg';

/** Marks the database work started inside `work` as bulk: it waits behind everything else for the connection. */
const bulkWork = new AsyncLocalStorage<true>();

/** Runs `work` as bulk work (a historian's batch): queries, the model registry and probes go ahead of it. */
export function asBulk<T>(work: () => Promise<T>): Promise<T> {
  return bulkWork.run(true, work);
}

/**
 * Longest a query waits for the one connection (bulk work waits as long as it takes: its rows stay queued, which is
 * not an outage). Every holder is bounded by the statement timeout, so a wait this long means the database is not
 * keeping up; the message keeps pg's wording, which callers know as a connection problem.
 */
export const GATE_WAIT_MS = 60_000;

interface Waiter {
  enter: () => void;
}

/** One holder at a time; waiters that are not bulk go first, each class in arrival order. */
class PriorityGate {
  private held = false;
  private readonly ahead: Waiter[] = [];
  private readonly bulk: Waiter[] = [];

  /** Resolves with the function that lets the next waiter in. */
  enter(bulk: boolean): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const leave = (): void => this.next();
      if (!this.held) {
        this.held = true;
        resolve(leave);
        return;
      }
      if (bulk) {
        this.bulk.push({ enter: () => resolve(leave) });
        return;
      }
      const waiting = this.ahead.length;
      const waiter: Waiter = { enter: () => { clearTimeout(timer); resolve(leave); } };
      const timer = setTimeout(() => {
        this.ahead.splice(this.ahead.indexOf(waiter), 1);
        reject(new Error(`timeout exceeded when trying to connect: waited ${GATE_WAIT_MS / 1000} s for the embedded database's one connection ` +
          `(${waiting} queries ahead when asked)`));
      }, GATE_WAIT_MS);
      this.ahead.push(waiter);
    });
  }

  private next(): void {
    const waiter = this.ahead.shift() ?? this.bulk.shift();
    if (waiter) waiter.enter();
    else this.held = false;
  }
}

type ConnectCallback = (err: Error | undefined, client: PoolClient | undefined, done: (release?: Error | boolean) => void) => void;

/**
 * A pool for a server that serves one connection at a time (the embedded PGlite): callers take turns through a
 * priority gate instead of pg's first-come queue, so a dashboard query or the model registry's lookup waits for the
 * statement in progress, not for every historian batch queued before it; and waiting in that queue is not mistaken
 * for an unreachable database after pg's 10 s connection timeout.
 */
export class GatedPool extends Pool {
  private readonly gate = new PriorityGate();

  override connect(): Promise<PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<PoolClient> | void {
    const acquired = this.gate.enter(bulkWork.getStore() === true).then(async (leave) => {
      try {
        const client = await super.connect();
        const release = client.release.bind(client);
        client.release = (err?: Error | boolean): void => {
          release(err);
          leave();
        };
        return client;
      } catch (err) {
        leave();
        throw err;
      }
    });
    if (!callback) return acquired;
    acquired.then((client) => callback(undefined, client, (err) => client.release(err)),
      (err: Error) => callback(err, undefined, () => undefined));
  }
}
