import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskQueue, type DiskQueueOptions } from '../lib/buffer/disk-queue';
import { Forwarder } from '../lib/buffer/forwarder';
import { decodeMessage, encodeMessage } from '../lib/buffer/message-codec';
import type { DiskRecord } from '../lib/buffer/record-codec';

function options(dir: string, overrides: Partial<DiskQueueOptions> = {}): DiskQueueOptions {
  return { dir, segmentBytes: 4096, maxBytes: 10 * 1024 * 1024, maxAgeMs: 3600000, fullPolicy: 'drop-oldest', durability: 'batch', fsyncMs: 100, ...overrides };
}

const payload = (i: number): Buffer => Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(40) }));
const index = (r: DiskRecord): number => (JSON.parse(r.payload.toString()) as { i: number }).i;

describe('disk queue', function () {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-queue-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hands records out in order across segments and resumes after the last acknowledged one when reopened', function () {
    const queue = DiskQueue.open(options(dir));
    for (let i = 0; i < 300; i++) queue.append([payload(i)]);
    assert.ok(fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).length > 3, 'several segments');
    const first = queue.read(120);
    assert.deepEqual(first.map(index), Array.from({ length: 120 }, (_, i) => i));
    queue.ack(first[99].seq);
    queue.close();
    const reopened = DiskQueue.open(options(dir));
    assert.equal(reopened.getStats().backlog, 200);
    assert.deepEqual(reopened.read(1000).map(index), Array.from({ length: 200 }, (_, i) => i + 100));
    reopened.ack(reopened.lastSeq);
    assert.equal(reopened.getStats().backlog, 0);
    assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).length, 1, 'delivered segments deleted');
    reopened.close();
  });

  it('ages the backlog by its oldest unacknowledged record, also after reopening', function () {
    const queue = DiskQueue.open(options(dir, { segmentBytes: 1024 * 1024 }));
    const start = Date.UTC(2026, 10, 26, 8);
    for (let i = 0; i < 10; i++) queue.append([payload(i)], start + i * 60_000);
    queue.ack(queue.read(3)[2].seq);
    assert.equal(queue.getStats().oldestAppendedAt, start + 3 * 60_000, 'the fourth record, not the segment\'s first');
    queue.close();
    const reopened = DiskQueue.open(options(dir, { segmentBytes: 1024 * 1024 }));
    assert.equal(reopened.getStats().oldestAppendedAt, start + 3 * 60_000);
    reopened.ack(reopened.lastSeq);
    assert.equal(reopened.getStats().oldestAppendedAt, undefined, 'nothing waiting');
    reopened.close();
  });

  it('cuts a torn final record off and counts it, keeping everything before it', function () {
    const queue = DiskQueue.open(options(dir, { segmentBytes: 1024 * 1024 }));
    for (let i = 0; i < 10; i++) queue.append([payload(i)]);
    queue.close();
    const segment = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.seg'))!);
    fs.truncateSync(segment, fs.statSync(segment).size - 7);
    const reopened = DiskQueue.open(options(dir, { segmentBytes: 1024 * 1024 }));
    assert.ok(reopened.getStats().tornBytes > 0);
    assert.deepEqual(reopened.read(100).map(index), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    reopened.append([payload(99)]);
    assert.deepEqual(reopened.read(100).map(index), [99], 'appends continue after the cut');
    reopened.close();
  });

  it('skips and reports a damaged record in the middle, keeping the rest', function () {
    const queue = DiskQueue.open(options(dir, { segmentBytes: 1024 * 1024 }));
    for (let i = 0; i < 10; i++) queue.append([payload(i)]);
    queue.close();
    const segment = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.seg'))!);
    const bytes = fs.readFileSync(segment);
    const recordBytes = bytes.length / 10;
    bytes[4 * recordBytes + 30] ^= 0xff;
    fs.writeFileSync(segment, bytes);
    const reopened = DiskQueue.open(options(dir, { segmentBytes: 1024 * 1024 }));
    assert.equal(reopened.getStats().corrupt, 1);
    assert.deepEqual(reopened.read(100).map(index), [0, 1, 2, 3, 5, 6, 7, 8, 9]);
    reopened.close();
  });

  it('drops the oldest data when the disk limit is reached, and counts it', function () {
    const queue = DiskQueue.open(options(dir, { maxBytes: 16 * 1024, segmentBytes: 4096 }));
    for (let i = 0; i < 1000; i++) queue.append([payload(i)]);
    const stats = queue.getStats();
    assert.ok(stats.diskBytes <= 16 * 1024, `${stats.diskBytes} bytes on disk`);
    assert.ok(stats.dropped > 700, `dropped ${stats.dropped}`);
    const kept = queue.read(1000).map(index);
    assert.equal(kept[kept.length - 1], 999, 'the newest data is kept');
    assert.equal(kept.length + stats.dropped, 1000, 'every record is either kept or counted as dropped');
    queue.close();
  });

  it('refuses new data when told to keep the oldest, and counts it', function () {
    const queue = DiskQueue.open(options(dir, { maxBytes: 16 * 1024, segmentBytes: 4096, fullPolicy: 'refuse-newest' }));
    let stored = 0;
    for (let i = 0; i < 1000; i++) stored += queue.append([payload(i)]);
    assert.equal(queue.getStats().refused, 1000 - stored);
    assert.deepEqual(queue.read(1000).map(index), Array.from({ length: stored }, (_, i) => i), 'the oldest data is kept');
    queue.close();
  });

  it('drops data older than the age limit', function () {
    const queue = DiskQueue.open(options(dir, { maxAgeMs: 60000, segmentBytes: 256 }));
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) queue.append([payload(i)], t0);
    queue.append([payload(100)], t0 + 120000);
    assert.equal(queue.getStats().dropped, 20);
    assert.deepEqual(queue.read(100).map(index), [100]);
    queue.close();
  });
});

