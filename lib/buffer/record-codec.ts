import { crc32 } from 'node:zlib';

/**
 * On-disk record: [length u32][crc32 u32][seq u64][appendedAt f64][payload]. The CRC covers seq, time and payload,
 * so a torn write (power cut, kill -9 mid-append) or a flipped bit is detected on reopen.
 */
export const HEADER_BYTES = 24;

export interface DiskRecord {
  seq: number;
  /** Wall-clock time the record was appended (epoch ms). */
  appendedAt: number;
  payload: Buffer;
}

export function encodeRecord(record: DiskRecord): Buffer {
  const buffer = Buffer.allocUnsafe(HEADER_BYTES + record.payload.length);
  buffer.writeUInt32LE(record.payload.length, 0);
  buffer.writeBigUInt64LE(BigInt(record.seq), 8);
  buffer.writeDoubleLE(record.appendedAt, 16);
  record.payload.copy(buffer, HEADER_BYTES);
  buffer.writeUInt32LE(crc32(buffer.subarray(8)), 4);
  return buffer;
}

export type DecodeResult =
  | { kind: 'record'; record: DiskRecord; bytes: number }
  | { kind: 'corrupt'; bytes: number }
  | { kind: 'torn' };

/**
 * Decodes the record at `offset`. `corrupt` = complete but failing its checksum; `torn` = cut short (or a length
 * that runs past the end). Neither says where the next good record starts: see `findNextRecord`.
 */
export function decodeRecord(data: Buffer, offset: number, maxPayloadBytes: number): DecodeResult {
  if (offset + HEADER_BYTES > data.length) return { kind: 'torn' };
  const length = data.readUInt32LE(offset);
  const end = offset + HEADER_BYTES + length;
  if (length > maxPayloadBytes || end > data.length) return { kind: 'torn' };
  const stored = data.readUInt32LE(offset + 4);
  if (crc32(data.subarray(offset + 8, end)) !== stored) return { kind: 'corrupt', bytes: end - offset };
  return {
    kind: 'record',
    bytes: end - offset,
    record: {
      seq: Number(data.readBigUInt64LE(offset + 8)),
      appendedAt: data.readDoubleLE(offset + 16),
      payload: data.subarray(offset + HEADER_BYTES, end),
    },
  };
}

/** Appended between 2000 and 2200: a header whose time is outside is not a record. */
const PLAUSIBLE_TIME = { min: 946684800000, max: 7258118400000 };

/**
 * The offset of the first intact record after damage at `from`, whose sequence number follows `afterSeq`; undefined
 * when none follows (the damage is a torn tail). Cheap header checks come before the checksum, so scanning a damaged
 * stretch byte by byte stays fast; a false match needs a plausible length, sequence and time and a 32-bit CRC.
 */
export function findNextRecord(data: Buffer, from: number, afterSeq: number, maxPayloadBytes: number): number | undefined {
  for (let offset = from; offset + HEADER_BYTES <= data.length; offset++) {
    const length = data.readUInt32LE(offset);
    if (length > maxPayloadBytes || offset + HEADER_BYTES + length > data.length) continue;
    const seq = Number(data.readBigUInt64LE(offset + 8));
    if (seq <= afterSeq || seq > afterSeq + 2 ** 40) continue;
    const time = data.readDoubleLE(offset + 16);
    if (!(time >= PLAUSIBLE_TIME.min && time <= PLAUSIBLE_TIME.max)) continue;
    if (decodeRecord(data, offset, maxPayloadBytes).kind === 'record') return offset;
  }
  return undefined;
}
