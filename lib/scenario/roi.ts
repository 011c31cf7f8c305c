import { figure, unavailable, type Figure } from './figure';
import type { ScenarioPhysics } from './scenario-physics';
import type { CostSettings } from './settings';

/**
 * Money per year of a scenario against today: good parts at their margin, scrap at its cost, energy at its price,
 * bearing replacements (part, labour and downtime) at the rate the bearing life implies, and machine hours at the
 * labour rate. In the `capacity` market the production hours stay and the parts change; in the `demand` market the
 * good parts stay and the hours change. A term whose inputs are unavailable is named in `excluded`, and there is no
 * total (per year, per period, payback) until every term is known.
 */
export interface RoiResult {
  perYear: Figure;
  perPeriod: Figure;
  periodHours: number;
  terms: {
    goodParts: Figure;
    scrap: Figure;
    energy: Figure;
    maintenance: Figure;
    labour: Figure;
  };
  excluded: string[];
  operatingHours: Figure;
  /** One-off cost of the scenario (a cooling retrofit), and the months it takes to pay back. */
  investment: Figure;
  paybackMonths: Figure;
  /** Priced with example costs, not the plant's own (CostSettings.example). */
  exampleCosts: boolean;
}

export interface YearlyFigures {
  operatingHours: number;
  partsPerYear?: number;
  scrapShare?: number;
  scrapModel: string;
  energyKwhPerYear?: number;
  replacementsPerYear?: number;
  replacementReason?: string;
}

/** The yearly quantities of one operating point run `operatingHours` a year; `lifeHours` is the bearing's life there. */
export function yearlyFigures(physics: ScenarioPhysics, operatingHours: number, scrapShare: { value?: number; model: string }, lifeHours: number | undefined, lifeReason: string): YearlyFigures {
  return {
    operatingHours,
    partsPerYear: physics.partsPerHour !== undefined ? physics.partsPerHour * operatingHours : undefined,
    scrapShare: scrapShare.value,
    scrapModel: scrapShare.model,
    energyKwhPerYear: physics.powerKw !== undefined ? (physics.powerKw + physics.coolingKw) * operatingHours : undefined,
    replacementsPerYear: lifeHours !== undefined && lifeHours > 0 ? operatingHours / lifeHours : undefined,
    replacementReason: lifeHours === undefined ? lifeReason : undefined,
  };
}

/**
 * Operating hours a year of a scenario: the production hours times its duty cycle, or in the `demand` market the
 * hours that make today's good parts at the scenario's rate.
 */
export function scenarioHours(physics: ScenarioPhysics, baseline: ScenarioPhysics, costs: CostSettings, scrap: number | undefined, baselineScrap: number | undefined): { hours: number; model: string } {
  const capacity = costs.productionHoursPerYear * physics.dutyCycle;
  if (costs.market === 'capacity') return { hours: capacity, model: `${costs.productionHoursPerYear} production hours × duty cycle` };
  if (physics.partsPerHour === undefined || baseline.partsPerHour === undefined) return { hours: capacity, model: 'production hours × duty cycle (no throughput to hold the parts constant)' };
  const goodToday = baseline.partsPerHour * (1 - (baselineScrap ?? 0)) * costs.productionHoursPerYear * baseline.dutyCycle;
  return { hours: goodToday / (physics.partsPerHour * (1 - (scrap ?? 0))), model: 'hours to make today\'s good parts at the scenario\'s rate (demand market)' };
}

