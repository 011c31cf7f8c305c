import { severityZone, type SeverityZone } from '../features/iso-10816';
import { basicRatingLifeHours } from './bearing-life';
import { checkConstraints, type Violation } from './constraints';
import { MIN_COUNTED_PARTS } from './current-state';
import type { EvaluationContext } from './evaluation-context';
import { difference, figure, percentChange, unavailable, type Figure } from './figure';
import { describeChanges, type ParameterChanges } from './parameter-changes';
import { returnOnInvestment, scenarioHours, yearlyFigures, type RoiResult } from './roi';
import type { ScenarioPhysics } from './scenario-physics';

/** Everything one scenario does, each figure with its unit and model; `feasible` is false when any limit is crossed. */
export interface ScenarioResult {
  id: string;
  label: string;
  changes: ParameterChanges;
  operatingPoint: {
    speed: Figure;
    load: Figure;
    cooling: Figure<string>;
    ambient: Figure;
    dutyCycle: Figure;
  };
  throughput: { partsPerHour: Figure; change: Figure; partsPerYear: Figure };
  energy: { motorPower: Figure; coolingPower: Figure; perPart: Figure; perPartChange: Figure; perYear: Figure };
  thermal: { bearingSteadyState: Figure; change: Figure; timeConstant: Figure; settlingTime: Figure };
  vibration: { velocity: Figure; change: Figure; zone: Figure<SeverityZone> };
  quality: { scrapRate: Figure; change: Figure };
  bearing: { basicLifeRatio: Figure; basicLifeChange: Figure; adjustedLifeRatio: Figure; adjustedLifeChange: Figure; life: Figure };
  rul: { hours: Figure; lower: Figure; upper: Figure; change: Figure };
  roi: RoiResult;
  violations: Violation[];
  feasible: boolean;
}

const ASSUMED_SAME_PROGRAM = 'same part program: cycle time ∝ 1/(speed × feed) for the speed-bound share';

function maybe(value: number | undefined, unit: string, model: string, reason: string): Figure {
  return value === undefined ? unavailable(unit, model, reason) : figure(value, unit, model);
}

/** Bearing life at today's operating point, operating hours, and where it comes from. */
function baselineLife(context: EvaluationContext): { hours?: number; model: string; reason: string } {
  const b = context.settings.bearing;
  if (b.lifeHours !== undefined) return { hours: b.lifeHours, model: 'bearing life at today\'s conditions (setting)', reason: '' };
  if (b.dynamicLoadRatingN !== undefined && b.equivalentLoadN !== undefined) {
    return { hours: basicRatingLifeHours(b.dynamicLoadRatingN, b.equivalentLoadN, context.state.speedRpm, b.type), model: `ISO 281 L10h from C ${b.dynamicLoadRatingN} N, P ${b.equivalentLoadN} N at ${Math.round(context.state.speedRpm)} rpm`, reason: '' };
  }
  return { model: 'bearing life', reason: 'set the bearing life at today\'s conditions, or its dynamic load rating C and equivalent load P' };
}

