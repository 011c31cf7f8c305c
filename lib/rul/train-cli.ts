#!/usr/bin/env node
/**
 * `twin-train`: trains a remaining-useful-life model from run-to-failure histories and predicts with it, without
 * Node-RED and without Python.
 *
 *   twin-train fit --format cmapss train_FD001.txt --out model.onnx [--window 30] [--cap 125] [--rounds 400] [--seed 1]
 *       [--quantiles 0.1,0.9 | --no-interval] [--settings col1,col2,... [--regimes k] | --no-regimes]
 *   twin-train predict --format cmapss test_FD001.txt --model model.onnx      → one line per unit: "<unit> <rul>"
 *       [--interval]                                                          → "<unit> <rul> <lower> <upper>"
 *   twin-train import-xgboost m.json --out model.onnx [--features a,b,c]     an XGBoost JSON model as ONNX
 *
 * `--format csv` reads a header `asset,time,<sensor>,...` instead. Named settings columns (C-MAPSS: setting1-3 unless
 * `--no-regimes`) are clustered into operating regimes and every sensor is normalised within its regime.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { packageVersion } from '../package-version';
import { DEFAULT_BOOSTING_OPTIONS } from './gradient-boosting';
import { buildRecipe, DEFAULT_RECIPE_WINDOW, RECIPE_KEY, type HistoryRecipe } from './history-recipe';
import { CMAPSS_SETTINGS, parseHistories, type AssetHistory, type HistoryFormat } from './history-table';
import { fitHistories, fittedToOnnx, lastStepRecords, type FitOptions } from './history-training';
import { ensembleToOnnx } from './onnx-export';
import { OnnxScorer } from './onnx-scorer';
import { LIVE_CUTS } from './interval-calibration';
import { SEPARATION } from './operating-regimes';
import { DEFAULT_INTERVAL, type IntervalQuantiles, type TrainingProgress } from './rul-training';
import { importXgboostJson } from './xgboost-import';

const USAGE = `usage:
  twin-train fit --format cmapss|csv <histories> --out <model.onnx> [--window ${DEFAULT_RECIPE_WINDOW}] [--cap 125] [--rounds ${DEFAULT_BOOSTING_OPTIONS.rounds}] [--seed 1]
      [--quantiles ${DEFAULT_INTERVAL.lower},${DEFAULT_INTERVAL.upper} | --no-interval] [--settings <col,col,...> [--regimes <k>] | --no-regimes]
  twin-train predict --format cmapss|csv <histories> --model <model.onnx> [--interval]
  twin-train import-xgboost <model.json> --out <model.onnx> [--features <name,name,...>]
CSV histories: a header "asset,time,<sensor>,..." and one row per asset and time, sorted by asset and time.`;

function number(text: string | undefined, fallback: number, label: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${label} "${text}" must be a number above 0`);
  return value;
}

function readHistories(file: string | undefined, format: string | undefined) {
  if (!file) throw new Error('name the histories file');
  if (!fs.existsSync(file)) throw new Error(`histories file "${file}" not found`);
  if (format !== 'cmapss' && format !== 'csv') throw new Error('--format must be cmapss or csv');
  return parseHistories(fs.readFileSync(file, 'utf8'), format as HistoryFormat, path.basename(file));
}

function intervalQuantiles(text: string | undefined, off: boolean | undefined): IntervalQuantiles | false {
  if (off) {
    if (text !== undefined) throw new Error('--quantiles and --no-interval contradict each other: give one');
    return false;
  }
  if (text === undefined) return DEFAULT_INTERVAL;
  const [lower, upper, ...rest] = text.split(',').map((q) => Number(q.trim()));
  if (rest.length > 0 || !(lower > 0 && lower < upper && upper < 1)) {
    throw new Error(`--quantiles "${text}" must be two quantiles lower,upper with 0 < lower < upper < 1 (e.g. 0.1,0.9 for an 80 % interval)`);
  }
  return { lower, upper };
}

function progressLine(progress: TrainingProgress, interval: IntervalQuantiles | false): string {
  const metric = progress.metric === 'rmse' ? 'RMSE' : 'pinball loss';
  const model = progress.model === 'point' || !interval ? 'estimate' : `${progress.model} bound (q ${interval[progress.model]})`;
  return `${model} round ${progress.round}: train ${metric} ${progress.trainLoss.toFixed(2)}, validation ${metric} ${progress.validationLoss.toFixed(2)}`;
}

const percent = (share: number) => `${(100 * share).toFixed(1)} %`;

/** The settings columns to find regimes in: those named, C-MAPSS's three by default, none with --no-regimes. */
function settingsColumns(histories: readonly AssetHistory[], format: string | undefined, named: string | undefined, off: boolean | undefined): string[] {
  if (off) {
    if (named !== undefined) throw new Error('--settings and --no-regimes contradict each other: give one');
    return [];
  }
  const settings = named !== undefined ? named.split(',').map((c) => c.trim()).filter((c) => c !== '') : format === 'cmapss' ? [...CMAPSS_SETTINGS] : [];
  const missing = settings.filter((c) => !histories[0].sensors[c]);
  if (missing.length > 0) throw new Error(`--settings names ${missing.join(', ')}, not a column of the histories (${Object.keys(histories[0].sensors).join(' ')})`);
  return settings;
}

