/**
 * Child-process half of the full-disk test where no filesystem can be mounted: run under `prlimit --fsize=N`, it
 * appends records until the file size limit refuses one (a short write, then EFBIG, as on a full disk) and prints
 * what was accepted and what the error said. argv: <queue directory>
 */
import { DiskQueue } from '../../lib/buffer/disk-queue';

const queue = DiskQueue.open({ dir: process.argv[2], segmentBytes: 64 * 1024 * 1024, maxBytes: 1024 * 1024 * 1024, maxAgeMs: 3600000,
  fullPolicy: 'drop-oldest', durability: 'sync', fsyncMs: 100 });
let accepted = 0;
let error = '';
let code = '';
try {
  for (let i = 0; i < 100000; i++) {
    queue.append([Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(10000) }))]);
    accepted++;
  }
} catch (err) {
  error = (err as Error).message;
  code = (err as { code?: string }).code ?? '';
}
queue.close();
process.stdout.write(JSON.stringify({ accepted, error, code }));
