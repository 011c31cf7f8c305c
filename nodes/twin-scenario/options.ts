import { DEFAULT_COOLING, DEFAULT_CURRENT_COOLING, type CoolingConfiguration } from '../../lib/scenario/cooling';
import { DEFAULT_IDENTIFICATION_OPTIONS } from '../../lib/scenario/identification-options';
import type { ScenarioTwinOptions } from '../../lib/scenario/scenario-twin';
import { DEFAULT_SCENARIO_SETTINGS, OBJECTIVES, type Objective } from '../../lib/scenario/settings';
import type { SensorRole } from '../../lib/scenario/sensor-roles';
import type { SeverityZone } from '../../lib/features/iso-10816';

/** The editor's fields, as Node-RED stores them (strings, and the cooling table as a list). */
export interface TwinScenarioFields {
  speedSensor: string;
  setpointSensor: string;
  loadSensor: string;
  powerSensor: string;
  currentSensor: string;
  temperatureSensor: string;
  vibrationSensor: string;
  stateSensor: string;
  runningValue: string;
  partSensor: string;
  goodSensor: string;
  scrapSensor: string;
  ambientSensor: string;
  ambientC: string;
  currency: string;
  energyPerKwh: string;
  downtimePerHour: string;
  partMargin: string;
  labourPerHour: string;
  scrapCostPerPart: string;
  bearingReplacementCost: string;
  replacementLabourHours: string;
  replacementDowntimeHours: string;
  productionHoursPerYear: string;
  periodHours: string;
  market: string;
  bearingType: string;
  preloadShare: string;
  bearingLifeHours: string;
  dynamicLoadRatingN: string;
  equivalentLoadN: string;
  lubricantReferenceC: string;
  lubricantHalvingC: string;
  nonSpeedBoundShare: string;
  kienzleMc: string;
  limitLevel: string;
  maxZone: string;
  cooling: Array<{ name?: unknown; gainFactor?: unknown; powerKw?: unknown; investment?: unknown }> | undefined;
  currentCooling: string;
  coolantShare: string;
  objective: string;
  historyHours: string;
  reidentifyMinutes: string;
  minThermalMinutes: string;
  /** 'true' while the costs are the demo's example figures rather than the plant's own. */
  costsExample: string | boolean;
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).trim();
}

function number(value: unknown, fallback: number, label: string): number {
  const raw = text(value);
  if (raw === '') return fallback;
  const parsed = Number(raw);
  if (!Number.isFinite(parsed)) throw new Error(`${label} "${raw}" is not a number`);
  return parsed;
}

function optionalNumber(value: unknown, label: string): number | undefined {
  return text(value) === '' ? undefined : number(value, NaN, label);
}

function coolingTable(rows: TwinScenarioFields['cooling']): CoolingConfiguration[] {
  if (!Array.isArray(rows) || rows.length === 0) return [...DEFAULT_COOLING];
  return rows.map((row, i) => ({
    name: text(row.name),
    gainFactor: number(row.gainFactor, NaN, `gain factor of cooling row ${i + 1}`),
    powerKw: number(row.powerKw, 0, `power of cooling row ${i + 1}`),
    investment: number(row.investment, 0, `investment of cooling row ${i + 1}`),
  }));
}

