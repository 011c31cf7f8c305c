import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TrainRequest } from './retrain';

/** Messages of the training worker (lib/rul/train-worker.ts). */
export type WorkerMessage =
  | { type: 'progress'; text: string }
  | { type: 'done'; bytes: Uint8Array }
  | { type: 'failed'; message: string };

/**
 * Trains in a worker thread: boosting a few hundred trees on tens of thousands of rows takes seconds to minutes of
 * CPU, which on Node-RED's own thread would stall every flow. `stop` ends a training that is no longer wanted.
 */
export function trainInWorker(request: TrainRequest, onProgress: (text: string) => void): { result: Promise<Uint8Array>; stop: () => Promise<void> } {
  const worker = new Worker(path.join(__dirname, 'train-worker.js'));
  let settled = false;
  const result = new Promise<Uint8Array>((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress(message.text);
      else {
        settled = true;
        void worker.terminate();
        if (message.type === 'done') resolve(message.bytes);
        else reject(new Error(message.message));
      }
    });
    worker.once('error', (err) => { settled = true; reject(err); });
    worker.once('exit', (code) => { if (!settled) reject(new Error(`the training worker stopped (exit code ${code})`)); });
  });
  worker.postMessage(request);
  return { result, stop: async () => { if (!settled) await worker.terminate(); } };
}
