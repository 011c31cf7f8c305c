import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import type { EmbeddedMessage } from './protocol';

export interface EmbeddedDatabase {
  url: string;
  timescale: boolean;
  /** Gives the database back; the server stops a few seconds after its last user, so a redeploy reuses it. */
  release(): void;
}

interface Entry {
  dataDir: string;
  /** Generated for each server and never written down: only this process can connect. */
  password: string;
  port: number;
  users: number;
  child: ChildProcess | undefined;
  starting: Promise<{ port: number; timescale: boolean }> | undefined;
  timescale: boolean;
  stopTimer: NodeJS.Timeout | undefined;
  onWarning: (message: string) => void;
}

const KEEP_ALIVE_MS = 5000;
const START_TIMEOUT_MS = 120000;
const entries = new Map<string, Entry>();

function startChild(entry: Entry): Promise<{ port: number; timescale: boolean }> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'server-process.js'), [entry.dataDir, String(entry.port)],
      { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, TWIN_EMBEDDED_PASSWORD: entry.password } });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('embedded database did not start within 2 minutes')); }, START_TIMEOUT_MS);
    child.on('message', (message: EmbeddedMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        entry.port = message.port;
        entry.timescale = message.timescale;
        resolve({ port: message.port, timescale: message.timescale });
      } else if (message.type === 'warning') {
        entry.onWarning(message.message);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`embedded database failed to start: ${message.message}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`embedded database exited (${code ?? signal}) ${stderr}`));
      if (entry.child !== child) return;
      entry.child = undefined;
      entry.starting = undefined;
      // Crashed while in use: start again on the same port, so pools reconnect without knowing.
      if (entry.users > 0) {
        entry.onWarning(`embedded database stopped unexpectedly (${code ?? signal}); restarting it`);
        entry.starting = startChild(entry);
        entry.starting.catch((err: Error) => entry.onWarning(err.message));
      }
    });
    entry.child = child;
  });
}

/**
 * One embedded database server per data directory for the whole process, shared by every connection that
 * asks for it (PGlite must never be opened twice on the same files).
 */
export async function acquireEmbedded(dataDir: string, onWarning: (message: string) => void): Promise<EmbeddedDatabase> {
  const key = path.resolve(dataDir);
  let entry = entries.get(key);
  if (!entry) {
    entry = { dataDir: key, password: crypto.randomBytes(18).toString('base64url'), port: 0, users: 0, child: undefined, starting: undefined, timescale: false, stopTimer: undefined, onWarning };
    entries.set(key, entry);
  }
  const current = entry;
  current.users++;
  if (current.stopTimer) { clearTimeout(current.stopTimer); current.stopTimer = undefined; }
  if (!current.starting) current.starting = startChild(current);
  try {
    const { port, timescale } = await current.starting;
    let released = false;
    return {
      url: `postgres://postgres:${current.password}@127.0.0.1:${port}/postgres`,
      timescale,
      release: () => {
        if (released) return;
        released = true;
        releaseEntry(current);
      },
    };
  } catch (err) {
    current.starting = undefined;
    releaseEntry(current);
    throw err;
  }
}

function releaseEntry(entry: Entry): void {
  entry.users = Math.max(0, entry.users - 1);
  if (entry.users > 0) return;
  entry.stopTimer = setTimeout(() => {
    entry.stopTimer = undefined;
    if (entry.users > 0) return;
    const child = entry.child;
    entry.child = undefined;
    entry.starting = undefined;
    entries.delete(entry.dataDir);
    if (child && child.connected) child.send({ type: 'stop' } satisfies EmbeddedMessage);
    else child?.kill('SIGTERM');
  }, KEEP_ALIVE_MS);
  entry.stopTimer.unref();
}
