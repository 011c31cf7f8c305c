import type { IdentificationOptions } from './identification-options';
import { profileExponent } from './exponent-profile';
import { leastSquares, rootMeanSquare, rSquared } from './least-squares';
import { IdentificationError, round3, span, type ModelFit } from './model-fit';
import type { HistoryBucket } from './operating-history';
import { checkSpeedSpread, column, complete, isRunningBucket, unexcitedLoad } from './series';
import type { SensorRole } from './sensor-roles';

/**
 * Vibration velocity while running, split into a speed-dependent part c (n/n_nom)^e (imbalance, misalignment: forces
 * that grow with speed, e identified) and the rest: a load part d (load/100) and a part that does not depend on the
 * operating point (bearing defects, looseness), allowed to drift linearly over a history of hours as a bearing wears so
 * the drift is not mistaken for a speed effect. A scenario keeps today's rest and moves only the speed and load parts.
 */
export interface VibrationParameters {
  /** Speed part at nominal speed, mm/s. */
  speedPartMmS: number;
  speedExponent: number;
  speedExponentRange: [number, number];
  /** Load part per 100 % load, mm/s (0 without a load sensor). */
  loadPartMmS: number;
  /** The rest at the end of the history, mm/s. */
  restMmS: number;
  restDriftMmSPerHour: number;
  nominalRpm: number;
}

export type VibrationModel = ModelFit<VibrationParameters>;

/** Speed and load parts of the vibration at an operating point, mm/s. */
export function operatingVibration(p: VibrationParameters, speedFraction: number, loadFraction: number): number {
  return p.speedPartMmS * Math.pow(Math.max(0, speedFraction), p.speedExponent) + p.loadPartMmS * loadFraction;
}

export function identifyVibration(buckets: readonly HistoryBucket[], roles: ReadonlySet<SensorRole>, options: IdentificationOptions): VibrationModel {
  if (!roles.has('vibration')) throw new IdentificationError('the asset has no vibration sensor: no vibration model');
  const hasLoad = roles.has('load');
  const rows = complete(buckets, ['vibration', 'speed', ...(hasLoad ? ['load' as const] : [])]).filter((b) => isRunningBucket(b, options.nominalRpm));
  if (rows.length < options.minRunningBuckets) {
    throw new IdentificationError(`history too short for the vibration model: ${rows.length} running buckets with vibration and speed, need ${options.minRunningBuckets}`);
  }
  checkSpeedSpread(rows, options, 'vibration model', 'the speed-dependent part of the vibration');
  const n = rows.length;
  const end = rows[n - 1].start;
  const vibration = column(n, (i) => rows[i].values.vibration as number);
  const speed = column(n, (i) => (rows[i].values.speed as number) / options.nominalRpm);
  const load = column(n, (i) => (hasLoad ? (rows[i].values.load as number) / 100 : 0));
  const hours = column(n, (i) => (rows[i].start - end) / 3_600_000);
  const ones = new Float64Array(n).fill(1);
  const withDrift = end - rows[0].start >= options.minDriftHours * 3_600_000;
  const loadLeftOut = hasLoad ? unexcitedLoad(load, options.minLoadSpread) : undefined;
  const withLoad = hasLoad && !loadLeftOut;
  const design = (e: number): Float64Array[] => [ones, column(n, (i) => speed[i] ** e), ...(withDrift ? [hours] : []), ...(withLoad ? [load] : [])];
  const profile = profileExponent(options.exponentGrid, (e) => leastSquares(design(e), vibration));
  if (!profile) throw new IdentificationError('the vibration model could not be fitted: speed, load and time are collinear in this history');
  const [low, high] = profile.range;
  if (profile.atEdge || high - low > options.maxExponentRange) {
    throw new IdentificationError(`the speed exponent of the vibration is not determined by this history (95 % range ${low.toFixed(2)}-${high.toFixed(2)}): run at three or more speeds at least ${Math.round(options.minSpeedSpread * 100)} % apart`);
  }
  const [rest, speedPart, ...others] = profile.fit.coefficients;
  const drift = withDrift ? others[0] : 0;
  const loadPart = withLoad ? others[withDrift ? 1 : 0] : 0;
  if (!(speedPart > 0)) throw new IdentificationError(`vibration does not grow with speed in this history (${round3(speedPart)} mm/s): check the vibration and speed sensors`);
  const parameters: VibrationParameters = {
    speedPartMmS: speedPart, speedExponent: profile.exponent, speedExponentRange: profile.range, loadPartMmS: loadPart,
    restMmS: rest, restDriftMmSPerHour: drift, nominalRpm: options.nominalRpm,
  };
  const predicted = column(n, (i) => rest + drift * hours[i] + operatingVibration(parameters, speed[i], load[i]));
  return {
    parameters,
    quality: { r2: rSquared(vibration, predicted), rmse: rootMeanSquare(vibration, predicted), unit: 'mm/s', samples: n },
    span: span(rows[0].start, end + options.bucketMs),
    description: `vibration: v = rest + ${round3(speedPart)}·(n/n_nom)^${profile.exponent.toFixed(2)}${withLoad ? ` + ${round3(parameters.loadPartMmS)}·load/100` : ''} mm/s${loadLeftOut ? ` (load term left out: ${loadLeftOut})` : ''}`,
    identifiedAt: Date.now(),
  };
}
