/**
 * Health of one asset from its own normal: a baseline per operating regime learned over a stated learning period,
 * an anomaly score (Mahalanobis distance) with the features that drive it, a health index toward the failure
 * threshold, and a health alert with those contributions. Features of sensors that twin-drift judges faulty are set
 * apart: they neither drive the anomaly nor the alert, and the alert names them.
 */
import { chiSquareQuantile, DEFAULT_BASELINE_OPTIONS, fitBaseline, median, scoreAgainst, type BaselineOptions, type BaselineState } from './robust-baseline';
import { clampHealth, thresholdProgress, type HealthThreshold, type ThresholdSource } from './health-index';
import { regimeOf, checkRegimeBands, type RegimeBand } from './regime';
import { RollingMedian } from './rolling-median';

export type SensorVerdict = 'healthy' | 'suspect' | 'faulty';

export interface MachineHealthOptions {
  /** Health features (row columns); the regime variables are never among them. */
  features: string[];
  /** The asset's learning period from its first row, ms: everything seen then is taken as healthy. */
  learningMs: number;
  /** A regime with fewer rows than this in the learning period gets no baseline (its rows are not scored). */
  minLearningRows: number;
  regimes: RegimeBand[];
  thresholds: HealthThreshold[];
  /** Without thresholds: the anomaly distance that counts as failed (HI = distance / this). */
  anomalyFailure?: number;
  /** Rows in the rolling median applied to each feature before scoring (and learning). */
  smoothing: number;
  /** Normal quantile of the alert limit on d² (3.09: a healthy row passes it 1 time in 1000). */
  alertQuantileZ: number;
  /** Consecutive rows beyond (within) the limit that raise (clear) the alert. */
  alertPersistence: number;
  baseline: BaselineOptions;
}

export const DEFAULT_MACHINE_HEALTH_OPTIONS: Omit<MachineHealthOptions, 'features'> = {
  learningMs: 30 * 60_000,
  minLearningRows: 10,
  regimes: [],
  thresholds: [],
  smoothing: 3,
  alertQuantileZ: 3.09,
  alertPersistence: 3,
  baseline: DEFAULT_BASELINE_OPTIONS,
};

export interface FeatureContribution {
  feature: string;
  /** Share of the squared anomaly distance. */
  share: number;
  /** Robust z against the regime's baseline. */
  z: number;
}

export type HealthPhase = 'learning' | 'scoring' | 'no-baseline';

export interface HealthAlert {
  action: 'raise' | 'clear';
  asset: string;
  ts: number;
  anomaly: number;
  limit: number;
  /** 'machine' when the leading features come from sound sensors; 'sensor' when every driver is a suspect sensor. */
  kind: 'machine' | 'sensor';
  leading?: string;
  contributions: FeatureContribution[];
  sensorFaults: readonly string[];
  message: string;
}

export interface HealthReading {
  asset: string;
  ts: number;
  regime?: string;
  phase: HealthPhase;
  /** Health index 0 (baseline) … 1 (failure threshold); undefined while learning or without a baseline. */
  health?: number;
  /** The index before clamping (onset detection needs the side below zero too). */
  progress?: number;
  /** Mahalanobis distance of the smoothed feature vector from the regime's baseline. */
  anomaly?: number;
  /** Alert limit on the distance. */
  anomalyLimit?: number;
  thresholdSource?: ThresholdSource;
  contributions: FeatureContribution[];
  alertActive: boolean;
  alert?: HealthAlert;
  sensorFaults: readonly string[];
}

interface RegimeState {
  learning: number[][];
  baseline?: BaselineState;
  /** Robust centre and σ of the (unclamped) health index over the learning rows: the onset detector's reference. */
  healthCenter?: number;
  healthSigma?: number;
}

export interface HealthBaselineSummary {
  regime: string;
  rows: number;
  shrinkage: number;
  healthCenter: number;
  healthSigma: number;
}

