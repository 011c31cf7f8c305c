import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { FeatureVector } from '../../lib/features/feature-vector';
import { isFeatureVector } from '../../lib/historian/tables/features';
import { FeatureArrival } from '../../lib/rul/feature-arrival';
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

function vectorsOf(payload: unknown): FeatureVector[] {
  const items = Array.isArray(payload) ? payload : [payload];
  const bad = items.findIndex((item) => !isFeatureVector(item));
  if (bad >= 0) throw new Error(`expected msg.payload to be a feature vector from twin-features (or an array of them); element ${bad} is not one`);
  return items as FeatureVector[];
}

/** Features missing past their arrival (lib/rul/feature-arrival) as one error; those still awaited are only shown. */
function missingFeatures(batch: ScoredBatch, arrival: FeatureArrival, now: number): Error | undefined {
  for (const record of batch.records) arrival.arrived(record.asset);
  const missing = batch.refused.filter((r) => r.cause === 'missing-features' && !arrival.awaited(r.asset, now));
  return missing.length > 0 ? new Error(missing.map((r) => r.reason).join('; ')) : undefined;
}

function describe(batch: ScoredBatch): string {
  const { records } = batch;
  if (records.length === 0) return batch.refused[0]?.reason ?? 'nothing scored';
  const lowest = records.reduce((a, b) => (b.rulHours < a.rulHours ? b : a));
  const text = records.length === 1 ? `${lowest.asset} ${lowest.rulHours.toFixed(0)} h` : `${records.length} assets · min ${lowest.rulHours.toFixed(0)} h`;
  return `${text}${lowest.capped ? '+' : ''}`;
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

    const onModel = (model: RulModelHandle): void => status.info(`model ${model.version}`);
    let stopListening = (): void => undefined;
    if (!(modelNode instanceof Error)) {
      stopListening = modelNode.onModel(onModel);
      modelNode.current().then(onModel, (err: unknown) => status.failed(`no model: ${toError(err).message}`));
    }

    const isRunning = (vector: FeatureVector): boolean => !running || (vector.features[running.feature] ?? -Infinity) > running.above;

    /** Scores the vectors of running machines in one batch and sends what came of it. */
    const score = async (vectors: FeatureVector[], send: Send): Promise<ScoredBatch> => {
      const model = await (modelNode as TwinModelNode).current();
      const scored = vectors.filter(isRunning);
      if (scored.length === 0) {
        status.idle(`${vectors.map((v) => v.asset).join(', ')} not running`);
        return { records: [], refused: [] };
      }
      const batch = await scoreVectors(model, scored, options as LiveScoringOptions);
      if (batch.records.length > 0 || batch.refused.length > 0) {
        send({ topic: 'rul', payload: batch.records, refused: batch.refused, modelVersion: model.version } as NodeMessage);
      }
      const text = describe(batch);
      if (batch.refused.length > 0) status.waiting(text);
      else status.success(text);
      return batch;
    };

    const arrival = new FeatureArrival(graceMs);
    const cycle = new ScoringCycle();
    const timer = cycleMs > 0 ? setInterval(() => {
      if (cycle.size === 0) return;
      const { vectors, settle } = cycle.take();
      score(vectors, (msg) => node.send(msg)).then((batch) => {
        const missing = missingFeatures(batch, arrival, Date.now());
        const refused = new Set(batch.refused.filter((r) => r.cause === 'missing-features').map((r) => r.asset));
        for (const vector of vectors) settle(vector.asset, refused.has(vector.asset) ? missing : undefined);
      }, (err: unknown) => {
        status.failed(toError(err).message);
        for (const vector of vectors) settle(vector.asset, toError(err));
      });
    }, cycleMs) : undefined;

    handleInput(node, status, async (msg, send) => {
      if (setupError) throw setupError;
      const vectors = vectorsOf(msg.payload);
      if (timer) {
        await Promise.all(vectors.map((vector) => cycle.put(vector)));
        return;
      }
      const batch = await score(vectors, (out) => send(Object.assign(msg, out)));
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
