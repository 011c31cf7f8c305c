import { Random } from '../math/random';
import type { AssetHistory } from './history-table';

/**
 * Operating regimes from the settings columns (altitude, Mach number and throttle on C-MAPSS; speed and load bands
 * on a machine tool), and each sensor normalised within its regime. A sensor's level follows the operating point far
 * more than the wear: in C-MAPSS FD002/FD004 the six flight conditions move a temperature by hundreds of units, wear
 * by a few. Taking each regime's healthy mean and standard deviation out leaves the wear.
 *
 * Regimes are k-means clusters of the settings, each setting scaled by its standard deviation first (unscaled, the
 * setting with the largest units decides alone), fitted from several k-means++ starts (one start can merge two
 * regimes and split another: an earlier version found 5 of FD002's 6 that way). The number of regimes, unless
 * fixed, is the largest k up to MAX_REGIMES whose clusters are well separated: every two centres lie at least
 * SEPARATION times the widest cluster's RMS radius apart. Splitting one regime's noise never meets that (the
 * halves of a Gaussian lie about 2.7 radii apart), so settings that only carry noise make one regime.
 */
export interface SensorNormal {
  mean: number;
  sd: number;
}

export interface OperatingRegimes {
  settings: string[];
  /** Each setting's mean and standard deviation over the training rows: distances are measured in these units. */
  scale: Array<{ mean: number; sd: number }>;
  /** Regime centres in the settings' own units, one array per regime in `settings` order. */
  centres: number[][];
  /** Per regime, per sensor: the healthy mean and standard deviation taken out of the sensor. */
  normal: Array<Record<string, SensorNormal>>;
  /** How the number of regimes was chosen. */
  chosenBy: 'separation' | 'fixed';
}

export const MAX_REGIMES = 8;
export const SEPARATION = 10;
const RESTARTS = 10;
const MAX_ITERATIONS = 100;
/** k-means runs on at most this many rows (a seeded sample): regimes are few and tight, more rows add nothing. */
const SAMPLE_ROWS = 5000;

export interface RegimeOptions {
  /** A fixed number of regimes instead of the separation rule. */
  count?: number;
  seed?: number;
}

interface Clustering {
  centres: number[][];
  /** Sum of squared distances of the points to their centres. */
  inertia: number;
  /** Smallest distance between two centres over the widest cluster's RMS radius (Infinity for one cluster). */
  separation: number;
}

function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum;
}

function nearest(centres: readonly number[][], point: readonly number[]): number {
  let best = 0;
  let bestDistance = Infinity;
  centres.forEach((centre, index) => {
    const distance = squaredDistance(centre, point);
    if (distance < bestDistance) { bestDistance = distance; best = index; }
  });
  return best;
}

/** k-means++ seeding: each next centre drawn with probability proportional to its squared distance to the nearest. */
function seedCentres(points: readonly number[][], k: number, random: Random): number[][] {
  const centres = [[...points[Math.floor(random.next() * points.length)]]];
  const distances = points.map((p) => squaredDistance(p, centres[0]));
  while (centres.length < k) {
    const total = distances.reduce((a, b) => a + b, 0);
    if (total === 0) break;
    let draw = random.next() * total;
    let index = 0;
    while (index < points.length - 1 && draw >= distances[index]) draw -= distances[index++];
    centres.push([...points[index]]);
    points.forEach((p, i) => { distances[i] = Math.min(distances[i], squaredDistance(p, centres[centres.length - 1])); });
  }
  return centres;
}

/** One Lloyd run from a k-means++ start; undefined when a cluster ends empty (k above the distinct points). */
function lloyd(points: readonly number[][], k: number, random: Random): Clustering | undefined {
  const centres = seedCentres(points, k, random);
  if (centres.length < k) return undefined;
  const dims = points[0].length;
  const assignment = new Int32Array(points.length).fill(-1);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    let moved = false;
    points.forEach((p, i) => {
      const c = nearest(centres, p);
      if (c !== assignment[i]) { assignment[i] = c; moved = true; }
    });
    if (!moved) break;
    const sums = centres.map(() => new Array<number>(dims).fill(0));
    const counts = new Array<number>(k).fill(0);
    points.forEach((p, i) => {
      counts[assignment[i]]++;
      for (let d = 0; d < dims; d++) sums[assignment[i]][d] += p[d];
    });
    if (counts.some((n) => n === 0)) return undefined;
    sums.forEach((sum, c) => { centres[c] = sum.map((s) => s / counts[c]); });
  }
  const spread = new Array<number>(k).fill(0);
  const counts = new Array<number>(k).fill(0);
  points.forEach((p, i) => { spread[assignment[i]] += squaredDistance(p, centres[assignment[i]]); counts[assignment[i]]++; });
  const inertia = spread.reduce((a, b) => a + b, 0);
  const widest = Math.max(...spread.map((s, c) => Math.sqrt(s / counts[c])));
  let closest = Infinity;
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) closest = Math.min(closest, Math.sqrt(squaredDistance(centres[a], centres[b])));
  return { centres, inertia, separation: k === 1 ? Infinity : closest / widest };
}

/** The best of RESTARTS k-means++ runs (least inertia). */
function cluster(points: readonly number[][], k: number, random: Random): Clustering | undefined {
  let best: Clustering | undefined;
  for (let restart = 0; restart < RESTARTS; restart++) {
    const run = lloyd(points, k, random);
    if (run && (!best || run.inertia < best.inertia)) best = run;
  }
  return best;
}

