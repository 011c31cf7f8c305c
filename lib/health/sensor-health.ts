import type { SensorDefinition } from '../asset/asset-model';
import { worseQuality, type Quality } from '../reading/reading';
import { createDetector, type ChangeDetector, type DetectorMethod, type DetectorState, type DriftDirection } from './change-detectors';
import { ReferenceModel, type ReferenceModelState } from './reference-model';
import { Ring } from './ring';

export type HealthState = 'learning' | 'healthy' | 'suspect' | 'faulty';
export type IssueKind = 'out-of-range' | 'stuck' | 'spikes' | 'dropout' | 'drift' | 'bad-quality';

export interface HealthIssue {
  kind: IssueKind;
  message: string;
  /** Source time the issue began, epoch ms. */
  since: number;
}

/** What the drift check compares the sensor with. */
export type DriftReference =
  | { kind: 'none' }
  | { kind: 'baseline' }
  | { kind: 'sensor'; sensor: string };

export interface HealthOptions {
  reference: DriftReference;
  method: DetectorMethod;
  /** CUSUM allowance k / Page–Hinkley δ, in σ of interval-mean residuals. */
  allowance: number;
  /** CUSUM h / Page–Hinkley λ, in σ. */
  threshold: number;
  /** Residuals are averaged over intervals this long before the detector sees them. */
  intervalMs: number;
  /** Intervals learned as healthy before drift is watched. */
  learnIntervals: number;
  /** Smallest σ the detector standardises by, in sensor units (a resolution); default 0.1 % of the range. */
  noiseFloor?: number;
  /** Drift bias (sensor units) beyond which the sensor is faulty rather than suspect; unset: never faulty by drift. */
  biasTolerance?: number;
  /** A value unchanged (within `stuckEpsilon`) this long is stuck; 0 turns the check off. */
  stuckMs: number;
  stuckEpsilon: number;
  /** Robust z-score (against the median and MAD of the last `spikeWindow` values) that marks a spike. */
  spikeZ: number;
  spikeWindow: number;
  /** Spikes among the last 100 readings that make the sensor suspect. */
  spikeLimit: number;
  /** A gap longer than this many typical intervals is a dropout. */
  dropoutFactor: number;
}

export const DEFAULT_HEALTH_OPTIONS: HealthOptions = {
  reference: { kind: 'baseline' },
  method: 'cusum',
  allowance: 0.5,
  threshold: 8,
  intervalMs: 60_000,
  learnIntervals: 60,
  stuckMs: 10 * 60_000,
  stuckEpsilon: 0,
  spikeZ: 6,
  spikeWindow: 31,
  spikeLimit: 3,
  dropoutFactor: 5,
};

const SPIKE_MEMORY = 100;
const GAP_MEMORY = 31;
const BIAS_SMOOTHING = 0.3;

export interface HealthAssessment {
  sensor: string;
  state: HealthState;
  issues: HealthIssue[];
  /** Estimated drift of the sensor against its reference, in sensor units (positive: reads high); null without one. */
  driftBias: number | null;
  unit: string;
  calibrationDue: boolean;
  recommendation: string;
  /** Quality to stamp on the sensor's readings while this assessment holds. */
  quality: Quality;
  counts: { spikes: number; dropouts: number; outOfRange: number; badQuality: number };
}

interface Interval {
  index: number;
  count: number;
  sumX: number;
  sumY: number;
}

export interface SensorHealthState {
  model: ReferenceModelState;
  detector: DetectorState;
  interval?: Interval;
  drift?: { since: number; direction: DriftDirection; bias: number };
  bias: number;
  anchor?: { value: number; ts: number };
  lastTs?: number;
  recent: number[];
  gaps: number[];
  spikeFlags: number[];
  counts: HealthAssessment['counts'];
  outOfRangeSince?: number;
  lastDropoutTs?: number;
  badQualitySince?: number;
  /** An outlier waiting for the next reading to tell a spike from a step. */
  pendingSpike?: number;
  /** Since when the machine stands (its running rule says so): silence and constant values are expected then. */
  stoppedSince?: number;
}

/**
 * Health of one scalar sensor, fed its readings in time order: out of physical range, stuck, spikes, dropouts,
 * drift against a reference. Drift, once detected, stays until the sensor is recalibrated (`reset`): a drifted
 * transmitter does not heal by itself, and a warning that clears on its own would hide it.
 */
