import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { plantFacts } from '../../lib/facts/plant-facts';
import type { AlertEvent } from '../../lib/threshold/alert';
import { ThresholdMonitor, type ThresholdSnapshot } from '../../lib/threshold/threshold-monitor';
import { actorOf } from '../../lib/identity/actor';
import { handleInput } from '../common/input';
import { acceptReadings } from '../common/problems';
import { assetContextKey, assetOfReadings, resolveServedAssets, type ServedAssetFields } from '../common/served-assets';
import { Status } from '../common/status';

interface TwinThresholdDef extends NodeDef, ServedAssetFields {
  sensors: string;
  staleAfterS: string;
  ignoreHistorical: boolean;
}

const CONTEXT_KEY = 'twinThreshold';
const STALE_CHECK_MS = 1000;

function alertMessage(event: AlertEvent): NodeMessage {
  return { topic: `alert/${event.asset}/${event.sensor}`, payload: event };
}

export = function register(RED: NodeAPI): void {
  function TwinThreshold(this: Node, config: TwinThresholdDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const served = resolveServedAssets(RED, config);
    const sensors = String(config.sensors ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    /** One monitor per asset served, each with its own alerts and persisted state. */
    const monitors = new Map<string, ThresholdMonitor>();
    let setupError: Error | undefined = served instanceof Error ? served : undefined;
    if (!(served instanceof Error)) {
      const lacking = served.assets.map((asset) => ({ asset, unknown: ThresholdMonitor.unknownSensors(asset, sensors) })).filter((a) => a.unknown.length > 0);
      if (lacking.length > 0) {
        setupError = new Error(lacking.map(({ asset, unknown }) => `asset "${asset.id}" has no sensor ${unknown.map((s) => `"${s}"`).join(', ')}`).join('; '));
      } else {
        for (const asset of served.assets) {
          const monitor = new ThresholdMonitor(asset, {
            sensors,
            staleAfterMs: Math.max(0, Number(config.staleAfterS) || 0) * 1000,
            ignoreHistorical: config.ignoreHistorical !== false,
            machineState: () => plantFacts.machineStateOf(asset.id),
          });
          const saved = node.context().get(assetContextKey(CONTEXT_KEY, served, asset.id)) as ThresholdSnapshot | undefined;
          if (saved) monitor.restore(saved);
          monitors.set(asset.id, monitor);
        }
      }
    }

    /** twin-setpoint's alert interlock reads the active alerts from here, never from a message. */
    const shareActive = (assetId: string): void => {
      const monitor = monitors.get(assetId);
      if (monitor) plantFacts.setAlerts(node.id, assetId, monitor.activeAlerts());
    };
    for (const assetId of monitors.keys()) shareActive(assetId);

    const showStatus = (): void => {
      if (monitors.size === 0) return;
      const active = [...monitors.values()].flatMap((monitor) => monitor.activeAlerts());
      if (active.length === 0) { status.success('no active alerts'); return; }
      const worst = active.find((a) => a.level === 'alarm') ?? active.find((a) => a.level === 'stale') ?? active[0];
      const text = monitors.size === 1 ? `${active.length} active: ${worst.sensor} ${worst.level}` : `${active.length} active: ${worst.asset} ${worst.sensor} ${worst.level}`;
      if (worst.level === 'alarm') status.failed(text);
      else status.waiting(text);
    };

    /** Emits events on output 1 and, when anything changed, the active list on output 2; persists the list. */
    const publish = (assetId: string, events: AlertEvent[], send: (msg: Array<NodeMessage | NodeMessage[] | null>) => void): void => {
      const monitor = monitors.get(assetId);
      if (!monitor || served instanceof Error || events.length === 0) return;
      node.context().set(assetContextKey(CONTEXT_KEY, served, assetId), monitor.snapshot());
      shareActive(assetId);
      send([events.map(alertMessage), { topic: `alerts/${assetId}`, payload: monitor.activeAlerts() }]);
      showStatus();
    };

    if (setupError) status.failed(setupError.message);
    else if (monitors.size === 0 && !(served instanceof Error)) status.idle(served.description);
    else showStatus();

    const staleTimer = setInterval(() => {
      for (const [assetId, monitor] of monitors) publish(assetId, monitor.checkStale(), (msgs) => node.send(msgs));
    }, STALE_CHECK_MS);

    handleInput(node, status, (msg, send) => {
      if (setupError || served instanceof Error) throw setupError as Error;
      if (msg.topic === 'ack') {
        const target = (msg.payload ?? {}) as { id?: unknown; sensor?: unknown; by?: unknown; asset?: unknown };
        if (typeof target.id !== 'string' && typeof target.sensor !== 'string') {
          throw new Error('an ack needs msg.payload.id (alert id) or msg.payload.sensor');
        }
        // A dashboard acknowledgement carries the logged-in user; only a flow's own message may name someone.
        const by = actorOf(msg, target.by, 'operator').name;
        // A node serving several assets needs to know whose alert: the alert's own asset, as the alert list sends it.
        const asset = served.get(target.asset);
        if (asset instanceof Error) throw new Error(`an ack to a node serving several assets needs msg.payload.asset: ${asset.message}`);
        // The alert is another twin-threshold's (its filter serves that asset).
        if (!asset) return;
        publish(asset.id, monitors.get(asset.id)!.acknowledge({ id: target.id as string | undefined, sensor: target.sensor as string | undefined }, by), send);
        return;
      }
      if (!Array.isArray(msg.payload)) {
        throw new Error('expected msg.payload to be an array of readings (from twin-ingest) or msg.topic "ack"');
      }
      const asset = served.get(assetOfReadings(msg.payload));
      if (asset instanceof Error) throw asset;
      if (!asset) return;
      publish(asset.id, monitors.get(asset.id)!.process(acceptReadings(node, msg.payload, asset, msg)), send);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(staleTimer);
      plantFacts.withdraw(node.id);
      done();
    });
  }
  RED.nodes.registerType('twin-threshold', TwinThreshold);
};
