import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { HostClient } from '../../lib/sparkplug/host-client';
import { FleetView, placesOfCatalogue, type PlaceOf } from '../../lib/sparkplug/fleet-view';
import { PromotedModelWatch } from '../../lib/sparkplug/registry-watch';
import type { HostUpdate, PresenceChange } from '../../lib/sparkplug/host-tracker';
import { idProblem } from '../../lib/sparkplug/topic';
import { brokerSettings, type BrokerCredentials, type BrokerDef } from '../common/broker';
import { CATALOGUE_NODE_TYPE, type TwinCatalogueNode } from '../common/catalogue';
import { getConfigNode } from '../common/config';
import { resolveDb } from '../common/db';
import { handleInput } from '../common/input';
import { Status } from '../common/status';

interface TwinSparkplugHostDef extends NodeDef, BrokerDef {
  hostId: string;
  groups: string;
  assetIds: 'device' | 'qualified';
  db: string;
  modelType: string;
  modelPollS: string;
  /** Optional central asset catalogue: the site, line and cell of each device in the Fleet overview. */
  catalogue?: string;
}

const WARN_EVERY_MS = 10000;
/** The overview is sent again this often, so the age of the last data keeps counting on the dashboard. */
const FLEET_REFRESH_MS = 5000;

function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string' && value !== '') return Buffer.from(value, 'base64');
  return undefined;
}

