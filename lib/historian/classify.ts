import { isWaveform, type Reading } from '../reading/reading';
import { isAlertEvent } from '../threshold/alert';
import type { TableRow } from './writer';
import { alertsTable } from './tables/alerts';
import { featuresTable, isFeatureVector } from './tables/features';
import { readingsTable } from './tables/readings';
import { waveformsTable } from './tables/waveforms';

function isReading(value: unknown): value is Reading {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.asset === 'string' && typeof v.sensor === 'string' && typeof v.ts === 'number' && Number.isFinite(v.ts)
    && ((typeof v.value === 'number' && Number.isFinite(v.value)) || ArrayBuffer.isView(v.samples) || Array.isArray(v.samples));
}

function withDefaults(reading: Reading): Reading {
  const base = { ...reading, unit: reading.unit ?? '', quality: reading.quality ?? 'good' };
  if (Array.isArray((reading as { samples?: unknown }).samples)) {
    return { ...base, samples: Float32Array.from((reading as unknown as { samples: number[] }).samples) } as Reading;
  }
  return base;
}

/**
 * Sorts what a message carries into table rows: scalar readings, waveform blocks, alert events and feature vectors. Anything
 * else is named in `problems`; the recognised elements are still written.
 */
export function classifyPayload(payload: unknown): { rows: TableRow[]; problems: string[] } {
  const elements = Array.isArray(payload) ? payload : [payload];
  const rows: TableRow[] = [];
  const problems: string[] = [];
  elements.forEach((element, index) => {
    if (isAlertEvent(element)) rows.push({ table: alertsTable as TableRow['table'], row: element });
    else if (isFeatureVector(element)) rows.push({ table: featuresTable as TableRow['table'], row: element });
    else if (isReading(element)) {
      const reading = withDefaults(element);
      rows.push({ table: (isWaveform(reading) ? waveformsTable : readingsTable) as TableRow['table'], row: reading });
    } else {
      problems.push(`element ${index} is neither a reading {asset, sensor, ts, value | samples}, an alert event nor a feature vector`);
    }
  });
  return { rows, problems };
}
