import { get } from 'sparkplug-payload';
import type { UMetric, UPayload, UPropertyValue } from 'sparkplug-payload/lib/sparkplugbpayload';

/**
 * Sparkplug B payloads through the Eclipse Tahu encoder (`sparkplug-payload`), with the 64-bit fields the protobuf
 * decoder hands back as `Long` turned into plain numbers (epoch milliseconds and sequence numbers fit exactly).
 */
export type MetricType = 'Int32' | 'Int64' | 'UInt64' | 'Double' | 'Boolean' | 'String' | 'Bytes';
export type MetricValue = number | boolean | string | Uint8Array | null;

export interface PropertyValue {
  type: 'Int32' | 'Double' | 'String' | 'Boolean';
  value: number | string | boolean;
}

export interface Metric {
  /** In births always, in data only when the metric has no alias. */
  name?: string;
  alias?: number;
  timestamp?: number;
  type: MetricType;
  value: MetricValue;
  isHistorical?: boolean;
  properties?: Record<string, PropertyValue>;
}

export interface Payload {
  timestamp: number;
  /** Absent only in NDEATH (and STATE, which is JSON). */
  seq?: number;
  metrics: Metric[];
  /** Tahu's payload uuid/body: used for the model file delivered in an NCMD. */
  uuid?: string;
}

const tahu = get('spBv1.0');
if (!tahu) throw new Error('sparkplug-payload does not know the spBv1.0 namespace');
const spB = tahu;

export function encodePayload(payload: Payload): Uint8Array {
  const metrics: UMetric[] = payload.metrics.map((m) => {
    const out: UMetric = { type: m.type, value: m.value };
    if (m.name !== undefined) out.name = m.name;
    if (m.alias !== undefined) out.alias = m.alias;
    if (m.timestamp !== undefined) out.timestamp = m.timestamp;
    if (m.value === null) out.isNull = true;
    if (m.isHistorical) out.isHistorical = true;
    if (m.properties) out.properties = m.properties as Record<string, UPropertyValue>;
    return out;
  });
  const object: UPayload = { timestamp: payload.timestamp, metrics };
  if (payload.seq !== undefined) object.seq = payload.seq;
  if (payload.uuid !== undefined) object.uuid = payload.uuid;
  return spB.encodePayload(object);
}

/** A Long from protobufjs, a number, or nothing. */
function toNumber(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && typeof (value as { toNumber?: unknown }).toNumber === 'function') return (value as { toNumber(): number }).toNumber();
  return Number(value);
}

function metricValue(type: string, value: unknown): MetricValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'string' || typeof value === 'number') return value;
  if (value instanceof Uint8Array) return value;
  if (type.endsWith('64')) return toNumber(value) ?? null;
  return null;
}

/** Decodes a Sparkplug B payload; throws on bytes that are not one. */
export function decodePayload(bytes: Uint8Array): Payload {
  const decoded = spB.decodePayload(bytes);
  const metrics: Metric[] = (decoded.metrics ?? []).map((m) => {
    const metric: Metric = { type: m.type as MetricType, value: metricValue(m.type, m.value) };
    if (m.name) metric.name = m.name;
    const alias = toNumber(m.alias);
    if (alias !== undefined) metric.alias = alias;
    const timestamp = toNumber(m.timestamp);
    if (timestamp !== undefined) metric.timestamp = timestamp;
    if (m.isHistorical) metric.isHistorical = true;
    if (m.properties) {
      metric.properties = {};
      for (const [key, property] of Object.entries(m.properties)) {
        const value = property.type.endsWith('64') ? toNumber(property.value) : property.value;
        if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
          metric.properties[key] = { type: property.type as PropertyValue['type'], value };
        }
      }
    }
    return metric;
  });
  const payload: Payload = { timestamp: toNumber(decoded.timestamp) ?? 0, metrics };
  const seq = toNumber(decoded.seq);
  if (seq !== undefined) payload.seq = seq;
  if (decoded.uuid) payload.uuid = decoded.uuid;
  return payload;
}
