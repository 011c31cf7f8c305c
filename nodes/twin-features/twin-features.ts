import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { AssetDefinition } from '../../lib/asset/asset-model';
import { FeatureEngine, type FeatureEngineState } from '../../lib/features/feature-engine';
import type { FeatureVector } from '../../lib/features/feature-vector';
import { resolveAsset } from '../common/asset';
import { handleInput, toError } from '../common/input';
import { acceptReadings } from '../common/problems';
import { Status } from '../common/status';
import { featureOptions, type TwinFeaturesFields } from './options';

interface TwinFeaturesDef extends NodeDef, TwinFeaturesFields {
  asset: string;
  periodS: string;
}

const CONTEXT_KEY = 'twinFeatures';
/** Window statistics are saved at most this often: a week of hourly buckets for every sensor is tens of kB. */
const SAVE_INTERVAL_MS = 60_000;

function describe(vector: FeatureVector): string {
  const zones = Object.values(vector.isoZones ?? {});
  const zone = zones.length > 0 ? ` · ISO ${zones.sort().at(-1)}` : '';
  return `${Object.keys(vector.features).length} features${zone}`;
}

export = function register(RED: NodeAPI): void {
  function TwinFeatures(this: Node, config: TwinFeaturesDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const periodMs = Math.max(0.1, Number(config.periodS) || 10) * 1000;
    let engine: FeatureEngine | undefined;
    let assetDefinition: AssetDefinition | undefined;
    let setupError: Error | undefined;
    try {
      const asset = resolveAsset(RED, config.asset);
      if (asset instanceof Error) throw asset;
      assetDefinition = asset;
      const saved = node.context().get(CONTEXT_KEY) as FeatureEngineState | undefined;
      engine = new FeatureEngine(asset, featureOptions(config), saved);
    } catch (err) {
      setupError = toError(err);
      status.failed(setupError.message);
    }
    if (engine) status.idle('waiting for readings');

    let fresh = false;
    let excluded = 0;
    let lastSave = 0;

    const save = (force: boolean): void => {
      if (!engine || (!force && Date.now() - lastSave < SAVE_INTERVAL_MS)) return;
      node.context().set(CONTEXT_KEY, engine.toJSON());
      lastSave = Date.now();
    };

    const emit = (send: (msg: NodeMessage) => void): void => {
      if (!engine || !fresh) return;
      const vector = engine.vector();
      if (!vector) return;
      fresh = false;
      send({ topic: `features/${vector.asset}`, payload: vector });
      status.success(excluded > 0 ? `${describe(vector)} · ${excluded} bad left out` : describe(vector));
      save(false);
    };

    const timer = setInterval(() => {
      try {
        emit((msg) => node.send(msg));
      } catch (err) {
        node.error(toError(err));
        status.failed(toError(err).message);
      }
    }, periodMs);

    handleInput(node, status, (msg, send) => {
      if (!engine) throw setupError as Error;
      if (msg.topic === 'emit') {
        fresh = true;
        emit(send);
        return;
      }
      if (!Array.isArray(msg.payload)) throw new Error('expected msg.payload to be an array of readings (from twin-ingest)');
      const result = engine.add(acceptReadings(node, msg.payload, assetDefinition, msg));
      excluded += result.excluded;
      if (result.used > 0) fresh = true;
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(timer);
      save(true);
      done();
    });
  }
  RED.nodes.registerType('twin-features', TwinFeatures);
};
