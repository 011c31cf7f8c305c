import { basicLifeRatio, equivalentLoadRatio, lubricantFactor } from './bearing-life';
import { coolantFlowGain, coolantFlowPower, findCooling, type CoolingConfiguration } from './cooling';
import type { EvaluationContext } from './evaluation-context';
import type { ParameterChanges } from './parameter-changes';
import { predictPower } from './power-model';
import { scrapProbability } from './scrap-model';
import { thermalRise } from './thermal-model';
import { loadRatioForFeed, throughputFactor } from './throughput';
import { operatingVibration } from './vibration-model';

/**
 * The operating point a scenario leads to, in plain numbers (undefined where a model or a reading is missing):
 * computed for the baseline (no changes) and every scenario the same way, so a scenario's figures differ from the
 * baseline's only by what the changes do.
 */
export interface ScenarioPhysics {
  changes: ParameterChanges;
  speedRatio: number;
  feedRatio: number;
  loadRatio: number;
  speedRpm: number;
  loadPercent?: number;
  loadPeakPercent?: number;
  cooling: CoolingConfiguration;
  /** Factor on the temperature rise from the cooling change and coolant flow, against today's. */
  coolingGain: number;
  coolingKw: number;
  ambientC?: number;
  dutyCycle: number;
  throughputFactor: number;
  partsPerHour?: number;
  powerKw?: number;
  /** Power at the peak (highest 10-s mean) load of the window: for the rated-power check. */
  powerPeakKw?: number;
  bearingSteadyC?: number;
  /** Temperature rise over ambient, scenario over today: maps the bearing temperature features. */
  riseRatio?: number;
  vibrationMmS?: number;
  scrapProbability?: number;
  basicLifeRatio: number;
  adjustedLifeRatio?: number;
}

export function scenarioPhysics(context: EvaluationContext, changes: ParameterChanges): ScenarioPhysics {
  const { state, settings } = context;
  const speedRatio = 1 + (changes.speedPercent ?? 0) / 100;
  const feedRatio = 1 + (changes.feedPercent ?? 0) / 100;
  const loadRatio = loadRatioForFeed(feedRatio, settings.throughput);
  const flowRatio = 1 + (changes.coolantFlowPercent ?? 0) / 100;
  const cooling = changes.cooling !== undefined ? findCooling(settings.cooling, changes.cooling) : context.currentCooling;
  const coolingGain = (cooling.gainFactor / context.currentCooling.gainFactor) * (flowRatio === 1 ? 1 : coolantFlowGain(flowRatio, settings.cooling.coolantShare));
  const s0 = state.speedFraction;
  const s1 = s0 * speedRatio;
  const load0 = (state.loadPercent ?? 0) / 100;
  const load1 = load0 * loadRatio;
  const peak1 = ((state.loadPeakPercent ?? state.loadPercent ?? 0) / 100) * loadRatio;
  const factor = throughputFactor(speedRatio, feedRatio, settings.throughput);
  const ambientC = changes.ambientC ?? state.ambientC;

  const power = context.power.parameters;
  const thermal = context.thermal.parameters;
  const vibration = context.vibration.parameters;
  const scrap = context.scrap.parameters;

  let bearingSteadyC: number | undefined;
  let riseRatio: number | undefined;
  if (thermal && state.bearingSteadyC !== undefined && state.ambientC !== undefined && ambientC !== undefined) {
    const observedRise = state.bearingSteadyC - state.ambientC;
    const modelRise0 = thermalRise(thermal, s0, load0);
    const modelRise1 = thermalRise(thermal, s1, load1);
    // Today's observed rise calibrates the model to the bearing's present state (wear raises friction heat).
    const rise0 = observedRise > 0 ? observedRise : modelRise0;
    const rise1 = (modelRise0 > 0 ? rise0 * (modelRise1 / modelRise0) : modelRise1) * coolingGain;
    bearingSteadyC = ambientC + rise1;
    riseRatio = rise0 > 0 ? rise1 / rise0 : undefined;
  }
  let vibrationMmS: number | undefined;
  if (vibration && state.vibrationMmS !== undefined) {
    const rest = state.vibrationMmS - operatingVibration(vibration, s0, load0);
    vibrationMmS = Math.max(0, rest + operatingVibration(vibration, s1, load1));
  }
  const basic = basicLifeRatio(speedRatio, equivalentLoadRatio(loadRatio, settings.bearing.preloadShare), settings.bearing.type);
  const adjusted = bearingSteadyC !== undefined && state.bearingSteadyC !== undefined
    ? basic * lubricantFactor(bearingSteadyC, settings.bearing) / lubricantFactor(state.bearingSteadyC, settings.bearing)
    : undefined;
  return {
    changes, speedRatio, feedRatio, loadRatio,
    speedRpm: state.speedRpm * speedRatio,
    loadPercent: state.loadPercent !== undefined ? load1 * 100 : undefined,
    loadPeakPercent: state.loadPercent !== undefined ? peak1 * 100 : undefined,
    cooling, coolingGain,
    coolingKw: coolantFlowPower(cooling.powerKw, flowRatio),
    ambientC,
    dutyCycle: changes.dutyCyclePercent !== undefined ? changes.dutyCyclePercent / 100 : state.dutyCycle,
    throughputFactor: factor,
    partsPerHour: state.partsPerHour !== undefined ? state.partsPerHour * factor : undefined,
    powerKw: power ? predictPower(power, s1, load1) : undefined,
    powerPeakKw: power ? predictPower(power, s1, peak1) : undefined,
    bearingSteadyC,
    riseRatio,
    vibrationMmS,
    scrapProbability: scrap && vibrationMmS !== undefined ? scrapProbability(scrap, vibrationMmS) : undefined,
    basicLifeRatio: basic,
    adjustedLifeRatio: adjusted,
  };
}
