import { DEFAULT_KPI_OPTIONS, type KpiOptions } from '../../lib/kpi/kpi-tracker';
import { DEFAULT_SAVINGS_COSTS, enteredFigures, type PeriodFigures, type SavingsCosts } from '../../lib/kpi/savings';
import { WeeklySchedule } from '../../lib/kpi/weekly-schedule';

/** The editor's fields of twin-kpi, as strings. */
export interface TwinKpiFields {
  stateSensor: string;
  partsSensor: string;
  goodSensor: string;
  scrapSensor: string;
  powerSensor: string;
  idealCycleTimeS: string;
  schedule: string;
  timeZone: string;
  idle: string;
  maxGapMinutes: string;
  bucketMinutes: string;
  rollingHours: string;
  keepDays: string;
  currency: string;
  downtimePerHour: string;
  energyPerKWh: string;
  scrapPerPart: string;
  labourPerHour: string;
  crewSize: string;
  baselineHours: string;
  baselineDowntimeHours: string;
  baselineRepairHours: string;
  baselineMttrHours: string;
  baselineEnergyKWh: string;
  baselineScrap: string;
  baselineParts: string;
  /** 'true' while the baseline holds the demo's example figures rather than the plant's own. */
  baselineExample: string | boolean;
}

function blank(text: string | undefined): boolean {
  return text === undefined || text === null || String(text).trim() === '';
}

function number(text: string | undefined, fallback: number, label: string, minimum: number, exclusive: boolean): number {
  if (blank(text)) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < minimum || (exclusive && value === minimum)) {
    throw new Error(`${label} "${text}" must be a number ${exclusive ? 'above' : 'of at least'} ${minimum}`);
  }
  return value;
}

/** A sensor field: the default when the field was never set, nothing when it was cleared. */
function sensor(text: string | undefined, fallback: string | undefined): string | undefined {
  if (text === undefined || text === null) return fallback;
  const id = String(text).trim();
  return id === '' ? undefined : id;
}

export function kpiOptions(fields: Partial<TwinKpiFields>): KpiOptions {
  const stateSensor = sensor(fields.stateSensor, DEFAULT_KPI_OPTIONS.stateSensor);
  if (!stateSensor) throw new Error('a state sensor (0 idle, 1 running, 2 down) is needed for availability: name it');
  const bucketMs = number(fields.bucketMinutes, DEFAULT_KPI_OPTIONS.bucketMs / 60_000, 'bucket length', 1, false) * 60_000;
  const rollingMs = number(fields.rollingHours, 24, 'rolling window', 0, true) * 3_600_000;
  const keepMs = number(fields.keepDays, 7, 'days kept', 0, true) * 86_400_000;
  const rollingBuckets = Math.max(1, Math.round(rollingMs / bucketMs));
  return {
    stateSensor,
    partsSensor: sensor(fields.partsSensor, DEFAULT_KPI_OPTIONS.partsSensor),
    goodSensor: sensor(fields.goodSensor, DEFAULT_KPI_OPTIONS.goodSensor),
    scrapSensor: sensor(fields.scrapSensor, DEFAULT_KPI_OPTIONS.scrapSensor),
    powerSensor: sensor(fields.powerSensor, DEFAULT_KPI_OPTIONS.powerSensor),
    idealCycleTimeS: blank(fields.idealCycleTimeS) ? undefined : number(fields.idealCycleTimeS, 0, 'ideal cycle time', 0, true),
    schedule: WeeklySchedule.parse(fields.schedule, fields.timeZone),
    idle: fields.idle === 'unplanned-stop' ? 'unplanned-stop' : 'planned-stop',
    maxGapMs: number(fields.maxGapMinutes, DEFAULT_KPI_OPTIONS.maxGapMs / 60_000, 'gap limit', 0, true) * 60_000,
    bucketMs,
    rollingBuckets,
    keepBuckets: Math.max(rollingBuckets, Math.round(keepMs / bucketMs)),
  };
}

export function savingsCosts(fields: Partial<TwinKpiFields>): SavingsCosts {
  return {
    currency: blank(fields.currency) ? DEFAULT_SAVINGS_COSTS.currency : String(fields.currency).trim(),
    downtimePerHour: number(fields.downtimePerHour, 0, 'downtime cost per hour', 0, false),
    energyPerKWh: number(fields.energyPerKWh, 0, 'energy cost per kWh', 0, false),
    scrapPerPart: number(fields.scrapPerPart, 0, 'scrap cost per part', 0, false),
    labourPerHour: number(fields.labourPerHour, 0, 'labour cost per hour', 0, false),
    crewSize: number(fields.crewSize, 1, 'crew size', 0, true),
  };
}

/** Costs sent with a savings request replace the configured ones field by field. */
export function overrideCosts(costs: SavingsCosts, input: unknown): SavingsCosts {
  if (input === undefined) return costs;
  if (!input || typeof input !== 'object') throw new Error('msg.payload.costs must be an object such as {downtimePerHour: 500}');
  const given = input as Record<string, unknown>;
  const text = (name: keyof SavingsCosts): string | undefined => (given[name] === undefined ? undefined : String(given[name]));
  return {
    currency: typeof given.currency === 'string' && given.currency.trim() !== '' ? given.currency.trim() : costs.currency,
    downtimePerHour: number(text('downtimePerHour'), costs.downtimePerHour, 'costs.downtimePerHour', 0, false),
    energyPerKWh: number(text('energyPerKWh'), costs.energyPerKWh, 'costs.energyPerKWh', 0, false),
    scrapPerPart: number(text('scrapPerPart'), costs.scrapPerPart, 'costs.scrapPerPart', 0, false),
    labourPerHour: number(text('labourPerHour'), costs.labourPerHour, 'costs.labourPerHour', 0, false),
    crewSize: number(text('crewSize'), costs.crewSize, 'costs.crewSize', 0, true),
  };
}

/** The baseline figures entered in the editor, or undefined when none were. */
export function configuredBaseline(fields: Partial<TwinKpiFields>): PeriodFigures | undefined {
  const entered = {
    hours: fields.baselineHours, downtimeHours: fields.baselineDowntimeHours, repairHours: fields.baselineRepairHours,
    mttrHours: fields.baselineMttrHours, energyKWh: fields.baselineEnergyKWh, scrap: fields.baselineScrap, parts: fields.baselineParts,
  };
  if (Object.values(entered).every(blank)) return undefined;
  return { ...enteredFigures(entered, 'baseline in the node settings'), example: String(fields.baselineExample) === 'true' };
}
