import { CollinearError } from './least-squares';

/**
 * What every identified model reports besides its parameters: how well it fits (in the units of what it predicts),
 * and the data it came from, so a figure derived from it can be judged and a stale model recognised.
 */
export interface FitQuality {
  /** Coefficient of determination of the model's prediction (open-loop simulation for the thermal model). */
  r2: number;
  /** Root-mean-square error of that prediction, in `unit`. */
  rmse: number;
  unit: string;
  /** Observations the fit used (buckets, or production buckets for the scrap model). */
  samples: number;
  /** How r2 and rmse were measured, where it is not the obvious way. */
  note?: string;
}

export interface DataSpan {
  /** First and last observation used, epoch ms. */
  from: number;
  to: number;
  hours: number;
}

export interface ModelFit<P> {
  parameters: P;
  quality: FitQuality;
  span: DataSpan;
  /** One line: the model's form with its fitted numbers, for figures' `model` field and the help. */
  description: string;
  identifiedAt: number;
}

/** An identification either gives a model or names why the history could not. */
export type Identified<P> =
  | { ok: true; fit: ModelFit<P>; /** Why the latest attempt failed, when this fit was kept from an earlier one. */ lastError?: string }
  | { ok: false; error: string };

export class IdentificationError extends Error {}

export function span(from: number, to: number): DataSpan {
  return { from, to, hours: (to - from) / 3_600_000 };
}

/** Runs an identification; a refusal, or inputs that moved together so the fit cannot separate them, is the model's error. */
export function identify<P>(model: string, run: () => ModelFit<P>): Identified<P> {
  try {
    return { ok: true, fit: run() };
  } catch (err) {
    if (err instanceof IdentificationError) return { ok: false, error: err.message };
    if (err instanceof CollinearError) return { ok: false, error: `the history does not excite the ${model} model: its inputs moved together, so their effects cannot be told apart (${err.message})` };
    throw err;
  }
}

/** Rounds for descriptions: three significant digits. */
export function round3(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  return Number(value.toPrecision(3)).toString();
}
