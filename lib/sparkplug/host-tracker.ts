import type { Metric, MetricType, Payload, PropertyValue } from './codec';
import { BDSEQ_METRIC } from './edge-session';
import { elementsOfMetrics, type ReceivedMetric } from './metrics';
import type { SparkplugTopic } from './topic';

/**
 * What a primary host application knows of each edge node and device: born or dead and since when, the session's
 * bdSeq, the seq it expects next, and the metric definitions (name, type, unit by alias) the births gave. It turns
 * data into the pack's messages, spots sequence gaps and data it cannot decode, and says when to ask for a rebirth.
 */
export interface Origin {
  group: string;
  edge: string;
  device?: string;
}

export interface PresenceChange extends Origin {
  online: boolean;
  /** When the edge node or device was born or died, epoch ms. */
  since: number;
  reason: string;
}

export interface DeviceElements {
  origin: Required<Origin>;
  elements: Array<Record<string, unknown>>;
}

export interface HostUpdate {
  data: DeviceElements[];
  presence: PresenceChange[];
  /** Node-level values that changed (e.g. the model version an edge runs). */
  nodeMetrics: Array<{ origin: Origin; name: string; value: unknown }>;
  /** Ask this edge node for a rebirth, for this reason. */
  rebirth?: { group: string; edge: string; reason: string };
  problems: string[];
}

interface Definition {
  name: string;
  type: MetricType;
  unit: string;
}

interface DeviceView {
  online: boolean;
  since: number;
  definitions: Map<number, Definition>;
}

interface EdgeView {
  online: boolean;
  since: number;
  bdSeq: number | undefined;
  expectedSeq: number | undefined;
  nodeDefinitions: Map<number, Definition>;
  nodeValues: Map<string, unknown>;
  devices: Map<string, DeviceView>;
  lastRebirthAsk: number;
}

export interface FleetEntry extends Origin {
  online: boolean;
  since: number;
  devices: Array<{ device: string; online: boolean; since: number }>;
  nodeMetrics: Record<string, unknown>;
}

const REBIRTH_HOLD_OFF_MS = 5000;

function unitOf(properties: Record<string, PropertyValue> | undefined): string {
  const unit = properties?.engUnit?.value;
  return typeof unit === 'string' ? unit : '';
}

function definitionsOf(metrics: Metric[]): Map<number, Definition> {
  const map = new Map<number, Definition>();
  for (const m of metrics) if (m.name !== undefined && m.alias !== undefined) map.set(m.alias, { name: m.name, type: m.type, unit: unitOf(m.properties) });
  return map;
}

export class HostTracker {
  private readonly edges = new Map<string, EdgeView>();

  private key(group: string, edge: string): string {
    return `${group}/${edge}`;
  }

