import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { MachineStateFact } from '../../lib/facts/plant-facts';
import type { FeatureVector } from '../../lib/features/feature-vector';
import { isFeatureVector } from '../../lib/historian/tables/features';
import { computesIn, isMachineStateRecord, stateLabel, type MachineStateRecord } from '../../lib/machine-state/machine-state';
import { FeatureArrival } from '../../lib/rul/feature-arrival';
import type { RulRecord } from '../../lib/rul/records';
import { scoreVectors, type LiveScoringOptions, type ScoredBatch } from '../../lib/rul/live-scoring';
import type { RulModelHandle } from '../../lib/rul/rul-model';
import { handleInput, toError, type Send } from '../common/input';
import { resolveModel, type TwinModelNode } from '../common/model';
import { Status } from '../common/status';
import { featureGraceMs, periodMs, runningRule, scoringOptions, type RunningRule, type TwinRulFields } from './options';
import { ScoringCycle } from './scoring-cycle';

interface TwinRulDef extends NodeDef, TwinRulFields {
  model: string;
}

type Scorable = FeatureVector | MachineStateRecord;

function itemsOf(payload: unknown): Scorable[] {
  const items = Array.isArray(payload) ? payload : [payload];
  const bad = items.findIndex((item) => !isFeatureVector(item) && !isMachineStateRecord(item));
  if (bad >= 0) throw new Error(`expected msg.payload to be a feature vector or machine-state record from twin-features (or an array of them); element ${bad} is not one`);
  return items as Scorable[];
}

/** Features missing past their arrival (lib/rul/feature-arrival) as one error; those still awaited are only shown. */
function missingFeatures(batch: ScoredBatch, arrival: FeatureArrival, now: number): Error | undefined {
  for (const record of batch.records) arrival.arrived(record.asset);
  const missing = batch.refused.filter((r) => r.cause === 'missing-features' && !arrival.awaited(r.asset, now));
  return missing.length > 0 ? new Error(missing.map((r) => r.reason).join('; ')) : undefined;
}

function describe(batch: ScoredBatch): string {
  const records = batch.records.filter((r) => !r.held);
  const held = batch.records.filter((r) => r.held).map((r) => `${r.asset} ${stateLabel((r.held as MachineStateFact).state)}, held`);
  if (records.length === 0) return held.join(' · ') || (batch.refused[0]?.reason ?? 'nothing scored');
  const lowest = records.reduce((a, b) => (b.rulHours < a.rulHours ? b : a));
  const text = records.length === 1 ? `${lowest.asset} ${lowest.rulHours.toFixed(0)} h` : `${records.length} assets · min ${lowest.rulHours.toFixed(0)} h`;
  return [`${text}${lowest.capped ? '+' : ''}`, ...held].join(' · ');
}

