/**
 * An independent reader of Sparkplug B payloads, written from the specification's sparkplug_b.proto (field numbers
 * and the DataType enum) on the protobuf wire format alone: it shares no code with Eclipse Tahu or protobufjs, so a
 * payload it reads the same way as ours is what any Sparkplug host would read. It refuses what it does not know.
 */
export const DATA_TYPES: Record<number, string> = {
  1: 'Int8', 2: 'Int16', 3: 'Int32', 4: 'Int64', 5: 'UInt8', 6: 'UInt16', 7: 'UInt32', 8: 'UInt64', 9: 'Float',
  10: 'Double', 11: 'Boolean', 12: 'String', 13: 'DateTime', 14: 'Text', 15: 'UUID', 16: 'DataSet', 17: 'Bytes',
};

/** Which field of the Metric `value` oneof each datatype must use. */
const VALUE_FIELD: Record<string, number> = {
  Int8: 10, Int16: 10, Int32: 10, UInt8: 10, UInt16: 10, UInt32: 10, Int64: 11, UInt64: 11, DateTime: 11,
  Float: 12, Double: 13, Boolean: 14, String: 15, Text: 15, UUID: 15, Bytes: 16,
};

export interface WireProperty { type: string; value: unknown }
export interface WireMetric {
  name?: string;
  alias?: number;
  timestamp?: number;
  datatype: string;
  isHistorical: boolean;
  isNull: boolean;
  value: unknown;
  properties: Record<string, WireProperty>;
}
export interface WirePayload { timestamp?: number; seq?: number; metrics: WireMetric[] }

interface Field { number: number; wire: number; varint?: bigint; bytes?: Uint8Array; fixed?: Buffer }

function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= bytes.length) throw new Error('truncated varint');
      const b = bytes[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < bytes.length) {
    const key = Number(varint());
    const field: Field = { number: key >> 3, wire: key & 7 };
    if (field.wire === 0) field.varint = varint();
    else if (field.wire === 2) {
      const length = Number(varint());
      if (pos + length > bytes.length) throw new Error('truncated length-delimited field');
      field.bytes = bytes.subarray(pos, pos + length);
      pos += length;
    } else if (field.wire === 1 || field.wire === 5) {
      const size = field.wire === 1 ? 8 : 4;
      field.fixed = Buffer.from(bytes.subarray(pos, pos + size));
      pos += size;
    } else throw new Error(`unsupported wire type ${field.wire}`);
    out.push(field);
  }
  return out;
}

const utf8 = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('utf8');

function readValue(f: Field): unknown {
  switch (f.number) {
    case 10: return Number(BigInt.asIntN(32, f.varint!));
    case 11: return Number(f.varint!);
    case 12: return f.fixed!.readFloatLE(0);
    case 13: return f.fixed!.readDoubleLE(0);
    case 14: return f.varint! !== 0n;
    case 15: return utf8(f.bytes);
    case 16: return Buffer.from(f.bytes!);
    default: throw new Error(`metric value field ${f.number} not expected here`);
  }
}

function properties(bytes: Uint8Array): Record<string, WireProperty> {
  const keys: string[] = [];
  const values: WireProperty[] = [];
  for (const f of fields(bytes)) {
    if (f.number === 1) keys.push(utf8(f.bytes));
    else if (f.number === 2) {
      let type = '';
      let value: unknown = null;
      for (const p of fields(f.bytes!)) {
        if (p.number === 1) type = DATA_TYPES[Number(p.varint)] ?? `unknown ${p.varint}`;
        else if (p.number === 3) value = Number(BigInt.asIntN(32, p.varint!));
        else if (p.number === 4) value = Number(p.varint);
        else if (p.number === 5) value = p.fixed!.readFloatLE(0);
        else if (p.number === 6) value = p.fixed!.readDoubleLE(0);
        else if (p.number === 7) value = p.varint !== 0n;
        else if (p.number === 8) value = utf8(p.bytes);
      }
      values.push({ type, value });
    }
  }
  if (keys.length !== values.length) throw new Error(`property set with ${keys.length} keys and ${values.length} values`);
  return Object.fromEntries(keys.map((k, i) => [k, values[i]]));
}

function metric(bytes: Uint8Array): WireMetric {
  const m: WireMetric = { datatype: '', isHistorical: false, isNull: false, value: undefined, properties: {} };
  let valueField: number | undefined;
  for (const f of fields(bytes)) {
    if (f.number === 1) m.name = utf8(f.bytes);
    else if (f.number === 2) m.alias = Number(f.varint);
    else if (f.number === 3) m.timestamp = Number(f.varint);
    else if (f.number === 4) m.datatype = DATA_TYPES[Number(f.varint)] ?? `unknown ${f.varint}`;
    else if (f.number === 5) m.isHistorical = f.varint !== 0n;
    else if (f.number === 7) m.isNull = f.varint !== 0n;
    else if (f.number === 9) m.properties = properties(f.bytes!);
    else if (f.number >= 10 && f.number <= 16) { valueField = f.number; m.value = readValue(f); }
    else throw new Error(`metric field ${f.number} not expected in these payloads`);
  }
  if (!m.datatype) throw new Error(`metric ${m.name ?? m.alias} has no datatype`);
  if (m.isNull) { if (valueField !== undefined) throw new Error(`null metric ${m.name ?? m.alias} carries a value`); }
  else if (valueField !== VALUE_FIELD[m.datatype]) throw new Error(`metric ${m.name ?? m.alias} of type ${m.datatype} carries value field ${valueField}, expected ${VALUE_FIELD[m.datatype]}`);
  return m;
}

