/**
 * RUL scoring at the engine's speed. The shipped model (models/default-rul.onnx: estimate and 80 % interval, three
 * tree ensembles) scores a fleet's newest feature vectors the way twin-rul does each cycle (scoreVectors: checks,
 * the features written into the scorer's input buffer, one run(), a record per asset), beside onnxruntime's bare
 * `run()` on the same model, the same batch already in a tensor and the same session options (the same number of
 * intra-op threads), timed in alternating slices of the same process, at one and at two threads. The vectors are a
 * simulated spindle's and pump's lives, every feature twin-features emits, so the model picks its seven out of about
 * a hundred as it does live.
 */
import fs from 'node:fs';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { PUMP_ASSET, SPINDLE_ASSET } from '../lib/asset/presets';
import type { FeatureVector } from '../lib/features/feature-vector';
import { DEFAULT_MODEL_FILE } from '../lib/rul/default-model';
import { scoreVectors } from '../lib/rul/live-scoring';
import { OnnxRulModel } from '../lib/rul/onnx-rul-model';
import { readMetadata, scoringSessionOptions, type ScoringEngineOptions } from '../lib/rul/onnx-scorer';
import { FEATURE_NAMES_KEY } from '../lib/rul/onnx-export';
import { onnxTreeEnsembles } from '../lib/rul/onnx-trees';
import { runToFailure } from '../plant/run-to-failure';
import { singleNodeLayout } from '../test/support/onnx-layouts';
import { alternate, formatRate, printAgainstGoal, printBeside, printFigure } from './print-figure';

const GOAL_ASSETS_PER_S = 200_000;
const GOAL_SHARE_OF_BARE = 0.8;

function fleetVectors(): FeatureVector[] {
  const lives = [
    runToFailure({ id: 'spindle-1/bench', assetId: SPINDLE_ASSET.id, seed: 1, ambientC: 22, setpointRpm: 12000 }),
    runToFailure({ id: 'pump-1/bench', assetId: PUMP_ASSET.id, seed: 2, ambientC: 22, setpointRpm: 2970 }),
  ];
  return lives.flatMap((life) => life.vectors).map((v, i) => ({
    asset: `asset-${i}`, ts: v.ts, features: v.features, units: {}, windows: {},
    quality: { speed: 'good', vibration: 'good', acceleration: 'good' },
  }));
}

function batchOf(vectors: FeatureVector[], size: number): FeatureVector[] {
  return Array.from({ length: size }, (_, i) => ({ ...vectors[i % vectors.length], asset: `asset-${i}` }));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function latencies(call: () => Promise<unknown>, calls: number): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 200; i++) await call();
  const micros: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = process.hrtime.bigint();
    await call();
    micros.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  micros.sort((a, b) => a - b);
  return { p50: percentile(micros, 0.5), p99: percentile(micros, 0.99) };
}

const THREADS = [1, 2];
const BATCH_SIZES = [1024, 10_000];

function tensorOf(batch: FeatureVector[], names: readonly string[]): Tensor {
  const data = new Float64Array(batch.length * names.length);
  batch.forEach((v, row) => names.forEach((name, f) => { data[row * names.length + f] = Math.fround(v.features[name]); }));
  return new Tensor('float64', data, [batch.length, names.length]);
}

function oneFeed(session: InferenceSession, batch: FeatureVector[], names: readonly string[]): Record<string, Tensor> {
  return { [session.inputNames[0]]: tensorOf(batch, names) };
}