export class SensorHealthMonitor {
  private readonly model: ReferenceModel;
  private readonly detector: ChangeDetector;
  private readonly recent: Ring;
  private readonly gaps: Ring;
  private readonly spikeFlags: Ring;
  private readonly noiseFloor: number;
  private s: Omit<SensorHealthState, 'model' | 'detector' | 'recent' | 'gaps' | 'spikeFlags'>;
  /** Source time this run of the monitor began (`resumed`), until the sensor's first reading after it; not saved. */
  private resumedAt?: number;

  constructor(readonly sensor: SensorDefinition, readonly options: HealthOptions, saved?: SensorHealthState) {
    this.model = new ReferenceModel(saved?.model);
    this.detector = createDetector(options.method, options.allowance, options.threshold, saved?.detector);
    this.recent = new Ring(options.spikeWindow, saved?.recent);
    this.gaps = new Ring(GAP_MEMORY, saved?.gaps);
    this.spikeFlags = new Ring(SPIKE_MEMORY, saved?.spikeFlags);
    const span = sensor.range ? sensor.range.max - sensor.range.min : 0;
    this.noiseFloor = options.noiseFloor ?? (span > 0 ? span * 1e-3 : 1e-6);
    this.s = {
      interval: saved?.interval,
      drift: saved?.drift,
      bias: saved?.bias ?? 0,
      anchor: saved?.anchor,
      lastTs: saved?.lastTs,
      counts: saved?.counts ?? { spikes: 0, dropouts: 0, outOfRange: 0, badQuality: 0 },
      outOfRangeSince: saved?.outOfRangeSince,
      lastDropoutTs: saved?.lastDropoutTs,
      badQualitySince: saved?.badQualitySince,
      pendingSpike: saved?.pendingSpike,
      stoppedSince: saved?.stoppedSince,
    };
  }

  /**
   * The machine stopped at `ts`: a subscription reports a value only when it moves, so a standing machine's sensor
   * falls silent or holds one value. Neither is a dropout nor a stuck transmitter, and its values are no process to
   * learn a spike window or a drift from.
   */
  machineStopped(ts: number): void {
    this.s.stoppedSince ??= ts;
  }

  /** The machine runs again from `ts`: the time it stood counts as no gap, and a value held since then as no stuck one. */
  machineStarted(ts: number): void {
    if (this.s.stoppedSince === undefined) return;
    this.s.stoppedSince = undefined;
    this.s.anchor = undefined;
    this.s.pendingSpike = undefined;
    // Gaps and silence count from the start, not from the last value before the stop.
    this.s.lastTs = Math.max(this.s.lastTs ?? ts, ts);
  }

  /**
   * The monitor runs again from source time `ts` after it did not (Node-RED restarted, the flow redeployed): nobody
   * was listening meanwhile, so the readings not taken then are no sensor's fault. Gaps and silence count from `ts`
   * instead of the last reading before the pause, and a value held across it is not yet a stuck one. A sensor still
   * silent long after `ts` is a dropout as ever.
   */
  resumed(ts: number): void {
    if (this.s.lastTs === undefined || ts <= this.s.lastTs) return;
    this.resumedAt = ts;
    this.s.anchor = undefined;
    this.s.pendingSpike = undefined;
  }

  /**
   * Takes one reading; `referenceValue` is the reference sensor's value at the same time when the drift reference
   * is another sensor. Returns the quality the reading deserves.
   */
  observe(ts: number, value: number, quality: Quality, referenceValue?: number): Quality {
    const s = this.s;
    if (s.lastTs !== undefined && ts <= s.lastTs) return quality;
    const standing = s.stoppedSince !== undefined;
    if (!standing) this.trackGap(ts);
    s.lastTs = ts;
    if (quality === 'bad') {
      s.counts.badQuality++;
      s.badQualitySince ??= ts;
      return quality;
    }
    s.badQualitySince = undefined;
    let verdict: Quality = quality;
    const range = this.sensor.range;
    if (range && (value < range.min || value > range.max)) {
      s.counts.outOfRange++;
      s.outOfRangeSince ??= ts;
      return 'bad';
    }
    s.outOfRangeSince = undefined;
    if (standing) return verdict;
    if (this.checkSpike(value)) return 'bad';
    if (this.trackStuck(ts, value)) return 'bad';
    this.trackDrift(ts, value, referenceValue);
    const state = this.assess(ts).state;
    if (state === 'faulty') verdict = 'bad';
    else if (state === 'suspect') verdict = worseQuality(verdict, 'uncertain');
    return verdict;
  }

