/**
 * Store-and-forward figures: confirmed appends of one message each with group commit (sync, batch) and with an
 * interval sync, beside one fsync per message (the bare disk); replay
 * throughput to an instantly confirming sink, and a 10-minute database outage at 1,000 readings/s: the backlog on
 * disk and the time to drain it while live data keeps arriving. The outage is simulated (600,000 records appended
 * with their original timestamps as fast as the disk takes them); the drain runs in real time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskQueue, type DiskQueueOptions, type Durability } from '../lib/buffer/disk-queue';
import { printFigure } from './print-figure';
import { Forwarder } from '../lib/buffer/forwarder';
import { encodeMessage } from '../lib/buffer/message-codec';

const LIVE_RATE = 1000;
const OUTAGE_S = 600;

function reading(i: number, ts: number): Buffer {
  return encodeMessage({ topic: 'spindle-1', payload: [{ asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', value: 40 + (i % 100) / 10, ts, quality: 'good' }] });
}

function queueOptions(dir: string, durability: Durability = 'sync'): DiskQueueOptions {
  return { dir, segmentBytes: 16 * 1024 * 1024, maxBytes: 4 * 1024 * 1024 * 1024, maxAgeMs: 7 * 86400000, fullPolicy: 'drop-oldest', durability, fsyncMs: 200 };
}

/** Messages confirmed per second when each is appended alone and waits for its own confirmation (as the node does). */
async function confirmedAppends(durability: Durability, total: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-buffer-bench-'));
  const queue = DiskQueue.open(queueOptions(dir, durability));
  try {
    const now = Date.now();
    const started = process.hrtime.bigint();
    const confirmations: Array<Promise<void>> = [];
    for (let i = 0; i < total; i++) {
      queue.append([reading(i, now)], now);
      confirmations.push(queue.whenDurable());
      // Messages arrive over time, not in one synchronous burst: let the event loop (and the fsync callbacks) run.
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(confirmations);
    return rate(total, started);
  } finally {
    queue.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The bare disk: one fsync per message, as the buffer did before group commit. */
function fsyncPerMessage(total: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-buffer-bench-'));
  const fd = fs.openSync(path.join(dir, 'raw'), 'w');
  try {
    const started = process.hrtime.bigint();
    for (let i = 0; i < total; i++) {
      fs.writeSync(fd, reading(i, Date.now()));
      fs.fsyncSync(fd);
    }
    return rate(total, started);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function rate(count: number, started: bigint): string {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return `${Math.round(count / seconds).toLocaleString('en-US')} records/s`;
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-buffer-bench-'));
  try {
    printFigure('one message per append, bare disk: write + fsync each', fsyncPerMessage(2000));
    for (const durability of ['sync', 'batch', 'interval'] as const) printFigure(`one message per append, confirmed, durability ${durability}`, await confirmedAppends(durability, 20000));
    const queue = DiskQueue.open(queueOptions(dir));

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
