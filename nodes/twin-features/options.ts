import { DEFAULT_FEATURE_OPTIONS, SCALAR_STATISTICS, type FeatureEngineOptions, type ScalarStatistic } from '../../lib/features/feature-engine';
import type { FrequencyBand } from '../../lib/features/waveform-features';
import { parseDuration } from '../../lib/features/window-stats';
import type { Quality } from '../../lib/reading/reading';

/** The editor's fields, as Node-RED stores them (strings and booleans). */
export interface TwinFeaturesFields {
  windows: string;
  statistics: string;
  scalarSensors: string;
  waveformSensors: string;
  speedSensor: string;
  runningSensor: string;
  runningTest: string;
  runningValue: string;
  /** State code of the running sensor that means "down on a failure" (machine-state rule); empty: none. */
  downValue?: string;
  /** Seconds after a start before readings count again (the run-up); empty: 0. */
  warmUpS?: string;
  bands: string;
  envelopeLowHz: string;
  envelopeHighHz: string;
  excludeQuality: string;
  includeSpectrum: boolean;
}

function list(text: string | undefined): string[] {
  return String(text ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function number(text: string | undefined, fallback: number, label: string): number {
  if (text === undefined || String(text).trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${label} "${text}" is not a number`);
  return value;
}

/** `name:from-to` pairs, e.g. `1x:80-120, resonance:2000-5000`. */
export function parseBands(text: string | undefined): FrequencyBand[] {
  return list(text).map((item) => {
    const match = /^([A-Za-z][A-Za-z0-9_]*)\s*:\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)$/.exec(item);
    if (!match) throw new Error(`band "${item}" must look like name:fromHz-toHz (e.g. low:10-100)`);
    const band = { name: match[1], fromHz: Number(match[2]), toHz: Number(match[3]) };
    if (!(band.fromHz < band.toHz)) throw new Error(`band "${item}": from must be below to`);
    return band;
  });
}

/** Turns the editor's fields into engine options, naming every field that is wrong. */
export function featureOptions(fields: Partial<TwinFeaturesFields>): FeatureEngineOptions {
  const windows = list(fields.windows);
  for (const window of windows) parseDuration(window);
  const statistics = list(fields.statistics);
  const unknown = statistics.filter((s) => !SCALAR_STATISTICS.includes(s as ScalarStatistic));
  if (unknown.length > 0) throw new Error(`unknown statistic ${unknown.join(', ')}: use ${SCALAR_STATISTICS.join(', ')}`);
  const low = number(fields.envelopeLowHz, DEFAULT_FEATURE_OPTIONS.envelopeBandHz[0], 'envelope band low');
  const high = number(fields.envelopeHighHz, DEFAULT_FEATURE_OPTIONS.envelopeBandHz[1], 'envelope band high');
  if (!(low > 0 && low < high)) throw new Error('the envelope band needs 0 < low < high');
  const exclude = fields.excludeQuality === 'uncertain' ? 'uncertain' : 'bad';
  const runningSensor = String(fields.runningSensor ?? '').trim();
  const downText = String(fields.downValue ?? '').trim();
  const warmUpS = number(fields.warmUpS, 0, 'warm-up');
  if (warmUpS < 0) throw new Error(`warm-up "${fields.warmUpS}" must not be negative`);
  return {
    ...DEFAULT_FEATURE_OPTIONS,
    windows: windows.length > 0 ? windows : DEFAULT_FEATURE_OPTIONS.windows,
    statistics: statistics.length > 0 ? (statistics as ScalarStatistic[]) : DEFAULT_FEATURE_OPTIONS.statistics,
    scalarSensors: list(fields.scalarSensors),
    waveformSensors: list(fields.waveformSensors),
    speedSensor: String(fields.speedSensor ?? '').trim() || undefined,
    running: runningSensor
      ? { sensor: runningSensor, test: fields.runningTest === 'above' ? 'above' : 'equals', value: number(fields.runningValue, 1, 'running value') }
      : undefined,
    downValue: downText === '' ? undefined : number(downText, 0, 'down value'),
    warmUpMs: warmUpS * 1000,
    bands: parseBands(fields.bands),
    envelopeBandHz: [low, high],
    excludeQuality: exclude as Quality,
    spectrumPoints: fields.includeSpectrum === false ? 0 : DEFAULT_FEATURE_OPTIONS.spectrumPoints,
  };
}
