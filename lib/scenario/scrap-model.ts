import type { IdentificationOptions } from './identification-options';
import { IdentificationError, round3, span, type FitQuality, type ModelFit } from './model-fit';
import { normalCdf, normalDensity } from './normal-distribution';
import type { ProductionBucket } from './operating-history';
import { quantile } from './series';

/**
 * Scrap probability per part against vibration, as a process-capability model: a part is scrap when its machined
 * dimension falls outside the tolerance; the dimension is normal and centred, with a variance that vibration adds to,
 * sigma² = sigma_0² (1 + (v/v_c)²). So p(v) = 2 Phi(-z_0 / sqrt(1 + (v/v_c)²)): z_0 is the tolerance in standard
 * deviations without vibration (the capability index Cp = z_0/3), v_c the vibration that doubles the variance. Fitted
 * by maximum likelihood (binomial) on the production buckets' parts and scrap and their mean vibration, with the
 * covariance of (ln z_0, ln v_c) from the observed information. Speed acts on scrap through the vibration it
 * causes, so it is not a second input: the two are nearly collinear in any history.
 */
export interface ScrapParameters {
  /** Tolerance half-width over the dimension's standard deviation without vibration. */
  capabilityZ0: number;
  /** Vibration velocity that doubles the dimension's variance, mm/s. */
  criticalVibrationMmS: number;
  /** Covariance of (ln z_0, ln v_c). */
  covariance: [[number, number], [number, number]];
  parts: number;
  scrap: number;
  vibrationRangeMmS: [number, number];
}

export type ScrapModel = ModelFit<ScrapParameters>;

function probability(lnZ0: number, lnVc: number, vibration: number): number {
  const ratio = vibration / Math.exp(lnVc);
  return 2 * normalCdf(-Math.exp(lnZ0) / Math.sqrt(1 + ratio * ratio));
}

export function scrapProbability(p: ScrapParameters, vibrationMmS: number): number {
  return probability(Math.log(p.capabilityZ0), Math.log(p.criticalVibrationMmS), vibrationMmS);
}

/** Standard error of the predicted scrap probability at a vibration (delta method). */
export function scrapProbabilityError(p: ScrapParameters, vibrationMmS: number): number {
  const ratio2 = (vibrationMmS / p.criticalVibrationMmS) ** 2;
  const s2 = 1 + ratio2;
  const u = p.capabilityZ0 / Math.sqrt(s2);
  const scale = -2 * normalDensity(u) * u;
  const gradient = [scale, scale * (ratio2 / s2)];
  const [[c00, c01], [, c11]] = p.covariance;
  return Math.sqrt(gradient[0] * gradient[0] * c00 + 2 * gradient[0] * gradient[1] * c01 + gradient[1] * gradient[1] * c11);
}

export function identifyScrap(production: readonly ProductionBucket[], options: IdentificationOptions): ScrapModel {
  const rows = production.filter((b) => b.parts > 0 && Number.isFinite(b.vibration));
  const parts = rows.reduce((s, b) => s + b.parts, 0);
  const scrap = rows.reduce((s, b) => s + b.scrap, 0);
  if (parts < options.minParts) {
    throw new IdentificationError(`history too short for the scrap model: ${parts} parts with vibration readings, need ${options.minParts}`);
  }
  if (scrap < options.minScrap || parts - scrap < options.minScrap) {
    throw new IdentificationError(`${scrap} scrap parts of ${parts}: too few of either kind to fit how scrap depends on vibration (need ${options.minScrap})`);
  }
  const vibrations = rows.map((b) => b.vibration);
  const low = quantile(vibrations, 0.1);
  const high = quantile(vibrations, 0.9);
  if (high - low < options.minVibrationSpread) {
    throw new IdentificationError(`vibration stayed within ${low.toFixed(2)}-${high.toFixed(2)} mm/s (10th-90th percentile) while the parts were made: the history does not excite the scrap model (need a spread of ${options.minVibrationSpread} mm/s)`);
  }
  const fit = maximumLikelihood(rows, Math.max(...vibrations));
  const parameters: ScrapParameters = {
    capabilityZ0: Math.exp(fit.lnZ0), criticalVibrationMmS: Math.exp(fit.lnVc), covariance: fit.covariance, parts, scrap,
    vibrationRangeMmS: [Math.min(...vibrations), Math.max(...vibrations)],
  };
  return {
    parameters,
    quality: scrapQuality(rows, parameters, scrap / parts),
    span: span(rows[0].start, rows[rows.length - 1].start + (rows.length > 1 ? rows[1].start - rows[0].start : 0)),
    description: `scrap: p = 2Φ(-${round3(parameters.capabilityZ0)}/√(1 + (v/${round3(parameters.criticalVibrationMmS)} mm/s)²)) (process capability, Cp ${round3(parameters.capabilityZ0 / 3)} without vibration), from ${parts} parts`,
    identifiedAt: Date.now(),
  };
}

