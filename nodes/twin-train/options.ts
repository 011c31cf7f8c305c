import { DEFAULT_RETRAIN_OPTIONS, type RetrainOptions } from '../../lib/rul/retrain';

/** The editor's fields of twin-train, as Node-RED stores them (environment variables already substituted). */
export interface TwinTrainFields {
  windowDays: string;
  timeScale: string;
  stepLifeHours: string;
  validationPercent: string;
  minImprovementPercent: string;
  runningFeature: string;
  runningAbove: string;
}

const DAY_MS = 86_400_000;

function number(text: string | undefined, fallback: number, label: string, check: (v: number) => boolean, rule: string): number {
  if (text === undefined || String(text).trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || !check(value)) throw new Error(`${label} "${text}" must be ${rule}`);
  return value;
}

/** The retrain's options for a window ending `now`; a request may name its own window ({from, to} in epoch ms). */
export function retrainOptions(fields: Partial<TwinTrainFields>, now: number, request?: { from?: unknown; to?: unknown }): RetrainOptions {
  const positive = (v: number) => v > 0;
  const windowDays = number(fields.windowDays, 365, 'history window', positive, 'a positive number of days');
  const to = request?.to === undefined ? now : Number(request.to);
  const from = request?.from === undefined ? to - windowDays * DAY_MS : Number(request.from);
  if (!Number.isFinite(from) || !Number.isFinite(to) || !(from < to)) throw new Error('msg.payload.from and .to must be epoch milliseconds with from before to');
  const feature = String(fields.runningFeature ?? '').trim();
  return {
    ...DEFAULT_RETRAIN_OPTIONS,
    from,
    to,
    timeScale: number(fields.timeScale, DEFAULT_RETRAIN_OPTIONS.timeScale, 'time scale', positive, 'a positive number (1 for a real machine)'),
    stepLifeHours: number(fields.stepLifeHours, DEFAULT_RETRAIN_OPTIONS.stepLifeHours, 'row step', positive, 'a positive number of hours'),
    validationFraction: number(fields.validationPercent, 20, 'held-out share', (v) => v > 0 && v < 100, 'a percentage between 0 and 100') / 100,
    minImprovement: number(fields.minImprovementPercent, 0, 'required improvement', (v) => v >= 0 && v < 100, 'a percentage from 0 to 100') / 100,
    running: feature ? { feature, above: number(fields.runningAbove, 0, 'running threshold', () => true, 'a number') } : undefined,
  };
}
