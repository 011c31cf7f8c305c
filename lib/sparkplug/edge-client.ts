import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { decodePayload, type Metric, type MetricValue } from './codec';
import { EdgeSession, REBIRTH_METRIC, type Outgoing } from './edge-session';
import type { DeviceSamples } from './metrics';
import { clientOptions, nextDelay, type BrokerSettings } from './mqtt-options';
import { writeFileAtomically } from '../write-file-atomically';
import { parseState } from './state';
import { nodeTopic, stateTopic } from './topic';

/**
 * A Sparkplug B edge node on a real broker. Each MQTT connection is one session: a new bdSeq (kept on disk, so a
 * restarted process never reuses the one its lost connection's will still carries), the NDEATH as the will, births
 * once the primary host application says it is online (its STATE), and a rebirth when the host asks (NCMD). Data is
 * published only while the session is online; `publish` resolves true when the broker has it (QoS 1 PUBACK) and
 * false when it could not be delivered, so the caller keeps it (store and forward) and nothing is lost.
 */
export type EdgeState = 'connecting' | 'waiting-for-host' | 'online' | 'offline';

export interface EdgeClientOptions extends BrokerSettings {
  group: string;
  edge: string;
  /** Primary host application id whose STATE gates publishing; empty: publish whenever connected. */
  primaryHostId: string;
  /** QoS of NDATA/DDATA: 1 = confirmed by the broker (default), 0 = as Sparkplug 3.0 writes it (no confirmation). */
  dataQos: 0 | 1;
  /** A publication not confirmed within this time means the link is dead (a half-open TCP connection). */
  ackTimeoutMs: number;
  /** File that keeps the last bdSeq across restarts. */
  bdSeqFile: string;
}

export interface DeliveredModel {
  type: string;
  version: string;
  sha256: string;
  bytes: Uint8Array;
}

interface Delivery {
  remaining: number;
  sentAt: number;
  settle: (ok: boolean) => void;
}

export const MODEL_METRIC_PREFIX = 'Models/';

export class EdgeClient extends EventEmitter {
  private client: MqttClient | undefined;
  private readonly session: EdgeSession;
  private stateValue: EdgeState = 'connecting';
  private hostStateTs = 0;
  /** What the primary host's STATE said last on this connection (a retained one may arrive before the SUBACK is handled). */
  private hostOnline = false;
  private reconnectDelay = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly watchdog: NodeJS.Timeout;
  private readonly pending = new Set<Delivery>();
  private closed = false;

  constructor(private readonly options: EdgeClientOptions) {
    super();
    this.session = new EdgeSession(options.group, options.edge, readBdSeq(options.bdSeqFile));
    this.watchdog = setInterval(() => this.checkAcks(), 1000);
  }

  get state(): EdgeState {
    return this.stateValue;
  }

  get bdSeq(): number {
    return this.session.bdSeq;
  }

  start(): void {
    this.connect();
  }

  /**
   * Publishes samples as DDATA (with the DBIRTHs they need). True when the broker confirmed every message; false
   * when the session is not online or the connection broke first: the caller must keep the samples.
   */
  publish(devices: DeviceSamples[], historical: boolean): Promise<boolean> {
    if (this.stateValue !== 'online' || !this.client) return Promise.resolve(false);
    const messages = devices.flatMap((d) => this.session.data(d.asset, d.samples, historical));
    return this.deliver(messages);
  }

  /** A value of the edge node itself, reported in its NBIRTH and, when it changes, in an NDATA. */
  setNodeMetric(name: string, type: Metric['type'], value: MetricValue): void {
    // Out of session the value waits for the next NBIRTH: a message built and not sent would leave a seq gap.
    if (this.stateValue !== 'online') { this.session.setNodeMetric(name, type, value, Date.now(), false); return; }
    void this.deliver(this.session.setNodeMetric(name, type, value));
  }

  private deliver(messages: Outgoing[]): Promise<boolean> {
    const client = this.client;
    if (!client || messages.length === 0) return Promise.resolve(messages.length === 0);
    return new Promise((resolve) => {
      let settled = false;
      const delivery: Delivery = {
        remaining: messages.length, sentAt: Date.now(),
        settle: (ok) => {
          if (settled) return;
          settled = true;
          this.pending.delete(delivery);
          resolve(ok);
        },
      };
      this.pending.add(delivery);
      for (const m of messages) {
        // Births at QoS 0 as the specification says; data at the configured QoS.
        const qos = m.type === 'DDATA' || m.type === 'NDATA' ? this.options.dataQos : 0;
        client.publish(m.topic, Buffer.from(m.payload), { qos, retain: false }, (err) => {
          if (err) { delivery.settle(false); return; }
          if (--delivery.remaining === 0) delivery.settle(true);
        });
      }
    });
  }