/** Turns the editor's fields into the twin's options; an empty field takes the documented default. */
export function scenarioOptions(fields: Partial<TwinScenarioFields>): ScenarioTwinOptions {
  const d = DEFAULT_SCENARIO_SETTINGS;
  const roles: Partial<Record<SensorRole, string>> = {};
  const role = (name: SensorRole, value: unknown): void => { if (value !== undefined) roles[name] = text(value); };
  role('speed', fields.speedSensor);
  role('setpoint', fields.setpointSensor);
  role('load', fields.loadSensor);
  role('power', fields.powerSensor);
  role('current', fields.currentSensor);
  role('bearingTemp', fields.temperatureSensor);
  role('vibration', fields.vibrationSensor);
  role('state', fields.stateSensor);
  role('parts', fields.partSensor);
  role('good', fields.goodSensor);
  role('scrap', fields.scrapSensor);
  role('ambient', fields.ambientSensor);
  const objective = text(fields.objective) || d.objective;
  if (!OBJECTIVES.includes(objective as Objective)) throw new Error(`objective "${objective}" is unknown: use ${OBJECTIVES.join(', ')}`);
  const market = text(fields.market) || d.costs.market;
  if (market !== 'capacity' && market !== 'demand') throw new Error(`market "${market}" must be capacity or demand`);
  const limitLevel = text(fields.limitLevel) || d.constraints.limitLevel;
  if (limitLevel !== 'warning' && limitLevel !== 'alarm') throw new Error(`limit level "${limitLevel}" must be warning or alarm`);
  const maxZone = text(fields.maxZone) || d.constraints.maxZone;
  if (!['A', 'B', 'C', 'D'].includes(maxZone)) throw new Error(`worst ISO zone "${maxZone}" must be A, B, C or D`);
  const bearingType = text(fields.bearingType) || d.bearing.type;
  if (bearingType !== 'ball' && bearingType !== 'roller') throw new Error(`bearing type "${bearingType}" must be ball or roller`);
  const historyHours = number(fields.historyHours, 6, 'history hours');
  if (!(historyHours > 0 && historyHours <= 168)) throw new Error('history hours must be above 0 and at most 168');
  const bucketMs = 10_000;
  return {
    roles,
    runningState: number(fields.runningValue, 1, 'running state value'),
    history: { bucketMs, buckets: Math.round((historyHours * 3_600_000) / bucketMs) },
    ambientC: optionalNumber(fields.ambientC, 'ambient temperature'),
    reidentifyMs: number(fields.reidentifyMinutes, 10, 'identify again after') * 60_000,
    identification: { minThermalMinutes: number(fields.minThermalMinutes, DEFAULT_IDENTIFICATION_OPTIONS.minThermalMinutes, 'least history for the thermal model') },
    settings: {
      ...d,
      objective: objective as Objective,
      costs: {
        currency: text(fields.currency) || d.costs.currency,
        energyPerKwh: number(fields.energyPerKwh, d.costs.energyPerKwh, 'energy price'),
        downtimePerHour: number(fields.downtimePerHour, d.costs.downtimePerHour, 'downtime cost'),
        partMargin: number(fields.partMargin, d.costs.partMargin, 'part margin'),
        labourPerHour: number(fields.labourPerHour, d.costs.labourPerHour, 'labour rate'),
        scrapCostPerPart: number(fields.scrapCostPerPart, d.costs.scrapCostPerPart, 'scrap cost'),
        bearingReplacementCost: number(fields.bearingReplacementCost, d.costs.bearingReplacementCost, 'bearing replacement cost'),
        replacementLabourHours: number(fields.replacementLabourHours, d.costs.replacementLabourHours, 'replacement labour hours'),
        replacementDowntimeHours: number(fields.replacementDowntimeHours, d.costs.replacementDowntimeHours, 'replacement downtime hours'),
        productionHoursPerYear: number(fields.productionHoursPerYear, d.costs.productionHoursPerYear, 'production hours per year'),
        periodHours: number(fields.periodHours, d.costs.periodHours, 'ROI period'),
        market,
        example: String(fields.costsExample) === 'true',
      },
      bearing: {
        type: bearingType,
        preloadShare: number(fields.preloadShare, d.bearing.preloadShare, 'preload share'),
        referenceTempC: number(fields.lubricantReferenceC, d.bearing.referenceTempC, 'lubricant reference temperature'),
        halvingC: number(fields.lubricantHalvingC, d.bearing.halvingC, 'lubricant halving interval'),
        lifeHours: optionalNumber(fields.bearingLifeHours, 'bearing life'),
        dynamicLoadRatingN: optionalNumber(fields.dynamicLoadRatingN, 'dynamic load rating C'),
        equivalentLoadN: optionalNumber(fields.equivalentLoadN, 'equivalent load P'),
      },
      throughput: {
        nonSpeedBoundShare: number(fields.nonSpeedBoundShare, d.throughput.nonSpeedBoundShare, 'non-speed-bound share'),
        kienzleMc: number(fields.kienzleMc, d.throughput.kienzleMc, 'Kienzle exponent'),
      },
      constraints: { limitLevel, maxZone: maxZone as SeverityZone },
      cooling: {
        configurations: coolingTable(fields.cooling),
        current: text(fields.currentCooling) || DEFAULT_CURRENT_COOLING,
        coolantShare: number(fields.coolantShare, d.cooling.coolantShare, 'coolant share'),
      },
    },
  };
}
