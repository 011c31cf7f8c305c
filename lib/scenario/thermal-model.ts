import type { IdentificationOptions } from './identification-options';
import { profileExponent, type ExponentProfile } from './exponent-profile';
import { leastSquares, rootMeanSquare, rSquared, type LeastSquaresFit } from './least-squares';
import { IdentificationError, round3, span, type ModelFit } from './model-fit';
import type { HistoryBucket } from './operating-history';
import { checkSpeedSpread, column, consecutivePairs, minMax, minutes, unexcitedLoad } from './series';
import type { SensorRole } from './sensor-roles';

/**
 * First-order thermal model of the bearing: tau dT/dt = T_ss(u) - T with the steady state
 * T_ss = T_0 + K_s (n/n_nom)^e + K_L (load/100) (+ a slow drift, from a history of hours). Discretised exactly over
 * one bucket step h, T[k+1] = a T[k] + (1 - a) T_ss, a = exp(-h/tau), which is linear in its coefficients for a given e: solved by least
 * squares for every e on a grid, and the e with the smallest residual kept (profile least squares). T_0 is the
 * ambient temperature when it is known (sensor or setting), else the identified temperature at standstill.
 */
export interface ThermalParameters {
  timeConstantS: number;
  /** Steady-state rise at nominal speed from the speed term, °C. */
  speedGainC: number;
  speedExponent: number;
  speedExponentRange: [number, number];
  /** Steady-state rise per 100 % load, °C (0 when the asset has no load sensor). */
  loadGainC: number;
  /** Temperature at standstill: the ambient when known, else identified (ambient plus any constant heat), °C. */
  baseTempC: number;
  ambientSource: 'sensor' | 'setting' | 'identified';
  /** Slow change of the steady state over the history (wear, seasons), °C per hour; 0 from a history too short to tell it. */
  driftCPerHour: number;
  nominalRpm: number;
}

export type ThermalModel = ModelFit<ThermalParameters>;

/** Steady-state rise above the base temperature at a speed (fraction of nominal) and load (fraction of 100 %). */
export function thermalRise(p: ThermalParameters, speedFraction: number, loadFraction: number): number {
  return p.speedGainC * Math.pow(Math.max(0, speedFraction), p.speedExponent) + p.loadGainC * loadFraction;
}

interface Rows {
  next: Float64Array;
  previous: Float64Array;
  speed: Float64Array;
  load: Float64Array;
  hours: Float64Array;
  ambient: Float64Array | undefined;
  /** Index of the bucket each row starts from, to find gaps when simulating. */
  from: Int32Array;
}

