import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { acquireEmbedded, type EmbeddedDatabase } from '../../lib/historian/embedded/embedded-registry';
import { TcpProxy } from './tcp-proxy';

export const LOCAL_POSTGRES_URL = process.env.TWIN_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Whether a PostgreSQL server answers at the URL (TCP connect and a query), within a couple of seconds. */
export async function postgresAnswers(url = LOCAL_POSTGRES_URL): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const open = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 5432) });
    socket.setTimeout(2000, () => { socket.destroy(); resolve(false); });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
  if (!open) return false;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema name no other test run uses, so parallel or aborted runs never see each other's tables. */
/** The local PostgreSQL behind a started TCP proxy the test can cut, and the URL that reaches it through the proxy. */
export async function proxiedPostgres(): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(LOCAL_POSTGRES_URL);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  await proxy.start();
  target.port = String(proxy.port);
  return { proxy, url: target.toString() };
}

export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`.toLowerCase();
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A database for a test: the real local PostgreSQL, or the embedded TimescaleDB on a machine without one. */
export interface TestDatabase {
  url: string;
  /** Releases the embedded database, if one was started, and removes its files. */
  release(): void;
}

export async function testDatabase(prefix: string): Promise<TestDatabase> {
  if (await postgresAnswers()) return { url: LOCAL_POSTGRES_URL, release: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const embedded: EmbeddedDatabase = await acquireEmbedded(dir, () => undefined);
  return { url: embedded.url, release: () => { embedded.release(); fs.rmSync(dir, { recursive: true, force: true }); } };
}