export function scenarioResult(context: EvaluationContext, id: string, physics: ScenarioPhysics, baseline: ScenarioPhysics, baselineFigures: ScenarioResult | undefined): ScenarioResult {
  const { state, settings, thermal, power, vibration, scrap } = context;
  const costs = settings.costs;
  const partsReason = state.partsSource;
  const powerReason = 'reason' in power ? power.reason ?? '' : '';
  const thermalReason = 'reason' in thermal ? thermal.reason ?? '' : state.bearingSteadyC === undefined ? 'no bearing temperature in today\'s window' : 'the ambient temperature is unknown';
  const vibrationReason = 'reason' in vibration ? vibration.reason ?? '' : 'no vibration in today\'s window';
  const scrapReason = 'reason' in scrap ? scrap.reason ?? '' : 'no vibration prediction';

  const partsPerHour = maybe(physics.partsPerHour, 'parts/h', `${state.partsSource}; ${ASSUMED_SAME_PROGRAM}`, partsReason);
  const motorPower = maybe(physics.powerKw, 'kW', power.name, powerReason);
  const coolingPower = figure(physics.coolingKw, 'kW', `cooling "${physics.cooling.name}"${physics.changes.coolantFlowPercent ? ', pump power ∝ flow³' : ''}`);
  const perPart = physics.powerKw !== undefined && physics.partsPerHour !== undefined
    ? figure((physics.powerKw + physics.coolingKw) / physics.partsPerHour, 'kWh/part', `(${power.name} + cooling) / throughput`)
    : unavailable('kWh/part', 'power / throughput', physics.powerKw === undefined ? powerReason : partsReason);
  const steady = maybe(physics.bearingSteadyC, '°C', `${thermal.name}, calibrated to today's steady state`, thermalReason);
  const velocity = maybe(physics.vibrationMmS, 'mm/s', `${vibration.name}, today's rest kept`, vibrationReason);
  const { machineGroup, mounting } = context.asset.ratings;
  const zone: Figure<SeverityZone> = physics.vibrationMmS !== undefined && machineGroup !== undefined && mounting !== undefined
    ? figure(severityZone(physics.vibrationMmS, machineGroup, mounting), 'ISO 10816-3 zone', `ISO 10816-3 group ${machineGroup}, ${mounting}`)
    : unavailable('ISO 10816-3 zone', 'ISO 10816-3', physics.vibrationMmS === undefined ? vibrationReason : 'the asset has no machine group and mounting');
  const scrapRate = maybe(physics.scrapProbability === undefined ? undefined : physics.scrapProbability * 100, '%', scrap.name, scrapReason);
  const basic = figure(physics.basicLifeRatio, '×', `ISO 281: (n0/n1)(P0/P1)^${settings.bearing.type === 'roller' ? '10/3' : '3'}, P ∝ cutting load${settings.bearing.preloadShare ? ` + ${settings.bearing.preloadShare} preload` : ''}`);
  const adjusted = maybe(physics.adjustedLifeRatio, '×', `ISO 281 ratio × lubricant life 2^((${settings.bearing.referenceTempC} - T)/${settings.bearing.halvingC}) (SKF), ratio to today`, thermalReason);
  const life0 = baselineLife(context);
  const lifeRatio = physics.adjustedLifeRatio ?? physics.basicLifeRatio;
  const lifeHours = life0.hours !== undefined ? life0.hours * lifeRatio : undefined;
  const life = maybe(lifeHours, 'h', `${life0.model} × ${physics.adjustedLifeRatio !== undefined ? 'adjusted' : 'basic'} life ratio`, life0.reason);

  const scrapShare = physics.scrapProbability !== undefined
    ? { value: physics.scrapProbability, model: scrap.name }
    : state.observedScrapShare !== undefined
      ? { value: state.observedScrapShare, model: `observed scrap share, unchanged (no scrap model: ${scrapReason})` }
      : { model: `no scrap share yet (fewer than ${MIN_COUNTED_PARTS} parts counted; ${scrapReason})` };
  const baselineScrap = baseline.scrapProbability !== undefined ? { value: baseline.scrapProbability, model: scrap.name } : { value: state.observedScrapShare, model: scrapShare.model };
  const baselineLifeHours = life0.hours !== undefined ? life0.hours * (baseline.adjustedLifeRatio ?? baseline.basicLifeRatio) : undefined;
  const investment = physics.cooling.name !== context.currentCooling.name ? physics.cooling.investment : 0;
  const hours = scenarioHours(physics, baseline, costs, scrapShare.value, baselineScrap.value);
  const baselineHours = costs.productionHoursPerYear * baseline.dutyCycle;
  const roi = returnOnInvestment(
    yearlyFigures(physics, hours.hours, scrapShare, lifeHours, life0.reason),
    yearlyFigures(baseline, baselineHours, baselineScrap, baselineLifeHours, life0.reason),
    costs, investment, partsReason, powerReason, hours.model,
  );
  const operatingHours = hours.hours;
  const violations = checkConstraints(context, physics);
  const b = baselineFigures;
  const result: ScenarioResult = {
    id,
    label: describeChanges(physics.changes),
    changes: physics.changes,
    operatingPoint: {
      speed: figure(physics.speedRpm, 'rpm', 'today\'s mean speed × speed change'),
      load: maybe(physics.loadPercent, '%', `today's mean load × feed ratio^(1 - ${settings.throughput.kienzleMc}) (Kienzle)`, 'the asset has no load sensor'),
      cooling: figure(physics.cooling.name, 'configuration', 'cooling table'),
      ambient: maybe(physics.ambientC, '°C', physics.changes.ambientC !== undefined ? 'scenario' : state.ambientSource, state.ambientSource),
      dutyCycle: figure(physics.dutyCycle * 100, '%', physics.changes.dutyCyclePercent !== undefined ? 'scenario' : state.dutySource),
    },
    throughput: {
      partsPerHour,
      change: b ? percentChange(partsPerHour, b.throughput.partsPerHour, ASSUMED_SAME_PROGRAM) : figure(0, '%', 'baseline'),
      partsPerYear: maybe(physics.partsPerHour === undefined ? undefined : physics.partsPerHour * operatingHours, 'parts/yr', `throughput × ${hours.model}`, partsReason),
    },
    energy: {
      motorPower,
      coolingPower,
      perPart,
      perPartChange: b ? percentChange(perPart, b.energy.perPart, 'energy per part') : figure(0, '%', 'baseline'),
      perYear: maybe(physics.powerKw === undefined ? undefined : (physics.powerKw + physics.coolingKw) * operatingHours, 'kWh/yr', `(motor + cooling power) × operating hours`, powerReason),
    },
    thermal: {
      bearingSteadyState: steady,
      change: b ? difference(steady, b.thermal.bearingSteadyState, thermal.name, 'K') : figure(0, 'K', 'baseline'),
      timeConstant: thermal.parameters ? figure(thermal.parameters.timeConstantS / 60, 'min', thermal.name) : unavailable('min', thermal.name, thermalReason),
      settlingTime: thermal.parameters ? figure((3 * thermal.parameters.timeConstantS) / 60, 'min', `3 time constants (95 % of the change): ${thermal.name}`) : unavailable('min', thermal.name, thermalReason),
    },
    vibration: {
      velocity,
      change: b ? difference(velocity, b.vibration.velocity, vibration.name) : figure(0, 'mm/s', 'baseline'),
      zone,
    },
    quality: {
      scrapRate,
      change: b ? difference(scrapRate, b.quality.scrapRate, scrap.name, 'percentage points') : figure(0, 'percentage points', 'baseline'),
    },
    bearing: {
      basicLifeRatio: basic,
      basicLifeChange: figure((physics.basicLifeRatio - 1) * 100, '%', basic.model),
      adjustedLifeRatio: adjusted,
      adjustedLifeChange: physics.adjustedLifeRatio === undefined ? unavailable('%', adjusted.model, thermalReason) : figure((physics.adjustedLifeRatio - 1) * 100, '%', adjusted.model),
      life,
    },
    rul: {
      hours: unavailable('h', 'RUL model', 'not scored yet'),
      lower: unavailable('h', 'RUL model', 'not scored yet'),
      upper: unavailable('h', 'RUL model', 'not scored yet'),
      change: unavailable('h', 'RUL model', 'not scored yet'),
    },
    roi,
    violations,
    feasible: violations.length === 0,
  };
  return result;
}
