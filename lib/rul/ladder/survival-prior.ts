/**
 * The bottom of the ladder, before any degradation shows: remaining life from a life distribution, given the
 * asset's age. Fleet lives (failures and right-censored running assets) give a fitted Weibull once enough failures
 * exist; otherwise the bearing's ISO 281 basic rating life L10 (from its dynamic load rating C, equivalent load P and
 * speed; lib/scenario/bearing-life) is turned into a Weibull of slope 1.5, the dispersion behind ISO 281's life
 * modification factor a1 for reliability.
 */
import { basicRatingLifeHours, type BearingType } from '../../scenario/bearing-life';
import { fitWeibull, residualLifeQuantiles, weibullFromL10, type Life, type Weibull } from './weibull';
import type { RulInterval } from './degradation';

export const ISO281_WEIBULL_SHAPE = 1.5;
const SURVIVAL_QUANTILES = [0.5, 0.1, 0.9];

export interface BearingRating {
  dynamicLoadRatingN: number;
  equivalentLoadN: number;
  rpm: number;
  type: BearingType;
}

export interface SurvivalSource {
  model: 'survival-weibull' | 'survival-iso281';
  weibull: Weibull;
  /** What it was fitted to, for the estimate's explanation. */
  basis: string;
}

export function survivalSource(lives: readonly Life[], minFailures: number, bearing?: BearingRating): SurvivalSource | undefined {
  const failures = lives.filter((life) => life.failed).length;
  if (failures >= minFailures) {
    const weibull = fitWeibull(lives, minFailures);
    return { model: 'survival-weibull', weibull, basis: `Weibull β ${weibull.shape.toFixed(2)}, η ${weibull.scale.toFixed(0)} h from ${failures} failures and ${lives.length - failures} running` };
  }
  if (bearing) {
    const l10 = basicRatingLifeHours(bearing.dynamicLoadRatingN, bearing.equivalentLoadN, bearing.rpm, bearing.type);
    return { model: 'survival-iso281', weibull: weibullFromL10(l10, ISO281_WEIBULL_SHAPE), basis: `ISO 281 L10 ${l10.toFixed(1)} h at ${bearing.rpm} rpm, C/P ${(bearing.dynamicLoadRatingN / bearing.equivalentLoadN).toFixed(2)}` };
  }
  return undefined;
}

/** Median remaining life with the 10 % and 90 % quantiles for an asset aged `ageHours`. */
export function survivalRul(source: SurvivalSource, ageHours: number): RulInterval {
  const [rulHours, lowerHours, upperHours] = residualLifeQuantiles(source.weibull, ageHours, SURVIVAL_QUANTILES);
  return { rulHours, lowerHours, upperHours };
}
