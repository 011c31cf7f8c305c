/**
 * One ladder per asset, choosing the best RUL model its data supports and naming it in every estimate:
 *   survival prior (ISO 281 L10, or a Weibull of fleet lives) before onset →
 *   degradation (exponential with Bayesian updating, or linear) from the detected onset →
 *   similarity to past run-to-failure trajectories once enough exist.
 * A rung that cannot answer (too few points since onset, no rising trend or one too flat to bound the life, too few
 * histories) hands down to the next one below it. The supervised trees of twin-rul sit above this ladder: they are
 * used where the asset has confirmed failures to learn from, and this ladder is what an asset without them gets.
 */
import { DegradationFit, DEFAULT_DEGRADATION_OPTIONS, type DegradationOptions, type DegradationState, type RulInterval } from './degradation';
import { DEFAULT_ONSET_OPTIONS, OnsetDetector, type Onset, type OnsetOptions, type OnsetState } from './onset';
import { DEFAULT_SIMILARITY_OPTIONS, similarityRul, type RunToFailure, type SimilarityOptions, type TrajectoryPoint } from './similarity';
import { survivalRul, type SurvivalSource } from './survival-prior';

export type LadderModel = 'none' | 'survival-iso281' | 'survival-weibull' | 'degradation-exponential' | 'degradation-linear' | 'similarity';

export interface LadderOptions {
  onset: OnsetOptions;
  degradation: DegradationOptions;
  similarity: SimilarityOptions;
}

export const DEFAULT_LADDER_OPTIONS: LadderOptions = { onset: DEFAULT_ONSET_OPTIONS, degradation: DEFAULT_DEGRADATION_OPTIONS, similarity: DEFAULT_SIMILARITY_OPTIONS };

export interface LadderEstimate extends Partial<RulInterval> {
  asset: string;
  ts: number;
  model: LadderModel;
  onset?: Onset;
  /** Why this rung: what the estimate rests on. */
  basis: string;
}

export interface HealthPoint {
  ts: number;
  /** Unclamped health index (progress toward the threshold). */
  progress: number;
  /** The baseline's centre and σ of the index, for onset detection. */
  center: number;
  sigma: number;
  /** Operating hours of the asset at `ts`. */
  ageHours: number;
}

/** A health index value at a time, kept before onset. */
export interface RecentHealth {
  ts: number;
  health: number;
}

/** The last `size` points in a ring: every row of every asset before its onset passes here. */
class RecentPoints {
  private readonly ts: Float64Array;
  private readonly health: Float64Array;
  private count = 0;
  private next = 0;

  constructor(readonly size: number, saved: readonly RecentHealth[] = []) {
    this.ts = new Float64Array(size);
    this.health = new Float64Array(size);
    for (const point of saved.slice(-size)) this.push(point.ts, point.health);
  }

  push(ts: number, health: number): void {
    this.ts[this.next] = ts;
    this.health[this.next] = health;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
  }

  /** Oldest first. */
  toArray(): RecentHealth[] {
    const start = this.count < this.size ? 0 : this.next;
    return Array.from({ length: this.count }, (_, i) => {
      const at = (start + i) % this.size;
      return { ts: this.ts[at], health: this.health[at] };
    });
  }

  clear(): void {
    this.count = 0;
    this.next = 0;
  }
}

export interface LadderState {
  onset: OnsetState;
  degradation?: DegradationState;
  trajectory: TrajectoryPoint[];
  /** The last points before onset (absent in states saved before they were kept). */
  recent?: RecentHealth[];
}

export class RulLadder {
  private readonly detector: OnsetDetector;
  private degradation?: DegradationFit;
  private readonly trajectory: TrajectoryPoint[];
  /**
   * The last `degradation.minPoints` points before onset. The detector needs several points beyond the baseline to
   * call an onset, and dates it back to where its statistic left zero: the points since then are the degradation's
   * first evidence, so the trend starts with them rather than a minimum of points later.
   */
  private readonly recent: RecentPoints;

