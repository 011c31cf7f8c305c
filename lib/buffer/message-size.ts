/**
 * How large a value would be as JSON, found without serialising it and given up on as soon as it passes a limit:
 * a payload that repeats one large object a thousand times is small in memory and a gigabyte as JSON, and
 * JSON.stringify of it aborts V8 or blocks the event loop for minutes. An upper estimate for plain data (strings
 * count their UTF-8 bytes; escapes are not counted), exact enough to refuse before any harm.
 */
export class MessageSizeError extends Error {
  readonly code = 'EMSGSIZE';
}

type Frame = { value: unknown } | { leave: object };

function scalarBytes(value: unknown): number | undefined {
  switch (typeof value) {
    case 'string': return Buffer.byteLength(value) + 2;
    case 'number': return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean': return value ? 4 : 5;
    case 'bigint': throw new MessageSizeError('a BigInt cannot be stored as JSON');
    case 'undefined': case 'function': case 'symbol': return 4;
    default: return value === null ? 4 : undefined;
  }
}

/** JSON of a binary view: Float32Array is kept as base64 by the message codec; Buffer as {type, data:[bytes]}. */
function viewBytes(view: ArrayBufferView): number {
  if (view instanceof Float32Array) return Math.ceil(view.byteLength / 3) * 4 + 16;
  if (Buffer.isBuffer(view)) return view.length * 4 + 30;
  const elements = (view as unknown as { length?: number }).length ?? view.byteLength;
  return elements * 26 + 2;
}

export interface JsonMeasure {
  bytes: number;
  /** A Float32Array was met: the codec must encode it as base64 (plain JSON would spell out every sample). */
  float32: boolean;
}

/** Bytes `value` takes as JSON, or throws MessageSizeError once past `limit` (or for a cycle or a BigInt). */
export function jsonSizeWithin(value: unknown, limit: number): number {
  return measureJson(value, limit).bytes;
}

/** As jsonSizeWithin, and whether the value holds a Float32Array. */
export function measureJson(value: unknown, limit: number): JsonMeasure {
  let size = 0;
  let float32 = false;
  const ancestors = new Set<object>();
  const stack: Frame[] = [{ value }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if ('leave' in frame) {
      ancestors.delete(frame.leave);
      continue;
    }
    const current = frame.value;
    const scalar = scalarBytes(current);
    if (scalar !== undefined) {
      size += scalar;
    } else if (ArrayBuffer.isView(current)) {
      if (current instanceof Float32Array) float32 = true;
      size += viewBytes(current);
    } else if (current instanceof Date) {
      size += 26;
    } else {
      let object = current as object;
      const toJSON = (object as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        const replaced: unknown = toJSON.call(object);
        if (replaced !== object) {
          stack.push({ value: replaced });
          continue;
        }
      }
      if (ancestors.has(object)) throw new MessageSizeError('the message refers to itself (a circular structure) and cannot be stored');
      if (object instanceof Map || object instanceof Set) object = {};
      ancestors.add(object);
      stack.push({ leave: object });
      if (Array.isArray(object)) {
        size += 2 + object.length;
        if (size > limit) break;
        for (let i = object.length - 1; i >= 0; i--) stack.push({ value: object[i] });
      } else {
        size += 2;
        for (const key of Object.keys(object)) {
          const child = (object as Record<string, unknown>)[key];
          if (child === undefined || typeof child === 'function' || typeof child === 'symbol') continue;
          size += Buffer.byteLength(key) + 4;
          stack.push({ value: child });
        }
      }
    }
    if (size > limit) throw new MessageSizeError(`the message is larger than ${formatBytes(limit)} as JSON (the per-message limit)`);
  }
  return { bytes: size, float32 };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${bytes} bytes`;
}
