import fs from 'node:fs';
import path from 'node:path';
import { AppendTimes } from './append-times';
import { decodeRecord, encodeRecord, HEADER_BYTES, type DiskRecord } from './record-codec';

export type FullPolicy = 'drop-oldest' | 'refuse-newest';
export type Durability = 'batch' | 'interval';

export interface DiskQueueOptions {
  dir: string;
  /** A segment file is closed and a new one started past this size. */
  segmentBytes: number;
  /** Disk bound for all segments together. */
  maxBytes: number;
  /** Records older than this are dropped (counted) even when not delivered. */
  maxAgeMs: number;
  fullPolicy: FullPolicy;
  /** 'batch': fsync after every append (nothing acknowledged is ever lost); 'interval': fsync every fsyncMs. */
  durability: Durability;
  fsyncMs: number;
}

export interface QueueStats {
  /** Records appended and not yet acknowledged by the sink. */
  backlog: number;
  /** Append time of the oldest unacknowledged record, if any. */
  oldestAppendedAt: number | undefined;
  diskBytes: number;
  /** Records lost to the disk or age bound. */
  dropped: number;
  /** Records refused because the disk was full (refuse-newest). */
  refused: number;
  /** Damaged records skipped on open, and bytes of torn final records cut off. */
  corrupt: number;
  tornBytes: number;
}

interface Segment {
  file: string;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
  lastAppendedAt: number;
}

const MAX_RECORD_BYTES = 64 * 1024 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;
const CURSOR_FILE = 'cursor.json';
const CURSOR_WRITE_MS = 200;

