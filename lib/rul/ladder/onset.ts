/**
 * Onset of degradation: the health index leaving its baseline, found by an upper one-sided CUSUM on the index
 * standardised by its learning-period centre and σ (the tabular CUSUM of lib/health). Each standardised value is
 * capped at `capSigma` so that one burst cannot trip it alone: at least ⌈h / (cap − k)⌉ rows well beyond the baseline
 * are needed.
 *
 * False-alarm rule: with allowance k and decision interval h (in σ), the in-control average run length of
 * independent standard-normal values is, by Siegmund's approximation,
 * ARL₀ ≈ (e^{2k(h+1.166)} − 2k(h+1.166) − 1) / (2k²). The defaults k = 1, h = 8 (the smallest shift of interest is 2 σ)
 * give ≈ 4.6·10⁷ rows between false onsets; that margin is deliberate: the centre and σ come from a short learning
 * period (60 rows estimate the centre only to ±0.16 σ and σ to ±13 %), and with k = 0.5 such an error alone made a
 * healthy simulated spindle "degrade". The smoothed index is autocorrelated, which shortens the run length too;
 * `expectedFalseAlarmRows` states the independent figure.
 */
import { Cusum, type DetectorState } from '../../health/change-detectors';

export interface OnsetOptions {
  allowanceSigma: number;
  thresholdSigma: number;
  capSigma: number;
}

export const DEFAULT_ONSET_OPTIONS: OnsetOptions = { allowanceSigma: 1, thresholdSigma: 8, capSigma: 4 };

export function expectedFalseAlarmRows(options: OnsetOptions): number {
  const k = options.allowanceSigma;
  const b = options.thresholdSigma + 1.166;
  return (Math.exp(2 * k * b) - 2 * k * b - 1) / (2 * k * k);
}

export interface Onset {
  /** When the detector crossed its threshold. */
  detectedTs: number;
  /** When the excursion began (the statistic last left zero): the change-point estimate. */
  sinceTs: number;
}

export interface OnsetState {
  cusum: DetectorState;
  found?: Onset;
}

export class OnsetDetector {
  private readonly cusum: Cusum;
  private found?: Onset;

  constructor(readonly options: OnsetOptions = DEFAULT_ONSET_OPTIONS, saved?: OnsetState) {
    this.cusum = new Cusum(options.allowanceSigma, options.thresholdSigma, saved?.cusum);
    this.found = saved?.found;
  }

  toJSON(): OnsetState {
    return { cusum: this.cusum.toJSON(), found: this.found };
  }

  get onset(): Onset | undefined {
    return this.found;
  }

  /** Feeds one index value with the baseline's centre and σ; returns the onset once detected. */
  update(ts: number, progress: number, center: number, sigma: number): Onset | undefined {
    if (this.found) return this.found;
    const z = Math.min(this.options.capSigma, (progress - center) / sigma);
    // Only a statistic beyond the threshold (on either side) can be an onset: the state is read only then.
    if (!this.cusum.update(z, ts)) return undefined;
    const state = this.cusum.state();
    if (state.direction === 'up' && state.statistic > this.options.thresholdSigma) this.found = { detectedTs: ts, sinceTs: state.since ?? ts };
    return this.found;
  }
}