  private trackGap(ts: number): void {
    const { lastTs } = this.s;
    const resumedAt = this.resumedAt;
    this.resumedAt = undefined;
    if (lastTs === undefined) return;
    if (resumedAt !== undefined && resumedAt > lastTs) {
      // Only the part of the gap after the resume can be the sensor's, and it is no whole interval to learn from.
      if (this.isDropout(ts - resumedAt)) this.countDropout(ts);
      return;
    }
    const gap = ts - lastTs;
    if (this.isDropout(gap)) this.countDropout(ts);
    else this.gaps.push(gap);
  }

  private isDropout(gap: number): boolean {
    return this.gaps.length >= 10 && gap > this.options.dropoutFactor * this.gaps.median();
  }

  private countDropout(ts: number): void {
    this.s.counts.dropouts++;
    this.s.lastDropoutTs = ts;
  }

  /** Since when the sensor is silent: its last reading, or the resume of the monitor when that came later. */
  private silentSince(): number | undefined {
    const { lastTs } = this.s;
    if (lastTs === undefined) return undefined;
    return this.resumedAt !== undefined && this.resumedAt > lastTs ? this.resumedAt : lastTs;
  }

  /**
   * A spike is a lone excursion that comes straight back; a process step (a machine changing phase) also jumps but
   * stays. An outlier is marked bad at once (one lost reading costs features less than a spike in their max and std)
   * but only counted as a spike when the next reading comes back near the median; one that stays away is a new
   * level, and the window restarts from it.
   */
  private checkSpike(value: number): boolean {
    const pending = this.s.pendingSpike;
    if (pending !== undefined) {
      this.s.pendingSpike = undefined;
      if (this.robustZ(value) <= this.options.spikeZ / 2) {
        this.s.counts.spikes++;
        this.spikeFlags.push(1);
      } else {
        this.recent.clear();
        this.recent.push(pending);
      }
    }
    if (this.recent.full && this.robustZ(value) > this.options.spikeZ) {
      this.s.pendingSpike = value;
      return true;
    }
    this.spikeFlags.push(0);
    this.recent.push(value);
    return false;
  }

  private robustZ(value: number): number {
    const median = this.recent.median();
    const scale = Math.max(1.4826 * this.recent.mad(median), this.noiseFloor);
    return Math.abs(value - median) / scale;
  }

  private trackStuck(ts: number, value: number): boolean {
    if (this.options.stuckMs <= 0) return false;
    const anchor = this.s.anchor;
    if (!anchor || Math.abs(value - anchor.value) > this.options.stuckEpsilon) {
      this.s.anchor = { value, ts };
      return false;
    }
    return ts - anchor.ts >= this.options.stuckMs;
  }

  private trackDrift(ts: number, value: number, referenceValue: number | undefined): void {
    const reference = this.options.reference;
    if (reference.kind === 'none') return;
    let x = 0;
    if (reference.kind === 'sensor') {
      if (referenceValue === undefined || !Number.isFinite(referenceValue)) return;
      x = referenceValue;
    }
    const learning = this.model.intervalCount < this.options.learnIntervals;
    if (learning) this.model.learnSample(x, value);
    const index = Math.floor(ts / this.options.intervalMs);
    const interval = this.s.interval;
    if (interval && interval.index !== index) this.closeInterval(interval, learning);
    if (!this.s.interval || this.s.interval.index !== index) this.s.interval = { index, count: 0, sumX: 0, sumY: 0 };
    const current = this.s.interval;
    current.count++;
    current.sumX += x;
    current.sumY += value;
  }

  private closeInterval(interval: Interval, learning: boolean): void {
    const meanX = interval.sumX / interval.count;
    const meanY = interval.sumY / interval.count;
    if (learning) {
      this.model.learnInterval(meanX, meanY);
      return;
    }
    const residual = this.model.residual(meanX, meanY);
    const sigma = Math.max(this.model.intervalSigma(), this.noiseFloor);
    const end = (interval.index + 1) * this.options.intervalMs;
    const alarm = this.detector.update(residual / sigma, end);
    this.s.bias += BIAS_SMOOTHING * (residual - this.s.bias);
    const change = this.detector.state();
    if (alarm && !this.s.drift && change.direction) {
      this.s.drift = { since: change.since ?? end, direction: change.direction, bias: this.s.bias };
    }
    if (this.s.drift) this.s.drift.bias = this.s.bias;
  }

