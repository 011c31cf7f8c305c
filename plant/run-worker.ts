import { parentPort, workerData } from 'node:worker_threads';
import type { RunJob, RunJobResult } from './run-pool';
import { runToFailure, type RunOptions } from './run-to-failure';

/** Worker thread of plant/run-pool.ts: simulates each run it is sent and posts the result back. */
const options = workerData as Partial<RunOptions>;
const port = parentPort;
if (!port) throw new Error('plant/run-worker.js runs as a worker thread of plant/run-pool.js, not on its own');
port.on('message', (job: RunJob) => {
  let reply: RunJobResult;
  try {
    reply = { index: job.index, result: runToFailure(job.spec, options) };
  } catch (err) {
    reply = { index: job.index, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
