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
 * Decodes the record at `offset`. `corrupt` = complete but failing its checksum (skip `bytes` and go on);
 * `torn` = cut short (or a length that runs past the end): nothing after it can be trusted.
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
