/**
 * What-if scenarios: scenarios evaluated per second for one large grid request, every figure, the constraints,
 * ranking, Pareto front and the RUL of every scenario from a real ONNX model in one batch (goal ≥ 10,000/s); the
 * time of the operator's 14 cooling configurations × 5 speeds grid; and the identification of the models from
 * 3.8 hours of history. The models are identified from the simulated spindle run in virtual time.
 */
import { SPINDLE_ASSET } from '../lib/asset/presets';
import { DEFAULT_COOLING } from '../lib/scenario/cooling';
import type { ParameterChanges } from '../lib/scenario/parameter-changes';
import { ScenarioTwin } from '../lib/scenario/scenario-twin';
import { DEFAULT_SCENARIO_SETTINGS } from '../lib/scenario/settings';
import { identificationRun } from '../test/support/spindle-fixture';
import { RecordingRulModel } from '../test/support/tiny-rul-model';
import { printFigure } from './print-figure';

function range(from: number, to: number, step: number): number[] {
  return Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function grid(speeds: number[], feeds: number[], ambients: number[]): ParameterChanges[] {
  return DEFAULT_COOLING.flatMap((c) => speeds.flatMap((speedPercent) => feeds.flatMap((feedPercent) =>
    ambients.map((ambientC) => ({ cooling: c.name, speedPercent, feedPercent, ambientC })))));
}

export async function run(): Promise<void> {
  const history = identificationRun();
  const twin = new ScenarioTwin(SPINDLE_ASSET, { settings: DEFAULT_SCENARIO_SETTINGS });
  for (const batch of history.batches) twin.addReadings(batch);
  twin.addFeatures(history.vector);
  const identifyTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    twin.identify();
    identifyTimes.push(performance.now() - started);
  }
  printFigure(`identification of 4 models from ${twin.historyMinutes.toFixed(0)} min of history`, `${median(identifyTimes).toFixed(0)} ms`);

  const model = await RecordingRulModel.train();
  try {
    const large = grid(range(-10, 30, 2), range(-15, 15, 5), range(18, 34, 4));
    for (const rul of [{ model }, {}]) {
      await twin.evaluate(large.slice(0, 500), 'roi', rul);
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const report = await twin.evaluate(large, 'roi', rul);
        times.push(performance.now() - started);
        if (rul.model && report.scenarios[0].rul.hours.value === null) throw new Error(`RUL not scored: ${report.scenarios[0].rul.hours.unavailable}`);
      }
      const seconds = median(times) / 1000;
      printFigure(`${large.length.toLocaleString('en-US')} scenarios in one request, ${rul.model ? 'with' : 'without'} the RUL batch`, `${Math.round(large.length / seconds).toLocaleString('en-US')} scenarios/s (${(seconds * 1000).toFixed(0)} ms)`);
    }
    const operator = grid(range(0, 20, 5), [0], [22]).map(({ cooling, speedPercent }) => ({ cooling, speedPercent }));
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      await twin.evaluate(operator, 'roi', { model });
      times.push(performance.now() - started);
    }
    printFigure('14 cooling × 5 speeds grid with RUL, median / max of 30', `${median(times).toFixed(1)} / ${Math.max(...times).toFixed(1)} ms`);
  } finally {
    await model.release();
  }
}
