import type { BlockTransform } from './spectrum';

/** Acceleration units a waveform sensor may carry, and their size in mm/s². */
const MM_S2_PER_UNIT = new Map<string, number>([
  ['g', 9806.65],
  ['m/s²', 1000],
  ['m/s^2', 1000],
  ['m/s2', 1000],
  ['mm/s²', 1],
  ['mm/s^2', 1],
  ['mm/s2', 1],
]);

export function isAcceleration(unit: string): boolean {
  return MM_S2_PER_UNIT.has(unit.trim());
}

export function accelerationScale(unit: string): number {
  const scale = MM_S2_PER_UNIT.get(unit.trim());
  if (scale === undefined) {
    throw new Error(`cannot integrate "${unit}" to velocity: the waveform must be acceleration in g, m/s² or mm/s²`);
  }
  return scale;
}

/**
 * Velocity RMS (mm/s) in a band, integrated from acceleration in the frequency domain (divide each bin by 2πf),
 * which is how ISO 10816/20816 broadband velocity is measured: no drift from time-domain integration and an exact
 * band limit. A windowed transform is expected: without one, leakage from a strong tone reaches the low bins,
 * where 1/f amplifies it (about 1 % too high for a 50 Hz tone); the window's power sum keeps Parseval's balance.
 */
export function velocityRms(transform: BlockTransform, unit: string, fromHz = 10, toHz = 1000): number {
  const scale = accelerationScale(unit);
  const { complex, resolution, size, windowPowerSum } = transform;
  const first = Math.max(1, Math.ceil(fromHz / resolution));
  const last = Math.min(size / 2 - 1, Math.floor(toHz / resolution));
  let sum = 0;
  for (let k = first; k <= last; k++) {
    const gain = scale / (2 * Math.PI * k * resolution);
    sum += (complex[2 * k] * complex[2 * k] + complex[2 * k + 1] * complex[2 * k + 1]) * gain * gain;
  }
  return Math.sqrt((2 * sum) / (windowPowerSum * size));
}
