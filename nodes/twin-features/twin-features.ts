import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { AssetDefinition } from '../../lib/asset/asset-model';
import { plantFacts, type MachineStateFact } from '../../lib/facts/plant-facts';
import { FeatureEngine, type FeatureEngineState } from '../../lib/features/feature-engine';
import type { FeatureVector } from '../../lib/features/feature-vector';
import { computesIn, machineDownAlert, stateLabel, type MachineStateRecord } from '../../lib/machine-state/machine-state';
import { resolveAsset } from '../common/asset';
import { handleInput, toError, type Send } from '../common/input';
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

function sinceText(fact: MachineStateFact): string {
  return `${stateLabel(fact.state)} since ${new Date(fact.since).toISOString().slice(11, 19)}`;
}

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
    const stateSensor = engine?.options.running?.sensor ?? '';
    // Alarm suppression and the setpoint interlocks read the state from here (lib/facts), never from a message.
    const publishState = (fact: MachineStateFact | undefined): void => {
      if (engine && fact && fact.state !== 'unknown') plantFacts.setMachineState(node.id, engine.asset.id, fact);
    };
    publishState(engine?.state);

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
      const state = engine.state;
      // Not running: the features are held as they were; the state records already said so.
      if (state && !computesIn(state.state)) {
        fresh = false;
        status.waiting(`${sinceText(state)} · features held`);
        return;
      }
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

    /**
     * A change of the machine's state: published to lib/facts, said on output 1 (twin-rul holds its estimate, the
     * dashboard shows the state), and the machine-down alarm raised or cleared on output 2.
     */
    let downSince: MachineStateFact | undefined = engine?.state?.state === 'down' ? engine.state : undefined;
    const changeState = (fact: MachineStateFact, send: Send): void => {
      if (!engine) return;
      publishState(fact);
      const asset = engine.asset.id;
      const record: MachineStateRecord = { kind: 'machine-state', asset, state: fact.state, since: fact.since, validUntil: engine.validUntil, ts: Date.now() };
      const alerts: NodeMessage[] = [];
      if (downSince && fact.state !== 'down') {
        alerts.push({ topic: `machine-down/${asset}`, payload: machineDownAlert(asset, stateSensor, downSince, 'cleared', fact.since) });
        downSince = undefined;
      }
      if (fact.state === 'down') {
        downSince = fact;
        alerts.push({ topic: `machine-down/${asset}`, payload: machineDownAlert(asset, stateSensor, fact, 'raised', fact.since) });
      }
      send([{ topic: `machine-state/${asset}`, payload: record }, alerts.length > 0 ? alerts : null]);
      if (!computesIn(fact.state)) status.waiting(`${sinceText(fact)} · features held`);
      save(true);
    };

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
      for (const change of result.stateChanges) changeState(change, send);
      if (result.used > 0) fresh = true;
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(timer);
      save(true);
      plantFacts.withdraw(node.id);
      done();
    });
  }
  RED.nodes.registerType('twin-features', TwinFeatures);
};
