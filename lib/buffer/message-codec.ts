import { formatBytes, measureJson, MessageSizeError } from './message-size';

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

/**
 * The message as stored. With `maxBytes`, a message over the limit is refused (MessageSizeError) before it is
 * serialised, so one oversized payload cannot exhaust memory or block the event loop.
 */
export function encodeMessage(message: BufferedMessage, maxBytes = Infinity): Buffer {
  const stored = { topic: message.topic, payload: message.payload };
  // A replacer is called for every value and makes JSON.stringify several times slower: only waveforms need it.
  const float32 = Number.isFinite(maxBytes) ? measureJson(stored, maxBytes).float32 : true;
  const bytes = Buffer.from(JSON.stringify(stored, float32 ? replacer : undefined));
  if (bytes.length > maxBytes) throw new MessageSizeError(`the message is ${formatBytes(bytes.length)} as JSON, over the per-message limit of ${formatBytes(maxBytes)}`);
  return bytes;
}

export function decodeMessage(bytes: Buffer): BufferedMessage {
  // A reviver is called for every value: only a record that spells the waveform marker can need it.
  const text = bytes.toString('utf8');
  return JSON.parse(text, text.includes(F32) ? reviver : undefined) as BufferedMessage;
}

/** Marks every reading of a replayed batch as historical, so live-only logic (alerts) can skip it. */
export function markHistorical(payload: unknown): unknown {
  const mark = (element: unknown): unknown =>
    element && typeof element === 'object' && 'sensor' in (element as object) && 'ts' in (element as object)
      ? { ...(element as object), historical: true } : element;
  return Array.isArray(payload) ? payload.map(mark) : mark(payload);
}
