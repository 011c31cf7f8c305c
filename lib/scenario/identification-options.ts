import { DEFAULT_EXPONENT_GRID, type ExponentGrid } from './exponent-profile';

/** How much and what kind of history each model needs before it is trusted; see the README for the reasoning. */
export interface IdentificationOptions {
  /** Speeds are expressed as a fraction of this (the asset's nominal rating). */
  nominalRpm: number;
  /** Width of the history's fine buckets, ms: the thermal model's discretisation step. */
  bucketMs: number;
  /** A known constant ambient temperature, °C, when no ambient sensor exists; otherwise it is identified. */
  ambientC?: number;
  /** Least history for the thermal model, minutes (several time constants). */
  minThermalMinutes: number;
  /**
   * Least history for the slow drift of the thermal and vibration models (wear, seasons), hours: over a shorter one a
   * drift cannot be told apart from the response to speed steps made one after the other (a warm-up program), and it
   * is left out.
   */
  minDriftHours: number;
  /** Least running buckets for the power and vibration models. */
  minRunningBuckets: number;
  /** Speed must span at least this fraction of nominal while running, or no speed law can be identified. */
  minSpeedSpread: number;
  /** Load must span at least this fraction of 100 % (5th to 95th percentile) for a load term of its own. */
  minLoadSpread: number;
  /** A speed exponent whose 95 % range is wider than this is "not determined". */
  maxExponentRange: number;
  exponentGrid: ExponentGrid;
  /** Least parts and scrap parts for the scrap model, and the vibration spread (10th to 90th percentile, mm/s) it must see. */
  minParts: number;
  minScrap: number;
  minVibrationSpread: number;
}

export const DEFAULT_IDENTIFICATION_OPTIONS: Omit<IdentificationOptions, 'nominalRpm' | 'bucketMs'> = {
  minThermalMinutes: 30,
  minDriftHours: 2,
  minRunningBuckets: 30,
  minSpeedSpread: 0.1,
  minLoadSpread: 0.1,
  maxExponentRange: 1,
  exponentGrid: DEFAULT_EXPONENT_GRID,
  minParts: 300,
  minScrap: 5,
  minVibrationSpread: 0.2,
};