function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, '0')}.seg`;
}

/**
 * A durable FIFO of records in append-only segment files. Delivery is tracked by an acknowledged sequence number
 * persisted atomically beside the segments; a reopened queue resumes after the last acknowledged record.
 * Synchronous file I/O on purpose: an append returns only once it is on disk (with the 'batch' durability).
 */
export class DiskQueue {
  private readonly options: DiskQueueOptions;
  private segments: Segment[] = [];
  private writeFd: number | undefined;
  private nextSeq = 1;
  private acked = 0;
  /** Next record to hand out: segment index and byte offset in it. */
  private readSegment = 0;
  private readOffset = 0;
  private fsyncTimer: NodeJS.Timeout | undefined;
  private cursorTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private stats = { dropped: 0, refused: 0, corrupt: 0, tornBytes: 0 };
  private readonly appendTimes = new AppendTimes();

  private constructor(options: DiskQueueOptions) {
    this.options = options;
  }

  static open(options: DiskQueueOptions): DiskQueue {
    fs.mkdirSync(options.dir, { recursive: true });
    const queue = new DiskQueue(options);
    queue.load();
    if (options.durability === 'interval') {
      queue.fsyncTimer = setInterval(() => queue.sync(), options.fsyncMs);
      queue.fsyncTimer.unref();
    }
    return queue;
  }

  private load(): void {
    try {
      this.acked = (JSON.parse(fs.readFileSync(path.join(this.options.dir, CURSOR_FILE), 'utf8')) as { acked: number }).acked;
    } catch {
      this.acked = 0;
    }
    const files = fs.readdirSync(this.options.dir).filter((f) => f.endsWith('.seg')).sort();
    for (const file of files) {
      const segment = this.scan(file);
      if (segment) this.segments.push(segment);
      else fs.rmSync(path.join(this.options.dir, file));
    }
    const last = this.segments[this.segments.length - 1];
    this.nextSeq = Math.max(this.acked, last?.lastSeq ?? 0) + 1;
    this.dropAcknowledgedSegments();
    this.rewind();
  }

  /** Reads a segment, cuts a torn tail off, counts damaged records; undefined when nothing valid is left. */
  private scan(file: string): Segment | undefined {
    const full = path.join(this.options.dir, file);
    const data = fs.readFileSync(full);
    let offset = 0;
    let segment: Segment | undefined;
    while (offset < data.length) {
      const decoded = decodeRecord(data, offset, MAX_RECORD_BYTES);
      if (decoded.kind === 'torn') {
        this.stats.tornBytes += data.length - offset;
        fs.truncateSync(full, offset);
        break;
      }
      if (decoded.kind === 'corrupt') {
        this.stats.corrupt++;
      } else {
        const { seq, appendedAt } = decoded.record;
        segment ??= { file, firstSeq: seq, lastSeq: seq, bytes: 0, lastAppendedAt: appendedAt };
        segment.lastSeq = seq;
        segment.lastAppendedAt = appendedAt;
        if (seq > this.acked) this.appendTimes.note(seq, appendedAt);
      }
      offset += decoded.bytes;
    }
    if (segment) segment.bytes = offset;
    return segment;
  }

  get diskBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  /** Appends records in order; returns how many were stored (all, or none when refused because the disk is full). */
  append(payloads: Buffer[], now = Date.now()): number {
    if (payloads.length === 0) return 0;
    this.enforceAge(now);
    const encoded = payloads.map((payload) => encodeRecord({ seq: this.nextSeq++, appendedAt: now, payload }));
    const bytes = encoded.reduce((sum, b) => sum + b.length, 0);
    if (!this.makeRoom(bytes)) {
      this.nextSeq -= payloads.length;
      this.stats.refused += payloads.length;
      return 0;
    }
    let current = this.segments[this.segments.length - 1];
    if (!current || this.writeFd === undefined || current.bytes >= this.options.segmentBytes) current = this.startSegment(this.nextSeq - payloads.length, now);
    fs.writeSync(this.writeFd!, Buffer.concat(encoded));
    this.appendTimes.note(this.nextSeq - payloads.length, now);
    current.bytes += bytes;
    current.lastSeq = this.nextSeq - 1;
    current.lastAppendedAt = now;
    if (this.options.durability === 'batch') fs.fsyncSync(this.writeFd!);
    else this.dirty = true;
    return payloads.length;
  }

  private startSegment(firstSeq: number, now: number): Segment {
    if (this.writeFd !== undefined) {
      fs.fsyncSync(this.writeFd);
      fs.closeSync(this.writeFd);
    }
    const segment: Segment = { file: segmentName(firstSeq), firstSeq, lastSeq: firstSeq - 1, bytes: 0, lastAppendedAt: now };
    this.writeFd = fs.openSync(path.join(this.options.dir, segment.file), 'a');
    this.segments.push(segment);
    return segment;
  }

  /** Applies the full policy; false when the records must be refused. */
  private makeRoom(bytes: number): boolean {
    while (this.diskBytes + bytes > this.options.maxBytes) {
      if (this.options.fullPolicy === 'refuse-newest' || this.segments.length === 0) return false;
      if (this.segments.length === 1) this.closeWriteSegment();
      this.dropOldestSegment();
    }
    return true;
  }

  private enforceAge(now: number): void {
    while (this.segments.length > 0 && this.segments[0].lastAppendedAt < now - this.options.maxAgeMs) {
      if (this.segments.length === 1) this.closeWriteSegment();
      this.dropOldestSegment();
    }
  }

  private closeWriteSegment(): void {
    if (this.writeFd === undefined) return;
    fs.closeSync(this.writeFd);
    this.writeFd = undefined;
  }

  private dropOldestSegment(): void {
    const segment = this.segments.shift()!;
    const undelivered = Math.max(0, segment.lastSeq - Math.max(this.acked, segment.firstSeq - 1));
    this.stats.dropped += undelivered;
    fs.rmSync(path.join(this.options.dir, segment.file), { force: true });
    if (segment.lastSeq > this.acked) this.setAcked(segment.lastSeq);
    if (this.readSegment > 0) this.readSegment--;
    else this.readOffset = 0;
  }

  /** Up to `max` records after the last one handed out, in order. */
  read(max: number): DiskRecord[] {
    const records: DiskRecord[] = [];
    while (records.length < max && this.readSegment < this.segments.length) {
      const segment = this.segments[this.readSegment];
      if (this.readOffset >= segment.bytes) {
        if (this.readSegment === this.segments.length - 1) break;
        this.readSegment++;
        this.readOffset = 0;
        continue;
      }
      const chunk = this.readChunk(segment, this.readOffset, Math.min(READ_CHUNK_BYTES, segment.bytes - this.readOffset));
      let offset = 0;
      while (records.length < max && offset < chunk.length) {
        const decoded = decodeRecord(chunk, offset, MAX_RECORD_BYTES);
        if (decoded.kind === 'torn') break;
        if (decoded.kind === 'record' && decoded.record.seq > this.acked) records.push({ ...decoded.record, payload: Buffer.from(decoded.record.payload) });
        offset += decoded.bytes;
      }
      if (offset === 0) {
        // A record larger than the chunk: read exactly it.
        const header = this.readChunk(segment, this.readOffset, 4);
        const whole = this.readChunk(segment, this.readOffset, HEADER_BYTES + header.readUInt32LE(0));
        const decoded = decodeRecord(whole, 0, MAX_RECORD_BYTES);
        if (decoded.kind === 'record' && decoded.record.seq > this.acked) records.push(decoded.record);
        offset = decoded.kind === 'torn' ? segment.bytes - this.readOffset : decoded.bytes;
      }
      this.readOffset += offset;
    }
    return records;
  }

  private readChunk(segment: Segment, offset: number, length: number): Buffer {
    const fd = fs.openSync(path.join(this.options.dir, segment.file), 'r');
    try {
      const buffer = Buffer.allocUnsafe(length);
      const read = fs.readSync(fd, buffer, 0, length, offset);
      return buffer.subarray(0, read);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Everything up to and including `seq` was delivered: persist that, delete segments no longer needed. */
  ack(seq: number): void {
    if (seq <= this.acked) return;
    this.setAcked(Math.min(seq, this.nextSeq - 1));
    this.dropAcknowledgedSegments();
  }

  /**
   * The cursor is persisted at most every CURSOR_WRITE_MS: after a crash a few already delivered records may be
   * delivered again (at least once, and the historian skips duplicates), never fewer.
   */
  private setAcked(seq: number): void {
    this.acked = seq;
    if (this.cursorTimer) return;
    this.cursorTimer = setTimeout(() => this.writeCursor(), CURSOR_WRITE_MS);
    this.cursorTimer.unref();
  }

  private writeCursor(): void {
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.cursorTimer = undefined;
    const file = path.join(this.options.dir, CURSOR_FILE);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ acked: this.acked }));
    fs.renameSync(`${file}.tmp`, file);
  }

  private dropAcknowledgedSegments(): void {
    // The cursor must be on disk before the segments it covers disappear.
    if (this.segments.length > 1 && this.segments[0].lastSeq <= this.acked && this.cursorTimer) this.writeCursor();
    while (this.segments.length > 1 && this.segments[0].lastSeq <= this.acked) {
      const segment = this.segments.shift()!;
      fs.rmSync(path.join(this.options.dir, segment.file), { force: true });
      if (this.readSegment > 0) this.readSegment--;
    }
  }

  /** Hands out again from the first unacknowledged record (after a delivery timeout). */
  rewind(): void {
    this.readSegment = 0;
    this.readOffset = 0;
  }

  get lastAcked(): number {
    return this.acked;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  getStats(): QueueStats {
    const backlog = Math.max(0, this.nextSeq - 1 - this.acked);
    return {
      backlog,
      oldestAppendedAt: backlog > 0 ? this.appendTimes.timeOf(this.acked + 1) : undefined,
      diskBytes: this.diskBytes,
      ...this.stats,
    };
  }

  private sync(): void {
    if (!this.dirty || this.writeFd === undefined) return;
    fs.fsyncSync(this.writeFd);
    this.dirty = false;
  }

  close(): void {
    if (this.fsyncTimer) clearInterval(this.fsyncTimer);
    if (this.cursorTimer) this.writeCursor();
    this.sync();
    this.closeWriteSegment();
  }
}
