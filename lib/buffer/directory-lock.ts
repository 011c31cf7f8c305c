import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a lock file says about its holder. */
interface LockHolder {
  pid: number;
  host: string;
  /** Start time of the process (Linux clock ticks since boot), so a reused PID is not taken for the holder. */
  started?: string;
  owner: string;
  since: string;
}

export class DirectoryLockedError extends Error {
  readonly code = 'ELOCKED';
}

/** Locks held by this process, by lock file: a second owner inside one Node-RED is refused without touching the disk. */
const heldHere = new Map<string, string>();

function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name in field 2 may hold spaces and parentheses, so count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const started = processStart(holder.pid);
  return !(holder.started && started && holder.started !== started);
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    return Number.isInteger(holder.pid) && typeof holder.host === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

function describe(holder: LockHolder): string {
  const where = holder.host === os.hostname() ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
  return `${holder.owner} (${where}, since ${holder.since})`;
}

/**
 * An exclusive owner for a directory (a buffer's segments, an embedded database's files), across the nodes of one
 * process and across processes: two writers on one set of files lose and cross-deliver data. The lock file names its
 * holder; one left behind by a process that died (SIGKILL, power cut) is taken over, one held by a live process is
 * refused with an error naming it.
 */
export class DirectoryLock {
  private released = false;

  private constructor(readonly file: string) {}

  static acquire(file: string, owner: string): DirectoryLock {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const key = path.join(fs.realpathSync(path.dirname(file)), path.basename(file));
    const here = heldHere.get(key);
    if (here !== undefined) {
      throw new DirectoryLockedError(`${path.dirname(file)} is already in use by ${here} in this Node-RED: give each one its own folder`);
    }
    const me: LockHolder = { pid: process.pid, host: os.hostname(), started: processStart(process.pid), owner, since: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(key, 'wx', 0o644);
        try {
          fs.writeSync(fd, JSON.stringify(me));
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        heldHere.set(key, owner);
        return new DirectoryLock(key);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readHolder(key);
      if (holder && alive(holder)) {
        throw new DirectoryLockedError(`${path.dirname(file)} is in use by ${describe(holder)}; if that process is gone, delete ${key}`);
      }
      // Stale: move it aside (only one contender can rename it) and try again.
      const aside = `${key}.stale-${process.pid}-${Date.now()}`;
      try {
        fs.renameSync(key, aside);
        fs.rmSync(aside, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    throw new DirectoryLockedError(`could not take the lock ${key}: another process keeps taking it`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.file);
    const holder = readHolder(this.file);
    if (holder && holder.pid === process.pid && holder.host === os.hostname()) fs.rmSync(this.file, { force: true });
  }
}