/** Regimes of the settings rows (one array per row, in `settings` order); normal stays empty until learned. */
export function findRegimes(settings: readonly string[], rows: readonly number[][], options: RegimeOptions = {}): OperatingRegimes {
  if (settings.length === 0) throw new Error('name at least one settings column to find operating regimes');
  if (rows.length === 0) throw new Error('no rows to find operating regimes in');
  const random = new Random(options.seed ?? 1);
  const scale = settings.map((_, d) => {
    const mean = rows.reduce((sum, row) => sum + row[d], 0) / rows.length;
    const sd = Math.sqrt(rows.reduce((sum, row) => sum + (row[d] - mean) ** 2, 0) / rows.length);
    // A constant setting adds no distance whatever it is divided by; 1 keeps the arithmetic finite.
    return { mean, sd: sd > 0 ? sd : 1 };
  });
  const sample = rows.length <= SAMPLE_ROWS ? rows : Array.from({ length: SAMPLE_ROWS }, () => rows[Math.floor(random.next() * rows.length)]);
  const scaled = sample.map((row) => row.map((v, d) => (v - scale[d].mean) / scale[d].sd));
  let chosen: Clustering | undefined;
  if (options.count !== undefined) {
    if (!(Number.isInteger(options.count) && options.count >= 1)) throw new Error(`the number of regimes must be a whole number from 1, not ${options.count}`);
    chosen = cluster(scaled, options.count, random);
    if (!chosen) throw new Error(`the settings do not hold ${options.count} distinct operating points`);
  } else {
    for (let k = 1; k <= MAX_REGIMES; k++) {
      const run = cluster(scaled, k, random);
      if (run && run.separation >= SEPARATION) chosen = run;
    }
  }
  const centres = (chosen as Clustering).centres.map((c) => c.map((v, d) => v * scale[d].sd + scale[d].mean));
  return { settings: [...settings], scale, centres, normal: centres.map(() => ({})), chosenBy: options.count === undefined ? 'separation' : 'fixed' };
}

/** Gives the regime of a row of settings values: the nearest centre in scaled units. */
export function regimeClassifier(regimes: OperatingRegimes): (values: readonly number[]) => number {
  const toScaled = (values: readonly number[]) => values.map((v, d) => (v - regimes.scale[d].mean) / regimes.scale[d].sd);
  const centres = regimes.centres.map(toScaled);
  return (values) => nearest(centres, toScaled(values));
}

function settingsRow(history: AssetHistory, settings: readonly string[], step: number): number[] {
  return settings.map((s) => history.sensors[s][step]);
}

function checkColumns(history: AssetHistory, columns: readonly string[]): void {
  const missing = columns.filter((c) => !history.sensors[c]);
  if (missing.length > 0) throw new Error(`asset ${history.asset} has no column ${missing.join(', ')}`);
}

/**
 * Finds the regimes in the histories' settings and learns each regime's healthy mean and standard deviation of each
 * sensor from the steps `healthy` accepts (a regime with fewer than two healthy steps uses all of its steps).
 */
export function learnRegimes(histories: readonly AssetHistory[], settings: readonly string[], sensors: readonly string[],
  healthy: (history: AssetHistory, step: number) => boolean, options: RegimeOptions = {}): OperatingRegimes {
  histories.forEach((h) => checkColumns(h, [...settings, ...sensors]));
  const rows = histories.flatMap((h) => h.time.map((_, step) => settingsRow(h, settings, step)));
  const regimes = findRegimes(settings, rows, options);
  const regimeOf = regimeClassifier(regimes);
  const k = regimes.centres.length;
  // Running sums per regime and sensor, for the healthy steps and for all steps, of each value less the first one
  // seen (shifted sums: a sensor constant in a regime then has exactly zero variance, not rounding noise).
  const tally = () => Array.from({ length: k }, () => sensors.map(() => ({ n: 0, reference: NaN, sum: 0, squares: 0 })));
  const healthySums = tally();
  const allSums = tally();
  for (const history of histories) {
    history.time.forEach((_, step) => {
      const regime = regimeOf(settingsRow(history, settings, step));
      const isHealthy = healthy(history, step);
      sensors.forEach((sensor, i) => {
        const value = history.sensors[sensor][step];
        for (const sums of isHealthy ? [healthySums, allSums] : [allSums]) {
          const s = sums[regime][i];
          if (s.n === 0) s.reference = value;
          const shifted = value - s.reference;
          s.n++; s.sum += shifted; s.squares += shifted * shifted;
        }
      });
    });
  }
  regimes.normal = regimes.centres.map((_, regime) => Object.fromEntries(sensors.map((sensor, i) => {
    const s = healthySums[regime][i].n >= 2 ? healthySums[regime][i] : allSums[regime][i];
    const shiftedMean = s.n > 0 ? s.sum / s.n : 0;
    const mean = s.n > 0 ? s.reference + shiftedMean : 0;
    const sd = s.n > 1 ? Math.sqrt(Math.max(0, s.squares / s.n - shiftedMean * shiftedMean)) : 0;
    // A sensor constant within a regime (a fixed bleed setting) is only centred: dividing by 0 would make it NaN.
    return [sensor, { mean, sd: sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 1 }];
  })));
  return regimes;
}

/** The history with each sensor the regimes know replaced by its z-score in the regime of its step. */
export function normaliseHistory(history: AssetHistory, regimes: OperatingRegimes): AssetHistory {
  checkColumns(history, regimes.settings);
  const regimeOf = regimeClassifier(regimes);
  const steps = history.time.map((_, step) => regimeOf(settingsRow(history, regimes.settings, step)));
  const sensors = Object.fromEntries(Object.entries(history.sensors).map(([sensor, values]) => {
    if (!regimes.normal[0]?.[sensor]) return [sensor, values];
    return [sensor, values.map((value, step) => {
      const { mean, sd } = regimes.normal[steps[step]][sensor];
      return (value - mean) / sd;
    })];
  }));
  return { ...history, sensors };
}
