/**
 * Trains the remaining-useful-life model the pack ships, from run-to-failure histories of the simulated plant:
 *
 *   node dist/scripts/train-default.js [--out models/default-rul.onnx] [--runs 40] [--seed 1] [--workers N]
 *
 * The same settings give the same bytes: the runs are seeded, the trainer is seeded, and the metadata holds the
 * generator's settings instead of a wall-clock time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { packageVersion } from '../lib/package-version';
import { DEFAULT_BOOSTING_OPTIONS, type TrainingSet } from '../lib/rul/gradient-boosting';
import { rulModelToOnnx } from '../lib/rul/onnx-export';
import { trainRulModel, type TrainingProgress } from '../lib/rul/rul-training';
import { vectorTrainingSet } from '../lib/rul/vector-training';
import { PLANT_FEATURE_PERIOD_S, PLANT_FEATURE_SETTINGS } from '../plant/feature-settings';
import { DEFAULT_FLEET_VARIATION, fleetRuns } from '../plant/fleet-runs';
import { runAllToFailure } from '../plant/run-pool';
import { DEFAULT_RUN_OPTIONS, SIMULATION_START_MS, type RunOptions } from '../plant/run-to-failure';

/**
 * What the model reads, all of it present in the live vectors of both machines and all of it instantaneous: the
 * newest value of a scalar and the features of the newest acceleration block. Left out on purpose:
 * - the window statistics (`.mean.1h`, `.slope.24h`, ...): their windows are wall-clock time, so at a speed-up of
 *   1440 one hour spans 60 simulated days, more than a bearing's life, and after a repair they still hold the old
 *   bearing's readings; what they show depends on the speed-up and on how long Node-RED has been running;
 * - `operatingHours`: counted in wall-clock hours since the node was deployed, not since the bearing was fitted;
 * - bearing temperature: it lags the wear by the housing's thermal time constant, minutes of process time and so
 *   four to five days of wear at 1440 (in proportion at any other speed-up), and it rides on the ambient temperature,
 *   which the twin does not know;
 * - motor power, load, flow, pressure: set by the part cycle and the plant's demand rather than by the bearing, and
 *   not common to both machines.
 * What is left tracks the wear through the vibration it causes (velocity from the PLC and from the block, the block's
 * RMS, kurtosis and crest factor, and the envelope amplitude at the outer-race defect frequency), and the speed sets
 * how fast the wear grows from here (and tells a 12,000 rpm spindle from a 2,970 rpm pump). None of it depends on
 * the speed-up, so the model holds for the plant at any speed-up.
 */
export const DEFAULT_MODEL_FEATURES: readonly string[] = [
  'speed.last',
  'vibration.last',
  'acceleration.velocityRms',
  'acceleration.rms',
  'acceleration.kurtosis',
  'acceleration.crestFactor',
  'acceleration.bpfoEnvelope',
];

/**
 * Target cap, hours: a prediction at the cap means "at least 300 h". It must sit well above the WARNING threshold
 * plus its hysteresis (168 + 12 h), so that a healthy machine reads NORMAL with room to spare. Much beyond it the
 * features cannot tell lives apart: a spindle (480 h nominal life) with 300 h left has worn to about 0.14, where the
 * defect adds 40 % to the shaft's vibration velocity, but with 450 h left the wear, growing exponentially from zero,
 * adds 1 %, less than the noise of one reading. A higher cap would be fitted to that noise.
 */
export const DEFAULT_RUL_CAP_HOURS = 300;

const DEFAULT_RUNS = 40;
const DEFAULT_SEED = 1;
const ROOT = path.resolve(__dirname, '..', '..');

export interface TrainedModel {
  bytes: Uint8Array;
  validationRmse: number;
  validationGroups: string[];
  trees: number;
}

/**
 * The one call into the trainer: the estimate and its 80 % interval, early-stopped on whole held-out runs and
 * calibrated on every run's out-of-fold bounds, exported with the metadata.
 */
export function trainModel(set: TrainingSet, seed: number, metadata: Record<string, string>, producerVersion: string, onProgress?: (progress: TrainingProgress) => void): TrainedModel {
  const boosting = { ...DEFAULT_BOOSTING_OPTIONS, seed };
  const model = trainRulModel(set, { boosting }, onProgress);
  const bytes = rulModelToOnnx(model, { ...metadata, boosting: JSON.stringify(boosting) }, producerVersion);
  return { bytes, validationRmse: model.point.validationRmse, validationGroups: model.validationGroups, trees: model.point.trees.length };
}

