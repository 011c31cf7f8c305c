/**
 * twin-buffer's disk queue at the edges a plant hits: a full disk (a real tmpfs, or a file size limit in a child
 * process where mounting is not allowed), damage left in the middle of a segment, a second owner of the directory,
 * group commit, oversized messages, and the live lane ahead of a backlog.
 */
import assert from 'node:assert/strict';
import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BufferWriteError, DiskQueue, type DiskQueueOptions } from '../lib/buffer/disk-queue';
import { DirectoryLockedError } from '../lib/buffer/directory-lock';
import { Forwarder } from '../lib/buffer/forwarder';
import { encodeMessage } from '../lib/buffer/message-codec';
import { MessageSizeError } from '../lib/buffer/message-size';
import { encodeRecord, type DiskRecord } from '../lib/buffer/record-codec';
import { mountSmallFilesystem } from './support/small-filesystem';

function options(dir: string, overrides: Partial<DiskQueueOptions> = {}): DiskQueueOptions {
  return { dir, segmentBytes: 1024 * 1024, maxBytes: 100 * 1024 * 1024, maxAgeMs: 3600000, fullPolicy: 'drop-oldest', durability: 'sync', fsyncMs: 100, ...overrides };
}

const big = (i: number): Buffer => Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(10000) }));
const index = (r: DiskRecord): number => (JSON.parse(r.payload.toString()) as { i: number }).i;

