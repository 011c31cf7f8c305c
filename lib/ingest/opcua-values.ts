import type { Quality } from '../reading/reading';

/**
 * What node-red-contrib-opcua puts in a message, read defensively: the client node emits plain values for
 * single-item reads and subscriptions, node-opcua DataValue objects for grouped subscriptions, and either may
 * have been deep-cloned (class instances flattened to plain objects) on a wire fan-out.
 */

/** OPC UA status code severity sits in the top two bits: 00 good, 01 uncertain, 10/11 bad. */
export function qualityOfStatus(statusCode: unknown): Quality | undefined {
  if (statusCode === undefined || statusCode === null) return undefined;
  if (typeof statusCode === 'number') return severity(statusCode);
  if (typeof statusCode === 'string') return qualityOfName(statusCode);
  if (typeof statusCode === 'object') {
    const record = statusCode as Record<string, unknown>;
    const numeric = record.value ?? record._value;
    if (typeof numeric === 'number') return severity(numeric);
    if (typeof record.name === 'string') return qualityOfName(record.name);
  }
  return undefined;
}

function severity(code: number): Quality {
  const bits = (code >>> 30) & 0b11;
  return bits === 0 ? 'good' : bits === 1 ? 'uncertain' : 'bad';
}

function qualityOfName(name: string): Quality | undefined {
  if (/^good/i.test(name)) return 'good';
  if (/^uncertain/i.test(name)) return 'uncertain';
  if (/^bad/i.test(name)) return 'bad';
  return undefined;
}

/** Epoch ms from a Date, an ISO string or a number; undefined when absent or unparseable. */
export function epochMs(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : undefined;
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Date.parse(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

export interface UnwrappedValue {
  value: unknown;
  statusCode?: unknown;
  sourceTimestamp?: unknown;
  serverTimestamp?: unknown;
}

/** Takes a DataValue-shaped payload ({value: {value}, statusCode, sourceTimestamp}) apart; passes plain values through. */
export function unwrapDataValue(payload: unknown): UnwrappedValue {
  if (payload && typeof payload === 'object' && !Array.isArray(payload) && !ArrayBuffer.isView(payload)) {
    const record = payload as Record<string, unknown>;
    const variant = record.value;
    if (variant && typeof variant === 'object' && 'value' in (variant as object) && ('statusCode' in record || 'sourceTimestamp' in record || 'dataType' in (variant as object))) {
      return { value: (variant as Record<string, unknown>).value, statusCode: record.statusCode, sourceTimestamp: record.sourceTimestamp, serverTimestamp: record.serverTimestamp };
    }
  }
  return { value: payload };
}

/** Index of the asset's OPC UA node ids, matching full ids first, then the identifier part alone (nsu= forms). */
export class NodeIdIndex<T> {
  private readonly full = new Map<string, T>();
  private readonly identifier = new Map<string, T | null>();

  add(nodeId: string, item: T): void {
    this.full.set(nodeId.trim(), item);
    const id = identifierPart(nodeId);
    this.identifier.set(id, this.identifier.has(id) ? null : item);
  }

  get(nodeId: string): T | undefined {
    return this.full.get(nodeId.trim()) ?? this.identifier.get(identifierPart(nodeId)) ?? undefined;
  }
}

function identifierPart(nodeId: string): string {
  const parts = nodeId.trim().split(';');
  return parts[parts.length - 1];
}
