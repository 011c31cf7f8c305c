/**
 * Worker-thread entry of a retrain (lib/rul/worker-trainer.ts starts it): continues boosting from the model in use
 * on the plant's labelled history and returns the challenger as ONNX bytes, reporting progress as it goes.
 */
import { parentPort } from 'node:worker_threads';
import { packageVersion } from '../package-version';
import { rulModelToOnnx } from './onnx-export';
import { onnxTreeEnsembles } from './onnx-trees';
import type { TrainRequest } from './retrain';
import { trainRulModel, type TrainingProgress } from './rul-training';
import type { WorkerMessage } from './worker-trainer';

const PROGRESS_EVERY_ROUNDS = 25;
const OUTPUT_NAMES: Record<TrainingProgress['model'], string> = { point: 'the estimate', lower: 'the lower bound', upper: 'the upper bound' };

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

function train(request: TrainRequest): Uint8Array {
  const names = request.set.matrix.featureNames;
  const warmStart = onnxTreeEnsembles(request.warmStart, names);
  const model = trainRulModel(request.set, { validationGroups: request.validationGroups, warmStart }, (p) => {
    if (p.round % PROGRESS_EVERY_ROUNDS !== 0) return;
    const unit = p.metric === 'rmse' ? ' h' : '';
    post({ type: 'progress', text: `training ${OUTPUT_NAMES[p.model]}: round ${p.round} of up to ${p.maxRounds}, held-out ${p.metric} ${p.validationLoss.toFixed(2)}${unit}` });
  });
  post({ type: 'progress', text: `${model.point.trees.length} trees for the estimate (${warmStart[0].trees.length} continued), exporting` });
  return rulModelToOnnx(model, { ...request.metadata, rul_cap: String(request.rulCap), rul_unit: 'h' }, packageVersion());
}

parentPort?.once('message', (request: TrainRequest) => {
  try {
    post({ type: 'done', bytes: train(request) });
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
});