function regimesLine(recipe: HistoryRecipe): string {
  const regimes = recipe.regimes;
  if (!regimes) return 'no operating regimes: sensors taken as they are';
  const rule = regimes.chosenBy === 'fixed' ? 'fixed by --regimes' : `the most well-separated clusters, centres ≥ ${SEPARATION} radii apart`;
  const centres = regimes.centres.map((c) => `(${c.map((v) => Number(v.toPrecision(4))).join(', ')})`).join(' ');
  return `${regimes.centres.length} operating regime${regimes.centres.length === 1 ? '' : 's'} in ${regimes.settings.join(',')} (${rule}): ${centres}; sensors normalised per regime by their healthy mean and SD`;
}

async function fit(args: string[], log: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: {
    format: { type: 'string' }, out: { type: 'string' }, window: { type: 'string' }, cap: { type: 'string' }, rounds: { type: 'string' }, seed: { type: 'string' },
    quantiles: { type: 'string' }, 'no-interval': { type: 'boolean' }, settings: { type: 'string' }, regimes: { type: 'string' }, 'no-regimes': { type: 'boolean' },
  } });
  if (!values.out) throw new Error('--out <model.onnx> is required');
  const interval = intervalQuantiles(values.quantiles, values['no-interval']);
  const histories = readHistories(positionals[0], values.format);
  const rulCap = number(values.cap, 125, 'cap');
  const settings = settingsColumns(histories, values.format, values.settings, values['no-regimes']);
  if (values.regimes !== undefined && settings.length === 0) throw new Error('--regimes needs settings columns (--settings col,col,...)');
  const count = values.regimes === undefined ? undefined : Math.round(number(values.regimes, 1, 'regimes'));
  const recipe = buildRecipe(histories, { window: number(values.window, DEFAULT_RECIPE_WINDOW, 'window'), settings, regimes: { count }, healthyBeyond: rulCap });
  const options: FitOptions = {
    recipe,
    rulCap,
    boosting: { rounds: Math.round(number(values.rounds, DEFAULT_BOOSTING_OPTIONS.rounds, 'rounds')), seed: Math.round(number(values.seed, 1, 'seed')) },
    interval,
  };
  log(`${histories.length} assets, ${recipe.sensors.length} varying sensors (${recipe.sensors.join(' ')}), window ${recipe.window}, RUL cap ${options.rulCap}`);
  log(regimesLine(recipe));
  const fitted = fitHistories(histories, options, (progress) => {
    if (progress.round % 25 === 0) log(progressLine(progress, interval));
  });
  const bytes = fittedToOnnx(fitted, options, path.basename(positionals[0]), packageVersion());
  fs.writeFileSync(values.out, bytes);
  const { point, validationGroups, interval: report } = fitted.model;
  if (report) {
    const moved = (shift: number) => `${shift >= 0 ? 'out' : 'in'} by ${Math.abs(shift).toFixed(2)}`;
    log(`interval q ${report.quantiles[0]}-${report.quantiles[1]}: held-out coverage ${percent(report.coverageBeforeCalibration)} as fitted, ` +
      `${percent(report.coverage)} calibrated (lower bound moved ${moved(report.lowerShift)}, upper ${moved(report.upperShift)}), ` +
      `${percent(report.belowLower)} below the lower bound, ${percent(report.aboveUpper)} above the upper, on ${report.heldOutGroups} ${report.calibratedOn === 'out-of-fold' ? 'assets\' out-of-fold bounds' : 'held-out assets'} cut at random points of ${100 * LIVE_CUTS.from}-${100 * LIVE_CUTS.to} % of life; ` +
      `mean width ${report.meanWidth.toFixed(2)}, ${report.trees[0]} + ${report.trees[1]} trees`);
  }
  log(`${fitted.set.matrix.rows} rows (${fitted.set.skipped} too early for the window), ${point.trees.length} trees, ` +
    `validation RMSE ${point.validationRmse.toFixed(2)} on ${validationGroups.length} held-out assets, ${(fitted.trainingMs / 1000).toFixed(1)} s; wrote ${values.out}`);
}

