import type { AssetDefinition } from '../../lib/asset/asset-model';
import type { MachineStateName } from '../../lib/asset/presets';
import type { MachineModel, MachineOptions } from './machine';
import type { Random } from '../../lib/math/random';

/** What every simulated rotating machine shares: speed control, run/stop, bearing wear and failure. */
export abstract class MachineBase implements MachineModel {
  readonly asset: AssetDefinition;
  protected readonly nominalRpm: number;
  protected readonly ambientC: number;
  protected speed = 0;
  protected setpoint: number;
  protected runRequested = true;
  protected failed = false;
  protected bearingC: number;
  protected velocity = 0;
  protected currentWear: number;
  protected readonly lifeFactor: number;

  constructor(asset: AssetDefinition, options: MachineOptions, defaultNominalRpm: number) {
    this.asset = asset;
    this.nominalRpm = asset.ratings.nominalRpm ?? defaultNominalRpm;
    this.setpoint = this.nominalRpm;
    this.ambientC = options.ambientC;
    this.bearingC = options.ambientC;
    this.currentWear = options.initialWear;
    this.lifeFactor = options.lifeFactor ?? 1;
  }

  abstract step(dtS: number, wearHours: number, random: Random): void;
  abstract values(): Record<string, number>;
  abstract remainingLifeHours(): number;

  get wear(): number { return this.currentWear; }

  get state(): MachineStateName {
    if (this.failed) return 'down';
    return this.runRequested && this.setpoint > 0 ? 'running' : 'idle';
  }

  vibrationSource(): { rpm: number; velocityMmS: number; wear: number } {
    return { rpm: this.speed, velocityMmS: this.velocity, wear: this.currentWear };
  }

  setSpeedSetpoint(rpm: number): void {
    this.setpoint = Math.max(0, Math.min(rpm, this.asset.ratings.maxRpm ?? rpm));
  }

  setRunning(running: boolean): void { this.runRequested = running; }

  setWear(wear: number): void {
    this.currentWear = Math.max(0, Math.min(1, wear));
    this.failed = this.currentWear >= 1;
  }

  repair(): void {
    this.currentWear = 0;
    this.failed = false;
    this.runRequested = true;
  }
}
