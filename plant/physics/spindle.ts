import type { AssetDefinition } from '../../lib/asset/asset-model';
import { MACHINE_STATE } from '../../lib/asset/presets';
import { advanceWear, remainingLifeHours, type WearStress } from './bearing-wear';
import { MachineBase } from './machine-base';
import type { MachineOptions } from './machine';
import type { Random } from '../../lib/math/random';
import { firstOrder } from './thermal';

const SPEED_TAU_S = 1.5;
const BEARING_TAU_S = 240;
const CYCLE_S = 60;
const CUT_END_S = 45;
const RETRACT_END_S = 52;
const NOMINAL_CUT_LOAD = 60;
/** Bearing life at nominal speed and load, hours: short, so the demo shows a life in days at its speed-up. */
export const SPINDLE_NOMINAL_LIFE_H = 480;
const MOTOR_EFFICIENCY = 0.9;
const POWER_FACTOR = 0.85;

/**
 * CNC machining-centre spindle running a 60 s part cycle (cut, retract, tool change). Cutting load is torque
 * demand, so mechanical power follows load × speed; bearing friction heat grows with speed and with wear.
 */
export class SpindleModel extends MachineBase {
  private readonly ratedKw: number;
  private cycleS = 0;
  private load = 0;
  private parts = 0;
  private good = 0;
  private scrap = 0;
  /** Off while the spindle warms up: it turns at the program's speed without machining parts. */
  private cutting = true;

  constructor(asset: AssetDefinition, options: MachineOptions) {
    super(asset, options, 12000);
    this.ratedKw = asset.ratings.ratedPowerKw ?? 15;
  }

  private stress(): WearStress {
    return { speedRatio: this.speed / this.nominalRpm, loadRatio: Math.max(this.load, 20) / NOMINAL_CUT_LOAD };
  }

  step(dtS: number, wearHours: number, random: Random): void {
    const running = this.state === 'running';
    this.speed = firstOrder(this.speed, running ? this.setpoint : 0, dtS, SPEED_TAU_S);
    const speedRatio = this.speed / this.nominalRpm;
    const machining = running && this.cutting;
    if (machining) this.advanceCycle(dtS, random);
    const phaseLoad = !machining ? 0 : this.cycleS < CUT_END_S ? NOMINAL_CUT_LOAD * (1 + 0.08 * Math.sin(this.cycleS / 3)) : this.cycleS < RETRACT_END_S ? 12 : 6;
    const frictionLoad = speedRatio > 0.01 ? 4 + 15 * this.currentWear * this.currentWear : 0;
    this.load = Math.max(0, phaseLoad + frictionLoad + random.gaussian() * 0.8 * Math.min(1, speedRatio * 4));
    const heatRise = 24 * Math.pow(speedRatio, 1.5) * (1 + 2.6 * this.currentWear * this.currentWear) + 6 * (this.load / 100);
    this.bearingC = firstOrder(this.bearingC, this.ambientC + heatRise, dtS, BEARING_TAU_S);
    const imbalance = 0.55 * speedRatio * speedRatio;
    const defect = speedRatio > 0.05 ? 5.2 * Math.pow(this.currentWear, 1.6) : 0;
    this.velocity = Math.max(0, (imbalance + defect) * (1 + 0.03 * random.gaussian()));
    if (running && wearHours > 0) {
      this.currentWear = advanceWear(this.currentWear, wearHours, SPINDLE_NOMINAL_LIFE_H * this.lifeFactor, this.stress());
      if (this.currentWear >= 1) this.failed = true;
    }
  }

  private advanceCycle(dtS: number, random: Random): void {
    this.cycleS += dtS;
    while (this.cycleS >= CYCLE_S) {
      this.cycleS -= CYCLE_S;
      this.parts += 1;
      const scrapProbability = 0.01 + 0.08 * Math.max(0, this.velocity - 1.4) / 1.4;
      if (random.next() < scrapProbability) this.scrap += 1;
      else this.good += 1;
    }
  }

  values(): Record<string, number> {
    const mechanicalKw = this.ratedKw * (this.load / 100) * (this.speed / this.nominalRpm);
    const electricalKw = this.speed > 1 ? mechanicalKw / MOTOR_EFFICIENCY + 0.35 : 0;
    return {
      speed: this.speed,
      speedSetpoint: this.setpoint,
      load: this.load,
      motorCurrent: (electricalKw * 1000) / (Math.sqrt(3) * (this.asset.ratings.ratedVoltageV ?? 400) * POWER_FACTOR),
      motorPower: electricalKw,
      bearingTemp: this.bearingC,
      vibration: this.velocity,
      partCount: this.parts,
      goodCount: this.good,
      scrapCount: this.scrap,
      state: MACHINE_STATE[this.state],
    };
  }

  setCutting(cutting: boolean): void {
    this.cutting = cutting;
  }

  remainingLifeHours(): number {
    if (this.failed) return 0;
    return remainingLifeHours(this.currentWear, SPINDLE_NOMINAL_LIFE_H * this.lifeFactor, { speedRatio: this.setpoint / this.nominalRpm, loadRatio: 1 });
  }
}