  private setState(state: EdgeState, detail: string): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.emit('state', state, detail);
  }

  private connect(): void {
    if (this.closed) return;
    const bdSeq = (this.session.bdSeq + 1) % 256;
    writeBdSeq(this.options.bdSeqFile, bdSeq);
    this.session.startSession(bdSeq);
    this.hostOnline = false;
    this.setState('connecting', `bdSeq ${bdSeq}`);
    const client = mqtt.connect(this.options.url, {
      ...clientOptions(this.options),
      will: { topic: nodeTopic(this.options.group, 'NDEATH', this.options.edge), payload: Buffer.from(this.session.death()), qos: 1, retain: false },
    });
    this.client = client;
    client.on('connect', () => {
      this.reconnectDelay = 0;
      const topics: Record<string, { qos: 0 | 1 }> = { [nodeTopic(this.options.group, 'NCMD', this.options.edge)]: { qos: 1 } };
      if (this.options.primaryHostId) topics[stateTopic(this.options.primaryHostId)] = { qos: 1 };
      client.subscribe(topics, (err) => {
        if (err) { this.emit('warning', `subscribe failed: ${err.message}`); client.end(true); return; }
        if (this.options.primaryHostId && !this.hostOnline) this.setState('waiting-for-host', `waiting for ${this.options.primaryHostId}`);
        else this.goOnline();
      });
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (err) => this.emit('warning', `MQTT: ${err.message}`));
    client.on('close', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.dropPending();
      this.setState('offline', 'disconnected');
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectDelay = nextDelay(this.reconnectDelay);
    this.reconnectTimer = setTimeout(() => { this.reconnectTimer = undefined; this.connect(); }, this.reconnectDelay);
  }

  private goOnline(): void {
    if (!this.client || this.stateValue === 'online') return;
    void this.deliver(this.session.births());
    this.setState('online', `bdSeq ${this.session.bdSeq}`);
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (this.options.primaryHostId && topic === stateTopic(this.options.primaryHostId)) {
      const state = parseState(payload);
      if (!state) { this.emit('warning', `unreadable STATE on ${topic}`); return; }
      if (state.timestamp < this.hostStateTs) return;
      this.hostStateTs = state.timestamp;
      this.hostOnline = state.online;
      if (state.online && this.stateValue === 'waiting-for-host') this.goOnline();
      else if (!state.online && this.stateValue === 'online') this.endSession(`primary host ${this.options.primaryHostId} offline`);
      return;
    }
    let metrics: Metric[];
    try {
      metrics = decodePayload(payload).metrics;
    } catch (err) {
      this.emit('warning', `unreadable NCMD: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    for (const metric of metrics) {
      if (metric.name === REBIRTH_METRIC && metric.value === true) {
        this.emit('rebirth');
        if (this.stateValue === 'online') void this.deliver(this.session.births());
      } else if (metric.name?.startsWith(MODEL_METRIC_PREFIX) && metric.value instanceof Uint8Array) {
        const version = metric.properties?.version?.value;
        const sha256 = metric.properties?.sha256?.value;
        if (typeof version !== 'string' || typeof sha256 !== 'string') { this.emit('warning', `${metric.name}: a model without version or sha256 is refused`); continue; }
        this.emit('model', { type: metric.name.slice(MODEL_METRIC_PREFIX.length), version, sha256, bytes: metric.value } satisfies DeliveredModel);
      }
    }
  }

  /**
   * Sparkplug 3.0: when the primary host goes offline the edge node ends its session (NDEATH, disconnect) and
   * comes back with a new one, born once the host is online again; meanwhile data is stored and forwarded.
   */
  private endSession(reason: string): void {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    this.dropPending();
    this.setState('offline', reason);
    client.publish(nodeTopic(this.options.group, 'NDEATH', this.options.edge), Buffer.from(this.session.death()), { qos: 1 }, () => client.end());
    this.scheduleReconnect();
  }

  /** What the broker has not confirmed is handed back to the caller, to be stored and sent again. */
  private dropPending(): void {
    for (const delivery of [...this.pending]) delivery.settle(false);
  }

  private checkAcks(): void {
    const now = Date.now();
    for (const delivery of this.pending) {
      if (now - delivery.sentAt > this.options.ackTimeoutMs) {
        this.emit('warning', `the broker confirmed nothing for ${Math.round((now - delivery.sentAt) / 1000)} s: treating the link as dead`);
        this.client?.end(true);
        return;
      }
    }
  }

  /** Ends the session cleanly: NDEATH published, connection closed; what is unconfirmed is handed back. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    // Publications already sent get a moment to be confirmed, so fewer come back to be stored.
    const deadline = Date.now() + 1000;
    while (this.pending.size > 0 && client?.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.client = undefined;
    this.dropPending();
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { client.end(true); resolve(); }, 2000);
      if (!client.connected) { clearTimeout(timer); client.end(true); resolve(); return; }
      client.publish(nodeTopic(this.options.group, 'NDEATH', this.options.edge), Buffer.from(this.session.death()), { qos: 1 }, () => {
        client.end(false, {}, () => { clearTimeout(timer); resolve(); });
      });
    });
  }
}

function readBdSeq(file: string): number {
  try {
    const value = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(value) && value >= 0 && value < 256 ? value : 255;
  } catch {
    return 255; // the first session then gets bdSeq 0
  }
}

function writeBdSeq(file: string, bdSeq: number): void {
  writeFileAtomically(file, String(bdSeq));
}
