import type { AssetDefinition, SensorDefinition } from '../asset/asset-model';
import { QUALITIES, type Quality, type Reading } from './reading';

/**
 * The reading contract, checked the same way by every node that takes readings: an element that breaks it is
 * refused with a sentence naming it (its index, asset and sensor) and why, and never costs the valid elements of
 * the same message. The rule:
 * - an object with `asset` (the node's asset when it has one) and `sensor` (one of the asset's sensors);
 * - `ts`: epoch milliseconds, a finite number a JavaScript Date can hold (±8.64e15); a reading without a time is
 *   refused, never stamped here, so no limit's minimum duration can be skipped by a missing or bad time;
 * - a scalar: `value` a finite number (not a string such as "9", not NaN, not null);
 * - a waveform: `samples` a typed array or array of finite numbers, at least one, and `sampleRate` above 0;
 * - `quality` good, uncertain or bad (missing: good); `historical` true or absent.
 */

/** Largest magnitude of epoch ms a Date holds (ECMAScript: ±100,000,000 days). */
export const MAX_EPOCH_MS = 8.64e15;

export interface ValidatedReadings {
  readings: Reading[];
  /** One sentence per refused element, naming it and the reason. */
  problems: string[];
}

export function isEpochMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_EPOCH_MS;
}

/** A value as an operator would read it in an error: `"9"`, `null`, `NaN`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return `the string "${value.length > 20 ? `${value.slice(0, 20)}…` : value}"`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function samplesProblem(samples: unknown): string | null {
  if (!Array.isArray(samples) && !(ArrayBuffer.isView(samples) && !(samples instanceof DataView))) return `samples are ${describeValue(samples)}, not an array of numbers`;
  const list = samples as ArrayLike<unknown>;
  if (list.length === 0) return 'the sample block is empty';
  for (let i = 0; i < list.length; i++) {
    const sample = list[i];
    if (typeof sample !== 'number' || !Number.isFinite(sample)) return `sample ${i} is ${describeValue(sample)}, not a finite number`;
  }
  return null;
}

/** What is wrong with one element, or null when it is a valid reading (of `asset`, when given). */
export function readingProblem(element: unknown, asset?: AssetDefinition): string | null {
  if (!element || typeof element !== 'object' || Array.isArray(element)) return `expected a reading object, got ${describeValue(element)}`;
  const r = element as Record<string, unknown>;
  if (typeof r.asset !== 'string' || r.asset === '') return `asset is ${describeValue(r.asset)}, not an asset id`;
  if (typeof r.sensor !== 'string' || r.sensor === '') return `sensor is ${describeValue(r.sensor)}, not a sensor id`;
  let sensor: SensorDefinition | undefined;
  if (asset) {
    if (r.asset !== asset.id) return `a reading of asset "${r.asset}" sent to a node of "${asset.id}"`;
    sensor = asset.sensors.find((s) => s.id === r.sensor);
    if (!sensor) return `unknown sensor: asset "${asset.id}" has no sensor "${r.sensor}"`;
  }
  if (r.ts === undefined) return 'ts is missing: every reading needs its source time';
  if (!isEpochMs(r.ts)) return `ts ${describeValue(r.ts)} is not a time (epoch ms within ±${MAX_EPOCH_MS})`;
  if (r.quality !== undefined && !QUALITIES.includes(r.quality as Quality)) return `quality ${describeValue(r.quality)} is not good, uncertain or bad`;
  if (r.historical !== undefined && typeof r.historical !== 'boolean') return `historical is ${describeValue(r.historical)}, not true or false`;
  const waveform = r.samples !== undefined || sensor?.kind === 'waveform';
  if (waveform) {
    const problem = samplesProblem(r.samples);
    if (problem) return problem;
    if (typeof r.sampleRate !== 'number' || !(r.sampleRate > 0) || !Number.isFinite(r.sampleRate)) return `sampleRate is ${describeValue(r.sampleRate)}, not a rate above 0`;
    return null;
  }
  if (typeof r.value !== 'number') return `value is ${describeValue(r.value)}, not a number`;
  if (!Number.isFinite(r.value)) return `value ${r.value} is not a finite number`;
  return null;
}

/** How an error names an element of a message: `element 3 (spindle-1/bearingTemp)`. */
export function elementLabel(element: unknown, index: number): string {
  if (!element || typeof element !== 'object') return `element ${index}`;
  const r = element as { asset?: unknown; sensor?: unknown };
  const name = [r.asset, r.sensor].filter((p) => typeof p === 'string' && p !== '').join('/');
  return name ? `element ${index} (${name})` : `element ${index}`;
}

/**
 * Splits a message's elements into valid readings and problems. Readings without a quality get `good`, the one
 * default the contract allows; nothing else is repaired.
 */
export function validateReadings(elements: readonly unknown[], asset?: AssetDefinition): ValidatedReadings {
  const readings: Reading[] = [];
  const problems: string[] = [];
  elements.forEach((element, index) => {
    const problem = readingProblem(element, asset);
    if (problem) {
      problems.push(`${elementLabel(element, index)}: ${problem}`);
      return;
    }
    readings.push(withQuality(element as Reading));
  });
  return { readings, problems };
}

/** A valid reading as the nodes use it: without a quality it is `good`, the one default the contract allows. */
export function withQuality(reading: Reading): Reading {
  return reading.quality === undefined ? { ...reading, quality: 'good' } : reading;
}

/** Whether an element claims to be a reading (has a sensor name), so a node taking several kinds knows which check applies. */
export function looksLikeReading(element: unknown): boolean {
  return !!element && typeof element === 'object' && !Array.isArray(element) && 'sensor' in element && ('value' in element || 'samples' in element || 'ts' in element);
}
