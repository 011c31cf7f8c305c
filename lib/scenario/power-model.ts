import type { IdentificationOptions } from './identification-options';
import { profileExponent } from './exponent-profile';
import { leastSquares, rootMeanSquare, rSquared } from './least-squares';
import { IdentificationError, round3, span, type ModelFit } from './model-fit';
import type { HistoryBucket } from './operating-history';
import { checkSpeedSpread, column, complete, isRunningBucket, minMax, unexcitedLoad } from './series';
import type { SensorRole } from './sensor-roles';

/**
 * Electrical power while running. With a load (torque demand) sensor: P = P_0 + P_n (n/n_nom) + P_t (load/100)(n/n_nom),
 * mechanical power being torque times speed and P_0, P_n the constant and speed-proportional losses (P_n only when
 * the speed varied enough to tell it from P_0). Without one: P = P_0 + P_s (n/n_nom)^e with e identified (a
 * centrifugal pump's affinity law gives e near 3, but the data decides).
 */
export interface PowerParameters {
  form: 'torque' | 'speed';
  idleKw: number;
  /** Speed-proportional losses at nominal speed, kW (torque form). */
  speedLossKw: number;
  /** Torque part at 100 % load and nominal speed, kW (torque form). */
  torqueKw: number;
  /** Speed part at nominal speed and its exponent (speed form). */
  speedKw: number;
  speedExponent: number;
  speedExponentRange?: [number, number];
  nominalRpm: number;
}

export type PowerModel = ModelFit<PowerParameters>;

export function predictPower(p: PowerParameters, speedFraction: number, loadFraction: number): number {
  if (p.form === 'torque') return p.idleKw + p.speedLossKw * speedFraction + p.torqueKw * loadFraction * speedFraction;
  return p.idleKw + p.speedKw * Math.pow(Math.max(0, speedFraction), p.speedExponent);
}

export function identifyPower(buckets: readonly HistoryBucket[], roles: ReadonlySet<SensorRole>, options: IdentificationOptions): PowerModel {
  if (!roles.has('power')) throw new IdentificationError('the asset has no motor power sensor: no power model');
  const hasLoad = roles.has('load');
  const rows = complete(buckets, ['power', 'speed', ...(hasLoad ? ['load' as const] : [])]).filter((b) => isRunningBucket(b, options.nominalRpm));
  if (rows.length < options.minRunningBuckets) {
    throw new IdentificationError(`history too short for the power model: ${rows.length} running buckets with power${hasLoad ? ', speed and load' : ' and speed'}, need ${options.minRunningBuckets}`);
  }
  const n = rows.length;
  const power = column(n, (i) => rows[i].values.power as number);
  const speed = column(n, (i) => (rows[i].values.speed as number) / options.nominalRpm);
  const ones = new Float64Array(n).fill(1);
  const [sMin, sMax] = minMax(speed);
  const speedVaried = sMax - sMin >= options.minSpeedSpread;
  let parameters: PowerParameters;
  let predicted: Float64Array;
  if (hasLoad) {
    const load = column(n, (i) => (rows[i].values.load as number) / 100);
    const torque = column(n, (i) => load[i] * speed[i]);
    const [tMin, tMax] = minMax(torque);
    // Speed steps alone move load × speed too, but cannot tell the torque term from the speed losses.
    const loadProblem = speedVaried ? unexcitedLoad(load, options.minLoadSpread) : undefined;
    if (loadProblem || tMax - tMin < 0.05 * Math.max(tMax, 1e-9)) {
      throw new IdentificationError(`${loadProblem ?? 'load times speed hardly changed'} in the history: it does not excite the power model's torque term (it needs the machine working, e.g. cutting parts)`);
    }
    const fit = leastSquares(speedVaried ? [ones, speed, torque] : [ones, torque], power);
    const [idle, second, third] = fit.coefficients;
    parameters = {
      form: 'torque', idleKw: idle, speedLossKw: speedVaried ? second : 0, torqueKw: speedVaried ? third : second,
      speedKw: 0, speedExponent: 1, nominalRpm: options.nominalRpm,
    };
    const p = parameters;
    predicted = column(n, (i) => predictPower(p, speed[i], torque[i] / speed[i]));
  } else {
    checkSpeedSpread(buckets, options, 'power model', 'how power grows with speed');
    const profile = profileExponent(options.exponentGrid, (e) => leastSquares([ones, column(n, (i) => speed[i] ** e)], power));
    if (!profile || profile.atEdge || profile.range[1] - profile.range[0] > options.maxExponentRange) {
      throw new IdentificationError('the speed exponent of the motor power is not determined by this history: run at three or more speeds');
    }
    const [idle, speedKw] = profile.fit.coefficients;
    parameters = { form: 'speed', idleKw: idle, speedLossKw: 0, torqueKw: 0, speedKw, speedExponent: profile.exponent, speedExponentRange: profile.range, nominalRpm: options.nominalRpm };
    const p = parameters;
    predicted = column(n, (i) => predictPower(p, speed[i], 0));
  }
  if (parameters.form === 'torque' && !(parameters.torqueKw > 0)) throw new IdentificationError(`motor power does not grow with load times speed in this history (${round3(parameters.torqueKw)} kW): check the power and load sensors`);
  return {
    parameters,
    quality: { r2: rSquared(power, predicted), rmse: rootMeanSquare(power, predicted), unit: 'kW', samples: n },
    span: span(rows[0].start, rows[n - 1].start + options.bucketMs),
    description: parameters.form === 'torque'
      ? `power: P = ${round3(parameters.idleKw)}${parameters.speedLossKw ? ` + ${round3(parameters.speedLossKw)}·n/n_nom` : ''} + ${round3(parameters.torqueKw)}·(load/100)·(n/n_nom) kW (torque × speed)`
      : `power: P = ${round3(parameters.idleKw)} + ${round3(parameters.speedKw)}·(n/n_nom)^${parameters.speedExponent.toFixed(2)} kW`,
    identifiedAt: Date.now(),
  };
}