describe('forwarder', function () {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-fwd-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('resends what the sink did not confirm, in order, and paces the replay', function () {
    const queue = DiskQueue.open(options(dir));
    const sent: Array<{ seq: number; historical: boolean }> = [];
    const forwarder = new Forwarder(queue, { maxInFlight: 10, maxReplayRate: 100, ackTimeoutMs: 1000, historicalAfterMs: 10000, liveFirst: false },
      (record, historical) => sent.push({ seq: record.seq, historical }));
    const t0 = Date.now();
    for (let i = 0; i < 250; i++) forwarder.push([payload(i)], t0);
    assert.deepEqual(sent.map((s) => s.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'window of 10');
    // The sink never confirms: after the timeout (plus back-off) the same records come again, in order.
    forwarder.tick(t0 + 1500);
    forwarder.tick(t0 + 2600);
    assert.deepEqual(sent.slice(10).map((s) => s.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(forwarder.state, 'buffering');
    for (let seq = 1; seq <= 10; seq++) forwarder.ack(seq, t0 + 15000);
    assert.equal(queue.lastAcked, 10);
    const delivered = new Set<number>();
    let now = t0 + 15000;
    while (queue.lastAcked < 250 && now < t0 + 30000) {
      now += 100;
      forwarder.tick(now);
      for (const s of sent) if (!delivered.has(s.seq) && s.seq > 10) { delivered.add(s.seq); forwarder.ack(s.seq, now); }
    }
    assert.equal(queue.lastAcked, 250);
    assert.ok(sent.filter((s) => s.seq > 10).every((s) => s.historical), 'records sent 15 s after arrival are historical');
    const seconds = (now - (t0 + 15000)) / 1000;
    assert.ok(240 / seconds <= 100 * 1.2 && 240 / seconds >= 100 * 0.8, `replay paced near 100/s: ${Math.round(240 / seconds)}/s`);
    queue.close();
  });

  it('keeps waveform samples bit-exact through the disk format', function () {
    const samples = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) / 3);
    const back = decodeMessage(encodeMessage({ topic: 't', payload: [{ sensor: 'acc', ts: 1, samples, sampleRate: 12800 }] }));
    const element = (back.payload as Array<{ samples: Float32Array }>)[0];
    assert.ok(element.samples instanceof Float32Array);
    assert.deepEqual(element.samples, samples);
  });

  it('encodes a waveform as base64 under the node\'s size limit too, and plain readings as plain JSON', function () {
    const samples = Float32Array.from({ length: 1000 }, (_, i) => Math.cos(i) / 7);
    const limit = 16 * 1024 * 1024;
    const waveform = encodeMessage({ topic: 't', payload: [{ sensor: 'acc', ts: 1, samples, sampleRate: 12800 }] }, limit);
    assert.ok(waveform.includes('$float32'), 'samples kept as base64');
    assert.deepEqual((decodeMessage(waveform).payload as Array<{ samples: Float32Array }>)[0].samples, samples);
    const readings = [{ sensor: 'temp', ts: 2, value: 41.5, unit: '°C' }, { sensor: 'text', ts: 3, value: 0, note: 'says $float32' }];
    const plain = encodeMessage({ topic: 'r', payload: readings }, limit);
    assert.equal(plain.toString('utf8'), JSON.stringify({ topic: 'r', payload: readings }));
    assert.deepEqual(decodeMessage(plain), { topic: 'r', payload: readings });
  });
});
