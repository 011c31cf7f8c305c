/**
 * Run histories for training and batch prediction: per asset, ascending times and one column per sensor. Two
 * text formats are read: NASA C-MAPSS (whitespace separated: unit, cycle, 3 operating settings, 21 sensors) and
 * CSV with a header `asset,time,<sensor>,<sensor>...` (time as a number: hours, cycles, or epoch ms).
 */
export interface AssetHistory {
  asset: string;
  time: number[];
  sensors: Record<string, number[]>;
}

export type HistoryFormat = 'cmapss' | 'csv';

/** C-MAPSS's operating settings (altitude, Mach number, throttle resolver angle): the flight condition of a cycle. */
export const CMAPSS_SETTINGS = ['setting1', 'setting2', 'setting3'];
export const CMAPSS_COLUMNS = [...CMAPSS_SETTINGS, ...Array.from({ length: 21 }, (_, i) => `s${i + 1}`)];

export function parseHistories(text: string, format: HistoryFormat, source = 'input'): AssetHistory[] {
  return format === 'cmapss' ? parseCmapss(text, source) : parseCsv(text, source);
}

function parseCmapss(text: string, source: string): AssetHistory[] {
  const rows: Array<{ asset: string; time: number; values: number[] }> = [];
  text.split('\n').forEach((line, index) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') return;
    if (fields.length !== 2 + CMAPSS_COLUMNS.length) throw new Error(`${source} line ${index + 1}: ${fields.length} columns, C-MAPSS has ${2 + CMAPSS_COLUMNS.length}`);
    const numbers = fields.map(Number);
    const bad = numbers.findIndex((n) => !Number.isFinite(n));
    if (bad >= 0) throw new Error(`${source} line ${index + 1}, column ${bad + 1}: "${fields[bad]}" is not a number`);
    rows.push({ asset: String(numbers[0]), time: numbers[1], values: numbers.slice(2) });
  });
  return group(rows, CMAPSS_COLUMNS, source);
}

function parseCsv(text: string, source: string): AssetHistory[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new Error(`${source} is empty`);
  const header = lines[0].split(',').map((h) => h.trim());
  if (header[0] !== 'asset' || header[1] !== 'time' || header.length < 3) {
    throw new Error(`${source}: the header must be "asset,time,<sensor>,..." (found "${lines[0]}")`);
  }
  const sensors = header.slice(2);
  const rows = lines.slice(1).map((line, index) => {
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length !== header.length) throw new Error(`${source} line ${index + 2}: ${fields.length} fields, the header has ${header.length}`);
    const numbers = fields.slice(1).map(Number);
    const bad = numbers.findIndex((n) => !Number.isFinite(n));
    if (bad >= 0) throw new Error(`${source} line ${index + 2}, ${header[bad + 1]}: "${fields[bad + 1]}" is not a number`);
    return { asset: fields[0], time: numbers[0], values: numbers.slice(1) };
  });
  return group(rows, sensors, source);
}

function group(rows: Array<{ asset: string; time: number; values: number[] }>, sensors: string[], source: string): AssetHistory[] {
  const byAsset = new Map<string, AssetHistory>();
  for (const row of rows) {
    let history = byAsset.get(row.asset);
    if (!history) {
      history = { asset: row.asset, time: [], sensors: Object.fromEntries(sensors.map((s) => [s, []])) };
      byAsset.set(row.asset, history);
    }
    const last = history.time.at(-1);
    if (last !== undefined && row.time <= last) throw new Error(`${source}: asset ${row.asset} goes back in time at ${row.time} (after ${last}); sort by asset and time`);
    history.time.push(row.time);
    sensors.forEach((sensor, i) => history!.sensors[sensor].push(row.values[i]));
  }
  if (byAsset.size === 0) throw new Error(`${source} holds no rows`);
  return [...byAsset.values()];
}
