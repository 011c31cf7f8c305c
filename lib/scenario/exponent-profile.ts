import { CollinearError, type LeastSquaresFit } from './least-squares';

/**
 * Profile least squares for a power law inside an otherwise linear model (y = ... + c x^e): for each exponent the
 * linear part is solved exactly, and the exponent with the smallest residual wins (a coarse grid, then a golden-
 * section search between the best grid point's neighbours). The exponents whose residual stays within the
 * likelihood-ratio bound (95 %, chi-square with one degree of freedom) form the exponent's confidence range; a range
 * that is wide or reaches the end of the grid means the data cannot tell the exponent, which is the identification's
 * cue to refuse rather than guess.
 */
export interface ExponentGrid {
  from: number;
  to: number;
  step: number;
}

export const DEFAULT_EXPONENT_GRID: ExponentGrid = { from: 0.5, to: 4, step: 0.05 };

export interface ExponentProfile<F extends LeastSquaresFit> {
  exponent: number;
  fit: F;
  /** 95 % confidence range of the exponent. */
  range: [number, number];
  /** The range touches an end of the grid: the best exponent may lie outside it. */
  atEdge: boolean;
}

const CHI_SQUARE_1_95 = 3.841;
const GOLDEN = (Math.sqrt(5) - 1) / 2;
const REFINE_TOLERANCE = 1e-3;

interface Point<F> {
  exponent: number;
  fit: F;
}

export function profileExponent<F extends LeastSquaresFit>(grid: ExponentGrid, fitAt: (exponent: number) => F): ExponentProfile<F> | undefined {
  const tryFit = (exponent: number): Point<F> | undefined => {
    try {
      return { exponent, fit: fitAt(exponent) };
    } catch (err) {
      if (err instanceof CollinearError) return undefined;
      throw err;
    }
  };
  const points: Array<Point<F>> = [];
  const steps = Math.round((grid.to - grid.from) / grid.step);
  for (let i = 0; i <= steps; i++) {
    const point = tryFit(grid.from + i * grid.step);
    if (point) points.push(point);
  }
  if (points.length === 0) return undefined;
  const coarse = points.reduce((a, b) => (b.fit.rss < a.fit.rss ? b : a));
  const best = refine(coarse, Math.max(grid.from, coarse.exponent - grid.step), Math.min(grid.to, coarse.exponent + grid.step), tryFit);
  const dof = Math.max(1, best.fit.rows - best.fit.coefficients.length);
  const bound = best.fit.rss * (1 + CHI_SQUARE_1_95 / dof);
  const range: [number, number] = [crossing(points, bound, best.exponent, -1), crossing(points, bound, best.exponent, 1)];
  const atEdge = range[0] <= grid.from + grid.step / 2 || range[1] >= grid.to - grid.step / 2;
  return { exponent: best.exponent, fit: best.fit, range, atEdge };
}

function refine<F extends LeastSquaresFit>(start: Point<F>, low: number, high: number, tryFit: (e: number) => Point<F> | undefined): Point<F> {
  let best = start;
  let a = low;
  let b = high;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = tryFit(c);
  let fd = tryFit(d);
  while (b - a > REFINE_TOLERANCE && fc && fd) {
    if (fc.fit.rss < fd.fit.rss) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = tryFit(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = tryFit(d);
    }
  }
  for (const candidate of [fc, fd]) if (candidate && candidate.fit.rss < best.fit.rss) best = candidate;
  return best;
}

/** Where the residual profile first rises above the bound, walking from the best exponent in `direction`, interpolated between grid points. */
function crossing<F extends LeastSquaresFit>(points: ReadonlyArray<Point<F>>, bound: number, from: number, direction: -1 | 1): number {
  const ordered = direction > 0 ? points.filter((p) => p.exponent > from) : points.filter((p) => p.exponent < from).reverse();
  let previous = { exponent: from, rss: Math.min(bound, ...points.filter((p) => Math.abs(p.exponent - from) < 1e-9).map((p) => p.fit.rss)) };
  for (const point of ordered) {
    if (point.fit.rss > bound) {
      const t = (bound - previous.rss) / (point.fit.rss - previous.rss);
      return previous.exponent + t * (point.exponent - previous.exponent);
    }
    previous = { exponent: point.exponent, rss: point.fit.rss };
  }
  return ordered.length > 0 ? ordered[ordered.length - 1].exponent : from;
}