async function predict(args: string[], print: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string' }, model: { type: 'string' }, interval: { type: 'boolean' } } });
  if (!values.model) throw new Error('--model <model.onnx> is required');
  if (!fs.existsSync(values.model)) throw new Error(`model file "${values.model}" not found`);
  const scorer = await OnnxScorer.fromBytes(fs.readFileSync(values.model));
  try {
    const recipeText = scorer.metadata[RECIPE_KEY];
    if (!recipeText) throw new Error(`${values.model} was not trained by twin-train from histories: it has no "${RECIPE_KEY}" in its metadata`);
    if (values.interval && !scorer.hasInterval) throw new Error(`${values.model} has no prediction interval (trained with --no-interval?): predict without --interval, or refit without --no-interval`);
    const recipe = JSON.parse(recipeText) as HistoryRecipe;
    const histories = readHistories(positionals[0], values.format);
    const scores = await scorer.scoreRecordIntervals(lastStepRecords(histories, recipe), (row) => `asset ${histories[row].asset}`);
    histories.forEach((history, i) => {
      const rul = Math.max(0, scores.rul[i]);
      if (!values.interval || !scores.lower || !scores.upper) { print(`${history.asset} ${rul.toFixed(2)}`); return; }
      // Bounds that cross the estimate (the quantile models are fitted apart) are pulled to it, and none is below 0.
      const lower = Math.max(0, Math.min(scores.lower[i], rul));
      const upper = Math.max(scores.upper[i], rul);
      print(`${history.asset} ${rul.toFixed(2)} ${lower.toFixed(2)} ${upper.toFixed(2)}`);
    });
  } finally {
    await scorer.release();
  }
}

async function importXgboost(args: string[], log: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, features: { type: 'string' } } });
  if (!positionals[0]) throw new Error('name the XGBoost JSON model');
  if (!values.out) throw new Error('--out <model.onnx> is required');
  const names = values.features?.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const ensemble = importXgboostJson(fs.readFileSync(positionals[0], 'utf8'), names);
  const bytes = ensembleToOnnx(ensemble, { imported_from: `xgboost:${path.basename(positionals[0])}`, trained_at: fs.statSync(positionals[0]).mtime.toISOString() }, packageVersion());
  fs.writeFileSync(values.out, bytes);
  log(`${ensemble.trees.length} trees over ${ensemble.featureNames.length} features (${ensemble.featureNames.join(' ')}); wrote ${values.out}`);
}

export async function main(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'fit') await fit(rest, err);
    else if (command === 'predict') await predict(rest, out);
    else if (command === 'import-xgboost') await importXgboost(rest, err);
    else { err(USAGE); return command === undefined || command === '--help' ? 0 : 2; }
    return 0;
  } catch (error) {
    err(`twin-train: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  // Piped into head or a closed pager: stop quietly rather than die on a write to a closed pipe.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => { if (error.code === 'EPIPE') process.exit(0); else throw error; });
  main(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`), (line) => process.stderr.write(`${line}\n`)).then((code) => { process.exitCode = code; });
}
