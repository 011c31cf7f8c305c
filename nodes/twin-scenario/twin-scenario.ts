import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { FeatureVector } from '../../lib/features/feature-vector';
import { looksLikeReading } from '../../lib/reading/validate';
import type { RulModelHandle, RulPrediction } from '../../lib/rul/rul-model';
import type { IdentifiedModels } from '../../lib/scenario/identification';
import { validateChanges } from '../../lib/scenario/parameter-changes';
import type { ScenarioReport } from '../../lib/scenario/scenario-engine';
import { parseScenarioRequest } from '../../lib/scenario/scenario-request';
import { ApplyRefused, ScenarioTwin } from '../../lib/scenario/scenario-twin';
import { plantFacts } from '../../lib/facts/plant-facts';
import type { Reading } from '../../lib/reading/reading';
import { resolveAsset } from '../common/asset';
import { actorOf } from '../../lib/identity/actor';
import { handleInput, toError, type Send } from '../common/input';
import { acceptReadings } from '../common/problems';
import { resolveModel, type TwinModelNode } from '../common/model';
import { Status } from '../common/status';
import { scenarioOptions, type TwinScenarioFields } from './options';
import { isMachineStateRecord } from '../../lib/machine-state/machine-state';

interface TwinScenarioDef extends NodeDef, TwinScenarioFields {
  asset: string;
  model: string;
}

const CONTEXT_KEY = 'twinScenario';
/** A model that has not loaded by then is reported as unavailable rather than holding the request. */
const MODEL_WAIT_MS = 10_000;
const HISTORY_STATUS_MS = 5_000;
/**
 * Identification is tried this often, not only on a request: the models are then identified as soon as the history
 * allows (a start-up program at several speeds) and kept, whenever the first question comes.
 */
const IDENTIFY_EVERY_MS = 60_000;

type RulInput = RulPrediction & { asset: string; ts?: number };

function isRulPrediction(value: unknown): value is RulInput {
  const v = value as Partial<RulInput> | null;
  return typeof v === 'object' && v !== null && typeof v.asset === 'string' && typeof v.rulHours === 'number' && Number.isFinite(v.rulHours);
}

function isFeatureVector(value: unknown): value is FeatureVector {
  const v = value as Partial<FeatureVector> | null;
  return typeof v === 'object' && v !== null && typeof v.asset === 'string' && typeof v.ts === 'number' && typeof v.features === 'object' && v.features !== null;
}

/** Models the history could not identify, shortest first for a status line: "no scrap", "no thermal +2". */
function missingModels(models: IdentifiedModels): string | undefined {
  const failed = (['scrap', 'power', 'thermal', 'vibration'] as const).filter((name) => !models[name].ok);
  if (failed.length === 0) return undefined;
  return `no ${failed[0]}${failed.length > 1 ? ` +${failed.length - 1}` : ''}`;
}

/** "70 scenarios · 4 ms", then the flagged count, or else the missing models (the status has room for one). */
function describeReport(report: ScenarioReport): string {
  const head = `${report.scenarios.length} scenario${report.scenarios.length === 1 ? '' : 's'} · ${Math.max(1, Math.round(report.evaluationMs))} ms`;
  if (report.flagged.length > 0) return `${head} · ${report.flagged.length} flagged`;
  const missing = missingModels(report.models);
  return missing ? `${head} · ${missing}` : head;
}