describe('disk queue: acknowledgements while the reader is behind', function () {
  it('goes on at the next segment when the one it reads again after a rewind is acknowledged and deleted', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-queue-rewind-'));
    try {
      // Segments of about 3 records of 10 kB each.
      const queue = DiskQueue.open(options(dir, { segmentBytes: 25000 }));
      for (let i = 0; i < 9; i++) queue.append([big(i)]);
      assert.deepEqual(queue.read(9).map(index), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      // A delivery timed out: hand out again from the first unacknowledged record, and read part of the first segment.
      queue.rewind();
      assert.deepEqual(queue.read(2).map(index), [0, 1]);
      // The first delivery's acknowledgement arrives late, covering the whole first segment: it is deleted.
      queue.ack(3);
      assert.deepEqual(queue.read(9).map(index), [3, 4, 5, 6, 7, 8], 'the reader starts at the next segment\'s first record');
      queue.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('disk queue on a full disk', function () {
  this.timeout(60000);

  it('refuses the record that does not fit, keeps every accepted one, and delivers the 50 accepted after room came back (tmpfs)', async function () {
    const disk = mountSmallFilesystem(1024 * 1024);
    if (!disk) this.skip();
    try {
      const dir = path.join(disk!.dir, 'queue');
      const other = path.join(disk!.dir, 'other-data');
      fs.writeFileSync(other, Buffer.alloc(400 * 1024, 1));
      const queue = DiskQueue.open(options(dir));
      let accepted = 0;
      let refusal: unknown;
      for (let i = 0; i < 1000 && !refusal; i++) {
        try {
          queue.append([big(i)]);
          await queue.whenDurable();
          accepted++;
        } catch (err) {
          refusal = err;
        }
      }
      assert.ok(refusal instanceof BufferWriteError, `refused with a BufferWriteError: ${String(refusal)}`);
      assert.equal(refusal.code, 'ENOSPC');
      assert.match(refusal.message, /disk is full.*not accepted, nothing accepted before is lost/);
      assert.ok(accepted > 20, `${accepted} accepted before the disk filled`);
      const segment = fs.readdirSync(dir).find((f) => f.endsWith('.seg'))!;
      const expectedBytes = Array.from({ length: accepted }, (_, i) => big(i).length + 24).reduce((a, b) => a + b, 0);
      assert.equal(fs.statSync(path.join(dir, segment)).size, expectedBytes, 'no partial record left in the segment');
      assert.throws(() => queue.append([big(9999)]), BufferWriteError, 'still full: refused again');
      // Room again: the other data on the disk goes away, and 50 more records are accepted behind the refusals.
      fs.rmSync(other);
      for (let i = 0; i < 50; i++) queue.append([Buffer.from(JSON.stringify({ i: accepted + i }))]);
      await queue.whenDurable();
      assert.deepEqual(queue.read(10000).map(index), Array.from({ length: accepted + 50 }, (_, i) => i), 'the reader gets past the refusal');
      queue.close();
      const reopened = DiskQueue.open(options(dir));
      assert.equal(reopened.getStats().tornBytes, 0, 'nothing cut on reopen');
      assert.equal(reopened.getStats().corrupt, 0);
      assert.deepEqual(reopened.read(10000).map(index), Array.from({ length: accepted + 50 }, (_, i) => i), 'every accepted record, in order');
      reopened.close();
    } finally {
      disk!.unmount();
    }
  });

  it('under a file size limit (RLIMIT_FSIZE, child process) refuses the record that passes it and keeps the rest', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-fsize-'));
    try {
      const limit = 200 * 1024 + 5000;
      const out = execFileSync('prlimit', [`--fsize=${limit}`, process.execPath, path.join(__dirname, 'support', 'fsize-limited-append.js'), dir], { encoding: 'utf8' });
      const result = JSON.parse(out) as { accepted: number; error: string; code: string };
      assert.equal(result.code, 'EFBIG', result.error);
      const reopened = DiskQueue.open(options(dir));
      assert.equal(reopened.getStats().tornBytes, 0, 'the refused record was rolled back, nothing torn');
      assert.deepEqual(reopened.read(1000).map(index), Array.from({ length: result.accepted }, (_, i) => i));
      reopened.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('disk queue recovery', function () {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-recover-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps every complete record after a partly written one in the middle of a segment (as an older version left them)', function () {
    const now = Date.now();
    const records = Array.from({ length: 60 }, (_, i) => encodeRecord({ seq: i + 1, appendedAt: now, payload: big(i) }));
    // Record 10 was cut short by a full disk and the next appends went on behind it.
    const damaged = Buffer.concat([...records.slice(0, 9), records[9].subarray(0, 5000), ...records.slice(10)]);
    fs.writeFileSync(path.join(dir, `${'1'.padStart(16, '0')}.seg`), damaged);
    const queue = DiskQueue.open(options(dir));
    const stats = queue.getStats();
    assert.equal(stats.tornBytes, 0, 'nothing cut as a torn tail');
    assert.equal(stats.corrupt, 1);
    assert.deepEqual(queue.read(100).map(index), [...Array.from({ length: 9 }, (_, i) => i), ...Array.from({ length: 50 }, (_, i) => i + 10)]);
    queue.append([big(100)]);
    assert.deepEqual(queue.read(100).map(index), [100]);
    queue.close();
    const again = DiskQueue.open(options(dir));
    assert.equal(again.getStats().corrupt, 0, 'the segment was repaired');
    assert.equal(again.read(100).length, 60, 'the 59 kept records and the one appended after');
    again.close();
  });
});

describe('directory lock', function () {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-lock-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a second queue on the same directory in one process, and lets it in once the first is closed', function () {
    const first = DiskQueue.open({ ...options(dir), owner: 'twin-buffer b1' });
    assert.throws(() => DiskQueue.open({ ...options(dir), owner: 'twin-buffer b2' }),
      (err: unknown) => err instanceof DirectoryLockedError && /already in use by twin-buffer b1 in this Node-RED/.test(err.message));
    first.close();
    DiskQueue.open(options(dir)).close();
  });

  it('refuses the directory while another process holds it, and takes it over once that process was killed', async function () {
    this.timeout(20000);
    const child = fork(path.join(__dirname, 'support', 'hold-buffer.js'), [dir], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    try {
      assert.throws(() => DiskQueue.open(options(dir)), (err: unknown) => err instanceof DirectoryLockedError && new RegExp(`process ${child.pid}`).test(err.message));
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const taken = DiskQueue.open(options(dir));
    taken.close();
  });
});

describe('group commit', function () {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-commit-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const durability of ['sync', 'batch', 'interval'] as const) {
    it(`confirms records appended one by one (${durability}), every one once synced, across segment changes`, async function () {
      const queue = DiskQueue.open(options(dir, { durability, segmentBytes: 64 * 1024 }));
      const confirmations: Array<Promise<void>> = [];
      for (let i = 0; i < 300; i++) {
        queue.append([big(i)]);
        confirmations.push(queue.whenDurable());
      }
      await Promise.all(confirmations);
      queue.close();
      const reopened = DiskQueue.open(options(dir));
      assert.deepEqual(reopened.read(1000).map(index), Array.from({ length: 300 }, (_, i) => i));
      reopened.close();
    });
  }
});

describe('oversized messages', function () {
  it('refuses a message that would be a gigabyte as JSON before serialising it', function () {
    const row = { asset: 'm1', sensor: 's', text: 'x'.repeat(1024 * 1024) };
    const payload = new Array(1100).fill(row);
    const started = Date.now();
    assert.throws(() => encodeMessage({ payload }, 16 * 1024 * 1024), (err: unknown) => err instanceof MessageSizeError && /larger than 16 MB/.test(err.message));
    assert.ok(Date.now() - started < 5000, 'refused without serialising a gigabyte');
  });

  it('refuses a circular message and accepts one within the limit', function () {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = { loop };
    assert.throws(() => encodeMessage({ payload: loop }, 1024 * 1024), /circular/);
    assert.ok(encodeMessage({ payload: [{ sensor: 'x', value: 1 }] }, 1024).length < 1024);
  });
});

describe('live lane', function () {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-lanes-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sends new records at once after an outage while the backlog follows in order, and loses none', function () {
    const queue = DiskQueue.open(options(dir));
    const sent: Array<{ seq: number; historical: boolean }> = [];
    const forwarder = new Forwarder(queue, { maxInFlight: 20, maxReplayRate: 0, ackTimeoutMs: 1000, historicalAfterMs: 10000, liveFirst: true },
      (record, historical) => sent.push({ seq: record.seq, historical }));
    const t0 = Date.now();
    // The sink is down: nothing confirmed; after the timeout the buffer backs off and keeps appending.
    for (let i = 0; i < 5; i++) forwarder.push([big(i)], t0);
    forwarder.tick(t0 + 1500);
    for (let i = 5; i < 500; i++) forwarder.push([big(i)], t0 + 2000 + i * 100);
    assert.equal(forwarder.state, 'buffering');
    // The sink is back: the resend after the back-off is confirmed.
    const confirmed = new Set<number>();
    const confirm = (now: number): void => {
      for (const s of sent.slice()) if (!confirmed.has(s.seq)) { confirmed.add(s.seq); forwarder.ack(s.seq, now); }
    };
    forwarder.tick(t0 + 60000);
    const restore = t0 + 65000;
    const before = sent.length;
    forwarder.tick(restore);
    assert.ok(sent.length > before, 'resent after the back-off');
    confirm(restore);
    // New readings arrive now: each goes out the moment it is appended, ahead of the backlog.
    const liveSeqs: number[] = [];
    for (let i = 500; i < 510; i++) {
      const count = sent.length;
      forwarder.push([big(i)], restore + i);
      liveSeqs.push(queue.lastSeq);
      assert.equal(sent[sent.length - 1].seq, queue.lastSeq, `live record ${i} sent at once`);
      assert.ok(sent.length > count);
      assert.equal(sent[sent.length - 1].historical, false);
      confirm(restore + i);
    }
    assert.ok(queue.lastAcked < liveSeqs[0], 'the backlog is still draining behind the live records');
    let now = restore + 1000;
    while (queue.lastAcked < queue.lastSeq && now < restore + 60000) {
      now += 50;
      forwarder.tick(now);
      confirm(now);
    }
    assert.equal(queue.lastAcked, queue.lastSeq, 'everything confirmed');
    const replayed = sent.slice(before).map((s) => s.seq).filter((seq) => !liveSeqs.includes(seq));
    assert.deepEqual(replayed, [...replayed].sort((a, b) => a - b), 'the backlog in order');
    assert.deepEqual([...new Set(sent.map((s) => s.seq))].sort((a, b) => a - b), Array.from({ length: 510 }, (_, i) => i + 1), 'every record sent');
    assert.ok(sent.slice(before).filter((s) => !liveSeqs.includes(s.seq) && s.seq < 400).every((s) => s.historical), 'replayed records are historical');
    queue.close();
  });
});
