import { encodePayload, type Metric, type MetricValue, type PropertyValue } from './codec';
import type { MetricSample } from './metrics';
import { deviceTopic, nodeTopic } from './topic';

/**
 * The protocol state of one Sparkplug B edge node, without any MQTT: the bdSeq of the session, the seq counter
 * (0–255, one counter for the node and all its devices), aliases (unique across the node and its devices, stable
 * for the life of the process), each device's metric definitions and latest live values, and which devices have
 * been born in this session. It turns samples into the messages to publish, births first where a device or a
 * metric is new or its definition changed.
 */
export interface Outgoing {
  topic: string;
  payload: Uint8Array;
  type: 'NBIRTH' | 'NDATA' | 'DBIRTH' | 'DDATA';
  /** The device (asset) for device messages. */
  device?: string;
}

export const REBIRTH_METRIC = 'Node Control/Rebirth';
export const BDSEQ_METRIC = 'bdSeq';

interface Definition {
  alias: number;
  type: Metric['type'];
  unit: string;
  /** Latest live value and its time: what a birth announces. */
  value: MetricValue;
  timestamp: number | undefined;
}

interface NodeMetric {
  type: Metric['type'];
  value: MetricValue;
  timestamp: number;
}

export class EdgeSession {
  private seq = 0;
  private nextAlias = 1;
  private readonly aliases = new Map<string, number>();
  private readonly devices = new Map<string, Map<string, Definition>>();
  private readonly born = new Set<string>();
  private readonly nodeMetrics = new Map<string, NodeMetric>();
  private nodeBorn = false;

  constructor(readonly group: string, readonly edge: string, public bdSeq: number) {}

  /** A new MQTT session: births are owed again, seq restarts with the NBIRTH. */
  startSession(bdSeq: number): void {
    this.bdSeq = bdSeq;
    this.nodeBorn = false;
    this.born.clear();
  }

  /** The NDEATH this session leaves as its MQTT will: the bdSeq that ties it to the session's NBIRTH. */
  death(now = Date.now()): Uint8Array {
    return encodePayload({ timestamp: now, metrics: [{ name: BDSEQ_METRIC, type: 'Int64', value: this.bdSeq }] });
  }

  /** A value of the edge node itself (e.g. the model version it runs); reported in NBIRTH and NDATA. */
  setNodeMetric(name: string, type: Metric['type'], value: MetricValue, now = Date.now(), inSession = true): Outgoing[] {
    const before = this.nodeMetrics.get(name);
    this.nodeMetrics.set(name, { type, value, timestamp: now });
    if (!inSession || !this.nodeBorn || (before && before.type === type && before.value === value)) return [];
    // A metric the NBIRTH did not announce needs a new birth of the node, and so of its devices.
    if (!before || before.type !== type) return this.births(now);
    return [{ topic: nodeTopic(this.group, 'NDATA', this.edge), type: 'NDATA', payload: encodePayload({ timestamp: now, seq: this.nextSeq(), metrics: [{ alias: this.aliasOf('', name), type, value, timestamp: now }] }) }];
  }

  /** NBIRTH (seq 0) and a DBIRTH for every device known so far: the start of a session, or a rebirth. */
  births(now = Date.now()): Outgoing[] {
    this.born.clear();
    const out = [this.nodeBirth(now)];
    for (const device of this.devices.keys()) out.push(this.deviceBirth(device, now));
    return out;
  }

  private nodeBirth(now: number): Outgoing {
    this.seq = 0;
    this.nodeBorn = true;
    const metrics: Metric[] = [
      { name: BDSEQ_METRIC, type: 'Int64', value: this.bdSeq, timestamp: now },
      { name: REBIRTH_METRIC, type: 'Boolean', value: false, timestamp: now },
    ];
    for (const [name, m] of this.nodeMetrics) metrics.push({ name, alias: this.aliasOf('', name), type: m.type, value: m.value, timestamp: m.timestamp });
    return { topic: nodeTopic(this.group, 'NBIRTH', this.edge), type: 'NBIRTH', payload: encodePayload({ timestamp: now, seq: 0, metrics }) };
  }

  private deviceBirth(device: string, now: number): Outgoing {
    this.born.add(device);
    const metrics: Metric[] = [];
    for (const [name, d] of this.devices.get(device) ?? []) {
      const properties: Record<string, PropertyValue> = {};
      if (d.unit) properties.engUnit = { type: 'String', value: d.unit };
      if (d.type === 'Bytes') properties.encoding = { type: 'String', value: 'float32le' };
      // A waveform block can be large: its birth announces the metric, not the block.
      const value = d.type === 'Bytes' ? null : d.value;
      const metric: Metric = { name, alias: d.alias, type: d.type, value, timestamp: value === null ? now : d.timestamp ?? now };
      if (Object.keys(properties).length > 0) metric.properties = properties;
      metrics.push(metric);
    }
    return { topic: deviceTopic(this.group, 'DBIRTH', this.edge, device), type: 'DBIRTH', device, payload: encodePayload({ timestamp: now, seq: this.nextSeq(), metrics }) };
  }

  /**
   * The messages that carry one device's samples: a DBIRTH first when the device is not born in this session or
   * a metric is new or changed its type or unit, then the DDATA. Historical samples (replayed from store and
   * forward) are flagged `is_historical` and do not become the value a birth announces.
   */
  data(device: string, samples: MetricSample[], historical: boolean, now = Date.now()): Outgoing[] {
    if (!this.nodeBorn) throw new Error('the edge node is not born: publish its births first');
    let definitions = this.devices.get(device);
    if (!definitions) { definitions = new Map(); this.devices.set(device, definitions); }
    let changed = !this.born.has(device);
    for (const s of samples) {
      const unit = s.unit ?? '';
      const known = definitions.get(s.name);
      if (!known || known.type !== s.type || (s.unit !== undefined && known.unit !== unit)) {
        definitions.set(s.name, { alias: this.aliasOf(device, s.name), type: s.type, unit: s.unit !== undefined ? unit : known?.unit ?? '', value: known?.type === s.type ? known.value : null, timestamp: known?.timestamp });
        changed = true;
      }
    }
    const out: Outgoing[] = [];
    if (changed) out.push(this.deviceBirth(device, now));
    const metrics: Metric[] = samples.map((s) => {
      const d = definitions!.get(s.name)!;
      if (!historical && (d.timestamp === undefined || s.timestamp >= d.timestamp)) { d.value = s.value; d.timestamp = s.timestamp; }
      const metric: Metric = { alias: d.alias, type: s.type, value: s.value, timestamp: s.timestamp };
      if (historical) metric.isHistorical = true;
      if (s.properties) metric.properties = s.properties;
      return metric;
    });
    out.push({ topic: deviceTopic(this.group, 'DDATA', this.edge, device), type: 'DDATA', device, payload: encodePayload({ timestamp: now, seq: this.nextSeq(), metrics }) });
    return out;
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) % 256;
    return this.seq;
  }

  private aliasOf(device: string, name: string): number {
    const key = `${device}\u0000${name}`;
    let alias = this.aliases.get(key);
    if (alias === undefined) {
      alias = this.nextAlias++;
      this.aliases.set(key, alias);
    }
    return alias;
  }
}