export function identifyThermal(buckets: readonly HistoryBucket[], roles: ReadonlySet<SensorRole>, options: IdentificationOptions): ThermalModel {
  if (!roles.has('bearingTemp')) throw new IdentificationError('the asset has no bearing temperature sensor: no thermal model');
  const hasLoad = roles.has('load');
  const ambientRole = roles.has('ambient');
  const needed: SensorRole[] = ['bearingTemp', 'speed', ...(hasLoad ? ['load' as const] : []), ...(ambientRole ? ['ambient' as const] : [])];
  const pairs = consecutivePairs(buckets, needed, options.bucketMs);
  const spanMs = pairs.length > 0 ? buckets[pairs[pairs.length - 1][1]].start - buckets[pairs[0][0]].start : 0;
  if (spanMs < options.minThermalMinutes * 60_000 || pairs.length < 20) {
    throw new IdentificationError(`history too short for the thermal model: ${(Math.floor(spanMs / 6_000) / 10).toFixed(1)} min of bearing temperature with speed${hasLoad ? ' and load' : ''}, need ${options.minThermalMinutes} min (several thermal time constants)`);
  }
  const temperatures = pairs.map(([k]) => buckets[k].values.bearingTemp as number);
  const [tMin, tMax] = minMax(temperatures);
  if (tMax - tMin < 1) {
    throw new IdentificationError(`bearing temperature stayed within ${tMin.toFixed(1)}-${tMax.toFixed(1)} °C: the history does not excite the thermal model (it needs a warm-up, a stop or speed changes)`);
  }
  checkSpeedSpread(buckets, options, 'thermal model', 'how heat grows with speed');

  const end = buckets[pairs[pairs.length - 1][1]].start;
  const rows = toRows(buckets, pairs, options, hasLoad, ambientRole, end);
  const knownAmbient = ambientRole || options.ambientC !== undefined;
  const terms: FitTerms = { knownAmbient, hasLoad, withDrift: spanMs >= options.minDriftHours * 3_600_000, ambientC: options.ambientC };
  let loadLeftOut = hasLoad ? unexcitedLoad(rows.load, options.minLoadSpread) : undefined;
  let { profile, best } = fitProfile(rows, { ...terms, hasLoad: hasLoad && !loadLeftOut }, options);
  if (hasLoad && !loadLeftOut && best.loadGain < 0) {
    // Friction and cutting heat cannot cool the bearing: a negative gain is the load standing in for something else.
    loadLeftOut = `its gain came out negative, ${round3(best.loadGain)} °C per 100 %`;
    ({ profile, best } = fitProfile(rows, { ...terms, hasLoad: false }, options));
  }
  const { a } = best;
  if (!(a > 0 && a < 1)) throw new IdentificationError(`the bearing temperature does not follow a first-order response (a = ${round3(a)}): check the sensor`);
  const timeConstantS = -(options.bucketMs / 1000) / Math.log(a);
  if (timeConstantS * 1000 > spanMs / 2) {
    throw new IdentificationError(`the identified thermal time constant (${minutes(timeConstantS * 1000)}) is more than half the history (${minutes(spanMs)}): collect a longer history`);
  }
  const parameters: ThermalParameters = {
    timeConstantS,
    speedGainC: best.speedGain,
    speedExponent: profile.exponent,
    speedExponentRange: profile.range,
    loadGainC: best.loadGain,
    baseTempC: best.base,
    ambientSource: ambientRole ? 'sensor' : options.ambientC !== undefined ? 'setting' : 'identified',
    driftCPerHour: best.drift,
    nominalRpm: options.nominalRpm,
  };
  if (!(parameters.speedGainC > 0)) throw new IdentificationError(`bearing heat does not grow with speed in this history (gain ${round3(parameters.speedGainC)} °C): check the speed and temperature sensors`);
  const simulated = simulate(parameters, rows, options.bucketMs, knownAmbient ? options.ambientC : undefined);
  const from = buckets[pairs[0][0]].start;
  return {
    parameters,
    quality: {
      r2: rSquared(rows.next, simulated), rmse: rootMeanSquare(rows.next, simulated), unit: '°C', samples: pairs.length,
      note: 'open-loop simulation of the model over the history from its first temperature (restarted after gaps)',
    },
    span: span(from, end),
    description: `first-order thermal: tau ${round3(timeConstantS / 60)} min, T_ss = ${round3(parameters.baseTempC)}${parameters.ambientSource === 'identified' ? '' : ' (ambient)'} + ${round3(parameters.speedGainC)}·(n/n_nom)^${parameters.speedExponent.toFixed(2)}${hasLoad && !loadLeftOut ? ` + ${round3(parameters.loadGainC)}·load/100` : ''} °C${loadLeftOut ? ` (load term left out: ${loadLeftOut})` : ''}`,
    identifiedAt: Date.now(),
  };
}

function toRows(buckets: readonly HistoryBucket[], pairs: Array<[number, number]>, options: IdentificationOptions, hasLoad: boolean, ambientRole: boolean, end: number): Rows {
  const n = pairs.length;
  const v = (k: number, role: SensorRole): number => buckets[k].values[role] as number;
  const mid = (k: number, j: number, role: SensorRole): number => (v(k, role) + v(j, role)) / 2;
  return {
    next: column(n, (i) => v(pairs[i][1], 'bearingTemp')),
    previous: column(n, (i) => v(pairs[i][0], 'bearingTemp')),
    // The input acting between two bucket centres is half of each bucket's mean.
    speed: column(n, (i) => mid(pairs[i][0], pairs[i][1], 'speed') / options.nominalRpm),
    load: hasLoad ? column(n, (i) => mid(pairs[i][0], pairs[i][1], 'load') / 100) : new Float64Array(n),
    hours: column(n, (i) => (buckets[pairs[i][0]].start - end) / 3_600_000),
    ambient: ambientRole ? column(n, (i) => mid(pairs[i][0], pairs[i][1], 'ambient')) : undefined,
    from: Int32Array.from(pairs.map(([k]) => k)),
  };
}

