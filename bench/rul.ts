/**
 * Remaining-useful-life model, validated outside the pack: NASA C-MAPSS FD001-FD004 (../shared/data/cmapss, or the
 * folder in TWIN_CMAPSS_DIR), features
 * from the pack's recipe (last value, 30-cycle rolling mean and slope per varying sensor, cycles run), 5-fold
 * cross-validation by engine, RUL capped at 125. Reported per model: RMSE over every row of the held-out engines,
 * and RMSE and the PHM08 score at one truncation point per held-out engine (as the official test set cuts runs,
 * at 30-95 % of life: LIVE_CUTS). XGBoost (python3-xgboost) gets the same features, rows, validation engines and settings.
 * Each fold also trains the prediction interval (10 % and 90 % quantile models, calibrated on the out-of-fold bounds
 * of the fold's training engines at cuts spread as the evaluation's: lib/rul/interval-calibration.ts), and its
 * coverage is counted on the fold's test engines, which neither trained nor calibrated it: its coverage and both
 * tails (below the lower bound, above the upper one; 10 % each nominally) on every row and at the one cut per engine,
 * the figure the calibration aims at. FD002 and FD004 (six flight conditions) run twice, sensors as they are
 * and normalised per operating regime (found in the fold's training engines only). Then the final three-output
 * FD001 model through onnxruntime: agreement with the TypeScript trees, latency per asset, batch throughput.
 *
 * TWIN_BENCH_CMAPSS_ONLY=1 runs only the C-MAPSS cross-validation (no XGBoost, no onnxruntime figures);
 * TWIN_BENCH_CMAPSS_SETS=FD002,FD004 chooses the sets (all four by default); TWIN_BENCH_CMAPSS_RAW=0 leaves out the
 * runs of FD002 and FD004 with the sensors as they are (the comparison that shows what the regimes are worth).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Random } from '../lib/math/random';
import { SQUARED_ERROR } from '../lib/rul/boosting-loss';
import type { FeatureMatrix } from '../lib/rul/feature-matrix';
import { asBoostedModel, boost, DEFAULT_BOOSTING_OPTIONS, predictBoosted, prepareSet } from '../lib/rul/gradient-boosting';
import { buildRecipe, recipeFeatureNames, type HistoryRecipe } from '../lib/rul/history-recipe';
import { CMAPSS_SETTINGS, parseHistories, type AssetHistory } from '../lib/rul/history-table';
import { fitHistories, fittedToOnnx, historyTrainingSet } from '../lib/rul/history-training';
import { OnnxScorer } from '../lib/rul/onnx-scorer';
import { cutRow, LIVE_CUTS } from '../lib/rul/interval-calibration';
import { DEFAULT_INTERVAL, predictRulModel, trainInterval, type RulModel } from '../lib/rul/rul-training';
import { xgboostAvailable, xgboostPredict } from './xgboost-baseline';
import { printFigure } from './print-figure';

const CMAPSS_DIR = process.env.TWIN_CMAPSS_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'cmapss');
const SETS = (process.env.TWIN_BENCH_CMAPSS_SETS ?? 'FD001,FD002,FD003,FD004').split(',').map((s) => s.trim());
const ONLY_CMAPSS = process.env.TWIN_BENCH_CMAPSS_ONLY === '1';
const WITH_RAW = process.env.TWIN_BENCH_CMAPSS_RAW !== '0';
/** Sets with several flight conditions, where normalising per regime is the point; the others run once. */
const MULTI_CONDITION = new Set(['FD002', 'FD004']);
const WINDOW = 30;
const CAP = 125;
const FOLDS = 5;

interface Evaluation {
  squared: number;
  rows: number;
  truncatedSquared: number;
  score: number;
  engines: number;
  trainSeconds: number;
}

const empty = (): Evaluation => ({ squared: 0, rows: 0, truncatedSquared: 0, score: 0, engines: 0, trainSeconds: 0 });

function phm08(d: number): number {
  return d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1;
}

