/**
 * The Sparkplug 3.0 STATE message of a primary host application: JSON `{"online": bool, "timestamp": ms}`,
 * published retained at QoS 1 on `spBv1.0/STATE/<host id>`; the same timestamp in the birth and in the will of one
 * session, so an edge can tell a stale will from the current state.
 */
export interface HostState {
  online: boolean;
  timestamp: number;
}

export function encodeState(state: HostState): Buffer {
  return Buffer.from(JSON.stringify({ online: state.online, timestamp: state.timestamp }));
}

export function parseState(bytes: Buffer | Uint8Array): HostState | undefined {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as { online?: unknown; timestamp?: unknown };
    if (typeof value.online !== 'boolean' || typeof value.timestamp !== 'number' || !Number.isFinite(value.timestamp)) return undefined;
    return { online: value.online, timestamp: value.timestamp };
  } catch {
    return undefined;
  }
}