interface Arguments {
  out: string;
  runs: number;
  seed: number;
  workers?: number;
}

function wholeNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag} "${text}" must be a whole number above 0`);
  return value;
}

function parseArguments(argv: string[]): Arguments {
  const { values } = parseArgs({ args: argv, options: {
    out: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' },
  } });
  return {
    out: values.out ? path.resolve(values.out) : path.join(ROOT, 'models', 'default-rul.onnx'),
    runs: wholeNumber(values.runs, 'runs') ?? DEFAULT_RUNS,
    seed: wholeNumber(values.seed, 'seed') ?? DEFAULT_SEED,
    workers: wholeNumber(values.workers, 'workers'),
  };
}

async function main(argv: string[], log: (line: string) => void): Promise<void> {
  const args = parseArguments(argv);
  const specs = fleetRuns(args.runs, args.seed);
  const runOptions: RunOptions = { ...DEFAULT_RUN_OPTIONS, keepFeatures: DEFAULT_MODEL_FEATURES };
  log(`simulating ${specs.length} runs to failure (fleet seed ${args.seed}, speed-up ${runOptions.speedup}, a vector every ${runOptions.periodS} s)`);
  const generationStarted = Date.now();
  const runs = await runAllToFailure(specs, runOptions, {
    workers: args.workers,
    onRun: (run, done, total) => log(`  ${String(done).padStart(3)}/${total} ${run.spec.id}: ${run.spec.setpointRpm} rpm${run.spec.setpointChange ? ` then ${run.spec.setpointChange.rpm} rpm` : ''}, ` +
      `failed after ${run.lifeHours.toFixed(0)} h, ${run.vectors.length} vectors`),
  });
  const generationS = (Date.now() - generationStarted) / 1000;
  const rows = runs.flatMap((run) => run.vectors);
  log(`${rows.length} vectors in ${generationS.toFixed(1)} s`);

  const set = vectorTrainingSet(rows, DEFAULT_MODEL_FEATURES, DEFAULT_RUL_CAP_HOURS);
  const trainingData = {
    simulator: 'plant/physics SpindleModel and PumpModel, stepped in virtual time (plant/run-to-failure.ts)',
    speedup: runOptions.speedup, tickMs: runOptions.tickMs, publishMs: runOptions.publishMs, waveformLength: runOptions.waveformLength,
    periodS: runOptions.periodS, runs: specs.length, fleetSeed: args.seed, variation: DEFAULT_FLEET_VARIATION,
    runSeeds: Object.fromEntries(specs.map((spec) => [spec.id, spec.seed])),
  };
  const metadata = {
    rul_cap: String(DEFAULT_RUL_CAP_HOURS),
    rul_unit: 'h',
    trained_at: new Date(SIMULATION_START_MS).toISOString(),
    training_source: 'simulated plant, run to failure',
    training_data: JSON.stringify(trainingData),
    training_rows: String(set.matrix.rows),
    training_groups: String(specs.length),
    feature_source: JSON.stringify({ node: 'twin-features', periodS: PLANT_FEATURE_PERIOD_S, settings: PLANT_FEATURE_SETTINGS }),
  };
  log(`training on ${DEFAULT_MODEL_FEATURES.length} features (${DEFAULT_MODEL_FEATURES.join(', ')}), RUL cap ${DEFAULT_RUL_CAP_HOURS} h`);
  const trainingStarted = Date.now();
  const model = trainModel(set, args.seed, metadata, packageVersion(), (p) => {
    if (p.round % 25 === 0) log(`  ${p.model} round ${p.round}: train ${p.metric} ${p.trainLoss.toFixed(2)}, held-out ${p.metric} ${p.validationLoss.toFixed(2)}`);
  });
  const trainingS = (Date.now() - trainingStarted) / 1000;
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, model.bytes);
  log(`${model.trees} trees in ${trainingS.toFixed(1)} s; held-out RMSE ${model.validationRmse.toFixed(2)} h on ${model.validationGroups.length} runs (${model.validationGroups.join(', ')})`);
  log(`wrote ${args.out} (${model.bytes.length} bytes)`);
}

if (require.main === module) {
  main(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`train-default: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
