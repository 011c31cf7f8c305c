import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { AssetDefinition } from '../../lib/asset/asset-model';
import { plantFacts } from '../../lib/facts/plant-facts';
import type { AlertEvent } from '../../lib/threshold/alert';
import { ThresholdMonitor, type ThresholdSnapshot } from '../../lib/threshold/threshold-monitor';
import { resolveAsset } from '../common/asset';
import { actorOf } from '../../lib/identity/actor';
import { handleInput } from '../common/input';
import { acceptReadings } from '../common/problems';
import { Status } from '../common/status';

interface TwinThresholdDef extends NodeDef {
  asset: string;
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
    const asset = resolveAsset(RED, config.asset);
    const sensors = String(config.sensors ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    let monitor: ThresholdMonitor | undefined;
    let setupError: Error | undefined = asset instanceof Error ? asset : undefined;
    if (!(asset instanceof Error)) {
      const unknown = ThresholdMonitor.unknownSensors(asset, sensors);
      if (unknown.length > 0) setupError = new Error(`asset "${asset.id}" has no sensor ${unknown.map((s) => `"${s}"`).join(', ')}`);
      else {
        monitor = new ThresholdMonitor(asset, {
          sensors,
          staleAfterMs: Math.max(0, Number(config.staleAfterS) || 0) * 1000,
          ignoreHistorical: config.ignoreHistorical !== false,
        });
        const saved = node.context().get(CONTEXT_KEY) as ThresholdSnapshot | undefined;
        if (saved) monitor.restore(saved);
      }
    }

    /** twin-setpoint's alert interlock reads the active alerts from here, never from a message. */
    const shareActive = (): void => {
      if (monitor && !(asset instanceof Error)) plantFacts.setAlerts(node.id, asset.id, monitor.activeAlerts());
    };
    shareActive();

    const showStatus = (): void => {
      if (!monitor) return;
      const active = monitor.activeAlerts();
      if (active.length === 0) { status.success('no active alerts'); return; }
      const worst = active.find((a) => a.level === 'alarm') ?? active.find((a) => a.level === 'stale') ?? active[0];
      const text = `${active.length} active: ${worst.sensor} ${worst.level}`;
      if (worst.level === 'alarm') status.failed(text);
      else status.waiting(text);
    };

    /** Emits events on output 1 and, when anything changed, the active list on output 2; persists the list. */
    const publish = (events: AlertEvent[], send: (msg: Array<NodeMessage | NodeMessage[] | null>) => void): void => {
      if (!monitor || events.length === 0) return;
      node.context().set(CONTEXT_KEY, monitor.snapshot());
      shareActive();
      send([events.map(alertMessage), { topic: `alerts/${events[0].asset}`, payload: monitor.activeAlerts() }]);
      showStatus();
    };

    if (setupError) status.failed(setupError.message);
    else showStatus();

    const staleTimer = setInterval(() => {
      if (monitor) publish(monitor.checkStale(), (msgs) => node.send(msgs));
    }, STALE_CHECK_MS);

    handleInput(node, status, (msg, send) => {
      if (!monitor) throw setupError as Error;
      if (msg.topic === 'ack') {
        const target = (msg.payload ?? {}) as { id?: unknown; sensor?: unknown; by?: unknown };
        if (typeof target.id !== 'string' && typeof target.sensor !== 'string') {
          throw new Error('an ack needs msg.payload.id (alert id) or msg.payload.sensor');
        }
        // A dashboard acknowledgement carries the logged-in user; only a flow's own message may name someone.
        const by = actorOf(msg, target.by, 'operator').name;
        publish(monitor.acknowledge({ id: target.id as string | undefined, sensor: target.sensor as string | undefined }, by), send);
        return;
      }
      if (!Array.isArray(msg.payload)) {
        throw new Error('expected msg.payload to be an array of readings (from twin-ingest) or msg.topic "ack"');
      }
      publish(monitor.process(acceptReadings(node, msg.payload, asset as AssetDefinition, msg)), send);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(staleTimer);
      plantFacts.withdraw(node.id);
      done();
    });
  }
  RED.nodes.registerType('twin-threshold', TwinThreshold);
};
