import type { Node, NodeAPI, NodeDef } from 'node-red';
import { DEFAULT_MODEL_FILE } from '../../lib/rul/default-model';
import { ensurePromotedModel, MODEL_PROMOTED_EVENT } from '../../lib/rul/model-provider';
import { OnnxRulModel } from '../../lib/rul/onnx-rul-model';
import { modelBytes } from '../../lib/rul/registry';
import { retrain, type RetrainResult } from '../../lib/rul/retrain';
import { trainInWorker } from '../../lib/rul/worker-trainer';
import { resolveDb } from '../common/db';
import { handleInput, toError } from '../common/input';
import { Status } from '../common/status';
import { retrainOptions, type TwinTrainFields } from './options';

interface TwinTrainDef extends NodeDef, TwinTrainFields {
  db: string;
}

function summary(result: RetrainResult): string {
  return `${result.promoted ? 'promoted' : 'kept'} ${result.promoted ? result.version : result.current.version} · ${result.candidate.rmse.toFixed(0)}/${result.current.rmse.toFixed(0)} h`;
}

export = function register(RED: NodeAPI): void {
  function TwinTrain(this: Node, config: TwinTrainDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const connection = resolveDb(RED, config.db);
    if (connection instanceof Error) status.failed(connection.message);
    else status.idle('idle');
    let running: { startedAt: number; stop: () => Promise<void> } | undefined;
    let closing = false;

    handleInput(node, status, async (msg, send) => {
      if (connection instanceof Error) throw connection;
      if (running) throw new Error(`a retrain is already running (started ${new Date(running.startedAt).toISOString()})`);
      const request = msg.payload && typeof msg.payload === 'object' ? (msg.payload as { from?: unknown; to?: unknown }) : undefined;
      const options = retrainOptions(config, Date.now(), request);
      const progress = (text: string): void => {
        status.working(text);
        send([null, { topic: 'retrain/progress', payload: { text, ts: Date.now() } }]);
      };
      running = { startedAt: Date.now(), stop: async () => undefined };
      status.working('starting');
      try {
        const ctx = await connection.ready();
        const pool = await connection.getPool();
        const promoted = await ensurePromotedModel(connection, DEFAULT_MODEL_FILE);
        const bytes = await modelBytes(pool, ctx, promoted.version);
        const model = await OnnxRulModel.load(bytes, promoted.version);
        try {
          const result = await retrain(pool, ctx, { version: promoted.version, bytes, model }, (trainRequest, onProgress) => {
            const training = trainInWorker(trainRequest, onProgress);
            if (running) running.stop = training.stop;
            return training.result;
          }, options, progress);
          if (result.promoted) connection.emit(MODEL_PROMOTED_EVENT, result.version);
          if (result.promoted) status.success(summary(result));
          else status.info(summary(result));
          msg.topic = 'retrain';
          msg.payload = result;
          send([msg, null]);
        } finally {
          await model.release();
        }
      } catch (err) {
        if (closing) throw new Error('retrain stopped: the flow was stopped');
        throw toError(err);
      } finally {
        running = undefined;
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      const stop = running?.stop ?? (async () => undefined);
      stop().finally(() => done());
    });
  }
  RED.nodes.registerType('twin-train', TwinTrain);
};
