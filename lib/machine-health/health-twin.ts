/**
 * The health twin of a set of assets: each asset's own-normal health (machine-health) feeds its RUL ladder, and the
 * ladder's estimate its urgency. The `twin-health` node and the `twin-health replay` CLI both run this class, so an
 * engineer validating on history sees what the live node would have said.
 */
import { RulLadder, DEFAULT_LADDER_OPTIONS, type LadderEstimate, type LadderOptions, type LadderState } from '../rul/ladder/rul-ladder';
import type { Onset } from '../rul/ladder/onset';
import type { RunToFailure } from '../rul/ladder/similarity';
import { survivalSource, type BearingRating, type SurvivalSource } from '../rul/ladder/survival-prior';
import type { Life } from '../rul/ladder/weibull';
import { DEFAULT_URGENCY_OPTIONS, UrgencyTracker, type UrgencyLevel, type UrgencyOptions, type UrgencyState } from '../rul/urgency';
import { learningSignature, MachineHealth, type HealthReading, type MachineHealthOptions, type MachineHealthState, type SensorVerdict } from './machine-health';

export interface HealthTwinOptions {
  health: MachineHealthOptions;
  ladder: LadderOptions;
  urgency: UrgencyOptions;
  /** Fleet lives (failures and running assets) for the Weibull prior. */
  lives: Life[];
  /** Failures needed before the fleet Weibull replaces the ISO 281 prior. */
  minFailures: number;
  bearing?: BearingRating;
  /** Past run-to-failure health trajectories for the similarity model. */
  library: RunToFailure[];
  /** Operating hours each asset had at its first row. */
  ageHoursAtStart: number;
}

export const DEFAULT_MIN_FAILURES = 3;

export interface HealthTwinRow {
  reading: HealthReading;
  estimate?: LadderEstimate;
  urgency?: UrgencyLevel;
  /** Set on the row where the asset's onset was detected. */
  newOnset?: Onset;
}

/** Everything the twin has learned, as JSON: the node keeps it in its context across restarts and redeploys. */
export interface HealthTwinState {
  assets: Record<string, { health: MachineHealthState; ladder: LadderState; firstTs?: number; lastTs?: number }>;
  lives: Life[];
  library: RunToFailure[];
  urgency: UrgencyState;
}

interface AssetTwin {
  health: MachineHealth;
  ladder: RulLadder;
  /** Time of the asset's first row (its operating hours count from there) and of its latest. */
  firstTs?: number;
  lastTs?: number;
}

export class HealthTwin {
  private readonly assets = new Map<string, AssetTwin>();
  private readonly urgency: UrgencyTracker;
  private readonly lives: Life[];
  private readonly library: RunToFailure[];
  private survival?: SurvivalSource;

  constructor(readonly options: HealthTwinOptions, saved?: HealthTwinState) {
    this.urgency = new UrgencyTracker(options.urgency ?? DEFAULT_URGENCY_OPTIONS, saved?.urgency);
    this.lives = saved ? saved.lives.map((life) => ({ ...life })) : [...options.lives];
    this.library = saved ? [...saved.library] : [...options.library];
    const signature = learningSignature(options.health);
    for (const [asset, state] of Object.entries(saved?.assets ?? {})) {
      // Learned under other features or thresholds: the baseline and the index's history mean nothing now; the asset learns afresh.
      if (state.health.signature !== signature) continue;
      this.assets.set(asset, {
        health: new MachineHealth(asset, options.health, state.health),
        ladder: new RulLadder(asset, () => this.survival, this.library, options.ladder, state.ladder),
        firstTs: state.firstTs,
        lastTs: state.lastTs,
      });
    }
    this.refreshSurvival();
  }

  /** The survival prior from the fleet's failures, every other asset counted as running (censored) at its age. */
  private refreshSurvival(): void {
    const running: Life[] = [...this.assets.values()]
      .filter((twin) => twin.firstTs !== undefined && twin.lastTs !== undefined)
      .map((twin) => ({ hours: Math.max(1e-6, this.options.ageHoursAtStart + ((twin.lastTs as number) - (twin.firstTs as number)) / 3_600_000), failed: false }));
    this.survival = survivalSource([...this.lives, ...running], this.options.minFailures, this.options.bearing);
  }