  /** The sensor's health at source time `now` (a check for silence needs a clock, not a reading). */
  assess(now = this.s.lastTs ?? 0): HealthAssessment {
    const s = this.s;
    const issues: HealthIssue[] = [];
    const unit = this.sensor.unit;
    const faulty: IssueKind[] = [];
    if (s.outOfRangeSince !== undefined) {
      issues.push({ kind: 'out-of-range', since: s.outOfRangeSince, message: `reads outside its physical range ${this.sensor.range?.min}..${this.sensor.range?.max} ${unit}` });
      faulty.push('out-of-range');
    }
    const standing = s.stoppedSince !== undefined;
    if (!standing && s.anchor && this.options.stuckMs > 0 && (s.lastTs ?? 0) - s.anchor.ts >= this.options.stuckMs) {
      issues.push({ kind: 'stuck', since: s.anchor.ts, message: `has not changed from ${round(s.anchor.value)} ${unit} for ${minutes((s.lastTs ?? 0) - s.anchor.ts)}` });
      faulty.push('stuck');
    }
    if (s.badQualitySince !== undefined) {
      issues.push({ kind: 'bad-quality', since: s.badQualitySince, message: 'its source reports bad quality' });
      faulty.push('bad-quality');
    }
    const spikes = this.spikeFlags.sum();
    if (spikes >= this.options.spikeLimit) {
      issues.push({ kind: 'spikes', since: now, message: `${spikes} spikes in its last ${SPIKE_MEMORY} readings` });
    }
    const typicalGap = this.gaps.length >= 10 ? this.gaps.median() : undefined;
    const silentSince = this.silentSince();
    if (!standing && typicalGap !== undefined && silentSince !== undefined && now - silentSince > this.options.dropoutFactor * typicalGap) {
      issues.push({ kind: 'dropout', since: silentSince, message: `silent for ${minutes(now - silentSince)} (normally every ${round(typicalGap / 1000)} s)` });
    } else if (typicalGap !== undefined && s.lastDropoutTs !== undefined && now - s.lastDropoutTs < 10 * this.options.dropoutFactor * typicalGap) {
      issues.push({ kind: 'dropout', since: s.lastDropoutTs, message: `missed readings (${s.counts.dropouts} gaps so far)` });
    }
    const drift = s.drift;
    if (drift) {
      const against = this.referenceName();
      issues.push({ kind: 'drift', since: drift.since, message: `reads ${round(Math.abs(drift.bias))} ${unit} ${drift.bias >= 0 ? 'high' : 'low'} against ${against}` });
      if (this.options.biasTolerance !== undefined && Math.abs(drift.bias) > this.options.biasTolerance) faulty.push('drift');
    }
    const learning = this.options.reference.kind !== 'none' && this.model.intervalCount < this.options.learnIntervals;
    const state: HealthState = faulty.length > 0 ? 'faulty' : issues.length > 0 ? 'suspect' : learning ? 'learning' : 'healthy';
    const calibrationDue = drift !== undefined || faulty.includes('stuck') || faulty.includes('out-of-range');
    return {
      sensor: this.sensor.id,
      state,
      issues,
      // Without a reference nothing tells a drifting sensor from a real change: its drift is not measured, not nil.
      driftBias: this.options.reference.kind === 'none' ? null : s.bias,
      unit,
      calibrationDue,
      recommendation: this.recommend(issues, calibrationDue),
      quality: state === 'faulty' ? 'bad' : state === 'suspect' ? 'uncertain' : 'good',
      counts: { ...s.counts },
    };
  }

  private referenceName(): string {
    const reference = this.options.reference;
    return reference.kind === 'sensor' ? `${reference.sensor} (learned relation)` : 'its commissioning baseline';
  }

  private recommend(issues: HealthIssue[], calibrationDue: boolean): string {
    if (issues.length === 0) return 'No action: keep monitoring.';
    const name = this.sensor.name || this.sensor.id;
    const what = issues.map((issue) => issue.message).join('; ');
    const first = new Date(Math.min(...issues.map((issue) => issue.since))).toISOString();
    return calibrationDue
      ? `Check and calibrate ${name}: it ${what} (since ${first}). Its readings are marked and left out of features until then.`
      : `Inspect ${name} and its wiring: it ${what}.`;
  }

  /** After a calibration or replacement: forget the learned reference and any drift, learn afresh. */
  reset(): SensorHealthMonitor {
    return new SensorHealthMonitor(this.sensor, this.options);
  }

  toJSON(): SensorHealthState {
    return {
      ...this.s,
      model: this.model.toJSON(),
      detector: this.detector.toJSON(),
      recent: this.recent.toJSON(),
      gaps: this.gaps.toJSON(),
      spikeFlags: this.spikeFlags.toJSON(),
    };
  }
}

function round(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

function minutes(ms: number): string {
  return ms >= 3_600_000 ? `${round(ms / 3_600_000)} h` : `${round(ms / 60_000)} min`;
}
