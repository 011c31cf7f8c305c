import path from 'node:path';
import type { NodeDef } from 'node-red';
import { MAX_RECORD_BYTES, type DiskQueueOptions, type Durability, type FullPolicy } from '../../lib/buffer/disk-queue';
import type { ForwarderOptions } from '../../lib/buffer/forwarder';

export interface TwinBufferDef extends NodeDef {
  directory: string;
  maxDiskMB: string;
  maxAgeHours: string;
  fullPolicy: FullPolicy;
  durability: Durability;
  fsyncMs: string;
  maxReplayRate: string;
  ackTimeoutS: string;
  maxInFlight: string;
  maxMessageMB?: string;
  order?: 'live-first' | 'strict';
}

function positive(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function durability(value: string | undefined): Durability {
  return value === 'interval' || value === 'batch' ? value : 'sync';
}

export function queueOptions(def: TwinBufferDef, userDir: string): DiskQueueOptions {
  const maxBytes = positive(def.maxDiskMB, 512) * 1024 * 1024;
  return {
    dir: def.directory ? path.resolve(userDir, def.directory) : path.join(userDir, 'twin-buffer', def.id),
    segmentBytes: Math.min(16 * 1024 * 1024, Math.max(64 * 1024, maxBytes / 8)),
    maxBytes,
    maxAgeMs: positive(def.maxAgeHours, 168) * 3600 * 1000,
    fullPolicy: def.fullPolicy === 'refuse-newest' ? 'refuse-newest' : 'drop-oldest',
    durability: durability(def.durability),
    fsyncMs: positive(def.fsyncMs, 200),
  };
}

/** Largest message accepted, as JSON (default 16 MB; at most what one record on disk may hold). */
export function maxMessageBytes(def: TwinBufferDef): number {
  return Math.min(MAX_RECORD_BYTES, positive(def.maxMessageMB, 16) * 1024 * 1024);
}

/** A record replayed more than this long after it was appended is flagged historical. */
export const HISTORICAL_AFTER_MS = 10000;

export function forwarderOptions(def: TwinBufferDef): ForwarderOptions {
  const rate = Number(def.maxReplayRate);
  return {
    maxInFlight: Math.round(positive(def.maxInFlight, 1000)),
    maxReplayRate: def.maxReplayRate !== '' && Number.isFinite(rate) && rate >= 0 ? rate : 0,
    ackTimeoutMs: positive(def.ackTimeoutS, 10) * 1000,
    historicalAfterMs: HISTORICAL_AFTER_MS,
    liveFirst: def.order !== 'strict',
  };
}
