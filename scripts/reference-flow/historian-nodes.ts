import type { FlowBuilder } from './builder';

/**
 * The historian nodes the reference flow's tabs share the shape of: a store-and-forward buffer in front of a
 * historian that confirms back to it, and a historian answering queries for a dashboard.
 */
export function storeAndForward(flow: FlowBuilder, key: string, tab: string, db: string, name: string): { buffer: string; historian: string } {
  // Maintenance records and audits are few and precious: each is on disk before it is confirmed.
  const buffer = flow.place(`${key}:buffer`, tab, 5, 1, { type: 'twin-buffer', name, directory: '', maxDiskMB: '64', maxAgeHours: '168',
    fullPolicy: 'drop-oldest', durability: 'sync', fsyncMs: '200', maxReplayRate: '0', ackTimeoutS: '30', maxInFlight: '1000', maxMessageMB: '16', order: 'live-first', outputs: 2 });
  const historian = flow.place(`${key}:historian`, tab, 6, 1, { type: 'twin-historian', name: '', db, mode: 'write', batchSize: '1000', batchMs: '500',
    maxQueuedRows: '100000', replaySharePct: '50', waveformIntervalS: '60', output: 'rows' });
  flow.wire(buffer, historian, 0);
  flow.wire(historian, buffer);
  return { buffer, historian };
}

export function historianQuery(flow: FlowBuilder, key: string, tab: string, column: number, row: number, db: string, output: 'rows' | 'chart'): string {
  return flow.place(key, tab, column, row, { type: 'twin-historian', name: 'query', db, mode: 'query', batchSize: '1000', batchMs: '1000',
    maxQueuedRows: '100000', waveformIntervalS: '60', output });
}