  handle(topic: SparkplugTopic, payload: Payload, now = Date.now()): HostUpdate {
    const update: HostUpdate = { data: [], presence: [], nodeMetrics: [], problems: [] };
    const { group, edge } = topic;
    const key = this.key(group, edge);
    let view = this.edges.get(key);
    const ask = (reason: string): void => {
      if (!view) return;
      update.problems.push(`${key}: ${reason}`);
      if (now - view.lastRebirthAsk < REBIRTH_HOLD_OFF_MS) return;
      view.lastRebirthAsk = now;
      update.rebirth = { group, edge, reason };
    };

    if (topic.type === 'NBIRTH') {
      const bdSeq = payload.metrics.find((m) => m.name === BDSEQ_METRIC)?.value;
      const devices = view?.devices ?? new Map<string, DeviceView>();
      view = {
        online: true, since: now, bdSeq: typeof bdSeq === 'number' ? bdSeq : undefined, expectedSeq: ((payload.seq ?? 0) + 1) % 256,
        nodeDefinitions: definitionsOf(payload.metrics), nodeValues: new Map(), devices, lastRebirthAsk: view?.lastRebirthAsk ?? 0,
      };
      this.edges.set(key, view);
      if (typeof bdSeq !== 'number') update.problems.push(`${key}: NBIRTH without a bdSeq metric`);
      update.presence.push({ group, edge, online: true, since: now, reason: 'NBIRTH' });
      // A new session of the node: its devices are not there until their own births.
      for (const [device, d] of devices) {
        d.definitions.clear();
        if (d.online) { d.online = false; d.since = now; update.presence.push({ group, edge, device, online: false, since: now, reason: 'edge node reborn' }); }
      }
      this.nodeValues(view, payload.metrics, { group, edge }, update);
      return update;
    }

    if (topic.type === 'NDEATH') {
      const bdSeq = payload.metrics.find((m) => m.name === BDSEQ_METRIC)?.value;
      if (!view || !view.online) return update;
      // The will of an earlier session arrives late after a reconnect: it says nothing about this one.
      if (view.bdSeq !== undefined && bdSeq !== view.bdSeq) { update.problems.push(`${key}: NDEATH of bdSeq ${String(bdSeq)} ignored (session ${view.bdSeq})`); return update; }
      this.markDead(view, group, edge, now, 'NDEATH', update);
      return update;
    }

    if (topic.type === 'NCMD' || topic.type === 'DCMD') return update;

    if (!view || !view.online) {
      // Data from a node whose birth this host never saw (it started later, or the birth was lost).
      view ??= this.unknownEdge(key);
      ask(`${topic.type} from an edge node without a birth`);
      return update;
    }
    if (payload.seq === undefined) update.problems.push(`${key}: ${topic.type} without seq`);
    else {
      if (view.expectedSeq !== undefined && payload.seq !== view.expectedSeq) ask(`sequence gap: expected seq ${view.expectedSeq}, got ${payload.seq}`);
      view.expectedSeq = (payload.seq + 1) % 256;
    }

    if (topic.type === 'NDATA') {
      this.nodeValues(view, payload.metrics, { group, edge }, update);
      return update;
    }
    const device = topic.device!;
    if (topic.type === 'DBIRTH') {
      const before = view.devices.get(device);
      view.devices.set(device, { online: true, since: before?.online ? before.since : now, definitions: definitionsOf(payload.metrics) });
      if (!before?.online) update.presence.push({ group, edge, device, online: true, since: now, reason: 'DBIRTH' });
      return update;
    }
    const d = view.devices.get(device);
    if (topic.type === 'DDEATH') {
      if (d?.online) { d.online = false; d.since = now; update.presence.push({ group, edge, device, online: false, since: now, reason: 'DDEATH' }); }
      return update;
    }
    // DDATA
    if (!d || !d.online) { ask(`DDATA from device "${device}" without a birth`); return update; }
    const received: ReceivedMetric[] = [];
    const unknown = new Set<string>();
    for (const m of payload.metrics) {
      const definition = m.alias !== undefined ? d.definitions.get(m.alias) : [...d.definitions.values()].find((x) => x.name === m.name);
      if (!definition) { unknown.add(String(m.alias ?? m.name)); continue; }
      received.push({ name: definition.name, type: definition.type, value: m.value, timestamp: m.timestamp ?? payload.timestamp, historical: m.isHistorical === true, unit: definition.unit, properties: m.properties ?? {} });
    }
    if (unknown.size > 0) ask(`DDATA from "${device}" names metrics its birth did not announce (${[...unknown].join(', ')})`);
    const { elements, problems } = elementsOfMetrics(device, received);
    update.problems.push(...problems.map((p) => `${key}/${device}: ${p}`));
    if (elements.length > 0) update.data.push({ origin: { group, edge, device }, elements });
    return update;
  }

  private unknownEdge(key: string): EdgeView {
    const view: EdgeView = { online: false, since: 0, bdSeq: undefined, expectedSeq: undefined, nodeDefinitions: new Map(), nodeValues: new Map(), devices: new Map(), lastRebirthAsk: 0 };
    this.edges.set(key, view);
    return view;
  }

  private nodeValues(view: EdgeView, metrics: Metric[], origin: Origin, update: HostUpdate): void {
    for (const m of metrics) {
      const name = m.name ?? (m.alias !== undefined ? view.nodeDefinitions.get(m.alias)?.name : undefined);
      if (!name || name === BDSEQ_METRIC || name.startsWith('Node Control/')) continue;
      if (view.nodeValues.get(name) === m.value) continue;
      view.nodeValues.set(name, m.value);
      update.nodeMetrics.push({ origin, name, value: m.value });
    }
  }

  private markDead(view: EdgeView, group: string, edge: string, now: number, reason: string, update: HostUpdate): void {
    view.online = false;
    view.since = now;
    view.expectedSeq = undefined;
    update.presence.push({ group, edge, online: false, since: now, reason });
    for (const [device, d] of view.devices) {
      if (!d.online) continue;
      d.online = false;
      d.since = now;
      update.presence.push({ group, edge, device, online: false, since: now, reason: `edge node ${reason}` });
    }
  }

  /** Every edge node and device seen, with its state and since when. */
  fleet(): FleetEntry[] {
    return [...this.edges].filter(([, v]) => v.since > 0).map(([key, v]) => {
      const [group, edge] = key.split('/');
      return {
        group, edge, online: v.online, since: v.since,
        devices: [...v.devices].map(([device, d]) => ({ device, online: d.online, since: d.since })),
        nodeMetrics: Object.fromEntries(v.nodeValues),
      };
    });
  }
}
