/**
 * Bearing life under a change of speed, load and temperature.
 *
 * ISO 281 basic rating life: L10 = (C/P)^p million revolutions, p = 3 for ball and 10/3 for roller bearings, so in
 * hours L10h = 10^6 / (60 n) (C/P)^p and, for the same bearing, L10h_1 / L10h_0 = (n_0 / n_1) (P_0 / P_1)^p whatever C
 * is. The equivalent load P is taken proportional to the cutting (torque) load plus a constant preload share.
 *
 * Lubricant derating: the lubricant ages faster when hot. SKF's relubrication guidance (Rolling bearings catalogue,
 * "Relubrication intervals", table of adjustments) halves the grease life for every 15 °C above 70 °C and allows at most
 * a doubling for operation 15 °C or more below it; the factor here follows that rule continuously,
 * f(T) = 2^((70 - T)/15) capped at 2. The adjusted life is the ISO 281 life times f(T) relative to today: the
 * assumption that the bearing's service life is limited by its lubricant as much as by rolling-contact fatigue, which
 * is the case for grease-lubricated spindle bearings and conservative otherwise.
 */
export type BearingType = 'ball' | 'roller';

export interface BearingSettings {
  type: BearingType;
  /** Share of today's equivalent bearing load that does not follow the cutting load (preload, weight). */
  preloadShare: number;
  /** Temperature above which the lubricant life halves every `halvingC`, °C. */
  referenceTempC: number;
  halvingC: number;
  /** Bearing life at today's conditions, operating hours, when known from maintenance records. */
  lifeHours?: number;
  /** ISO 281 dynamic load rating C and today's equivalent load P, newtons: gives an absolute L10h. */
  dynamicLoadRatingN?: number;
  equivalentLoadN?: number;
}

export const DEFAULT_BEARING_SETTINGS: BearingSettings = { type: 'ball', preloadShare: 0, referenceTempC: 70, halvingC: 15 };

export function lifeExponent(type: BearingType): number {
  return type === 'roller' ? 10 / 3 : 3;
}

/** ISO 281: L10h(1) / L10h(0) for speed and equivalent-load ratios n1/n0 and P1/P0. */
export function basicLifeRatio(speedRatio: number, loadRatio: number, type: BearingType): number {
  return (1 / speedRatio) * Math.pow(1 / loadRatio, lifeExponent(type));
}

/** ISO 281 basic rating life in hours at `rpm`. */
export function basicRatingLifeHours(dynamicLoadRatingN: number, equivalentLoadN: number, rpm: number, type: BearingType): number {
  return (1e6 / (60 * rpm)) * Math.pow(dynamicLoadRatingN / equivalentLoadN, lifeExponent(type));
}

export function equivalentLoadRatio(cuttingLoadRatio: number, preloadShare: number): number {
  return preloadShare + (1 - preloadShare) * cuttingLoadRatio;
}

/** Lubricant life factor at a bearing temperature (1 at the reference temperature). */
export function lubricantFactor(temperatureC: number, settings: Pick<BearingSettings, 'referenceTempC' | 'halvingC'>): number {
  return Math.min(2, Math.pow(2, (settings.referenceTempC - temperatureC) / settings.halvingC));
}
