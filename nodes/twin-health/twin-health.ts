import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { FeatureVector } from '../../lib/features/feature-vector';
import { OperatingClock } from '../../lib/machine-health/operating-clock';
import { computesIn, isMachineStateRecord } from '../../lib/machine-state/machine-state';
import { HealthTwin, type HealthTwinRow, type HealthTwinState } from '../../lib/machine-health/health-twin';
import type { SensorVerdict } from '../../lib/machine-health/machine-health';
import { healthReadings, ladderRecord, type LadderRulRecord } from '../../lib/machine-health/health-messages';
import type { ScalarReading } from '../../lib/reading/reading';
import { FeatureArrival, missingFeatures } from '../../lib/rul/feature-arrival';
import { isFailureEvent, type FailureEvent } from '../../lib/rul/records';
import { handleInput, toError } from '../common/input';
import { Status } from '../common/status';
import { timeScale, twinHealthOptions, type TwinHealthFields } from './options';

interface TwinHealthDef extends NodeDef, TwinHealthFields {}

const CONTEXT_KEY = 'twinHealth';
const CLOCK_KEY = 'twinHealthClockStart';
const SAVE_INTERVAL_MS = 60_000;

function isFeatureVector(item: unknown): item is FeatureVector {
  const v = item as FeatureVector | undefined;
  return typeof v === 'object' && v !== null && typeof v.asset === 'string' && typeof v.ts === 'number' && typeof v.features === 'object' && v.features !== null;
}

/**
 * What a Sparkplug host's message carries beside a device's vectors: its readings and records (those with a `kind`).
 * They are passed over, failure events taken; anything else is not what this node reads.
 */
function isPassedOver(item: unknown): boolean {
  const v = item as { asset?: unknown; sensor?: unknown; kind?: unknown } | undefined;
  return typeof v === 'object' && v !== null && typeof v.asset === 'string' && (typeof v.sensor === 'string' || typeof v.kind === 'string');
}

interface SensorHealthReport {
  asset: string;
  sensors: { sensor: string; state: string }[];
}

function isSensorHealthReport(payload: unknown): payload is SensorHealthReport {
  const p = payload as SensorHealthReport | undefined;
  return typeof p === 'object' && p !== null && typeof p.asset === 'string' && Array.isArray(p.sensors);
}

function statusText(row: HealthTwinRow): string {
  const { reading, estimate } = row;
  if (reading.phase === 'learning') return `${reading.asset} learning its normal`;
  if (reading.phase === 'no-baseline') return `${reading.asset}: regime ${reading.regime ?? '?'} has no baseline`;
  const rul = estimate?.rulHours !== undefined ? ` · ${estimate.model} ${estimate.rulHours.toFixed(0)} h` : '';
  return `${reading.asset} HI ${(reading.health ?? 0).toFixed(2)}${rul}`;
}