  toJSON(): HealthTwinState {
    return {
      assets: Object.fromEntries([...this.assets].map(([asset, twin]) => [asset, { health: twin.health.toJSON(), ladder: twin.ladder.toJSON(), firstTs: twin.firstTs, lastTs: twin.lastTs }])),
      lives: this.lives.map((life) => ({ ...life })),
      library: this.library,
      urgency: this.urgency.toJSON(),
    };
  }

  /** Confirmed failures and run-to-failure trajectories learned so far (what moves assets up the ladder). */
  get fleet(): { failures: number; histories: number } {
    return { failures: this.lives.filter((life) => life.failed).length, histories: this.library.length };
  }

  /**
   * A failure the maintenance team confirmed at `ts`: the asset's life joins the fleet's lives (the other assets
   * count as still running, censored at their age), its health trajectory since onset joins the similarity library,
   * and the asset (repaired) learns its normal afresh from its next row.
   */
  confirmFailure(asset: string, ts: number): { lifeHours: number; trajectory: boolean } {
    const twin = this.assets.get(asset);
    if (!twin || twin.firstTs === undefined) throw new Error(`asset ${asset} has no rows yet: nothing to end`);
    const lifeHours = this.options.ageHoursAtStart + (ts - twin.firstTs) / 3_600_000;
    if (!(lifeHours > 0)) throw new Error(`asset ${asset}: the failure must come after its first row`);
    this.lives.push({ hours: lifeHours, failed: true });
    const onset = twin.ladder.onset;
    const points = twin.ladder.trajectorySinceOnset();
    if (onset && points.length > 1) this.library.push({ id: `${asset}@${new Date(ts).toISOString()}`, points, failureHours: (ts - onset.sinceTs) / 3_600_000 });
    this.assets.delete(asset);
    this.refreshSurvival();
    return { lifeHours, trajectory: onset !== undefined && points.length > 1 };
  }

  /** What the bottom rung rests on, or undefined without lives or a bearing rating. */
  get survivalBasis(): string | undefined {
    return this.survival?.basis;
  }

  asset(asset: string): MachineHealth | undefined {
    return this.assets.get(asset)?.health;
  }

  setSensorVerdict(asset: string, sensor: string, verdict: SensorVerdict): void {
    this.twinOf(asset).health.setSensorVerdict(sensor, verdict);
  }

  /** Forgets an asset's baseline, onset and trend (after a repair): it learns its normal afresh from its next row. */
  relearn(asset: string): boolean {
    return this.assets.delete(asset);
  }

  /**
   * Whether a row at `ts` comes at the asset's last row's time. twin-features can send a vector again at the same
   * time (messages that did not move its newest reading's time, seen as a PLC went offline): the health index takes
   * one row per time, and such a vector is neither a new row nor one out of order.
   */
  isRepeat(asset: string, ts: number): boolean {
    return this.assets.get(asset)?.lastTs === ts;
  }

  update(asset: string, ts: number, values: Readonly<Record<string, number>>): HealthTwinRow {
    const twin = this.twinOf(asset);
    const reading = twin.health.update(ts, values);
    twin.firstTs ??= ts;
    twin.lastTs = ts;
    if (reading.phase !== 'scoring' || reading.progress === undefined || reading.regime === undefined) return { reading };
    const reference = twin.health.healthReference(reading.regime);
    if (!reference) return { reading };
    const hadOnset = twin.ladder.onset !== undefined;
    const ageHours = this.options.ageHoursAtStart + (ts - (twin.firstTs ?? ts)) / 3_600_000;
    const estimate = twin.ladder.update({ ts, progress: reading.progress, center: reference.center, sigma: reference.sigma, ageHours });
    const row: HealthTwinRow = { reading, estimate };
    if (!hadOnset && estimate.onset) row.newOnset = estimate.onset;
    if (estimate.rulHours !== undefined) row.urgency = this.urgency.update({ asset, ts, rulHours: estimate.rulHours, lowerHours: estimate.lowerHours }).level;
    return row;
  }

  private twinOf(asset: string): AssetTwin {
    let twin = this.assets.get(asset);
    if (!twin) {
      twin = { health: new MachineHealth(asset, this.options.health), ladder: new RulLadder(asset, () => this.survival, this.library, this.options.ladder) };
      this.assets.set(asset, twin);
    }
    return twin;
  }
}