/** What a restart needs to go on where the asset stood: learned baselines, smoothing windows, alert and verdicts. */
export interface MachineHealthState {
  /** What the state was learned under (features, thresholds, smoothing, regimes): a state learned otherwise is not restored. */
  signature: string;
  regimes: Record<string, RegimeState>;
  smoothers: number[][];
  sensorVerdicts: Record<string, SensorVerdict>;
  learningStart?: number;
  learned: boolean;
  alertActive: boolean;
  streak: number;
  lastTs?: number;
}

const TOP_CONTRIBUTIONS = 3;

/** The settings a learned state depends on; a change of any of them makes the asset learn afresh. */
export function learningSignature(options: MachineHealthOptions): string {
  return JSON.stringify([options.features, options.thresholds, options.smoothing, options.regimes, options.anomalyFailure ?? null]);
}

export class MachineHealth {
  private readonly regimes = new Map<string, RegimeState>();
  private readonly smoothers: RollingMedian[];
  private readonly sensorVerdicts = new Map<string, SensorVerdict>();
  /** Faulty sensors and the indices of their features, kept in step with the verdicts (read on every row). */
  private sensorFaults: readonly string[] = [];
  private ignored?: Set<number>;
  private readonly limitDistance: number;
  private readonly source: ThresholdSource;
  private readonly solved: Float64Array;
  private readonly thresholdIndex: number[];
  private learningStart?: number;
  private learned = false;
  private alertActive = false;
  private streak = 0;
  private lastTs = -Infinity;

  constructor(readonly asset: string, readonly options: MachineHealthOptions, saved?: MachineHealthState) {
    if (options.features.length === 0) throw new Error(`asset ${asset}: name at least one health feature`);
    checkRegimeBands(options.regimes);
    for (const band of options.regimes) {
      if (options.features.includes(band.variable)) throw new Error(`"${band.variable}" splits regimes and cannot also be a health feature`);
    }
    this.thresholdIndex = options.thresholds.map((threshold) => {
      const index = options.features.indexOf(threshold.feature);
      if (index < 0) throw new Error(`threshold feature "${threshold.feature}" is not among the health features (${options.features.join(', ')})`);
      return index;
    });
    if (options.thresholds.length === 0 && options.anomalyFailure !== undefined && !(options.anomalyFailure > 0)) throw new Error('the failure anomaly must be above 0');
    if (!(options.learningMs > 0)) throw new Error('the learning period must be longer than 0');
    const restore = saved?.signature === learningSignature(options) ? saved : undefined;
    this.smoothers = options.features.map((_, i) => RollingMedian.restore(options.smoothing, restore?.smoothers[i]));
    if (restore) {
      for (const [regime, state] of Object.entries(restore.regimes)) this.regimes.set(regime, { ...state, learning: state.learning.map((row) => [...row]) });
      for (const [sensor, verdict] of Object.entries(restore.sensorVerdicts)) this.setSensorVerdict(sensor, verdict);
      this.learningStart = restore.learningStart;
      this.learned = restore.learned;
      this.alertActive = restore.alertActive;
      this.streak = restore.streak;
      this.lastTs = restore.lastTs ?? -Infinity;
    }
    this.limitDistance = Math.sqrt(chiSquareQuantile(options.features.length, options.alertQuantileZ));
    this.source = this.thresholdSource;
    this.solved = new Float64Array(options.features.length);
  }

  /** Where the index comes from: the engineer's or the fleet's threshold, or the anomaly distance. */
  get thresholdSource(): ThresholdSource {
    if (this.options.thresholds.length === 0) return 'anomaly';
    return this.options.thresholds.some((t) => t.source === 'engineer') ? 'engineer' : 'fleet';
  }

  /** The failure distance used without thresholds: the engineer's, else three times the alert limit (a placeholder to replace). */
  get anomalyFailure(): number {
    return this.options.anomalyFailure ?? 3 * this.limitDistance;
  }

