import type { AssetDefinition } from '../../lib/asset/asset-model';
import type { MachineStateName } from '../../lib/asset/presets';
import type { Random } from '../../lib/math/random';

export interface MachineOptions {
  ambientC: number;
  initialWear: number;
  /**
   * This machine's bearing life as a share of the type's nominal life (1 when absent): site conditions such as
   * coolant ingress or misalignment shorten it, and nothing in a fleet-trained model knows that.
   */
  lifeFactor?: number;
}

/** A simulated machine: process physics stepped in real seconds, bearing wear stepped in (accelerated) hours. */
export interface MachineModel {
  readonly asset: AssetDefinition;
  readonly wear: number;
  readonly state: MachineStateName;
  /** Advances the process by dtS seconds and the bearing wear by wearHours. */
  step(dtS: number, wearHours: number, random: Random): void;
  /** Current engineering value of every scalar sensor, by sensor id. */
  values(): Record<string, number>;
  /** Shaft speed in rpm and the velocity RMS the acceleration block must carry. */
  vibrationSource(): { rpm: number; velocityMmS: number; wear: number };
  setSpeedSetpoint(rpm: number): void;
  /** Whether a machine that makes parts machines them, or only turns (a warm-up); absent on machines that always work. */
  setCutting?(cutting: boolean): void;
  setRunning(running: boolean): void;
  setWear(wear: number): void;
  /** A new bearing, machine back to running. */
  repair(): void;
  /** Ground truth: hours to bearing failure at the present stress. */
  remainingLifeHours(): number;
}
