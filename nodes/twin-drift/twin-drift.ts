import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { AssetHealth } from '../../lib/health/asset-health';
import { HealthAlerts, type HealthAlertsState } from '../../lib/health/health-alerts';
import type { HealthAssessment, SensorHealthState } from '../../lib/health/sensor-health';
import { plantFacts } from '../../lib/facts/plant-facts';
import { resolveAsset } from '../common/asset';
import { handleInput, toError } from '../common/input';
import { acceptReadings } from '../common/problems';
import { Status } from '../common/status';
import { runningRule, sensorChecks, type TwinDriftFields } from './options';

interface TwinDriftDef extends NodeDef, TwinDriftFields {
  asset: string;
  reportS: string;
}

const CONTEXT_KEY = 'twinDrift';
const ALERTS_KEY = 'twinDriftAlerts';
const SAVE_INTERVAL_MS = 60_000;
const RANK: Record<HealthAssessment['state'], number> = { faulty: 3, suspect: 2, learning: 1, healthy: 0 };

export = function register(RED: NodeAPI): void {
  function TwinDrift(this: Node, config: TwinDriftDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const reportMs = Math.max(1, Number(config.reportS) || 30) * 1000;
    let health: AssetHealth | undefined;
    let alerts: HealthAlerts | undefined;
    let setupError: Error | undefined;
    try {
      const asset = resolveAsset(RED, config.asset);
      if (asset instanceof Error) throw asset;
      health = new AssetHealth(asset, sensorChecks(config), 5000, node.context().get(CONTEXT_KEY) as Record<string, SensorHealthState> | undefined, runningRule(config));
      alerts = new HealthAlerts(asset.id, node.context().get(ALERTS_KEY) as HealthAlertsState | undefined);
    } catch (err) {
      setupError = toError(err);
      status.failed(setupError.message);
    }
    if (health) status.idle('waiting for readings');
    let lastSave = 0;

    /** A faulty sensor's alarm interlocks twin-setpoint like a limit alarm: it reads the active ones from here. */
    const shareActive = (): void => {
      if (!alerts) return;
      plantFacts.setAlerts(node.id, alerts.asset, Object.entries(alerts.toJSON()).map(([sensor, a]) => ({ id: a.id, sensor, level: a.level })));
    };
    shareActive();

    const save = (force: boolean): void => {
      if (!health || (!force && Date.now() - lastSave < SAVE_INTERVAL_MS)) return;
      node.context().set(CONTEXT_KEY, health.toJSON());
      node.context().set(ALERTS_KEY, alerts?.toJSON());
      lastSave = Date.now();
    };

    /** Alert events for the sensors whose health changed, one message each like twin-threshold sends them. */
    const alertMessages = (assessments: HealthAssessment[]): NodeMessage[] | null => {
      const tracker = alerts;
      if (!tracker) return null;
      const messages = assessments.flatMap((a) => tracker.update(a, Date.now()))
        .map((event): NodeMessage => ({ topic: `alert/${event.asset}/${event.sensor}`, payload: event }));
      if (messages.length > 0) shareActive();
      return messages.length > 0 ? messages : null;
    };

    const report = (changed: string[], now?: number): NodeMessage | undefined => {
      if (!health) return undefined;
      const sensors = health.assessAll(now);
      const worst = sensors.reduce((a, b) => (RANK[b.state] > RANK[a.state] ? b : a), sensors[0]);
      const troubled = sensors.filter((s) => s.state === 'suspect' || s.state === 'faulty');
      const text = troubled.length > 0 ? `${worst.sensor} ${worst.state}${troubled.length > 1 ? ` +${troubled.length - 1}` : ''}` : `${sensors.length} sensors ${worst.state}`;
      if (worst.state === 'faulty') status.failed(text);
      else if (worst.state === 'suspect') status.waiting(text);
      else if (worst.state === 'learning') status.working(text);
      else status.success(text);
      return { topic: `health/${health.asset.id}`, payload: { asset: health.asset.id, ts: now ?? Date.now(), changed, sensors } };
    };

    const timer = setInterval(() => {
      const msg = report([], Date.now());
      if (msg) node.send([null, msg, null]);
      save(false);
    }, reportMs);

    handleInput(node, status, (msg, send) => {
      if (!health) throw setupError as Error;
      if (msg.topic === 'reset') {
        const sensor = (msg.payload as { sensor?: unknown } | undefined)?.sensor;
        const names = health.reset(typeof sensor === 'string' && sensor ? sensor : undefined);
        const cleared = alertMessages(health.assessAll().filter((a) => names.includes(a.sensor)));
        save(true);
        send([null, report(names) ?? null, cleared]);
        return;
      }
      if (!Array.isArray(msg.payload)) throw new Error('expected msg.payload to be an array of readings (from twin-ingest) or msg.topic "reset"');
      const update = health.process(acceptReadings(node, msg.payload, health.asset, msg));
      msg.payload = update.readings;
      const changes = update.changes.map((change) => change.sensor);
      send([msg, changes.length > 0 ? report(changes) ?? null : null, alertMessages(update.changes)]);
      if (changes.length > 0) save(true);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(timer);
      save(true);
      plantFacts.withdraw(node.id);
      done();
    });
  }
  RED.nodes.registerType('twin-drift', TwinDrift);
};
