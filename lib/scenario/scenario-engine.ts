import type { RulModelHandle, RulPrediction } from '../rul/rul-model';
import type { CurrentState } from './current-state';
import type { EvaluationContext } from './evaluation-context';
import { featurePlan, modelsLackingFor, transformRecord } from './feature-transform';
import { figure, unavailable, type Figure } from './figure';
import type { IdentifiedModels } from './identification';
import type { ParameterChanges } from './parameter-changes';
import { paretoFront, rank, type ParetoFront, type RankEntry } from './ranking';
import { scenarioPhysics, type ScenarioPhysics } from './scenario-physics';
import { scenarioResult, type ScenarioResult } from './scenario-result';
import type { Objective } from './settings';

/** Where remaining-life figures come from: the RUL model with today's feature vector, or else today's prediction. */
export interface RulSource {
  model?: RulModelHandle;
  /** Why there is no model (none configured, or it failed to load). */
  modelProblem?: string;
  features?: { ts: number; values: Readonly<Record<string, number>> };
  prediction?: RulPrediction & { ts: number };
}

export interface ScenarioReport {
  asset: string;
  ts: number;
  today: Record<string, Figure>;
  baseline: ScenarioResult;
  scenarios: ScenarioResult[];
  objective: Objective;
  ranking: RankEntry[];
  pareto: ParetoFront;
  models: IdentifiedModels;
  /** Scenarios that cross or cannot be checked against a limit: never ranked, never applied. */
  flagged: string[];
  warnings: string[];
  evaluationMs: number;
}

export async function runScenarios(context: EvaluationContext, changes: readonly ParameterChanges[], objective: Objective, rul: RulSource, models: IdentifiedModels): Promise<ScenarioReport> {
  const started = performance.now();
  const basePhysics = scenarioPhysics(context, {});
  const baseline = scenarioResult(context, 'baseline', basePhysics, basePhysics, undefined);
  const physics = changes.map((c) => scenarioPhysics(context, c));
  const scenarios = physics.map((p, i) => scenarioResult(context, `s${i + 1}`, p, basePhysics, baseline));
  const warnings: string[] = [];
  if (!context.state.runningNow) {
    warnings.push(`${context.asset.id} is not running now: "today" is its last running state, ${new Date(context.state.window.from).toISOString()} – ${new Date(context.state.window.to).toISOString()}`);
  }
  await scoreRemainingLife(context, rul, basePhysics, baseline, physics, scenarios, warnings);
  return {
    asset: context.asset.id,
    ts: context.state.ts,
    today: todayFigures(context.state),
    baseline,
    scenarios,
    objective,
    ranking: rank(scenarios, objective),
    pareto: paretoFront(scenarios),
    models,
    flagged: scenarios.filter((s) => !s.feasible).map((s) => s.id),
    warnings,
    evaluationMs: performance.now() - started,
  };
}

/**
 * One `score()` call for the baseline and every scenario: the model's features of today's vector, and the same
 * moved to each scenario's operating point.
 */
