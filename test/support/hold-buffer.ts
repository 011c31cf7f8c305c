/** Child process that opens a buffer directory and holds it until killed. argv: <queue directory> */
import { DiskQueue } from '../../lib/buffer/disk-queue';

DiskQueue.open({ dir: process.argv[2], segmentBytes: 65536, maxBytes: 1048576, maxAgeMs: 3600000, fullPolicy: 'drop-oldest', durability: 'sync', fsyncMs: 100, owner: 'a test process' });
process.send?.('holding');
setInterval(() => undefined, 1000);
