/**
 * Run-to-failure generation for the shipped RUL model: one machine's life in one thread (virtual time, a feature
 * vector every 5 s with its acceleration block drawn and analysed), and a small fleet on every core as
 * scripts/train-default.ts generates it.
 */
import os from 'node:os';
import { PUMP_ASSET, SPINDLE_ASSET } from '../lib/asset/presets';
import { fleetRuns } from '../plant/fleet-runs';
import { runAllToFailure } from '../plant/run-pool';
import { runToFailure } from '../plant/run-to-failure';
import { printFigure } from './print-figure';

function oneLife(assetId: string, rpm: number): void {
  const started = process.hrtime.bigint();
  const run = runToFailure({ id: `${assetId}/bench`, assetId, seed: 1, ambientC: 22, setpointRpm: rpm });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  printFigure(`one ${assetId} life at ${rpm.toLocaleString('en-US')} rpm, one thread`, `${seconds.toFixed(2)} s (${run.lifeHours.toFixed(0)} h, ${run.vectors.length} vectors)`);
  printFigure('  = vectors/s', `${Math.round(run.vectors.length / seconds).toLocaleString('en-US')}`);
}

async function fleet(runs: number): Promise<void> {
  const specs = fleetRuns(runs, 1);
  const started = process.hrtime.bigint();
  const results = await runAllToFailure(specs, {});
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const vectors = results.reduce((sum, run) => sum + run.vectors.length, 0);
  printFigure(`fleet of ${runs} runs (train-default's first ${runs}), ${os.availableParallelism()} workers`, `${seconds.toFixed(1)} s (${vectors.toLocaleString('en-US')} vectors)`);
}

export async function run(): Promise<void> {
  oneLife(SPINDLE_ASSET.id, SPINDLE_ASSET.ratings.nominalRpm ?? 12000);
  oneLife(PUMP_ASSET.id, PUMP_ASSET.ratings.nominalRpm ?? 2970);
  await fleet(8);
}
