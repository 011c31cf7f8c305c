#!/usr/bin/env node
/**
 * `twin-train`: trains a remaining-useful-life model from run-to-failure histories and predicts with it, without
 * Node-RED and without Python.
 *
 *   twin-train fit --format cmapss train_FD001.txt --out model.onnx [--window 30] [--cap 125] [--rounds 400] [--seed 1]
 *   twin-train predict --format cmapss test_FD001.txt --model model.onnx      → one line per unit: "<unit> <rul>"
 *   twin-train import-xgboost m.json --out model.onnx [--features a,b,c]     an XGBoost JSON model as ONNX
 *
 * `--format csv` reads a header `asset,time,<sensor>,...` instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BOOSTING_OPTIONS } from './gradient-boosting';
import { DEFAULT_RECIPE_WINDOW, RECIPE_KEY, varyingSensors, type HistoryRecipe } from './history-recipe';
import { parseHistories, type HistoryFormat } from './history-table';
import { fitHistories, fittedToOnnx, lastStepRecords, type FitOptions } from './history-training';
import { ensembleToOnnx } from './onnx-export';
import { OnnxScorer } from './onnx-scorer';
import { importXgboostJson } from './xgboost-import';

const USAGE = `usage:
  twin-train fit --format cmapss|csv <histories> --out <model.onnx> [--window ${DEFAULT_RECIPE_WINDOW}] [--cap 125] [--rounds ${DEFAULT_BOOSTING_OPTIONS.rounds}] [--seed 1]
  twin-train predict --format cmapss|csv <histories> --model <model.onnx>
  twin-train import-xgboost <model.json> --out <model.onnx> [--features <name,name,...>]
CSV histories: a header "asset,time,<sensor>,..." and one row per asset and time, sorted by asset and time.`;

function packageVersion(): string {
  const file = path.resolve(__dirname, '..', '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

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

async function fit(args: string[], log: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: {
    format: { type: 'string' }, out: { type: 'string' }, window: { type: 'string' }, cap: { type: 'string' }, rounds: { type: 'string' }, seed: { type: 'string' },
  } });
  if (!values.out) throw new Error('--out <model.onnx> is required');
  const histories = readHistories(positionals[0], values.format);
  const recipe: HistoryRecipe = { window: number(values.window, DEFAULT_RECIPE_WINDOW, 'window'), sensors: varyingSensors(histories) };
  const options: FitOptions = {
    recipe,
    rulCap: number(values.cap, 125, 'cap'),
    boosting: { rounds: Math.round(number(values.rounds, DEFAULT_BOOSTING_OPTIONS.rounds, 'rounds')), seed: Math.round(number(values.seed, 1, 'seed')) },
  };
  log(`${histories.length} assets, ${recipe.sensors.length} varying sensors (${recipe.sensors.join(' ')}), window ${recipe.window}, RUL cap ${options.rulCap}`);
  const fitted = fitHistories(histories, options, (score) => {
    if (score.round % 25 === 0) log(`round ${score.round}: train RMSE ${score.trainRmse.toFixed(2)}, validation RMSE ${score.validationRmse.toFixed(2)}`);
  });
  const bytes = fittedToOnnx(fitted, options, path.basename(positionals[0]), packageVersion());
  fs.writeFileSync(values.out, bytes);
  log(`${fitted.set.matrix.rows} rows (${fitted.set.skipped} too early for the window), ${fitted.model.trees.length} trees, ` +
    `validation RMSE ${fitted.model.validationRmse.toFixed(2)} on ${fitted.model.validationGroups.length} held-out assets, ${(fitted.trainingMs / 1000).toFixed(1)} s; wrote ${values.out}`);
}

async function predict(args: string[], print: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string' }, model: { type: 'string' } } });
  if (!values.model) throw new Error('--model <model.onnx> is required');
  if (!fs.existsSync(values.model)) throw new Error(`model file "${values.model}" not found`);
  const scorer = await OnnxScorer.fromBytes(fs.readFileSync(values.model));
  try {
    const recipeText = scorer.metadata[RECIPE_KEY];
    if (!recipeText) throw new Error(`${values.model} was not trained by twin-train from histories: it has no "${RECIPE_KEY}" in its metadata`);
    const recipe = JSON.parse(recipeText) as HistoryRecipe;
    const histories = readHistories(positionals[0], values.format);
    const predictions = await scorer.scoreRecords(lastStepRecords(histories, recipe), (row) => `asset ${histories[row].asset}`);
    histories.forEach((history, i) => print(`${history.asset} ${Math.max(0, predictions[i]).toFixed(2)}`));
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
