import { findSensor, type SensorDefinition } from '../asset/asset-model';
import { severityZone, zoneBoundaries, type SeverityZone } from '../features/iso-10816';
import type { EvaluationContext } from './evaluation-context';
import type { ScenarioPhysics } from './scenario-physics';
import type { SensorRole } from './sensor-roles';

/**
 * The limits no proposal may cross: the rated maximum speed and power, the chosen limit (warning or alarm) of the
 * bearing temperature, vibration and load sensors, and the worst acceptable ISO 10816-3 zone. A limit whose
 * prediction is unavailable (its model could not be identified) counts as crossed: a scenario nobody can check is
 * never proposed.
 */
export interface Violation {
  constraint: 'maxRpm' | 'ratedPower' | 'bearingTemp' | 'vibration' | 'isoZone' | 'load';
  kind: 'limit' | 'unverified';
  limit: number | SeverityZone;
  predicted: number | SeverityZone | null;
  unit: string;
  reason: string;
}

const ZONES: readonly SeverityZone[] = ['A', 'B', 'C', 'D'];

function highLimit(sensor: SensorDefinition | undefined, level: 'warning' | 'alarm'): number | undefined {
  if (!sensor) return undefined;
  return level === 'warning' ? sensor.warning?.high ?? sensor.alarm?.high : sensor.alarm?.high;
}

export function checkConstraints(context: EvaluationContext, physics: ScenarioPhysics): Violation[] {
  const { asset, settings } = context;
  const level = settings.constraints.limitLevel;
  const violations: Violation[] = [];
  const maxRpm = asset.ratings.maxRpm;
  if (maxRpm !== undefined && physics.speedRpm > maxRpm) {
    violations.push({ constraint: 'maxRpm', kind: 'limit', limit: maxRpm, predicted: physics.speedRpm, unit: 'rpm', reason: `speed ${Math.round(physics.speedRpm)} rpm is above the rated maximum ${maxRpm} rpm` });
  }
  const rated = asset.ratings.ratedPowerKw;
  if (rated !== undefined && context.roles.has('power')) {
    if (physics.powerPeakKw === undefined) violations.push(unverified('ratedPower', rated, 'kW', 'rated power', context.power));
    else if (physics.powerPeakKw > rated) violations.push({ constraint: 'ratedPower', kind: 'limit', limit: rated, predicted: physics.powerPeakKw, unit: 'kW', reason: `peak power ${physics.powerPeakKw.toFixed(1)} kW is above the rated ${rated} kW` });
  }
  const check = (constraint: 'bearingTemp' | 'vibration' | 'load', role: SensorRole, predicted: number | undefined, model: EvaluationContext['thermal'] | EvaluationContext['vibration'] | undefined): void => {
    const id = context.sensorIds[role];
    const sensor = id ? findSensor(asset, id) : undefined;
    const limit = highLimit(sensor, level);
    if (!sensor || limit === undefined) return;
    if (predicted === undefined) {
      violations.push(unverified(constraint, limit, sensor.unit, `${sensor.name} ${level} limit`, model));
      return;
    }
    if (predicted >= limit) {
      violations.push({ constraint, kind: 'limit', limit, predicted, unit: sensor.unit, reason: `${sensor.name} would reach ${predicted.toFixed(2)} ${sensor.unit}, at or above its ${level} limit ${limit} ${sensor.unit}` });
    }
  };
  check('bearingTemp', 'bearingTemp', physics.bearingSteadyC, context.thermal);
  check('vibration', 'vibration', physics.vibrationMmS, context.vibration);
  check('load', 'load', physics.loadPeakPercent, undefined);
  const { machineGroup, mounting } = asset.ratings;
  if (machineGroup !== undefined && mounting !== undefined && context.roles.has('vibration')) {
    const maxZone = settings.constraints.maxZone;
    if (physics.vibrationMmS === undefined) {
      violations.push(unverified('isoZone', maxZone, 'ISO 10816-3 zone', `ISO 10816-3 zone ${maxZone}`, context.vibration));
    } else {
      const zone = severityZone(physics.vibrationMmS, machineGroup, mounting);
      if (ZONES.indexOf(zone) > ZONES.indexOf(maxZone)) {
        const boundary = zoneBoundaries(machineGroup, mounting)[ZONES.indexOf(maxZone)];
        violations.push({ constraint: 'isoZone', kind: 'limit', limit: maxZone, predicted: zone, unit: 'ISO 10816-3 zone', reason: `vibration ${physics.vibrationMmS.toFixed(2)} mm/s is in ISO 10816-3 zone ${zone}, beyond ${maxZone} (${boundary} mm/s for group ${machineGroup}, ${mounting})` });
      }
    }
  }
  return violations;
}

function unverified(constraint: Violation['constraint'], limit: number | SeverityZone, unit: string, what: string, model: { name: string; reason?: string } | undefined): Violation {
  const why = model && 'reason' in model && model.reason ? model.reason : 'no recent reading to start the prediction from';
  return { constraint, kind: 'unverified', limit, predicted: null, unit, reason: `cannot check the ${what}: ${why}` };
}