  /** `survival` is asked at each estimate: the fleet's life distribution changes as failures are confirmed. */
  constructor(readonly asset: string, readonly survival: () => SurvivalSource | undefined, readonly library: readonly RunToFailure[] = [], readonly options: LadderOptions = DEFAULT_LADDER_OPTIONS, saved?: LadderState) {
    this.detector = new OnsetDetector(options.onset, saved?.onset);
    if (saved?.degradation) this.degradation = new DegradationFit(saved.degradation.onsetTs, options.degradation, saved.degradation);
    this.trajectory = saved ? saved.trajectory.map((p) => ({ ...p })) : [];
    this.recent = new RecentPoints(Math.max(1, options.degradation.minPoints), saved?.recent);
  }

  toJSON(): LadderState {
    return { onset: this.detector.toJSON(), degradation: this.degradation?.toJSON(), trajectory: this.trajectory.map((p) => ({ ...p })), recent: this.recent.toArray() };
  }

  get onset(): Onset | undefined {
    return this.detector.onset;
  }

  /** The trajectory since onset, hours from onset: what this asset adds to the similarity library once it fails. */
  trajectorySinceOnset(): TrajectoryPoint[] {
    return [...this.trajectory];
  }

  /** The rung a threshold-reached estimate is credited to: the trend model that was following the index, if any. */
  private degradedModel(ts: number): LadderModel {
    const kind = this.degradation?.estimate(ts)?.kind;
    return kind ? `degradation-${kind}` : 'degradation-exponential';
  }

  /** Adds a point since onset to the trend and to the trajectory the similarity library gets at the failure. */
  private follow(onset: Onset, ts: number, health: number): void {
    this.degradation?.add(ts, health);
    this.trajectory.push({ hours: (ts - onset.sinceTs) / 3_600_000, health });
  }

  update(point: HealthPoint): LadderEstimate {
    const onset = this.detector.update(point.ts, point.progress, point.center, point.sigma);
    const health = Math.max(0, point.progress);
    if (!onset) {
      this.recent.push(point.ts, health);
    } else {
      if (!this.degradation) {
        this.degradation = new DegradationFit(onset.sinceTs, this.options.degradation);
        for (const earlier of this.recent.toArray()) if (earlier.ts >= onset.sinceTs) this.follow(onset, earlier.ts, earlier.health);
        this.recent.clear();
      }
      this.follow(onset, point.ts, health);
      // The index has reached the failure threshold: whatever a trend fitted so far says, nothing of the life remains.
      // (A crossing time taken conditional on "not crossed yet" would otherwise still promise hours.)
      if (point.progress >= 1) return { asset: this.asset, ts: point.ts, model: this.degradedModel(point.ts), onset, rulHours: 0, lowerHours: 0, upperHours: 0, basis: 'health index at the failure threshold' };
      const similar = similarityRul(this.trajectory, this.library, this.options.similarity);
      if (similar) return { asset: this.asset, ts: point.ts, model: 'similarity', onset, ...similar, basis: `matched to ${this.library.length} run-to-failure histories` };
      const degraded = this.degradation.estimate(point.ts);
      if (degraded) {
        const { kind, misfit, ...interval } = degraded;
        return { asset: this.asset, ts: point.ts, model: `degradation-${kind}`, onset, ...interval, basis: `${kind} trend since onset ${new Date(onset.sinceTs).toISOString()}, misfit ${misfit.toFixed(3)} HI` };
      }
    }
    const survival = this.survival();
    const trendless = 'degradation under way, no trend yet that bounds the remaining life';
    if (survival) return { asset: this.asset, ts: point.ts, model: survival.model, onset, ...survivalRul(survival, point.ageHours), basis: onset ? `${survival.basis}; ${trendless}` : survival.basis };
    return { asset: this.asset, ts: point.ts, model: 'none', onset, basis: onset ? trendless : 'no life data, no rating and no onset yet' };
  }
}