const GRID = 16;
const MAX_NEWTON_STEPS = 50;
const H = 1e-4;

/** A coarse grid over (ln z_0, ln v_c) for a safe start, then Newton steps on finite-difference derivatives. */
function maximumLikelihood(rows: readonly ProductionBucket[], maxVibration: number): { lnZ0: number; lnVc: number; covariance: [[number, number], [number, number]] } {
  const logLikelihood = (lnZ0: number, lnVc: number): number => {
    let sum = 0;
    for (const b of rows) {
      const p = Math.min(1 - 1e-15, Math.max(1e-300, probability(lnZ0, lnVc, b.vibration)));
      sum += b.scrap * Math.log(p) + (b.parts - b.scrap) * Math.log(1 - p);
    }
    return sum;
  };
  const z = [Math.log(0.3), Math.log(8)];
  const v = [Math.log(0.05 * maxVibration), Math.log(50 * maxVibration)];
  let best = { lnZ0: 0, lnVc: 0, value: -Infinity };
  for (let i = 0; i <= GRID; i++) {
    for (let j = 0; j <= GRID; j++) {
      const lnZ0 = z[0] + ((z[1] - z[0]) * i) / GRID;
      const lnVc = v[0] + ((v[1] - v[0]) * j) / GRID;
      const value = logLikelihood(lnZ0, lnVc);
      if (value > best.value) best = { lnZ0, lnVc, value };
    }
  }
  let { lnZ0, lnVc } = best;
  let hessian = derivatives(logLikelihood, lnZ0, lnVc).hessian;
  for (let step = 0; step < MAX_NEWTON_STEPS; step++) {
    const { gradient, hessian: h } = derivatives(logLikelihood, lnZ0, lnVc);
    hessian = h;
    const det = h[0][0] * h[1][1] - h[0][1] * h[0][1];
    if (!(det > 0 && h[0][0] < 0)) break;
    const d0 = (h[1][1] * gradient[0] - h[0][1] * gradient[1]) / det;
    const d1 = (h[0][0] * gradient[1] - h[0][1] * gradient[0]) / det;
    const before = logLikelihood(lnZ0, lnVc);
    let damping = 1;
    while (damping > 1e-3 && logLikelihood(lnZ0 - damping * d0, lnVc - damping * d1) < before) damping /= 2;
    lnZ0 -= damping * d0;
    lnVc -= damping * d1;
    if (Math.abs(d0) + Math.abs(d1) < 1e-8) break;
  }
  const det = hessian[0][0] * hessian[1][1] - hessian[0][1] * hessian[0][1];
  if (!(det > 0 && hessian[0][0] < 0)) {
    throw new IdentificationError('the scrap model is not determined by this history: the likelihood has no clear maximum (too little scrap at high vibration)');
  }
  // The covariance of the estimates is the inverse of the negative Hessian of the log-likelihood.
  const covariance: [[number, number], [number, number]] = [[-hessian[1][1] / det, hessian[0][1] / det], [hessian[0][1] / det, -hessian[0][0] / det]];
  return { lnZ0, lnVc, covariance };
}

function derivatives(f: (a: number, b: number) => number, a: number, b: number): { gradient: [number, number]; hessian: [[number, number], [number, number]] } {
  const f0 = f(a, b);
  const fa1 = f(a + H, b);
  const fa0 = f(a - H, b);
  const fb1 = f(a, b + H);
  const fb0 = f(a, b - H);
  const fab = f(a + H, b + H) - f(a + H, b - H) - f(a - H, b + H) + f(a - H, b - H);
  return {
    gradient: [(fa1 - fa0) / (2 * H), (fb1 - fb0) / (2 * H)],
    hessian: [[(fa1 - 2 * f0 + fa0) / (H * H), fab / (4 * H * H)], [fab / (4 * H * H), (fb1 - 2 * f0 + fb0) / (H * H)]],
  };
}

/** McFadden's pseudo-R² against the constant-rate model, and the parts-weighted RMS error of the bucket scrap rates (in %). */
function scrapQuality(rows: readonly ProductionBucket[], p: ScrapParameters, share: number): FitQuality {
  let logLikelihood = 0;
  let nullLikelihood = 0;
  let squared = 0;
  for (const b of rows) {
    const q = scrapProbability(p, b.vibration);
    logLikelihood += b.scrap * Math.log(q) + (b.parts - b.scrap) * Math.log(1 - q);
    nullLikelihood += b.scrap * Math.log(share) + (b.parts - b.scrap) * Math.log(1 - share);
    squared += b.parts * (b.scrap / b.parts - q) ** 2;
  }
  return {
    r2: 1 - logLikelihood / nullLikelihood,
    rmse: 100 * Math.sqrt(squared / p.parts),
    unit: '%',
    samples: rows.length,
    note: 'r2 is McFadden\'s pseudo-R² against a constant scrap rate; rmse is of the production buckets\' scrap rates, weighted by their parts',
  };
}
