import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import { decodePayload, encodePayload } from './codec';
import { REBIRTH_METRIC } from './edge-session';
import { MODEL_METRIC_PREFIX } from './edge-client';
import { HostTracker, type FleetEntry, type HostUpdate } from './host-tracker';
import { clientOptions, nextDelay, type BrokerSettings } from './mqtt-options';
import { encodeState, parseState } from './state';
import { NAMESPACE, nodeTopic, parseTopic, stateTopic } from './topic';

/**
 * A Sparkplug B primary host application on a real broker: its STATE as birth (retained, online) and will
 * (retained, offline, the same timestamp), every edge node's births, data and deaths of the groups it serves turned
 * into HostUpdates, a rebirth asked for (NCMD) when a sequence gap or an unknown sender shows that something was
 * missed, and models sent to the edge nodes that run them.
 */
export interface HostClientOptions extends BrokerSettings {
  hostId: string;
  /** Groups to serve; empty: every group. */
  groups: string[];
}

export interface ModelOffer {
  type: string;
  version: string;
  bytes: Uint8Array;
}

export class HostClient extends EventEmitter {
  private client: MqttClient | undefined;
  readonly tracker = new HostTracker();
  private sessionTs = 0;
  private reconnectDelay = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The latest model offered per type: sent again to an edge node that is born running another version. */
  private readonly models = new Map<string, ModelOffer & { sha256: string }>();

  constructor(private readonly options: HostClientOptions) {
    super();
  }

  get connected(): boolean {
    return !!this.client?.connected;
  }

  start(): void {
    this.connect();
  }

  private connect(): void {
    if (this.closed) return;
    const timestamp = Date.now();
    this.sessionTs = timestamp;
    const topic = stateTopic(this.options.hostId);
    const client = mqtt.connect(this.options.url, {
      ...clientOptions(this.options),
      will: { topic, payload: encodeState({ online: false, timestamp }), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => {
      this.reconnectDelay = 0;
      const filters: Record<string, { qos: 0 | 1 }> = { [topic]: { qos: 1 } };
      for (const group of this.options.groups.length > 0 ? this.options.groups : ['+']) filters[`${NAMESPACE}/${group}/#`] = { qos: 1 };
      client.subscribe(filters, (err) => {
        if (err) { this.emit('warning', `subscribe failed: ${err.message}`); client.end(true); return; }
        // Online only once subscribed: an edge node that sees this STATE publishes its births, which must be heard.
        client.publish(topic, encodeState({ online: true, timestamp }), { qos: 1, retain: true }, () => this.emit('connected'));
      });
    });
    client.on('message', (t, payload) => this.onMessage(t, payload));
    client.on('error', (err) => this.emit('warning', `MQTT: ${err.message}`));
    client.on('close', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.emit('disconnected');
      if (this.closed || this.reconnectTimer) return;
      this.reconnectDelay = nextDelay(this.reconnectDelay);
      this.reconnectTimer = setTimeout(() => { this.reconnectTimer = undefined; this.connect(); }, this.reconnectDelay);
    });
  }

  private onMessage(topic: string, bytes: Buffer): void {
    if (topic === stateTopic(this.options.hostId)) {
      // The broker may publish a will of ours late (a stale session): this session is still online.
      const state = parseState(bytes);
      if (state && !state.online && state.timestamp <= this.sessionTs && this.client?.connected) {
        this.client.publish(topic, encodeState({ online: true, timestamp: this.sessionTs }), { qos: 1, retain: true });
      }
      return;
    }
    const parsed = parseTopic(topic);
    if (!parsed) return;
    let update: HostUpdate;
    try {
      update = this.tracker.handle(parsed, decodePayload(bytes));
    } catch (err) {
      this.emit('warning', `${topic}: not a Sparkplug B payload (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    if (update.rebirth) this.requestRebirth(update.rebirth.group, update.rebirth.edge);
    for (const change of update.nodeMetrics) this.offerIfBehind(change.origin.group, change.origin.edge, change.name, change.value);
    this.emit('update', update);
  }

  requestRebirth(group: string, edge: string): void {
    const payload = encodePayload({ timestamp: Date.now(), metrics: [{ name: REBIRTH_METRIC, type: 'Boolean', value: true, timestamp: Date.now() }] });
    this.client?.publish(nodeTopic(group, 'NCMD', edge), Buffer.from(payload), { qos: 0 });
    this.emit('rebirth-requested', group, edge);
  }

  /**
   * Sends a model to every online edge node that reports running a model of its type (`Models/<type>/Version`),
   * and later to any that is born running another version. Returns the edge nodes it was sent to.
   */
  offerModel(offer: ModelOffer): Array<{ group: string; edge: string }> {
    const sha256 = createHash('sha256').update(offer.bytes).digest('hex');
    this.models.set(offer.type, { ...offer, sha256 });
    const sent: Array<{ group: string; edge: string }> = [];
    for (const entry of this.tracker.fleet()) {
      if (entry.online && `${MODEL_METRIC_PREFIX}${offer.type}/Version` in entry.nodeMetrics && this.sendModel(entry, offer.type)) sent.push({ group: entry.group, edge: entry.edge });
    }
    return sent;
  }

  private offerIfBehind(group: string, edge: string, name: string, value: unknown): void {
    const match = /^Models\/(.+)\/Version$/.exec(name);
    const offer = match ? this.models.get(match[1]) : undefined;
    if (!offer || value === runningVersion(offer.sha256)) return;
    this.sendModel({ group, edge }, offer.type);
  }

  private sendModel(target: { group: string; edge: string }, type: string): boolean {
    const offer = this.models.get(type);
    if (!offer || !this.client?.connected) return false;
    const payload = encodePayload({
      timestamp: Date.now(),
      metrics: [{
        name: `${MODEL_METRIC_PREFIX}${type}`, type: 'Bytes', value: offer.bytes, timestamp: Date.now(),
        properties: { version: { type: 'String', value: offer.version }, sha256: { type: 'String', value: offer.sha256 } },
      }],
    });
    this.client.publish(nodeTopic(target.group, 'NCMD', target.edge), Buffer.from(payload), { qos: 1 });
    this.emit('model-sent', target, offer.version);
    return true;
  }

  fleet(): FleetEntry[] {
    return this.tracker.fleet();
  }

  /** Goes offline cleanly: STATE offline (retained) published, connection closed. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { client.end(true); resolve(); }, 2000);
      if (!client.connected) { clearTimeout(timer); client.end(true); resolve(); return; }
      client.publish(stateTopic(this.options.hostId), encodeState({ online: false, timestamp: this.sessionTs }), { qos: 1, retain: true }, () => {
        client.end(false, {}, () => { clearTimeout(timer); resolve(); });
      });
    });
  }
}

/** The version a model file reports once loaded (twin-model names a file's model by its content hash). */
export function runningVersion(sha256: string): string {
  return `sha-${sha256.slice(0, 12)}`;
}
