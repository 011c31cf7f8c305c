import path from 'node:path';
import type { NodeDef } from 'node-red';
import type { DiskQueueOptions, Durability, FullPolicy } from '../../lib/buffer/disk-queue';
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
}

function positive(text: string, fallback: number): number {
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function queueOptions(def: TwinBufferDef, userDir: string): DiskQueueOptions {
  const maxBytes = positive(def.maxDiskMB, 512) * 1024 * 1024;
  return {
    dir: def.directory ? path.resolve(userDir, def.directory) : path.join(userDir, 'twin-buffer', def.id),
    segmentBytes: Math.min(16 * 1024 * 1024, Math.max(64 * 1024, maxBytes / 8)),
    maxBytes,
    maxAgeMs: positive(def.maxAgeHours, 168) * 3600 * 1000,
    fullPolicy: def.fullPolicy === 'refuse-newest' ? 'refuse-newest' : 'drop-oldest',
    durability: def.durability === 'interval' ? 'interval' : 'batch',
    fsyncMs: positive(def.fsyncMs, 200),
  };
}

export function forwarderOptions(def: TwinBufferDef): ForwarderOptions {
  const rate = Number(def.maxReplayRate);
  return {
    maxInFlight: Math.round(positive(def.maxInFlight, 100)),
    maxReplayRate: Number.isFinite(rate) && rate >= 0 ? rate : 500,
    ackTimeoutMs: positive(def.ackTimeoutS, 10) * 1000,
    historicalAfterMs: 10000,
  };
}
