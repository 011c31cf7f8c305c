/**
 * Bearing wear from 0 (new) to 1 (failed). Damage grows faster as the bearing degrades (spalls spread), and
 * its rate scales with speed and with load cubed, as ISO 281 basic rating life L10 = (C/P)^3 revolutions
 * implies for ball bearings. `nominalLifeH` is the life at nominal speed and nominal load.
 */
export interface WearStress {
  speedRatio: number;
  loadRatio: number;
}

/** w(t) = (exp(GROWTH * t/L) - 1) / (exp(GROWTH) - 1) at constant nominal stress: reaches 1 at t = L. */
const GROWTH = 2.5;
const SCALE = Math.exp(GROWTH) - 1;

export function wearRatePerHour(wear: number, nominalLifeH: number, stress: WearStress): number {
  const stressFactor = Math.max(0, stress.speedRatio) * Math.pow(Math.max(0.05, stress.loadRatio), 3);
  return (GROWTH / nominalLifeH) * (wear + 1 / SCALE) * stressFactor;
}

export function advanceWear(wear: number, hours: number, nominalLifeH: number, stress: WearStress): number {
  return Math.min(1, wear + wearRatePerHour(wear, nominalLifeH, stress) * hours);
}

/** Hours left at constant stress until wear reaches 1: the simulator's ground-truth remaining useful life. */
export function remainingLifeHours(wear: number, nominalLifeH: number, stress: WearStress): number {
  const stressFactor = Math.max(1e-9, stress.speedRatio * Math.pow(Math.max(0.05, stress.loadRatio), 3));
  const k = GROWTH / nominalLifeH * stressFactor;
  return Math.log((1 + 1 / SCALE) / (wear + 1 / SCALE)) / k;
}
