import type { SeverityZone } from '../features/iso-10816';
import { DEFAULT_BEARING_SETTINGS, type BearingSettings } from './bearing-life';
import { DEFAULT_COOLING, DEFAULT_CURRENT_COOLING, type CoolingSettings } from './cooling';

/** Money: every cost in one currency; the ROI is in it too. Defaults are placeholders to be set per plant. */
export interface CostSettings {
  currency: string;
  energyPerKwh: number;
  downtimePerHour: number;
  /** Contribution margin of one good part (sales price minus material and variable cost). */
  partMargin: number;
  labourPerHour: number;
  /** Cost of one scrapped part beyond its lost margin: material, machine time, disposal. */
  scrapCostPerPart: number;
  /** One bearing replacement: the bearing (or spindle rebuild), its labour hours and the downtime it causes. */
  bearingReplacementCost: number;
  replacementLabourHours: number;
  replacementDowntimeHours: number;
  productionHoursPerYear: number;
  /** The ROI is also given per period of this many production hours (a month by default). */
  periodHours: number;
  /**
   * `capacity`: every extra good part is sold at its margin and the production hours stay; `demand`: the plant
   * makes the same good parts a year, and a faster scenario saves machine hours (labour, energy, wear) instead.
   */
  market: 'capacity' | 'demand';
  /** The costs are example figures (the demo's), not yet the plant's own: the ROI says so. */
  example?: boolean;
}

export const DEFAULT_COSTS: CostSettings = {
  currency: 'EUR', energyPerKwh: 0.25, downtimePerHour: 400, partMargin: 8, labourPerHour: 55, scrapCostPerPart: 20,
  bearingReplacementCost: 1800, replacementLabourHours: 6, replacementDowntimeHours: 8, productionHoursPerYear: 6000, periodHours: 500,
  market: 'capacity',
};

export interface ThroughputSettings {
  /**
   * Share of today's cycle that does not scale with speed or feed (loading, probing, tool changes). With 0, the
   * same part program at +15 % speed (and the feed per revolution kept) finishes a part 15 % sooner.
   */
  nonSpeedBoundShare: number;
  /**
   * Kienzle exponent m_c of the specific cutting force, k_c = k_c1.1 h^-m_c: the cutting force, and so the load,
   * grows as feed^(1 - m_c). 0.25 is typical of steels; 0 makes load proportional to feed.
   */
  kienzleMc: number;
}

export const DEFAULT_THROUGHPUT: ThroughputSettings = { nonSpeedBoundShare: 0, kienzleMc: 0.25 };

export type LimitLevel = 'warning' | 'alarm';

export interface ConstraintSettings {
  /** Which of a sensor's limits a predicted value must stay below (bearing temperature, vibration, load). */
  limitLevel: LimitLevel;
  /** Worst acceptable ISO 10816-3 zone of the predicted vibration. */
  maxZone: SeverityZone;
}

export const DEFAULT_CONSTRAINTS: ConstraintSettings = { limitLevel: 'warning', maxZone: 'B' };

export type Objective = 'roi' | 'throughput' | 'life' | 'energy' | 'rul';
export const OBJECTIVES: readonly Objective[] = ['roi', 'throughput', 'life', 'energy', 'rul'];

export interface ScenarioSettings {
  costs: CostSettings;
  bearing: BearingSettings;
  throughput: ThroughputSettings;
  constraints: ConstraintSettings;
  cooling: CoolingSettings;
  objective: Objective;
  /** Today's operating point is the mean over this much of the newest running history, ms (a few part cycles). */
  stateWindowMs: number;
}

export const DEFAULT_SCENARIO_SETTINGS: ScenarioSettings = {
  costs: DEFAULT_COSTS,
  bearing: DEFAULT_BEARING_SETTINGS,
  throughput: DEFAULT_THROUGHPUT,
  constraints: DEFAULT_CONSTRAINTS,
  cooling: { configurations: DEFAULT_COOLING, current: DEFAULT_CURRENT_COOLING, coolantShare: 0.6 },
  objective: 'roi',
  stateWindowMs: 300_000,
};

/** Every problem with a set of settings, so the editor's mistakes are reported at once. */
export function validateSettings(settings: ScenarioSettings): string[] {
  const problems: string[] = [];
  const positive = (value: number, label: string): void => { if (!(value > 0)) problems.push(`${label} must be above 0`); };
  const nonNegative = (value: number, label: string): void => { if (!(value >= 0)) problems.push(`${label} must be 0 or more`); };
  const c = settings.costs;
  for (const [label, value] of Object.entries({ 'energy price': c.energyPerKwh, 'downtime cost': c.downtimePerHour, 'part margin': c.partMargin, 'labour rate': c.labourPerHour, 'scrap cost': c.scrapCostPerPart, 'bearing replacement cost': c.bearingReplacementCost, 'replacement labour hours': c.replacementLabourHours, 'replacement downtime hours': c.replacementDowntimeHours })) nonNegative(value, label);
  positive(c.productionHoursPerYear, 'production hours per year');
  if (c.productionHoursPerYear > 8784) problems.push('production hours per year cannot exceed 8784');
  positive(c.periodHours, 'ROI period hours');
  if (c.market !== 'capacity' && c.market !== 'demand') problems.push('market must be capacity or demand');
  const b = settings.bearing;
  if (!(b.preloadShare >= 0 && b.preloadShare < 1)) problems.push('bearing preload share must be from 0 to below 1');
  positive(b.halvingC, 'lubricant halving interval');
  if (b.lifeHours !== undefined) positive(b.lifeHours, 'bearing life');
  if ((b.dynamicLoadRatingN === undefined) !== (b.equivalentLoadN === undefined)) problems.push('give both the bearing dynamic load rating C and the equivalent load P, or neither');
  const t = settings.throughput;
  if (!(t.nonSpeedBoundShare >= 0 && t.nonSpeedBoundShare < 1)) problems.push('non-speed-bound share of the cycle must be from 0 to below 1');
  if (!(t.kienzleMc >= 0 && t.kienzleMc < 1)) problems.push('Kienzle exponent m_c must be from 0 to below 1');
  const cooling = settings.cooling;
  if (cooling.configurations.length === 0) problems.push('at least one cooling configuration is needed');
  const names = new Set<string>();
  for (const config of cooling.configurations) {
    if (!config.name) problems.push('every cooling configuration needs a name');
    if (names.has(config.name)) problems.push(`cooling configuration "${config.name}" is listed twice`);
    names.add(config.name);
    positive(config.gainFactor, `gain factor of cooling "${config.name}"`);
    nonNegative(config.powerKw, `power of cooling "${config.name}"`);
    nonNegative(config.investment, `investment of cooling "${config.name}"`);
  }
  if (!names.has(cooling.current)) problems.push(`the cooling in use "${cooling.current}" is not in the cooling table`);
  if (!(cooling.coolantShare >= 0 && cooling.coolantShare <= 1)) problems.push('coolant share of heat removal must be from 0 to 1');
  positive(settings.stateWindowMs, 'state window');
  return problems;
}
