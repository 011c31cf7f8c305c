import type { AssetDefinition } from '../../lib/asset/asset-model';
import { MACHINE_STATE } from '../../lib/asset/presets';
import { advanceWear, remainingLifeHours } from './bearing-wear';
import { MachineBase } from './machine-base';
import type { MachineOptions } from './machine';
import type { Random } from '../../lib/math/random';
import { firstOrder } from './thermal';

const SPEED_TAU_S = 3;
const BEARING_TAU_S = 300;
const NOMINAL_LIFE_H = 720;
const DESIGN_FLOW_M3H = 320;
const DESIGN_PRESSURE_BAR = 5.5;
const DESIGN_SHAFT_KW = 38;
const DEMAND_PERIOD_S = 600;
const MOTOR_EFFICIENCY = 0.93;
const POWER_FACTOR = 0.87;

/**
 * Centrifugal pump on a closed system. Flow, head and power follow the affinity laws (Q ~ n, H ~ n², P ~ n³);
 * a slowly varying valve position (plant demand) moves the operating point along the system curve.
 */
export class PumpModel extends MachineBase {
  private clockS = 0;
  private demand = 1;

  constructor(asset: AssetDefinition, options: MachineOptions) {
    super(asset, options, 2970);
  }

  step(dtS: number, wearHours: number, random: Random): void {
    this.clockS += dtS;
    const running = this.state === 'running';
    this.speed = firstOrder(this.speed, running ? this.setpoint : 0, dtS, SPEED_TAU_S);
    const r = this.speed / this.nominalRpm;
    this.demand = 1 + 0.12 * Math.sin((2 * Math.PI * this.clockS) / DEMAND_PERIOD_S) + 0.01 * random.gaussian();
    const heatRise = 27 * r * r * (1 + 2.2 * this.currentWear * this.currentWear);
    this.bearingC = firstOrder(this.bearingC, this.ambientC + heatRise, dtS, BEARING_TAU_S);
    const hydraulic = 1.1 * r * r;
    const defect = r > 0.05 ? 7.5 * Math.pow(this.currentWear, 1.6) : 0;
    this.velocity = Math.max(0, (hydraulic + defect) * (1 + 0.03 * random.gaussian()));
    if (running && wearHours > 0) {
      this.currentWear = advanceWear(this.currentWear, wearHours, NOMINAL_LIFE_H * this.lifeFactor, { speedRatio: r, loadRatio: r * r });
      if (this.currentWear >= 1) this.failed = true;
    }
  }

  values(): Record<string, number> {
    const r = this.speed / this.nominalRpm;
    const shaftKw = DESIGN_SHAFT_KW * r * r * r * (0.85 + 0.15 * this.demand) * (1 + 0.12 * this.currentWear);
    const electricalKw = this.speed > 1 ? shaftKw / MOTOR_EFFICIENCY : 0;
    return {
      speed: this.speed,
      flow: DESIGN_FLOW_M3H * r * this.demand,
      dischargePressure: DESIGN_PRESSURE_BAR * r * r * (2 - this.demand),
      motorPower: electricalKw,
      motorCurrent: (electricalKw * 1000) / (Math.sqrt(3) * (this.asset.ratings.ratedVoltageV ?? 400) * POWER_FACTOR),
      bearingTemp: this.bearingC,
      vibration: this.velocity,
      state: MACHINE_STATE[this.state],
    };
  }

  remainingLifeHours(): number {
    if (this.failed) return 0;
    const r = this.setpoint / this.nominalRpm;
    return remainingLifeHours(this.currentWear, NOMINAL_LIFE_H * this.lifeFactor, { speedRatio: r, loadRatio: r * r });
  }
}
