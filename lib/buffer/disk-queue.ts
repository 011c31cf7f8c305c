import fs from 'node:fs';
import path from 'node:path';
import { AppendTimes } from './append-times';
import { DirectoryLock } from './directory-lock';
import { GroupCommit } from './group-commit';
import { decodeRecord, encodeRecord, findNextRecord, HEADER_BYTES, type DiskRecord } from './record-codec';

export type FullPolicy = 'drop-oldest' | 'refuse-newest';
/**
 * When an appended record counts as durable (see GroupCommit): 'sync' = after an fsync covering it, started at once;
 * 'batch' = after an fsync that also waits a few ms for more records; 'interval' = fsync every `fsyncMs`, records
 * count as accepted once written (a crash of the process loses nothing, a power cut the last interval).
 */
export type Durability = 'sync' | 'batch' | 'interval';

export interface DiskQueueOptions {
  dir: string;
  /** A segment file is closed and a new one started past this size. */
  segmentBytes: number;
  /** Disk bound for all segments together. */
  maxBytes: number;
  /** Records older than this are dropped (counted) even when not delivered. */
  maxAgeMs: number;
  fullPolicy: FullPolicy;
  durability: Durability;
  fsyncMs: number;
  /** Who owns the directory, for the error a second owner gets. */
  owner?: string;
  /** Problems that lose nothing but an operator should see (a cursor not saved, damaged records skipped). */
  onWarning?: (message: string) => void;
}

export interface QueueStats {
  /** Records appended and not yet acknowledged by the sink. */
  backlog: number;
  /** Append time of the oldest unacknowledged record, if any. */
  oldestAppendedAt: number | undefined;
  diskBytes: number;
  /** Records lost to the disk or age bound. */
  dropped: number;
  /** Records refused because the size limit was reached (refuse-newest) or the disk could not take them. */
  refused: number;
  /** Damaged stretches skipped on open, and bytes of torn final records cut off. */
  corrupt: number;
  tornBytes: number;
}

/** A record could not be written completely (disk full, I/O error): it was not accepted, and nothing else was lost. */
export class BufferWriteError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

interface Segment {
  file: string;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
  lastAppendedAt: number;
}

export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;
const CURSOR_FILE = 'cursor.json';
const LOCK_FILE = 'owner.lock';
const CURSOR_WRITE_MS = 200;