  /** twin-drift's verdict on a sensor: features named `<sensor>` or `<sensor>.<feature>` follow it. */
  setSensorVerdict(sensor: string, verdict: SensorVerdict): void {
    if (verdict === 'healthy') this.sensorVerdicts.delete(sensor);
    else this.sensorVerdicts.set(sensor, verdict);
    this.sensorFaults = Object.freeze([...this.sensorVerdicts].filter(([, v]) => v === 'faulty').map(([name]) => name));
    const ignored = new Set<number>();
    this.options.features.forEach((feature, i) => {
      if (this.verdictOf(feature) === 'faulty') ignored.add(i);
    });
    this.ignored = ignored.size > 0 ? ignored : undefined;
  }

  baselines(): HealthBaselineSummary[] {
    const out: HealthBaselineSummary[] = [];
    for (const [regime, state] of this.regimes) {
      if (state.baseline) out.push({ regime, rows: state.baseline.rows, shrinkage: state.baseline.shrinkage, healthCenter: state.healthCenter ?? 0, healthSigma: state.healthSigma ?? 0 });
    }
    return out;
  }

  /** Robust centre and σ of the health index in a regime's learning period. */
  healthReference(regime: string): { center: number; sigma: number } | undefined {
    const state = this.regimes.get(regime);
    return state?.healthSigma !== undefined ? { center: state.healthCenter ?? 0, sigma: state.healthSigma } : undefined;
  }

  update(ts: number, values: Readonly<Record<string, number>>): HealthReading {
    if (!Number.isFinite(ts)) throw new Error(`asset ${this.asset}: row time is not a number`);
    if (ts <= this.lastTs) throw new Error(`asset ${this.asset}: rows must come in time order (${new Date(ts).toISOString()} after ${new Date(this.lastTs).toISOString()})`);
    this.lastTs = ts;
    const features = this.options.features;
    const raw = new Array<number>(features.length);
    for (let i = 0; i < features.length; i++) {
      const value = values[features[i]];
      if (value === undefined || !Number.isFinite(value)) throw new Error(`asset ${this.asset}: feature "${features[i]}" missing or not a number at ${new Date(ts).toISOString()}`);
      raw[i] = value;
    }
    for (let i = 0; i < raw.length; i++) raw[i] = this.smoothers[i].push(raw[i]);
    const smoothed = raw;
    const regime = regimeOf(this.options.regimes, values);
    this.learningStart ??= ts;
    if (!this.learned && ts < this.learningStart + this.options.learningMs) {
      if (regime !== undefined) this.regimeState(regime).learning.push(smoothed);
      return this.unscored(ts, regime, 'learning');
    }
    if (!this.learned) this.finishLearning();
    const state = regime === undefined ? undefined : this.regimes.get(regime);
    if (!state?.baseline) return this.unscored(ts, regime, 'no-baseline');
    return this.score(state, smoothed, ts, regime as string);
  }

  toJSON(): MachineHealthState {
    return {
      signature: learningSignature(this.options),
      regimes: Object.fromEntries([...this.regimes].map(([regime, state]) => [regime, { ...state, learning: state.learning.map((row) => [...row]) }])),
      smoothers: this.smoothers.map((smoother) => smoother.toJSON()),
      sensorVerdicts: Object.fromEntries(this.sensorVerdicts),
      learningStart: this.learningStart, learned: this.learned, alertActive: this.alertActive, streak: this.streak,
      lastTs: Number.isFinite(this.lastTs) ? this.lastTs : undefined,
    };
  }

  private unscored(ts: number, regime: string | undefined, phase: HealthPhase): HealthReading {
    return { asset: this.asset, ts, regime, phase, contributions: [], alertActive: this.alertActive, sensorFaults: this.sensorFaults };
  }

  private regimeState(regime: string): RegimeState {
    let state = this.regimes.get(regime);
    if (!state) {
      state = { learning: [] };
      this.regimes.set(regime, state);
    }
    return state;
  }

  private finishLearning(): void {
    this.learned = true;
    for (const state of this.regimes.values()) {
      if (state.learning.length >= this.options.minLearningRows) {
        state.baseline = fitBaseline(this.options.features, state.learning, this.options.baseline);
        const progress = state.learning.map((row) => this.progress(state.baseline as BaselineState, row, undefined));
        const center = median(progress);
        state.healthCenter = center;
        state.healthSigma = Math.max(median(progress.map((p) => Math.abs(p - center))) * 1.4826, 1e-3);
      }
      state.learning = [];
    }
  }