interface RowFit {
  fit: LeastSquaresFit;
  a: number;
  speedGain: number;
  loadGain: number;
  base: number;
  drift: number;
}

/**
 * Profile least squares over the exponent grid with the exponent's determination checked. With the temperature at
 * standstill unknown, a narrow speed range lets it trade off against the exponent, hence the hint.
 */
function fitProfile(rows: Rows, terms: FitTerms, options: IdentificationOptions): { profile: ExponentProfile<LeastSquaresFit>; best: RowFit } {
  const fitAt = (exponent: number): RowFit => fitRows(rows, column(rows.next.length, (i) => rows.speed[i] ** exponent), terms);
  const profile = profileExponent(options.exponentGrid, (e) => fitAt(e).fit);
  if (!profile) throw new IdentificationError('the thermal model could not be fitted: the speed, load and temperature columns are collinear');
  const [low, high] = profile.range;
  if (profile.atEdge || high - low > options.maxExponentRange) {
    const ambientHint = terms.knownAmbient ? '' : '; or give the ambient temperature (a sensor or the setting), which pins the temperature at standstill';
    throw new IdentificationError(`the speed exponent of the bearing heat is not determined by this history (95 % range ${low.toFixed(2)}-${high.toFixed(2)}): run at three or more speeds at least ${Math.round(options.minSpeedSpread * 100)} % apart, each for a few thermal time constants${ambientHint}`);
  }
  return { profile, best: fitAt(profile.exponent) };
}

interface FitTerms {
  knownAmbient: boolean;
  hasLoad: boolean;
  withDrift: boolean;
  ambientC: number | undefined;
}

function fitRows(rows: Rows, speedTerm: Float64Array, terms: FitTerms): RowFit {
  const n = rows.next.length;
  const { knownAmbient, hasLoad, withDrift, ambientC } = terms;
  const ambientAt = (i: number): number => rows.ambient ? rows.ambient[i] : ambientC ?? 0;
  const y = knownAmbient ? column(n, (i) => rows.next[i] - ambientAt(i)) : rows.next;
  const previous = knownAmbient ? column(n, (i) => rows.previous[i] - ambientAt(i)) : rows.previous;
  const columns = [previous, speedTerm];
  const at = (include: boolean, values: () => Float64Array): number => {
    if (!include) return -1;
    columns.push(values());
    return columns.length - 1;
  };
  const driftColumn = at(withDrift, () => rows.hours);
  const loadColumn = at(hasLoad, () => rows.load);
  const baseColumn = at(!knownAmbient, () => new Float64Array(n).fill(1));
  const fit = leastSquares(columns, y);
  const c = fit.coefficients;
  const a = c[0];
  const gain = (index: number): number => (index < 0 ? 0 : c[index] / (1 - a));
  return {
    fit, a,
    speedGain: gain(1),
    drift: gain(driftColumn),
    loadGain: gain(loadColumn),
    base: rows.ambient ? mean(rows.ambient) : knownAmbient ? ambientC ?? NaN : gain(baseColumn),
  };
}

/** Open-loop simulation over the history (restarting from the measurement after each gap): the fit quality an operator can read in °C. */
function simulate(p: ThermalParameters, rows: Rows, bucketMs: number, ambientC: number | undefined): Float64Array {
  const a = Math.exp(-(bucketMs / 1000) / p.timeConstantS);
  const out = new Float64Array(rows.next.length);
  let temperature = rows.previous[0];
  for (let i = 0; i < rows.next.length; i++) {
    if (i > 0 && rows.from[i] !== rows.from[i - 1] + 1) temperature = rows.previous[i];
    const base = rows.ambient ? rows.ambient[i] : ambientC ?? p.baseTempC;
    const steady = base + thermalRise(p, rows.speed[i], rows.load[i]) + p.driftCPerHour * rows.hours[i];
    temperature = a * temperature + (1 - a) * steady;
    out[i] = temperature;
  }
  return out;
}

function mean(values: Float64Array): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
