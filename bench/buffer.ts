/**
 * Store-and-forward figures: append throughput with the default durability (fsync per append call), replay
 * throughput to an instantly confirming sink, and a 10-minute database outage at 1,000 readings/s: the backlog on
 * disk and the time to drain it while live data keeps arriving. The outage is simulated (600,000 records appended
 * with their original timestamps as fast as the disk takes them); the drain runs in real time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskQueue, type DiskQueueOptions } from '../lib/buffer/disk-queue';
import { Forwarder } from '../lib/buffer/forwarder';
import { encodeMessage } from '../lib/buffer/message-codec';

const LIVE_RATE = 1000;
const OUTAGE_S = 600;

function reading(i: number, ts: number): Buffer {
  return encodeMessage({ topic: 'spindle-1', payload: [{ asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', value: 40 + (i % 100) / 10, ts, quality: 'good' }] });
}

function queueOptions(dir: string): DiskQueueOptions {
  return { dir, segmentBytes: 16 * 1024 * 1024, maxBytes: 4 * 1024 * 1024 * 1024, maxAgeMs: 7 * 86400000, fullPolicy: 'drop-oldest', durability: 'batch', fsyncMs: 200 };
}

function rate(count: number, started: bigint): string {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return `${Math.round(count / seconds).toLocaleString('en-US')} records/s`;
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-buffer-bench-'));
  try {
    const queue = DiskQueue.open(queueOptions(dir));
    const now = Date.now();
    for (const batch of [1, 100, 1000]) {
      const total = batch === 1 ? 2000 : 200000;
      const started = process.hrtime.bigint();
      for (let i = 0; i < total; i += batch) queue.append(Array.from({ length: batch }, (_, k) => reading(i + k, now)), now);
      process.stdout.write(`append, fsync per call, ${String(batch).padStart(4)} records per call: ${rate(total, started)}\n`);
    }
    queue.ack(queue.lastSeq);

    const outageStart = Date.now() - OUTAGE_S * 1000;
    const appendStarted = process.hrtime.bigint();
    for (let s = 0; s < OUTAGE_S; s++) {
      queue.append(Array.from({ length: LIVE_RATE }, (_, k) => reading(s * LIVE_RATE + k, outageStart + s * 1000)), outageStart + s * 1000);
    }
    const backlog = queue.getStats();
    process.stdout.write(`outage of ${OUTAGE_S / 60} min at ${LIVE_RATE}/s: ${backlog.backlog.toLocaleString('en-US')} records, ` +
      `${(backlog.diskBytes / 1048576).toFixed(1)} MB on disk (appended at ${rate(backlog.backlog, appendStarted)})\n`);

    let delivered = 0;
    const forwarder: Forwarder = new Forwarder(queue, { maxInFlight: 5000, maxReplayRate: 0, ackTimeoutMs: 60000, historicalAfterMs: 10000, liveFirst: false },
      (record) => { delivered++; queueMicrotask(() => forwarder.ack(record.seq)); });
    const drainStarted = Date.now();
    let live = 0;
    while (queue.getStats().backlog > 0) {
      const due = Math.floor(((Date.now() - drainStarted) / 1000) * LIVE_RATE) - live;
      if (due > 0) {
        forwarder.push(Array.from({ length: due }, (_, k) => reading(live + k, Date.now())));
        live += due;
      }
      forwarder.tick();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const drainS = (Date.now() - drainStarted) / 1000;
    process.stdout.write(`drain with live data continuing at ${LIVE_RATE}/s: ${drainS.toFixed(1)} s for ${delivered.toLocaleString('en-US')} records ` +
      `(${Math.round(delivered / drainS).toLocaleString('en-US')} records/s replay, ${(delivered / drainS / LIVE_RATE).toFixed(0)}x the live rate)\n`);
    queue.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