  private verdictOf(feature: string): SensorVerdict {
    for (const [sensor, verdict] of this.sensorVerdicts) {
      if (feature === sensor || feature.startsWith(`${sensor}.`)) return verdict;
    }
    return 'healthy';
  }

  private progress(baseline: BaselineState, smoothed: readonly number[], distance: number | undefined): number {
    if (this.options.thresholds.length === 0) {
      return (distance ?? scoreAgainst(baseline, smoothed).distance) / this.anomalyFailure;
    }
    let most = -Infinity;
    const thresholds = this.options.thresholds;
    for (let t = 0; t < thresholds.length; t++) {
      const i = this.thresholdIndex[t];
      most = Math.max(most, thresholdProgress(smoothed[i], baseline.center[i], thresholds[t].value));
    }
    return most;
  }

  /** The largest contributions, by a scan rather than a sort of every feature (this runs on every row of every asset). */
  private topContributions(shares: readonly number[], z: readonly number[]): FeatureContribution[] {
    const top: FeatureContribution[] = [];
    const features = this.options.features;
    for (let i = 0; i < shares.length; i++) {
      if (top.length === TOP_CONTRIBUTIONS && shares[i] <= top[top.length - 1].share) continue;
      let at = top.length;
      while (at > 0 && top[at - 1].share < shares[i]) at--;
      top.splice(at, 0, { feature: features[i], share: shares[i], z: z[i] });
      if (top.length > TOP_CONTRIBUTIONS) top.pop();
    }
    return top;
  }

  private score(state: RegimeState, smoothed: number[], ts: number, regime: string): HealthReading {
    const baseline = state.baseline as BaselineState;
    const score = scoreAgainst(baseline, smoothed, this.ignored, this.solved);
    const contributions = this.topContributions(score.contributions, score.z);
    const progress = this.progress(baseline, smoothed, score.distance);
    const reading: HealthReading = {
      asset: this.asset, ts, regime, phase: 'scoring', health: clampHealth(progress), progress, anomaly: score.distance, anomalyLimit: this.limitDistance,
      thresholdSource: this.source, contributions, alertActive: this.alertActive, sensorFaults: this.sensorFaults,
    };
    reading.alert = this.followAlert(reading);
    reading.alertActive = this.alertActive;
    return reading;
  }

  private followAlert(reading: HealthReading): HealthAlert | undefined {
    const beyond = (reading.anomaly as number) > this.limitDistance;
    this.streak = beyond !== this.alertActive ? this.streak + 1 : 0;
    if (this.streak < this.options.alertPersistence) return undefined;
    this.streak = 0;
    this.alertActive = beyond;
    const leading = reading.contributions[0]?.feature;
    const suspects = reading.contributions.filter((c) => c.share > 0.1).map((c) => this.verdictOf(c.feature));
    const kind = suspects.length > 0 && suspects.every((v) => v !== 'healthy') ? 'sensor' : 'machine';
    const drivers = reading.contributions.map((c) => `${c.feature} ${(100 * c.share).toFixed(0)} % (z ${c.z.toFixed(1)})`).join(', ');
    const apart = reading.sensorFaults.length > 0 ? `; faulty sensors set apart: ${reading.sensorFaults.join(', ')}` : '';
    const message = beyond
      ? `${this.asset}: ${kind === 'sensor' ? 'suspect sensor' : 'machine'} anomaly ${(reading.anomaly as number).toFixed(1)} beyond ${this.limitDistance.toFixed(1)}, led by ${leading}: ${drivers}${apart}`
      : `${this.asset}: anomaly back within ${this.limitDistance.toFixed(1)}`;
    return {
      action: beyond ? 'raise' : 'clear', asset: this.asset, ts: reading.ts, anomaly: reading.anomaly as number, limit: this.limitDistance, kind, leading,
      contributions: reading.contributions, sensorFaults: reading.sensorFaults, message,
    };
  }
}
