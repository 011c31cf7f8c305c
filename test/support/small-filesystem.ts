import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallFilesystem {
  dir: string;
  /** Fills what is left with a file that `makeRoom` deletes again. */
  fill(): void;
  makeRoom(): void;
  unmount(): void;
}

/**
 * A real, really small filesystem (tmpfs of `sizeBytes`) so a test meets ENOSPC and short writes as a plant's full
 * disk would produce them. Needs the right to mount (root, as on CI here); undefined where that is refused.
 */
export function mountSmallFilesystem(sizeBytes: number): SmallFilesystem | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-small-fs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = fs.openSync(filler, 'a');
      const block = Buffer.alloc(4096, 1);
      try {
        for (;;) fs.writeSync(fd, block);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        fs.closeSync(fd);
      }
    },
    makeRoom() {
      fs.rmSync(filler, { force: true });
    },
    unmount() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