export = function register(RED: NodeAPI): void {
  function TwinSparkplugHost(this: Node, config: TwinSparkplugHostDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const userDir = (RED.settings as unknown as { userDir?: string }).userDir ?? process.cwd();
    let host: HostClient;
    try {
      const hostId = (config.hostId ?? '').trim();
      const problem = idProblem('host id', hostId);
      if (problem) throw new Error(problem);
      const groups = (config.groups ?? '').split(',').map((g) => g.trim()).filter((g) => g !== '');
      for (const g of groups) { const bad = idProblem('group id', g); if (bad) throw new Error(bad); }
      host = new HostClient({ ...brokerSettings(config, node.credentials as BrokerCredentials, `twin-host-${hostId}`, userDir), hostId, groups });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      status.failed(error.message);
      handleInput(node, status, () => { throw error; });
      return;
    }

    const qualified = config.assetIds === 'qualified';
    const view = new FleetView();
    let placeOf: PlaceOf | undefined;
    if (config.catalogue) {
      const catalogue = getConfigNode<TwinCatalogueNode>(RED, config.catalogue, CATALOGUE_NODE_TYPE);
      if (!catalogue || catalogue.failure) node.warn(`the catalogue of the Fleet overview ${catalogue ? `did not load: ${catalogue.failure}` : 'is missing'}: devices are shown without site and line`);
      else placeOf = placesOfCatalogue(catalogue.catalogue.assets);
    }
    const counts = { elements: 0, problems: 0, rebirths: 0 };
    let lastWarning = 0;
    let unwarned = 0;
    const showStatus = (): void => {
      if (!host.connected) { status.failed('disconnected'); return; }
      const fleet = host.fleet();
      const offline = fleet.filter((e) => !e.online).length;
      const text = `${fleet.length - offline}/${fleet.length} edges online${counts.problems ? ` · ${counts.problems} problems` : ''}`;
      if (offline > 0) status.waiting(text); else status.success(text);
    };
    const sendFleet = (changes: PresenceChange[]): void => {
      node.send([null, { topic: 'sparkplug/fleet', payload: view.build(host.fleet(), Date.now(), placeOf), changes } as NodeMessage]);
    };

    host.on('update', (update: HostUpdate) => {
      for (const { origin, elements } of update.data) {
        const topic = `${origin.group}/${origin.edge}/${origin.device}`;
        const asset = qualified ? topic : origin.device;
        const tagged: Array<Record<string, unknown>> = elements.map((e) => ({ ...e, asset, origin }));
        // Live and replayed elements travel apart, so live-only logic (alerts, dashboards) sees the live ones at once.
        const live = tagged.filter((e) => e.historical !== true);
        const late = tagged.filter((e) => e.historical === true);
        const out: NodeMessage[] = [];
        if (live.length > 0) out.push({ topic, payload: live } as NodeMessage);
        if (late.length > 0) out.push({ topic, payload: late, historical: true } as NodeMessage);
        counts.elements += elements.length;
        view.observe(origin, elements);
        node.send([out, null]);
      }
      // A model version an edge reports is part of the fleet's picture too.
      if (update.presence.length > 0 || update.nodeMetrics.length > 0) { sendFleet(update.presence); showStatus(); }
      if (update.problems.length > 0) {
        counts.problems += update.problems.length;
        unwarned += update.problems.length;
        if (Date.now() - lastWarning > WARN_EVERY_MS) {
          node.warn(`${unwarned} Sparkplug problem(s), latest: ${update.problems[update.problems.length - 1]}`);
          lastWarning = Date.now();
          unwarned = 0;
        }
      }
    });
    host.on('rebirth-requested', (group: string, edge: string) => { counts.rebirths++; node.send([null, { topic: 'sparkplug/rebirth', payload: { group, edge, requestedAt: Date.now() } } as NodeMessage]); });
    host.on('model-sent', (target: { group: string; edge: string }, version: string) => node.send([null, { topic: 'sparkplug/model', payload: { ...target, version, sentAt: Date.now() } } as NodeMessage]));
    host.on('warning', (text: string) => node.warn(text));
    host.on('connected', showStatus);
    host.on('disconnected', showStatus);

    handleInput(node, status, (msg) => {
      const payload = (msg.payload ?? {}) as Record<string, unknown>;
      if (msg.topic === 'model/deliver') {
        const bytes = bytesOf(payload.onnx);
        if (typeof payload.type !== 'string' || typeof payload.version !== 'string' || !bytes) {
          throw new Error('model/deliver needs payload {type, version, onnx (bytes or base64)}');
        }
        const sent = host.offerModel({ type: payload.type, version: payload.version, bytes });
        node.send([null, { topic: 'sparkplug/model', payload: { type: payload.type, version: payload.version, offeredTo: sent } } as NodeMessage]);
      } else if (msg.topic === 'rebirth') {
        if (typeof payload.group !== 'string' || typeof payload.edge !== 'string') throw new Error('rebirth needs payload {group, edge}');
        host.requestRebirth(payload.group, payload.edge);
      } else if (msg.topic === 'fleet') {
        sendFleet([]);
      } else {
        throw new Error(`unknown command "${String(msg.topic)}": use model/deliver, rebirth or fleet`);
      }
    });

    // With the central database chosen, each model the registry promotes goes to the edges that run its type.
    let registry: PromotedModelWatch | undefined;
    if (config.db) {
      const connection = resolveDb(RED, config.db);
      if (connection instanceof Error) node.warn(connection.message);
      else {
        const type = (config.modelType ?? '').trim() || 'RUL';
        registry = new PromotedModelWatch(connection, Math.max(5, Number(config.modelPollS) || 60) * 1000, (version, bytes) => {
          const sent = host.offerModel({ type, version, bytes });
          node.send([null, { topic: 'sparkplug/model', payload: { type, version, promoted: true, offeredTo: sent } } as NodeMessage]);
        }, (text) => node.warn(text));
      }
    }

    const statusTimer = setInterval(showStatus, 2000);
    const fleetTimer = setInterval(() => { if (host.fleet().length > 0) sendFleet([]); }, FLEET_REFRESH_MS);
    host.start();
    registry?.start();
    status.working('connecting');

    node.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(statusTimer);
      clearInterval(fleetTimer);
      registry?.stop();
      host.close().finally(() => done());
    });
  }
  RED.nodes.registerType('twin-sparkplug-host', TwinSparkplugHost, {
    credentials: { username: { type: 'text' }, password: { type: 'password' } },
  });
};