export = function register(RED: NodeAPI): void {
  function TwinRul(this: Node, config: TwinRulDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const modelNode = resolveModel(RED, config.model);
    let options: LiveScoringOptions | undefined;
    let running: RunningRule | undefined;
    let cycleMs = 0;
    let graceMs = 0;
    let setupError: Error | undefined = modelNode instanceof Error ? modelNode : undefined;
    try {
      options = scoringOptions(config);
      running = runningRule(config);
      cycleMs = periodMs(config);
      graceMs = featureGraceMs(config);
    } catch (err) {
      setupError = toError(err);
    }
    if (setupError) status.failed(setupError.message);
    else status.working('loading the model…');

    const onModel = (model: RulModelHandle): void => {
      const standIn = modelNode instanceof Error ? undefined : modelNode.standIn();
      status.info(`model ${model.version}${standIn ? ' (shipped default: registry not reached yet)' : ''}`);
    };
    let stopListening = (): void => undefined;
    if (!(modelNode instanceof Error)) {
      stopListening = modelNode.onModel(onModel);
      modelNode.current().then(onModel, (err: unknown) => status.failed(`no model: ${toError(err).message}`));
    }

    const isRunning = (vector: FeatureVector): boolean => (!vector.machineState || computesIn(vector.machineState.state))
      && (!running || (vector.features[running.feature] ?? -Infinity) > running.above);
    /** Each asset's newest estimate, held while its machine does not run. */
    const lastEstimate = new Map<string, RulRecord>();

    /** The last valid estimate of a machine that stopped, marked with its state; none before its first estimate. */
    const hold = (change: MachineStateRecord): RulRecord[] => {
      const last = lastEstimate.get(change.asset);
      if (!last || computesIn(change.state)) return [];
      return [{ ...last, held: { state: change.state, since: change.since } }];
    };

    /**
     * Scores the vectors of running machines in one batch, then holds the estimates of stopped ones, and sends what
     * came of it. Scoring comes first so that a vector taken just before a machine stopped (arriving with the stop in
     * one message or cycle) is still scored, and the estimate then held is the one made from it. A vector taken from
     * the moment the machine left running on (its coast-down, the stop transient) is not scored.
     */
    const score = async (items: Scorable[], send: Send): Promise<ScoredBatch> => {
      const model = await (modelNode as TwinModelNode).current();
      const vectors = items.filter(isFeatureVector) as FeatureVector[];
      const changes = items.filter(isMachineStateRecord) as MachineStateRecord[];
      const stoppedSince = new Map(changes.filter((change) => !computesIn(change.state)).map((change) => [change.asset, change.since]));
      const takenRunning = (vector: FeatureVector): boolean => vector.ts < (stoppedSince.get(vector.asset) ?? Infinity);
      const scored = vectors.filter((vector) => isRunning(vector) && takenRunning(vector));
      const fresh = scored.length > 0 ? await scoreVectors(model, scored, options as LiveScoringOptions) : { records: [], refused: [] };
      for (const record of fresh.records) lastEstimate.set(record.asset, record);
      const held = changes.flatMap(hold);
      if (scored.length === 0 && held.length === 0) {
        status.idle(`${items.map((v) => v.asset).join(', ')} not running`);
        return { records: [], refused: [] };
      }
      const batch: ScoredBatch = { records: [...fresh.records, ...held], refused: fresh.refused };
      if (batch.records.length > 0 || batch.refused.length > 0) {
        send({ topic: 'rul', payload: batch.records, refused: batch.refused, modelVersion: model.version } as NodeMessage);
      }
      const standIn = (modelNode as TwinModelNode).standIn();
      const text = `${describe(batch)}${standIn ? ' · shipped default model, registry not reached yet' : ''}`;
      if (batch.refused.length > 0) status.waiting(text);
      else status.success(text);
      return batch;
    };

    const arrival = new FeatureArrival(graceMs);
    // An asset's newest vector and its newest state change wait side by side: neither replaces the other.
    const cycle = new ScoringCycle<Scorable>((item) => `${isFeatureVector(item) ? 'vector' : 'state'}:${item.asset}`);
    const timer = cycleMs > 0 ? setInterval(() => {
      if (cycle.size === 0) return;
      const taken = cycle.take();
      score(taken.map((t) => t.item), (msg) => node.send(msg)).then((batch) => {
        const missing = missingFeatures(batch, arrival, Date.now());
        const refused = new Set(batch.refused.filter((r) => r.cause === 'missing-features').map((r) => r.asset));
        for (const { item, settle } of taken) settle(isFeatureVector(item) && refused.has(item.asset) ? missing : undefined);
      }, (err: unknown) => {
        status.failed(toError(err).message);
        for (const { settle } of taken) settle(toError(err));
      });
    }, cycleMs) : undefined;

    handleInput(node, status, async (msg, send) => {
      if (setupError) throw setupError;
      const items = itemsOf(msg.payload);
      if (timer) {
        await Promise.all(items.map((item) => cycle.put(item)));
        return;
      }
      const batch = await score(items, (out) => send(Object.assign(msg, out)));
      const missing = missingFeatures(batch, arrival, Date.now());
      if (missing) throw missing;
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      if (timer) clearInterval(timer);
      cycle.flush();
      stopListening();
      done();
    });
  }
  RED.nodes.registerType('twin-rul', TwinRul);
};