async function scoreRemainingLife(context: EvaluationContext, rul: RulSource, basePhysics: ScenarioPhysics, baseline: ScenarioResult, physics: ScenarioPhysics[], scenarios: ScenarioResult[], warnings: string[]): Promise<void> {
  const all = [baseline, ...scenarios];
  const allPhysics = [basePhysics, ...physics];
  if (rul.model && rul.features) {
    const model = rul.model;
    const name = `RUL model ${model.version} on the scenario's features (today's vector moved by the models)`;
    const plan = featurePlan(model.featureNames, context.asset, context.sensorIds);
    const today = rul.features.values;
    const records = allPhysics.map((p) => transformRecord(plan, today, p, basePhysics));
    try {
      const predictions = await model.score(records, (row) => (row === 0 ? `${context.asset.id} today` : `${context.asset.id} scenario ${all[row].id}`));
      all.forEach((result, i) => {
        const lacking = i === 0 ? [] : modelsLackingFor(plan, allPhysics[i], basePhysics);
        if (lacking.length === 0) setRul(result, predictions[i], predictions[0], name);
        else setUnavailable(result, name, `the ${lacking.join(' and ')} model${lacking.length > 1 ? 's are' : ' is'} needed to move today's features to the scenario`);
      });
    } catch (err) {
      const reason = `the RUL model could not score the scenarios: ${err instanceof Error ? err.message : String(err)}`;
      warnings.push(reason);
      all.forEach((result) => setUnavailable(result, name, reason));
    }
    return;
  }
  if (rul.prediction) {
    const today = rul.prediction;
    const name = `today's RUL prediction × the scenario's bearing life ratio (ISO 281${context.thermal.parameters ? ' with lubricant derating' : ''})`;
    all.forEach((result, i) => {
      const p = allPhysics[i];
      const ratio = (p.adjustedLifeRatio ?? p.basicLifeRatio) / (basePhysics.adjustedLifeRatio ?? basePhysics.basicLifeRatio);
      const scaled = (h: number | undefined): number | undefined => (h === undefined ? undefined : h * ratio);
      setRul(result, { rulHours: today.rulHours * ratio, lowerHours: scaled(today.lowerHours), upperHours: scaled(today.upperHours) }, today, name);
    });
    if (rul.modelProblem) warnings.push(`remaining life scaled from today's prediction: ${rul.modelProblem}`);
    return;
  }
  const reason = rul.model ? 'no feature vector of the asset yet: wire twin-features to this node'
    : rul.modelProblem ?? 'no RUL model configured and no RUL prediction received';
  all.forEach((result) => setUnavailable(result, 'RUL model', reason));
}

function setRul(result: ScenarioResult, prediction: RulPrediction, today: RulPrediction, model: string): void {
  result.rul.hours = figure(prediction.rulHours, 'h', model);
  result.rul.lower = prediction.lowerHours === undefined ? unavailable('h', model, 'the model gives no interval') : figure(prediction.lowerHours, 'h', model);
  result.rul.upper = prediction.upperHours === undefined ? unavailable('h', model, 'the model gives no interval') : figure(prediction.upperHours, 'h', model);
  result.rul.change = figure(prediction.rulHours - today.rulHours, 'h', model);
}

function setUnavailable(result: ScenarioResult, model: string, reason: string): void {
  result.rul = { hours: unavailable('h', model, reason), lower: unavailable('h', model, reason), upper: unavailable('h', model, reason), change: unavailable('h', model, reason) };
}

function todayFigures(state: CurrentState): Record<string, Figure> {
  const measured = `mean of the running readings ${new Date(state.window.from).toISOString()} – ${new Date(state.window.to).toISOString()}`;
  const optional = (value: number | undefined, unit: string, model: string, reason: string): Figure => (value === undefined ? unavailable(unit, model, reason) : figure(value, unit, model));
  return {
    speed: figure(state.speedRpm, 'rpm', measured),
    speedSetpoint: optional(state.setpointRpm, 'rpm', measured, 'no speed setpoint sensor'),
    load: optional(state.loadPercent, '%', measured, 'no load sensor'),
    motorPower: optional(state.powerKw, 'kW', measured, 'no power sensor'),
    vibration: optional(state.vibrationMmS, 'mm/s', measured, 'no vibration sensor'),
    bearingTemp: optional(state.bearingTempC, '°C', 'newest bearing temperature of the window', 'no bearing temperature sensor'),
    bearingSteadyState: optional(state.bearingSteadyC, '°C', 'T + tau·dT/dt (thermal model)', 'no bearing temperature sensor'),
    ambient: optional(state.ambientC, '°C', state.ambientSource, state.ambientSource),
    dutyCycle: figure(state.dutyCycle * 100, '%', state.dutySource),
    partsPerHour: optional(state.partsPerHour, 'parts/h', state.partsSource, state.partsSource),
    scrapShare: optional(state.observedScrapShare === undefined ? undefined : state.observedScrapShare * 100, '%', 'scrap counter / part counter over the history', 'no part counters'),
  };
}