/** Held-out engines' complete rows with the capped truth, and one truncation row per engine. */
function testRows(histories: AssetHistory[], recipe: HistoryRecipe, random: Random) {
  const set = historyTrainingSet(histories, recipe, CAP);
  const truncation = histories.map((history) => {
    const first = set.groups.indexOf(history.asset);
    const count = set.groups.lastIndexOf(history.asset) - first + 1;
    return first + cutRow(count, LIVE_CUTS.from + (LIVE_CUTS.to - LIVE_CUTS.from) * random.next());
  });
  // Each engine's rows between LIVE_CUTS' fractions of its life: a cut drawn there, in expectation (no draw's noise).
  const spans = histories.map((history) => {
    const first = set.groups.indexOf(history.asset);
    const count = set.groups.lastIndexOf(history.asset) - first + 1;
    return { from: first + cutRow(count, LIVE_CUTS.from), to: first + cutRow(count, LIVE_CUTS.to) };
  });
  return { matrix: set.matrix, truth: Array.from(set.target), truncation, spans };
}

function accumulate(into: Evaluation, predictions: ArrayLike<number>, truth: number[], truncation: number[], seconds: number): void {
  truth.forEach((t, row) => { into.squared += (predictions[row] - t) ** 2; });
  into.rows += truth.length;
  for (const row of truncation) {
    const d = predictions[row] - truth[row];
    into.truncatedSquared += d * d;
    into.score += phm08(d);
  }
  into.engines += truncation.length;
  into.trainSeconds += seconds;
}

function report(name: string, e: Evaluation): void {
  printFigure(`${name}: RMSE, every row of held-out engines`, `${Math.sqrt(e.squared / e.rows).toFixed(2)} cycles`);
  printFigure(`${name}: RMSE / PHM08 score at one cut per engine (${e.engines})`, `${Math.sqrt(e.truncatedSquared / e.engines).toFixed(2)} cycles / ${e.score.toFixed(0)}`);
  printFigure(`${name}: training time, ${FOLDS} folds`, `${e.trainSeconds.toFixed(1)} s`);
}

/** Interval figures over rows no part of the interval was fitted or calibrated on: every row, and the one cut per engine. */
interface IntervalTally {
  rows: number;
  covered: number;
  below: number;
  above: number;
  width: number;
  ordered: number;
  cuts: number;
  cutBelow: number;
  cutAbove: number;
  /** Per engine, the share of its rows in the live-cut span below the lower bound / above the upper, summed. */
  spanBelow: number;
  spanAbove: number;
  trainSeconds: number;
}

const emptyInterval = (): IntervalTally => ({ rows: 0, covered: 0, below: 0, above: 0, width: 0, ordered: 0, cuts: 0, cutBelow: 0, cutAbove: 0, spanBelow: 0, spanAbove: 0, trainSeconds: 0 });

function tallyInterval(into: IntervalTally, model: RulModel, matrix: FeatureMatrix, truth: number[], truncation: number[], spans: { from: number; to: number }[], seconds: number): void {
  const { rul, lower, upper } = predictRulModel(model, matrix);
  if (!lower || !upper) throw new Error('the model has no interval');
  truth.forEach((t, row) => {
    if (t < lower[row]) into.below++;
    else if (t > upper[row]) into.above++;
    else into.covered++;
    if (lower[row] <= rul[row] && rul[row] <= upper[row]) into.ordered++;
    into.width += upper[row] - lower[row];
  });
  for (const row of truncation) {
    if (truth[row] < lower[row]) into.cutBelow++;
    if (truth[row] > upper[row]) into.cutAbove++;
  }
  for (const { from, to } of spans) {
    let below = 0;
    let above = 0;
    for (let row = from; row <= to; row++) {
      if (truth[row] < lower[row]) below++;
      if (truth[row] > upper[row]) above++;
    }
    into.spanBelow += below / (to - from + 1);
    into.spanAbove += above / (to - from + 1);
  }
  into.rows += truth.length;
  into.cuts += truncation.length;
  into.trainSeconds += seconds;
}

const percent = (share: number) => `${(100 * share).toFixed(1)} %`;