export = function register(RED: NodeAPI): void {
  function TwinScenario(this: Node, config: TwinScenarioDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    let twin: ScenarioTwin | undefined;
    let modelNode: TwinModelNode | undefined;
    let setupError: Error | undefined;
    try {
      const asset = resolveAsset(RED, config.asset);
      if (asset instanceof Error) throw asset;
      if (config.model) {
        const resolved = resolveModel(RED, config.model);
        if (resolved instanceof Error) throw resolved;
        modelNode = resolved;
      }
      twin = new ScenarioTwin(asset, scenarioOptions(config), node.context().get(CONTEXT_KEY));
    } catch (err) {
      setupError = toError(err);
      status.failed(setupError.message);
    }
    if (twin) status.idle(twin.identified ? 'models restored · waiting for readings' : 'waiting for readings');
    let lastHistoryStatus = 0;
    let evaluated = false;

    const save = (): void => {
      if (twin?.identified) node.context().set(CONTEXT_KEY, twin.identified);
    };

    const rulModel = async (): Promise<{ model?: RulModelHandle; modelProblem?: string }> => {
      if (!modelNode) return { modelProblem: 'no twin-model configured' };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`it did not load within ${MODEL_WAIT_MS / 1000} s`)), MODEL_WAIT_MS);
      });
      try {
        return { model: await Promise.race([modelNode.current(), timeout]) };
      } catch (err) {
        return { modelProblem: `the RUL model is not available: ${toError(err).message}` };
      } finally {
        clearTimeout(timer);
      }
    };

    /** Identifies first when due, with the status saying so, and yields once so the editor sees it. */
    const identifyIfDue = async (current: ScenarioTwin): Promise<void> => {
      if (!current.needsIdentification()) return;
      status.working(`identifying · ${Math.round(current.historyMinutes)} min of history`);
      await new Promise((resolve) => setImmediate(resolve));
      current.identify();
      save();
    };

    const identifyTimer = setInterval(() => {
      if (!twin || !twin.needsIdentification()) return;
      try {
        const models = twin.identify();
        save();
        // The data behind the models is news by itself: a dashboard shows what each model was learned from.
        node.send([{ topic: `scenario/${twin.asset.id}/models`, payload: models }, null, null]);
        if (!evaluated) {
          const missing = missingModels(models);
          if (missing) status.idle(`history ${Math.round(twin.historyMinutes)} min · ${missing}`);
          else status.success('models identified');
        }
      } catch (err) {
        node.warn(`identification: ${toError(err).message}`);
      }
    }, IDENTIFY_EVERY_MS);
    identifyTimer.unref();

    /**
     * The alerts twin-threshold and twin-drift hold on the asset now (shared facts, not messages), stamped with the
     * newest reading's time, so the fits leave out their windows. A stale alert says a sensor is silent: its
     * readings, when they come, are not suspect for that.
     */
    const observeAlerts = (current: ScenarioTwin, readings: readonly Reading[]): void => {
      const live = readings.filter((r) => r.asset === current.asset.id && r.historical !== true);
      if (live.length === 0) return;
      const ts = live.reduce((newest, r) => Math.max(newest, r.ts), -Infinity);
      const alerted = plantFacts.alertsOf(current.asset.id).filter((a) => a.level !== 'stale').map((a) => a.sensor);
      current.observeAlerts(ts, alerted);
    };

    const checkAsset = (current: ScenarioTwin, asset: unknown): void => {
      if (asset !== undefined && asset !== current.asset.id) throw new Error(`this node evaluates asset ${current.asset.id}, the request names "${String(asset)}"`);
    };

    const evaluate = async (current: ScenarioTwin, msg: NodeMessageInFlow, send: Send): Promise<void> => {
      const request = parseScenarioRequest(msg.payload, current.options.settings.cooling.configurations.map((c) => c.name), current.options.settings.objective);
      checkAsset(current, request.asset);
      await identifyIfDue(current);
      const report = await current.evaluate(request.changes, request.objective, await rulModel());
      msg.topic = `scenario/${current.asset.id}`;
      msg.payload = report;
      send([msg, null, null]);
      evaluated = true;
      if (missingModels(report.models)) status.waiting(describeReport(report));
      else status.success(describeReport(report));
    };

    const apply = async (current: ScenarioTwin, msg: NodeMessageInFlow, send: Send): Promise<void> => {
      const payload = msg.payload as { asset?: unknown; changes?: unknown; requestedBy?: unknown } | undefined;
      if (typeof payload !== 'object' || payload === null) throw new Error('apply needs msg.payload = {changes: {speedPercent: 15}, requestedBy: "<operator>"}');
      checkAsset(current, payload.asset);
      const changes = validateChanges(payload.changes, current.options.settings.cooling.configurations.map((c) => c.name));
      await identifyIfDue(current);
      // Who applies: the dashboard user of the message's session (a flow's own message may name someone).
      const requestedBy = actorOf(msg, payload.requestedBy, 'twin-scenario').name;
      let answer: Awaited<ReturnType<ScenarioTwin['setpointRequest']>>;
      try {
        answer = await current.setpointRequest(changes, requestedBy, await rulModel());
      } catch (err) {
        if (!(err instanceof ApplyRefused)) throw err;
        // A refusal is the twin's answer, not its failure: the evaluation it rests on goes out with it on output 3,
        // so a dashboard keeps the results on screen with the reason beside them.
        send([{ topic: `scenario/${current.asset.id}`, payload: err.report },
          null, { topic: `refusal/${current.asset.id}`, refusal: err.message, payload: { changes, requestedBy } } as NodeMessage]);
        status.waiting(err.message);
        return;
      }
      const { request, report } = answer;
      const result: NodeMessage = { topic: `scenario/${current.asset.id}`, payload: report };
      // The session goes along, so twin-setpoint knows the requester from the login, not from the name.
      send([result, { topic: 'request', payload: request, socketid: (msg as { socketid?: unknown }).socketid } as NodeMessage, null]);
      status.success(`proposed ${request.value} ${current.asset.sensors.find((s) => s.id === request.sensor)?.unit ?? ''}`.trim());
    };

    handleInput(node, status, async (msg, send) => {
      const current = twin;
      if (!current) throw setupError as Error;
      switch (msg.topic) {
        case 'scenario':
          return evaluate(current, msg, send);
        case 'apply':
          return apply(current, msg, send);
        case 'identify': {
          status.working(`identifying · ${Math.round(current.historyMinutes)} min of history`);
          await new Promise((resolve) => setImmediate(resolve));
          const models = current.identify();
          save();
          send([{ topic: `scenario/${current.asset.id}/models`, payload: models }, null, null]);
          const missing = missingModels(models);
          if (missing) status.waiting(`identified · ${missing}`);
          else status.success('models identified');
          return;
        }
      }
      const items: unknown[] = Array.isArray(msg.payload) ? msg.payload : [msg.payload];
      // twin-features sends its machine-state records on the wire of its vectors; what-if reads the machine's state
      // from the readings themselves, so the record adds nothing here.
      if (items.length > 0 && items.every(isMachineStateRecord)) return;
      if (items.length > 0 && items.every(isFeatureVector)) {
        items.forEach((v) => current.addFeatures(v as FeatureVector));
        return;
      }
      if (items.length > 0 && items.every(isRulPrediction)) {
        items.forEach((p) => current.addPrediction(p as RulInput));
        return;
      }
      if (items.length === 0 || items.some(looksLikeReading)) {
        const readings = acceptReadings(node, items, current.asset, msg);
        observeAlerts(current, readings);
        current.addReadings(readings);
        // Until the first answer the status shows the history growing; after it, the answer stays visible.
        if (!evaluated && Date.now() - lastHistoryStatus >= HISTORY_STATUS_MS) {
          lastHistoryStatus = Date.now();
          status.idle(`history ${Math.round(current.historyMinutes)} min`);
        }
        return;
      }
      throw new Error('expected readings (from twin-ingest), a feature vector (twin-features), RUL predictions (twin-rul), or msg.topic "scenario", "apply" or "identify"');
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(identifyTimer);
      save();
      done();
    });
  }
  RED.nodes.registerType('twin-scenario', TwinScenario);
};