export = function register(RED: NodeAPI): void {
  function TwinHealth(this: Node, config: TwinHealthDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    let twin: HealthTwin | undefined;
    let clock = new OperatingClock(1);
    let setupError: Error | undefined;
    try {
      clock = new OperatingClock(timeScale(config), node.context().get(CLOCK_KEY) as number | undefined);
      // What was learned survives a restart or redeploy: a baseline relearned on a machine already wearing would call the wear normal.
      twin = new HealthTwin(twinHealthOptions(config), node.context().get(CONTEXT_KEY) as HealthTwinState | undefined);
      status.idle('waiting for feature vectors');
    } catch (err) {
      setupError = toError(err);
      status.failed(setupError.message);
    }

    // After a start a machine's scalar features come before its first waveform block: those are awaited, not refused.
    const arrival = new FeatureArrival();
    let lastSave = Date.now();
    const save = (force: boolean): void => {
      if (!twin || (!force && Date.now() - lastSave < SAVE_INTERVAL_MS)) return;
      node.context().set(CONTEXT_KEY, twin.toJSON());
      node.context().set(CLOCK_KEY, clock.start);
      lastSave = Date.now();
    };

    handleInput(node, status, (msg, send) => {
      if (!twin) throw setupError as Error;
      const payload = msg.payload as unknown;
      const confirmFailure = (asset: string, ts: number): void => {
        const failure = (twin as HealthTwin).confirmFailure(asset, ts);
        const fleet = (twin as HealthTwin).fleet;
        save(true);
        status.info(`${asset} failure after ${failure.lifeHours.toFixed(0)} h: ${fleet.failures} failures, ${fleet.histories} histories`);
        send([null, null, { topic: `failure/${asset}`, payload: { asset, ts, lifeHours: failure.lifeHours, trajectoryKept: failure.trajectory, fleet } }]);
      };
      // A failure event as the maintenance dashboard records it; a false alarm ends no life.
      if (isFailureEvent(payload)) {
        if (payload.outcome === 'failure') confirmFailure(payload.asset, clock.toOperating(payload.failedAt));
        return;
      }
      if (msg.topic === 'relearn' || msg.topic === 'failure') {
        const asset = (payload as { asset?: unknown } | undefined)?.asset;
        if (typeof asset !== 'string' || !asset) throw new Error(`msg.topic "${msg.topic}" needs msg.payload.asset`);
        if (msg.topic === 'relearn') {
          twin.relearn(asset);
          save(true);
          status.working(`${asset} learning its normal afresh`);
          return;
        }
        const tsField = (payload as { ts?: unknown }).ts;
        confirmFailure(asset, clock.toOperating(typeof tsField === 'number' ? tsField : Date.now()));
        return;
      }
      if (isSensorHealthReport(payload)) {
        for (const sensor of payload.sensors) {
          const verdict: SensorVerdict = sensor.state === 'faulty' || sensor.state === 'suspect' ? sensor.state : 'healthy';
          twin.setSensorVerdict(payload.asset, sensor.sensor, verdict);
        }
        save(false);
        return;
      }
      // twin-features sends machine-state changes beside its vectors (a stopped or failed machine is not scored); a
      // Sparkplug host sends a device's readings and records with them, its failure events among them: on a central
      // host, that is how every site's confirmed failures join the lives this node pools.
      const elements = (Array.isArray(payload) ? payload : [payload]).filter((item) => !isMachineStateRecord(item));
      const bad = elements.findIndex((item) => !isFeatureVector(item) && !isPassedOver(item));
      if (bad >= 0) throw new Error(`expected msg.payload to be feature vectors from twin-features ({asset, ts, features}) or a batch of them; element ${bad} is not one`);
      const vectors = elements.filter(isFeatureVector);
      const failures = elements.filter((item): item is FailureEvent => isFailureEvent(item) && item.outcome === 'failure');
      const readings: ScalarReading[] = [];
      const records: LadderRulRecord[] = [];
      const alerts: NodeMessage[] = [];
      let last: HealthTwinRow | undefined;
      // A vector refused (a feature missing, out of time order) costs only itself: the rest of the batch is scored and sent.
      const refused: string[] = [];
      const awaited = new Map<string, string[]>();
      for (const [index, vector] of elements.entries()) {
        if (!isFeatureVector(vector)) continue;
        if (vector.machineState && !computesIn(vector.machineState.state)) continue;
        if (twin.isRepeat(vector.asset, clock.toOperating(vector.ts))) continue;
        const missing = missingFeatures(vector.features, twin.options.health.features);
        if (missing.length === 0) arrival.arrived(vector.asset);
        else if (arrival.awaited(vector.asset, Date.now())) {
          awaited.set(vector.asset, missing);
          continue;
        }
        let row: HealthTwinRow;
        try {
          row = twin.update(vector.asset, clock.toOperating(vector.ts), vector.features);
        } catch (err) {
          refused.push(`element ${index}: ${toError(err).message}`);
          continue;
        }
        readings.push(...healthReadings(row).map((reading) => ({ ...reading, ts: clock.toClock(reading.ts) })));
        const record = ladderRecord(row);
        if (record) records.push({ ...record, ts: clock.toClock(record.ts), onsetTs: record.onsetTs === undefined ? undefined : clock.toClock(record.onsetTs) });
        if (row.reading.alert) alerts.push({ topic: `alert/${row.reading.asset}/health`, payload: { ...row.reading.alert, ts: clock.toClock(row.reading.alert.ts) } });
        last = row;
      }
      if (awaited.size > 0 && !last) {
        status.waiting([...awaited].map(([asset, missing]) => `${asset} awaits ${missing.join(', ')}`).join('; '));
      } else if (last) {
        const alerting = last.reading.alertActive;
        if (alerting) status.waiting(statusText(last));
        else if (last.reading.phase === 'scoring') status.success(statusText(last));
        else status.working(statusText(last));
      }
      save(alerts.length > 0);
      send([
        readings.length > 0 ? { topic: 'health', payload: readings } : null,
        records.length > 0 ? { topic: 'rul', payload: records } : null,
        alerts.length > 0 ? alerts : null,
      ]);
      // After the vectors that came with it, so a life ends after the rows its own message carried.
      for (const failure of failures) confirmFailure(failure.asset, clock.toOperating(failure.failedAt));
      if (refused.length > 0) throw new Error(`${refused.length} of ${vectors.length} feature vectors refused; ${refused[0]}`);
    });

    node.on('close', (removed: boolean, done: () => void) => {
      if (removed) node.context().set(CONTEXT_KEY, undefined);
      else save(true);
      twin = undefined;
      done();
    });
  }
  RED.nodes.registerType('twin-health', TwinHealth);
};