function reportInterval(name: string, e: IntervalTally): void {
  const { lower, upper } = DEFAULT_INTERVAL;
  printFigure(`${name}: interval q ${lower}-${upper}, every held-out row`,
    `coverage ${percent(e.covered / e.rows)} (nominal ${percent(upper - lower)}), below lower ${percent(e.below / e.rows)}, above upper ${percent(e.above / e.rows)}`);
  printFigure(`${name}: interval at one cut per engine (${e.cuts})`,
    `coverage ${percent(1 - (e.cutBelow + e.cutAbove) / e.cuts)}, below lower ${percent(e.cutBelow / e.cuts)}, above upper ${percent(e.cutAbove / e.cuts)}`);
  // What the calibration aims at: each engine cut at a uniformly random point of the span, in expectation. One cut per
  // engine draws it with a binomial spread of about 3 points on 100 engines.
  printFigure(`${name}: interval over each engine's ${100 * LIVE_CUTS.from}-${100 * LIVE_CUTS.to} % of life, engines weighed alike`,
    `below lower ${percent(e.spanBelow / e.cuts)}, above upper ${percent(e.spanAbove / e.cuts)}`);
  printFigure(`${name}: interval mean width / estimate inside its bounds`, `${(e.width / e.rows).toFixed(1)} cycles / ${percent(e.ordered / e.rows)} of rows`);
  printFigure(`${name}: interval training time (2 quantile models), ${FOLDS} folds`, `${e.trainSeconds.toFixed(1)} s`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function onnxFigures(histories: AssetHistory[], recipe: HistoryRecipe): Promise<void> {
  const options = { recipe, rulCap: CAP, boosting: {} };
  const fitted = fitHistories(histories, options);
  const { point, lower, upper, interval } = fitted.model;
  if (!lower || !upper || !interval) throw new Error('the final model was trained without its interval');
  printFigure(`final model on all ${histories.length} engines: trees (estimate + lower + upper)`, `${point.trees.length} + ${lower.trees.length} + ${upper.trees.length}, ${(fitted.trainingMs / 1000).toFixed(1)} s`);
  printFigure(`final model: interval calibrated on its ${interval.heldOutGroups} engines (${interval.calibratedOn})`,
    `${percent(interval.coverage)} calibrated (${percent(interval.coverageBeforeCalibration)} as fitted), below ${percent(interval.belowLower)}, above ${percent(interval.aboveUpper)}, width ${interval.meanWidth.toFixed(1)} cycles`);
  const scorer = await OnnxScorer.fromBytes(fittedToOnnx(fitted, options, 'train_FD001.txt', 'bench'));
  try {
    const matrix = fitted.set.matrix;
    const ours = predictRulModel(fitted.model, matrix);
    const theirs = await scorer.scoreIntervals(matrix);
    let worst = 0;
    for (const output of ['rul', 'lower', 'upper'] as const) {
      const a = ours[output];
      const b = theirs[output];
      if (!a || !b) throw new Error(`onnxruntime gave no ${output} column`);
      for (let row = 0; row < a.length; row++) worst = Math.max(worst, Math.abs(b[row] - a[row]) / Math.max(1, Math.abs(a[row])));
    }
    printFigure(`TypeScript trees vs onnxruntime, ${matrix.rows} rows × 3 outputs`, `max relative difference ${worst.toExponential(1)}`);
    const width = recipeFeatureNames(recipe).length;
    const one = (row: number) => ({ featureNames: matrix.featureNames, rows: 1, values: matrix.values.subarray(row * width, (row + 1) * width) });
    for (let i = 0; i < 200; i++) await scorer.scoreIntervals(one(i));
    const latencies: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const started = process.hrtime.bigint();
      await scorer.scoreIntervals(one(i % matrix.rows));
      latencies.push(Number(process.hrtime.bigint() - started) / 1000);
    }
    latencies.sort((a, b) => a - b);
    printFigure('onnxruntime latency, one asset per run(), 3 outputs', `p50 ${percentile(latencies, 0.5).toFixed(0)} µs, p99 ${percentile(latencies, 0.99).toFixed(0)} µs`);
    const batch = { featureNames: matrix.featureNames, rows: 10_000, values: matrix.values.subarray(0, 10_000 * width) };
    await scorer.scoreIntervals(batch);
    const started = process.hrtime.bigint();
    const repeats = 20;
    for (let i = 0; i < repeats; i++) await scorer.scoreIntervals(batch);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    printFigure('onnxruntime batched, 10,000 assets per run(), 3 outputs', `${Math.round((repeats * batch.rows) / seconds).toLocaleString('en-US')} assets/s`);
  } finally {
    await scorer.release();
  }
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Cross-validation by engine of one set and one way of preparing its sensors: `settings` named, the recipe (and its
 * regimes) is learned from each fold's training engines alone, as a model trained on a site's history would be.
 */
function crossValidate(set: string, histories: AssetHistory[], settings: readonly string[], withXgboost: boolean): void {
  const random = new Random(2026);
  const engines = shuffled(histories, random);
  const ours = empty();
  const theirs = empty();
  const interval = emptyInterval();
  const o = DEFAULT_BOOSTING_OPTIONS;
  const regimes: number[] = [];
  let features = 0;
  let recipeSeconds = 0;
  for (let fold = 0; fold < FOLDS; fold++) {
    const held = engines.filter((_, i) => i % FOLDS === fold);
    const training = engines.filter((_, i) => i % FOLDS !== fold);
    let started = process.hrtime.bigint();
    const recipe = buildRecipe(training, { window: WINDOW, settings, healthyBeyond: CAP });
    recipeSeconds += Number(process.hrtime.bigint() - started) / 1e9;
    if (recipe.regimes) regimes.push(recipe.regimes.centres.length);
    features = recipeFeatureNames(recipe).length;
    const trainingSet = historyTrainingSet(training, recipe, CAP);
    const test = testRows(held, recipe, random);
    started = process.hrtime.bigint();
    const prepared = prepareSet(trainingSet, o);
    const point = asBoostedModel(boost(prepared, SQUARED_ERROR, o), prepared.validationGroups);
    accumulate(ours, predictBoosted(point, test.matrix), test.truth, test.truncation, Number(process.hrtime.bigint() - started) / 1e9);
    started = process.hrtime.bigint();
    const bounds = trainInterval(prepared, DEFAULT_INTERVAL, o);
    const model: RulModel = { featureNames: point.featureNames, point, validationGroups: prepared.validationGroups, ...bounds };
    tallyInterval(interval, model, test.matrix, test.truth, test.truncation, test.spans, Number(process.hrtime.bigint() - started) / 1e9);
    if (withXgboost) {
      const validation = new Set(prepared.validationGroups);
      const xgb = xgboostPredict({
        train: trainingSet.matrix.values, trainTarget: trainingSet.target, validation: Uint8Array.from(trainingSet.groups, (g) => (validation.has(g) ? 1 : 0)),
        test: test.matrix.values, width: trainingSet.matrix.featureNames.length,
      }, o);
      accumulate(theirs, xgb.predictions, test.truth, test.truncation, xgb.seconds);
    }
  }
  const how = settings.length === 0 ? 'sensors as they are' : `per-regime normalisation (${[...new Set(regimes)].join('/')} regimes found per fold, ${recipeSeconds.toFixed(1)} s in all)`;
  const name = `twin-train ${set}${MULTI_CONDITION.has(set) ? (settings.length === 0 ? ' raw' : ' regimes') : ''}`;
  printFigure(`C-MAPSS ${set}, ${how}`, `${histories.length} engines, ${features} features, ${FOLDS}-fold CV by engine, RUL cap ${CAP}`);
  report(name, ours);
  if (withXgboost) report(`XGBoost ${set} (python3-xgboost, same features and settings)`, theirs);
  reportInterval(name, interval);
}

export async function run(): Promise<void> {
  const withXgboost = !ONLY_CMAPSS && xgboostAvailable();
  if (!ONLY_CMAPSS && !withXgboost) printFigure('XGBoost', 'skipped: python3-xgboost not installed (apt install python3-xgboost)');
  let ran = 0;
  for (const set of SETS) {
    const file = path.join(CMAPSS_DIR, `train_${set}.txt`);
    if (!fs.existsSync(file)) {
      process.stdout.write(`skipped ${set}: ${file} not found (see ../shared/README.md)\n`);
      continue;
    }
    ran++;
    const histories = parseHistories(fs.readFileSync(file, 'utf8'), 'cmapss', path.basename(file));
    if (MULTI_CONDITION.has(set) && WITH_RAW) crossValidate(set, histories, [], false);
    crossValidate(set, histories, CMAPSS_SETTINGS, withXgboost && set === 'FD001');
    if (!ONLY_CMAPSS && set === 'FD001') {
      const recipe = buildRecipe(histories, { window: WINDOW, settings: CMAPSS_SETTINGS, healthyBeyond: CAP });
      await onnxFigures(histories, recipe);
    }
  }
  if (ran === 0) process.stdout.write(`skipped: no C-MAPSS set found in ${CMAPSS_DIR}\n`);
}