/** scoreVectors beside bare run() with `engine`'s threads, at each batch size and for one asset. */
async function atThreads(bytes: Buffer, engine: ScoringEngineOptions, vectors: FeatureVector[]): Promise<void> {
  const threads = engine.intraOpThreads;
  const threadsLabel = `${threads} thread${threads > 1 ? 's' : ''}`;
  const model = await OnnxRulModel.load(bytes, undefined, engine);
  const session = await InferenceSession.create(bytes, scoringSessionOptions(engine));
  // The same trees in the layout the pack wrote before: one TreeEnsembleRegressor with three targets.
  const singleNode = threads === 1 ? await InferenceSession.create(singleNodeLayout(bytes), scoringSessionOptions(engine)) : undefined;
  try {
    const names = model.featureNames;
    for (const size of BATCH_SIZES) {
      const batch = batchOf(vectors, size);
      const feeds = oneFeed(session, batch, names);
      const calls = size > 5000 ? 20 : 100;
      const contenders: Record<string, () => unknown> = { bare: () => session.run(feeds), ours: () => scoreVectors(model, batch) };
      if (singleNode) contenders.singleNode = () => singleNode.run(feeds);
      const cpu: Record<string, number> = {};
      const seconds = await alternate(contenders, calls, 20, undefined, cpu);
      const bare = size / seconds.bare;
      const ours = size / seconds.ours;
      printBeside(`${threadsLabel}, ${size.toLocaleString('en-US')} per run(): scoreVectors vs bare`, ours, bare, 'assets/s', GOAL_SHARE_OF_BARE);
      printAgainstGoal('  ours against the 200k assets/s goal', ours, GOAL_ASSETS_PER_S, 'assets/s');
      printAgainstGoal('  bare run() against the same goal', bare, GOAL_ASSETS_PER_S, 'assets/s');
      const perAsset = (secondsPerCall: number) => ((secondsPerCall / size) * 1e6).toFixed(2);
      printFigure('  wall time per asset: ours / bare', `${perAsset(seconds.ours)} / ${perAsset(seconds.bare)} µs`);
      printFigure('  CPU per asset (all threads): ours / bare', `${perAsset(cpu.ours)} / ${perAsset(cpu.bare)} µs (bare / ours ${(cpu.bare / cpu.ours).toFixed(2)})`);
      if (singleNode) printFigure('  bare run(), the same trees as one 3-target ensemble', `${formatRate(size / seconds.singleNode)} assets/s (one per output: ${(seconds.singleNode / seconds.bare).toFixed(2)}×)`);
      if (threads > 1) {
        // Timed apart: its pool threads spin on after each run() and would slow whatever runs next.
        const spinning = await InferenceSession.create(bytes, { intraOpNumThreads: threads });
        const spinningCpu: Record<string, number> = {};
        const spinningSeconds = (await alternate({ spinning: () => spinning.run(feeds) }, calls, 10, undefined, spinningCpu)).spinning;
        await spinning.release();
        printFigure(`  bare, ${threads} spinning threads (default pool, timed after)`, `${formatRate(size / spinningSeconds)} assets/s, CPU per asset ${perAsset(spinningCpu.spinning)} µs`);
      }
    }
    const one = batchOf(vectors, 1);
    const oneFeeds = oneFeed(session, one, names);
    const bareOne = await latencies(() => session.run(oneFeeds), 3000);
    const oursOne = await latencies(() => scoreVectors(model, one), 3000);
    printFigure(`${threadsLabel}, one asset, bare run(): p50 / p99`, `${bareOne.p50.toFixed(0)} / ${bareOne.p99.toFixed(0)} µs`);
    printFigure(`${threadsLabel}, one asset, scoreVectors: p50 / p99`, `${oursOne.p50.toFixed(0)} / ${oursOne.p99.toFixed(0)} µs${oursOne.p99 > 1000 ? ' (over the 1 ms goal)' : ''}`);
  } finally {
    await Promise.all([model.release(), session.release(), singleNode?.release()]);
  }
}

export async function run(): Promise<void> {
  const bytes = fs.readFileSync(DEFAULT_MODEL_FILE);
  const names = JSON.parse(readMetadata(bytes)[FEATURE_NAMES_KEY]) as string[];
  const ensembles = onnxTreeEnsembles(bytes, names);
  const nodes = ensembles.reduce((sum, e) => sum + e.trees.reduce((n, tree) => n + tree.length, 0), 0);
  printFigure('model: models/default-rul.onnx, trees per output', `${ensembles.map((e) => e.trees.length).join(' + ')} (${nodes.toLocaleString('en-US')} nodes, ${names.length} features)`);
  const vectors = fleetVectors();
  for (const intraOpThreads of THREADS) await atThreads(bytes, { intraOpThreads }, vectors);
}