export function readPayload(bytes: Uint8Array): WirePayload {
  const payload: WirePayload = { metrics: [] };
  for (const f of fields(bytes)) {
    if (f.number === 1) payload.timestamp = Number(f.varint);
    else if (f.number === 2) payload.metrics.push(metric(f.bytes!));
    else if (f.number === 3) payload.seq = Number(f.varint);
    else if (f.number === 4 || f.number === 5) continue;
    else throw new Error(`payload field ${f.number} unknown`);
  }
  return payload;
}

/**
 * A host's view checked against the specification's rules for what an edge node sends: NBIRTH with seq 0 and an
 * Int64 bdSeq, births naming every metric with a datatype and unique aliases, data only with aliases born before
 * and types as born, seq incrementing by one modulo 256 across the node and its devices, NDEATH's bdSeq matching.
 */
export class SpecChecker {
  readonly errors: string[] = [];
  readonly counts: Record<string, number> = {};
  private readonly nodes = new Map<string, { bdSeq: number; seq: number; aliases: Map<number, { name: string; datatype: string; device: string }> }>();

  read(topic: string, bytes: Uint8Array): WirePayload | undefined {
    const [ns, group, type, edge, device = ''] = topic.split('/');
    if (ns !== 'spBv1.0' || group === 'STATE') return undefined;
    const key = `${group}/${edge}`;
    this.counts[type] = (this.counts[type] ?? 0) + 1;
    const fail = (why: string): undefined => { this.errors.push(`${topic}: ${why}`); return undefined; };
    let p: WirePayload;
    try { p = readPayload(bytes); } catch (err) { return fail(`unreadable: ${(err as Error).message}`); }
    if (type === 'NCMD' || type === 'DCMD') return p;
    if (type === 'NDEATH') {
      const bd = p.metrics.find((m) => m.name === 'bdSeq');
      if (!bd || bd.datatype !== 'Int64') return fail('NDEATH without an Int64 bdSeq');
      return p;
    }
    if (p.timestamp === undefined) return fail('no payload timestamp');
    if (p.seq === undefined || p.seq < 0 || p.seq > 255) return fail(`seq ${p.seq} out of 0..255`);
    if (type === 'NBIRTH') {
      const bd = p.metrics.find((m) => m.name === 'bdSeq');
      if (p.seq !== 0) fail(`NBIRTH seq ${p.seq}, must be 0`);
      if (!bd || bd.datatype !== 'Int64') return fail('NBIRTH without an Int64 bdSeq');
      if (!p.metrics.some((m) => m.name === 'Node Control/Rebirth' && m.datatype === 'Boolean')) fail('NBIRTH without Node Control/Rebirth');
      const aliases = new Map<number, { name: string; datatype: string; device: string }>();
      for (const m of p.metrics) if (m.alias !== undefined) aliases.set(m.alias, { name: m.name!, datatype: m.datatype, device: '' });
      this.nodes.set(key, { bdSeq: bd.value as number, seq: 0, aliases });
      return p;
    }
    const node = this.nodes.get(key);
    if (!node) return fail(`${type} before any NBIRTH`);
    if (p.seq !== (node.seq + 1) % 256) fail(`seq ${p.seq} after ${node.seq}`);
    node.seq = p.seq;
    if (type === 'DBIRTH') {
      for (const m of p.metrics) {
        if (!m.name) fail('DBIRTH metric without a name');
        if (m.alias === undefined) continue;
        const other = node.aliases.get(m.alias);
        if (other && (other.device !== device || other.name !== m.name)) fail(`alias ${m.alias} of ${device}/${m.name} already names ${other.device}/${other.name}`);
        node.aliases.set(m.alias, { name: m.name!, datatype: m.datatype, device });
      }
      return p;
    }
    if (type === 'DDATA' || type === 'NDATA') {
      for (const m of p.metrics) {
        if (m.alias === undefined) { if (!m.name) fail('data metric with neither name nor alias'); continue; }
        const born = node.aliases.get(m.alias);
        if (!born || born.device !== device) fail(`alias ${m.alias} not born for ${device || 'the node'}`);
        else if (born.datatype !== m.datatype) fail(`alias ${m.alias} (${born.name}) born ${born.datatype}, sent ${m.datatype}`);
      }
    }
    return p;
  }
}