export function returnOnInvestment(scenario: YearlyFigures, baseline: YearlyFigures, costs: CostSettings, investment: number, partsReason: string, energyReason: string, hoursModel: string): RoiResult {
  const unit = `${costs.currency}/yr`;
  const excluded: string[] = [];
  const term = (name: string, model: string, value: number | undefined, reason: string): Figure => {
    if (value === undefined) {
      excluded.push(`${name}: ${reason}`);
      return unavailable(unit, model, reason);
    }
    return figure(value, unit, model);
  };
  const good = (y: YearlyFigures): number | undefined => (y.partsPerYear !== undefined && y.scrapShare !== undefined ? y.partsPerYear * (1 - y.scrapShare) : undefined);
  const scrapped = (y: YearlyFigures): number | undefined => (y.partsPerYear !== undefined && y.scrapShare !== undefined ? y.partsPerYear * y.scrapShare : undefined);
  const delta = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined ? a - b : undefined);
  const replacementCost = costs.bearingReplacementCost + costs.replacementLabourHours * costs.labourPerHour + costs.replacementDowntimeHours * costs.downtimePerHour;
  const goodDelta = delta(good(scenario), good(baseline));
  const scrapDelta = delta(scrapped(scenario), scrapped(baseline));
  const energyDelta = delta(scenario.energyKwhPerYear, baseline.energyKwhPerYear);
  const replacementDelta = delta(scenario.replacementsPerYear, baseline.replacementsPerYear);
  const partsWhy = scenario.partsPerYear === undefined ? partsReason : scenario.scrapModel;
  const terms = {
    goodParts: term('good parts', `good parts × margin ${costs.partMargin} ${costs.currency} (scrap share: ${scenario.scrapModel})`, goodDelta === undefined ? undefined : goodDelta * costs.partMargin, partsWhy),
    scrap: term('scrap', `scrap parts × ${costs.scrapCostPerPart} ${costs.currency}`, scrapDelta === undefined ? undefined : -scrapDelta * costs.scrapCostPerPart, partsWhy),
    energy: term('energy', `(motor + cooling power) × operating hours × ${costs.energyPerKwh} ${costs.currency}/kWh`, energyDelta === undefined ? undefined : -energyDelta * costs.energyPerKwh, energyReason),
    maintenance: term('maintenance', `bearing replacements (operating hours / bearing life) × ${Math.round(replacementCost)} ${costs.currency} (part, ${costs.replacementLabourHours} h labour, ${costs.replacementDowntimeHours} h downtime)`,
      replacementDelta === undefined ? undefined : -replacementDelta * replacementCost, scenario.replacementReason ?? baseline.replacementReason ?? 'no bearing life'),
    labour: figure(-(scenario.operatingHours - baseline.operatingHours) * costs.labourPerHour, unit, `machine hours × ${costs.labourPerHour} ${costs.currency}/h labour`),
  };
  const total = Object.values(terms).reduce((sum, t) => sum + (t.value ?? 0), 0);
  const model = `sum of the 5 terms (${costs.market} market)`;
  const periodHours = costs.periodHours;
  const periodUnit = `${costs.currency} per ${periodHours} production hours`;
  // A machine that makes parts earns its money with them: without their value the sum of the costs alone would read
  // as a loss, so there is no total until the scrap share is known. Nor is there one while any other term is
  // unknown: a sum of the known terms reads as the return of the change, which it is not. The known terms stay shown.
  const pending = scenario.partsPerYear !== undefined && scenario.scrapShare === undefined
    ? `the value of the parts is not known yet: ${scenario.scrapModel}`
    : excluded.length > 0 ? `not every term is known: ${excluded.join('; ')}` : undefined;
  const payback = (): Figure => {
    if (pending) return unavailable('months', 'investment / ROI per year', pending);
    if (investment <= 0) return figure(0, 'months', 'no investment');
    return total > 0 ? figure((investment / total) * 12, 'months', 'investment / ROI per year') : unavailable('months', 'investment / ROI per year', 'the scenario does not pay back');
  };
  return {
    perYear: pending ? unavailable(unit, model, pending) : figure(total, unit, model),
    perPeriod: pending ? unavailable(periodUnit, model, pending) : figure((total * periodHours) / costs.productionHoursPerYear, periodUnit, model),
    periodHours,
    terms,
    excluded,
    operatingHours: figure(scenario.operatingHours, 'h/yr', hoursModel),
    investment: figure(investment, costs.currency, 'the cooling configuration\'s investment'),
    paybackMonths: payback(),
    exampleCosts: costs.example === true,
  };
}
