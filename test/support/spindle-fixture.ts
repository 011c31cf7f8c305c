import { SPINDLE_ASSET } from '../../lib/asset/presets';
import { DEFAULT_FEATURE_OPTIONS, FeatureEngine } from '../../lib/features/feature-engine';
import type { FeatureVector } from '../../lib/features/feature-vector';
import type { Reading } from '../../lib/reading/reading';
import { SpindleModel } from '../../plant/physics/spindle';
import { runProgram, type OperatingPhase } from './simulated-operation';

export const START = Date.UTC(2026, 0, 5);
export const AMBIENT_C = 22;
/** Bearing wear held during the identification run: a bearing part-way through its life. */
export const WEAR = 0.2;

/**
 * Three and a half hours a commissioning engineer could run: four speeds, a stop, a return, ending with 40 minutes
 * at the nominal 12,000 rpm (ten thermal time constants) so "today" is a steady state.
 */
export const IDENTIFICATION_PROGRAM: readonly OperatingPhase[] = [
  { minutes: 30, rpm: 9000 }, { minutes: 30, rpm: 10500 }, { minutes: 30, rpm: 12000 }, { minutes: 30, rpm: 13500 },
  { minutes: 20, running: false }, { minutes: 30, rpm: 12000 }, { minutes: 20, rpm: 10500 }, { minutes: 40, rpm: 12000 },
];

export function spindle(wear = WEAR): SpindleModel {
  return new SpindleModel(SPINDLE_ASSET, { ambientC: AMBIENT_C, initialWear: wear });
}

/** Runs the identification program and returns the readings' batches and a feature vector of its last hour. */
export function identificationRun(seed = 1): { batches: Reading[][]; vector: FeatureVector; endTs: number } {
  const batches: Reading[][] = [];
  const endTs = runProgram(spindle(), IDENTIFICATION_PROGRAM, { startTs: START, seed }, (batch) => batches.push(batch));
  const engine = new FeatureEngine(SPINDLE_ASSET, {
    ...DEFAULT_FEATURE_OPTIONS, windows: ['1h'], statistics: ['mean', 'max', 'std'],
    scalarSensors: ['bearingTemp', 'load', 'motorPower', 'vibration', 'speed'], waveformSensors: [],
  });
  const lastHour = endTs - 3_600_000;
  for (const batch of batches) engine.add(batch.filter((r) => r.ts > lastHour));
  const vector = engine.vector();
  if (!vector) throw new Error('the identification run produced no feature vector');
  return { batches, vector, endTs };
}

export interface SteadyMeans {
  bearingTemp: number;
  motorPower: number;
  vibration: number;
  load: number;
}

/**
 * What the simulator really does at a speed: a fresh spindle of the same wear run 50 minutes at `rpm` (twelve time
 * constants), averaged over the last ten (ten whole part cycles, so the cycle's ripple averages out).
 */
export function steadyMeans(rpm: number, seed = 7): SteadyMeans {
  const sums = { bearingTemp: 0, motorPower: 0, vibration: 0, load: 0 };
  let count = 0;
  const from = START + 40 * 60_000;
  runProgram(spindle(), [{ minutes: 50, rpm }], { startTs: START, seed }, (batch) => {
    for (const r of batch) {
      if (r.ts <= from || !('value' in r) || !(r.sensor in sums)) continue;
      sums[r.sensor as keyof SteadyMeans] += r.value;
      if (r.sensor === 'load') count += 1;
    }
  });
  return { bearingTemp: sums.bearingTemp / count, motorPower: sums.motorPower / count, vibration: sums.vibration / count, load: sums.load / count };
}

/**
 * The simulator's bearing temperature after a speed step from `fromRpm` (settled) to `toRpm`, one value a second,
 * smoothed by a centred one-cycle (60 s) moving average that removes the part cycle's ripple without delaying it.
 */
export function stepResponse(fromRpm: number, toRpm: number, seed = 11): { seconds: number[]; temperature: number[] } {
  const raw: number[] = [];
  const stepAt = START + 40 * 60_000;
  runProgram(spindle(), [{ minutes: 40, rpm: fromRpm }, { minutes: 40, rpm: toRpm }], { startTs: START, seed }, (batch) => {
    for (const r of batch) if (r.sensor === 'bearingTemp' && r.ts >= stepAt - 120_000 && 'value' in r) raw.push(r.value);
  });
  const half = 30;
  const seconds: number[] = [];
  const temperature: number[] = [];
  for (let i = half; i + half < raw.length; i++) {
    let sum = 0;
    for (let j = i - half; j < i + half; j++) sum += raw[j];
    seconds.push(i - 120);
    temperature.push(sum / (2 * half));
  }
  return { seconds, temperature };
}