function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, '0')}.seg`;
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'EIO';
}

/**
 * A durable FIFO of records in append-only segment files. Delivery is tracked by an acknowledged sequence number
 * persisted atomically beside the segments; a reopened queue resumes after the last acknowledged record.
 * Writes are synchronous and checked to the last byte: a record is either completely in its segment or not at all
 * (a failed or short write is rolled back). Durability (fsync) is the GroupCommit's, off the event loop.
 */
export class DiskQueue {
  private readonly options: DiskQueueOptions;
  private readonly lock: DirectoryLock;
  private segments: Segment[] = [];
  private writeFd: number | undefined;
  private nextSeq = 1;
  private acked = 0;
  /** Next record to hand out: segment index and byte offset in it. */
  private readSegment = 0;
  private readOffset = 0;
  private cursorTimer: NodeJS.Timeout | undefined;
  private stats = { dropped: 0, refused: 0, corrupt: 0, tornBytes: 0 };
  private readonly appendTimes = new AppendTimes();
  private readonly commit: GroupCommit;
  private closed = false;

  private constructor(options: DiskQueueOptions, lock: DirectoryLock) {
    this.options = options;
    this.lock = lock;
    this.commit = new GroupCommit(options.durability, options.fsyncMs);
  }

  static open(options: DiskQueueOptions): DiskQueue {
    fs.mkdirSync(options.dir, { recursive: true });
    const lock = DirectoryLock.acquire(path.join(options.dir, LOCK_FILE), options.owner ?? 'a twin-buffer');
    const queue = new DiskQueue(options, lock);
    try {
      queue.load();
    } catch (err) {
      lock.release();
      throw err;
    }
    return queue;
  }

  private warn(message: string): void {
    this.options.onWarning?.(message);
  }

  private load(): void {
    try {
      this.acked = (JSON.parse(fs.readFileSync(path.join(this.options.dir, CURSOR_FILE), 'utf8')) as { acked: number }).acked;
    } catch {
      this.acked = 0;
    }
    const files = fs.readdirSync(this.options.dir).filter((f) => f.endsWith('.seg')).sort();
    for (const file of files) {
      const segment = this.scan(file, this.segments[this.segments.length - 1]?.lastSeq ?? 0);
      if (segment) this.segments.push(segment);
      else fs.rmSync(path.join(this.options.dir, file));
    }
    // Segments are deleted only once delivered; a cursor not saved before that is behind them.
    if (this.segments.length > 0) this.acked = Math.max(this.acked, this.segments[0].firstSeq - 1);
    const last = this.segments[this.segments.length - 1];
    this.nextSeq = Math.max(this.acked, last?.lastSeq ?? 0) + 1;
    this.dropAcknowledgedSegments();
    this.rewind();
  }

  /**
   * Reads a segment and keeps every intact record: a damaged stretch in the middle (a record written partly by an
   * older version on a full disk, a flipped bit) is skipped up to the next intact record and the segment rewritten
   * without it; only bytes after the last intact record are cut as a torn tail. Undefined when nothing valid is left.
   */
  private scan(file: string, previousSeq: number): Segment | undefined {
    const full = path.join(this.options.dir, file);
    const data = fs.readFileSync(full);
    const kept: Array<[number, number]> = [];
    let offset = 0;
    let lastSeq = previousSeq;
    let lastAppendedAt = 0;
    let firstSeq: number | undefined;
    let damaged = false;
    while (offset < data.length) {
      const decoded = decodeRecord(data, offset, MAX_RECORD_BYTES);
      if (decoded.kind === 'record' && decoded.record.seq > lastSeq) {
        const { seq, appendedAt } = decoded.record;
        firstSeq ??= seq;
        lastSeq = seq;
        lastAppendedAt = appendedAt;
        if (seq > this.acked) this.appendTimes.note(seq, appendedAt);
        kept.push([offset, offset + decoded.bytes]);
        offset += decoded.bytes;
        continue;
      }
      const next = findNextRecord(data, offset + 1, lastSeq, MAX_RECORD_BYTES);
      if (next === undefined) {
        this.stats.tornBytes += data.length - offset;
        break;
      }
      this.stats.corrupt++;
      damaged = true;
      this.warn(`buffer segment ${file}: skipped ${next - offset} damaged bytes at offset ${offset}; the records after them are kept`);
      offset = next;
    }
    if (firstSeq === undefined) return undefined;
    const bytes = kept.reduce((sum, [start, end]) => sum + end - start, 0);
    if (damaged) this.rewrite(full, kept.map(([start, end]) => data.subarray(start, end)));
    else if (bytes < data.length) fs.truncateSync(full, bytes);
    return { file, firstSeq, lastSeq, bytes, lastAppendedAt };
  }

  /** Replaces a segment by its intact records: written beside it, synced, then renamed over it. */
  private rewrite(file: string, records: Buffer[]): void {
    const temporary = `${file}.repair`;
    const fd = fs.openSync(temporary, 'w');
    try {
      for (const record of records) writeFully(fd, record, undefined);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  }

  get diskBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  /**
   * Appends records in order; returns how many were stored: all, or none when the size limit refuses them
   * (refuse-newest). Throws BufferWriteError when the disk cannot take them (full, I/O error): then nothing of them
   * is on disk and everything appended before is intact. `whenDurable()` tells when they are synced.
   */
  append(payloads: Buffer[], now = Date.now()): number {
    if (this.closed) throw new Error('the buffer is closed');
    if (payloads.length === 0) return 0;
    this.enforceAge(now);
    const firstSeq = this.nextSeq;
    const encoded = Buffer.concat(payloads.map((payload, i) => encodeRecord({ seq: firstSeq + i, appendedAt: now, payload })));
    if (!this.makeRoom(encoded.length)) {
      this.stats.refused += payloads.length;
      return 0;
    }
    let segment: Segment;
    try {
      segment = this.writableSegment(firstSeq, now);
    } catch (err) {
      this.stats.refused += payloads.length;
      throw new BufferWriteError(`cannot start a buffer segment in ${this.options.dir}: ${(err as Error).message}`, errorCode(err));
    }
    const fd = this.writeFd!;
    try {
      writeFully(fd, encoded, segment.bytes);
    } catch (err) {
      this.stats.refused += payloads.length;
      this.rollBack(segment, fd);
      const code = errorCode(err);
      const reason = code === 'ENOSPC' ? 'the disk is full' : code === 'EFBIG' ? 'the file size limit is reached' : (err as Error).message;
      throw new BufferWriteError(`buffer cannot store the message: ${reason} (${this.options.dir}); it was not accepted, nothing accepted before is lost`, code);
    }
    this.nextSeq += payloads.length;
    this.appendTimes.note(firstSeq, now);
    segment.bytes += encoded.length;
    segment.lastSeq = this.nextSeq - 1;
    segment.lastAppendedAt = now;
    this.commit.written(fd, segment.lastSeq);
    return payloads.length;
  }

  /** Cuts what a failed write left; if even that fails, the segment is closed and the next append starts a new one. */
  private rollBack(segment: Segment, fd: number): void {
    try {
      fs.ftruncateSync(fd, segment.bytes);
    } catch (err) {
      this.warn(`could not cut a partly written record from ${segment.file} (${(err as Error).message}); it is skipped when the buffer is reopened`);
      this.closeWriteSegment();
    }
  }

  /** Resolves once every record appended so far is synced to disk (at once with the 'interval' durability). */
  whenDurable(): Promise<void> {
    return this.commit.durable(this.nextSeq - 1);
  }

  private writableSegment(firstSeq: number, now: number): Segment {
    const current = this.segments[this.segments.length - 1];
    if (current && this.writeFd !== undefined && current.bytes < this.options.segmentBytes) return current;
    this.closeWriteSegment();
    const segment: Segment = { file: segmentName(firstSeq), firstSeq, lastSeq: firstSeq - 1, bytes: 0, lastAppendedAt: now };
    this.writeFd = fs.openSync(path.join(this.options.dir, segment.file), 'wx');
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

  /** The segment written to is synced before it is let go: its records are then durable whatever the durability. */
  private closeWriteSegment(): void {
    if (this.writeFd === undefined) return;
    const fd = this.writeFd;
    this.writeFd = undefined;
    this.commit.retire(fd);
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

  /** A cursor that cannot be saved (full disk) costs duplicates after a crash, never data: warn and try again later. */
  private writeCursor(): void {
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.cursorTimer = undefined;
    const file = path.join(this.options.dir, CURSOR_FILE);
    try {
      fs.writeFileSync(`${file}.tmp`, JSON.stringify({ acked: this.acked }));
      fs.renameSync(`${file}.tmp`, file);
    } catch (err) {
      this.warn(`buffer cursor not saved (${(err as Error).message}): delivered messages may be sent again after a restart`);
      if (!this.closed) {
        this.cursorTimer = setTimeout(() => this.writeCursor(), CURSOR_WRITE_MS * 10);
        this.cursorTimer.unref();
      }
    }
  }

  private dropAcknowledgedSegments(): void {
    while (this.segments.length > 1 && this.segments[0].lastSeq <= this.acked) {
      const segment = this.segments.shift()!;
      fs.rmSync(path.join(this.options.dir, segment.file), { force: true });
      // A reader still in the dropped segment (handing out again after a rewind what was since acknowledged) goes on
      // at the start of the next: its offset belonged to the dropped file and would fall mid-record in the next.
      if (this.readSegment > 0) this.readSegment--;
      else this.readOffset = 0;
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

  /** Syncs and closes the files and gives the directory back. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.cursorTimer) this.writeCursor();
    this.closeWriteSegment();
    this.commit.close();
    this.lock.release();
  }
}

/** Writes all of `data` (at `position`, or at the file position), however many calls it takes; throws otherwise. */
function writeFully(fd: number, data: Buffer, position: number | undefined): void {
  let done = 0;
  while (done < data.length) {
    const written = fs.writeSync(fd, data, done, data.length - done, position === undefined ? null : position + done);
    if (written <= 0) throw Object.assign(new Error('the disk took no more bytes'), { code: 'ENOSPC' });
    done += written;
  }
}
