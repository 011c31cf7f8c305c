import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { runToFailure, type RunOptions, type RunSpec, type RunToFailure } from './run-to-failure';

/** What a worker (plant/run-worker.ts) is sent for each run; the options shared by every run go in its workerData. */
export interface RunJob {
  index: number;
  spec: RunSpec;
}

export interface RunJobResult {
  index: number;
  result?: RunToFailure;
  error?: string;
}

export interface RunPoolOptions {
  /** Worker threads; 1 simulates in this thread. Defaults to the machine's cores. */
  workers: number;
  /** Called as each run finishes, in the order they finish. */
  onRun?: (result: RunToFailure, done: number, total: number) => void;
}

/**
 * Simulates the runs on several cores. Every run is seeded on its own, so the results (returned in the order of
 * `specs`) do not depend on how many workers there are or which finished first. Each idle worker takes the next
 * run, because run lengths differ tenfold (a slow pump lives far longer than a fast spindle).
 */
export async function runAllToFailure(specs: readonly RunSpec[], runOptions: Partial<RunOptions>, pool: Partial<RunPoolOptions> = {}): Promise<RunToFailure[]> {
  const workerCount = Math.max(1, Math.min(specs.length, pool.workers ?? os.availableParallelism()));
  const results: RunToFailure[] = new Array(specs.length);
  let done = 0;
  const finish = (index: number, result: RunToFailure): void => {
    results[index] = result;
    done++;
    pool.onRun?.(result, done, specs.length);
  };
  if (workerCount === 1) {
    specs.forEach((spec, index) => finish(index, runToFailure(spec, runOptions)));
    return results;
  }
  let next = 0;
  let failed = false;
  const work = (): Promise<void> => new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'run-worker.js'), { workerData: runOptions });
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      failed = true;
      void worker.terminate();
      reject(error);
    };
    const send = (): void => {
      if (failed || next >= specs.length) {
        settled = true;
        void worker.terminate().then(() => resolve());
        return;
      }
      const job: RunJob = { index: next, spec: specs[next] };
      next++;
      worker.postMessage(job);
    };
    worker.on('message', (message: RunJobResult) => {
      if (!message.result) {
        fail(new Error(`run ${specs[message.index].id}: ${message.error ?? 'the worker sent no result'}`));
        return;
      }
      finish(message.index, message.result);
      send();
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a simulation worker stopped (exit code ${code}) before its runs were done`)));
    send();
  });
  await Promise.all(Array.from({ length: workerCount }, work));
  return results;
}
