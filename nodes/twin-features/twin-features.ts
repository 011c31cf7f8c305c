import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { plantFacts, type MachineStateFact } from '../../lib/facts/plant-facts';
import { FeatureEngine, type FeatureEngineState } from '../../lib/features/feature-engine';
import type { FeatureVector } from '../../lib/features/feature-vector';
import { computesIn, machineDownAlert, stateLabel, type MachineStateRecord } from '../../lib/machine-state/machine-state';
import { handleInput, toError, type Send } from '../common/input';
import { acceptReadings } from '../common/problems';
import { assetContextKey, assetOfReadings, resolveServedAssets, type ServedAssetFields, type ServedAssets } from '../common/served-assets';
import { Status } from '../common/status';
import { featureOptions, type TwinFeaturesFields } from './options';

interface TwinFeaturesDef extends NodeDef, TwinFeaturesFields, ServedAssetFields {
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

/** What the node keeps of one asset it serves. */
interface AssetFeatures {
  engine: FeatureEngine;
  /** Readings were used since the last vector. */
  fresh: boolean;
  excluded: number;
  lastSave: number;
  downSince?: MachineStateFact;
}

export = function register(RED: NodeAPI): void {
  function TwinFeatures(this: Node, config: TwinFeaturesDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const periodMs = Math.max(0.1, Number(config.periodS) || 10) * 1000;
    const perAsset = new Map<string, AssetFeatures>();
    let served: ServedAssets | undefined;
    let setupError: Error | undefined;
    try {
      const resolved = resolveServedAssets(RED, config);
      if (resolved instanceof Error) throw resolved;
      const options = featureOptions(config);
      for (const asset of resolved.assets) {
        const saved = node.context().get(assetContextKey(CONTEXT_KEY, resolved, asset.id)) as FeatureEngineState | undefined;
        const engine = new FeatureEngine(asset, options, saved);
        perAsset.set(asset.id, { engine, fresh: false, excluded: 0, lastSave: 0, downSince: engine.state?.state === 'down' ? engine.state : undefined });
      }
      // Only a configuration that fully stands serves: otherwise every message is answered with the setup's error.
      served = resolved;
    } catch (err) {
      setupError = toError(err);
      status.failed(setupError.message);
    }
    if (served) status.idle(served.single ? 'waiting for readings' : `${served.description}: waiting for readings`);
    // Alarm suppression and the setpoint interlocks read the state from here (lib/facts), never from a message.
    const publishState = (assetId: string, fact: MachineStateFact | undefined): void => {
      if (fact && fact.state !== 'unknown') plantFacts.setMachineState(node.id, assetId, fact);
    };
    for (const [assetId, { engine }] of perAsset) publishState(assetId, engine.state);

    const save = (assetId: string, force: boolean): void => {
      const kept = perAsset.get(assetId);
      if (!kept || !served || (!force && Date.now() - kept.lastSave < SAVE_INTERVAL_MS)) return;
      node.context().set(assetContextKey(CONTEXT_KEY, served, assetId), kept.engine.toJSON());
      kept.lastSave = Date.now();
    };

    /** One asset's vector, when readings arrived since the last and its machine runs. */
    const emit = (assetId: string, send: (msg: NodeMessage) => void): void => {
      const kept = perAsset.get(assetId);
      if (!kept || !kept.fresh) return;
      const state = kept.engine.state;
      // Not running: the features are held as they were; the state records already said so.
      if (state && !computesIn(state.state)) {
        kept.fresh = false;
        if (perAsset.size === 1) status.waiting(`${sinceText(state)} · features held`);
        return;
      }
      const vector = kept.engine.vector();
      if (!vector) return;
      kept.fresh = false;
      send({ topic: `features/${vector.asset}`, payload: vector });
      if (perAsset.size === 1) status.success(kept.excluded > 0 ? `${describe(vector)} · ${kept.excluded} bad left out` : describe(vector));
      save(assetId, false);
    };

    /** A node serving many assets says how many sent a vector this period and how many are held. */
    const showFleetStatus = (sent: number): void => {
      if (perAsset.size === 1) return;
      const held = [...perAsset.values()].filter((kept) => kept.engine.state && !computesIn(kept.engine.state.state)).length;
      const text = `${sent} of ${perAsset.size} assets sent features${held > 0 ? ` · ${held} held (not running)` : ''}`;
      if (sent > 0) status.success(text);
      else status.waiting(text);
    };

    const timer = setInterval(() => {
      try {
        let sent = 0;
        for (const assetId of perAsset.keys()) emit(assetId, (msg) => { sent++; node.send(msg); });
        showFleetStatus(sent);
      } catch (err) {
        node.error(toError(err));
        status.failed(toError(err).message);
      }
    }, periodMs);

    /**
     * A change of a machine's state: published to lib/facts, said on output 1 (twin-rul holds its estimate, the
     * dashboard shows the state), and the machine-down alarm raised or cleared on output 2.
     */
    const changeState = (assetId: string, fact: MachineStateFact, send: Send): void => {
      const kept = perAsset.get(assetId);
      if (!kept) return;
      publishState(assetId, fact);
      const stateSensor = kept.engine.options.running?.sensor ?? '';
      const record: MachineStateRecord = { kind: 'machine-state', asset: assetId, state: fact.state, since: fact.since, validUntil: kept.engine.validUntil, ts: Date.now() };
      const alerts: NodeMessage[] = [];
      if (kept.downSince && fact.state !== 'down') {
        alerts.push({ topic: `machine-down/${assetId}`, payload: machineDownAlert(assetId, stateSensor, kept.downSince, 'cleared', fact.since) });
        kept.downSince = undefined;
      }
      if (fact.state === 'down') {
        kept.downSince = fact;
        alerts.push({ topic: `machine-down/${assetId}`, payload: machineDownAlert(assetId, stateSensor, fact, 'raised', fact.since) });
      }
      send([{ topic: `machine-state/${assetId}`, payload: record }, alerts.length > 0 ? alerts : null]);
      if (!computesIn(fact.state) && perAsset.size === 1) status.waiting(`${sinceText(fact)} · features held`);
      save(assetId, true);
    };

    handleInput(node, status, (msg, send) => {
      if (!served) throw setupError as Error;
      if (msg.topic === 'emit') {
        // Every asset's vector now (or the one asset msg.payload.asset names).
        const named = (msg.payload as { asset?: unknown } | undefined)?.asset;
        const assetIds = named === undefined ? [...perAsset.keys()] : [servedAsset(served, named)];
        for (const assetId of assetIds) {
          const kept = assetId === undefined ? undefined : perAsset.get(assetId);
          if (!assetId || !kept) continue;
          kept.fresh = true;
          emit(assetId, send);
        }
        return;
      }
      if (!Array.isArray(msg.payload)) throw new Error('expected msg.payload to be an array of readings (from twin-ingest)');
      const assetId = servedAsset(served, assetOfReadings(msg.payload));
      // Readings of a catalogue asset another twin-features serves (its filter takes that asset's type).
      if (assetId === undefined) return;
      const kept = perAsset.get(assetId)!;
      const result = kept.engine.add(acceptReadings(node, msg.payload, kept.engine.asset, msg));
      kept.excluded += result.excluded;
      for (const change of result.stateChanges) changeState(assetId, change, send);
      if (result.used > 0) kept.fresh = true;
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(timer);
      for (const assetId of perAsset.keys()) save(assetId, true);
      plantFacts.withdraw(node.id);
      done();
    });
  }
  RED.nodes.registerType('twin-features', TwinFeatures);
};

/** The id of the served asset `id` names; undefined for an asset of the catalogue the filter leaves out; throws for one it does not know. */
function servedAsset(served: ServedAssets, id: unknown): string | undefined {
  const asset = served.get(id);
  if (asset instanceof Error) throw asset;
  return asset?.id;
}
