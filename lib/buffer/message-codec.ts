/**
 * What a buffered message keeps on disk: its topic and payload as JSON, with Float32Array waveform blocks
 * stored as base64 of their bytes so they come back bit-exact as Float32Array.
 */
export interface BufferedMessage {
  topic?: unknown;
  payload: unknown;
}

const F32 = '$float32';

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Float32Array) return { [F32]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && typeof (value as Record<string, unknown>)[F32] === 'string') {
    const bytes = Buffer.from((value as Record<string, string>)[F32], 'base64');
    const samples = new Float32Array(bytes.length / 4);
    Buffer.from(samples.buffer).set(bytes);
    return samples;
  }
  return value;
}

export function encodeMessage(message: BufferedMessage): Buffer {
  return Buffer.from(JSON.stringify({ topic: message.topic, payload: message.payload }, replacer));
}

export function decodeMessage(bytes: Buffer): BufferedMessage {
  return JSON.parse(bytes.toString('utf8'), reviver) as BufferedMessage;
}

/** Marks every reading of a replayed batch as historical, so live-only logic (alerts) can skip it. */
export function markHistorical(payload: unknown): unknown {
  const mark = (element: unknown): unknown =>
    element && typeof element === 'object' && 'sensor' in (element as object) && 'ts' in (element as object)
      ? { ...(element as object), historical: true } : element;
  return Array.isArray(payload) ? payload.map(mark) : mark(payload);
}
