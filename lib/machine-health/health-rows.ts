/**
 * Rows for a health replay: `ts,asset,<feature…>` CSV (ts as ISO 8601 or epoch milliseconds), or FEMTO-style
 * vibration snapshots turned into the pack's waveform features first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseCsv } from '../catalogue/csv';
import { DEFAULT_WAVEFORM_OPTIONS, namedWaveformFeatures, waveformFeatures } from '../features/waveform-features';

export interface HealthRow {
  ts: number;
  asset: string;
  values: Record<string, number>;
  /** Where the row came from (file and line), for error messages and reports. */
  origin: string;
}

export function parseTime(text: string): number {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const ms = Date.parse(trimmed);
  if (!Number.isFinite(ms)) throw new Error(`"${text}" is neither an ISO time nor epoch milliseconds`);
  return ms;
}

/** Reads the CSV; rows come back sorted by time (stable), each asset's in order. */
export function readHealthCsv(text: string, name: string): { rows: HealthRow[]; features: string[] } {
  const table = parseCsv(text);
  const [header, ...body] = table.rows;
  if (!header) throw new Error(`${name}: empty file`);
  const columns = header.cells.map((cell) => cell.trim());
  if (columns[0] !== 'ts' || columns[1] !== 'asset' || columns.length < 3) throw new Error(`${name}: the header must read ts,asset,<feature>,… (got ${columns.join(',')})`);
  const features = columns.slice(2);
  const rows = body
    .filter((row) => row.cells.some((cell) => cell.trim() !== ''))
    .map((row) => {
      const origin = `${name}:${row.line}`;
      if (row.cells.length !== columns.length) throw new Error(`${origin}: ${row.cells.length} fields, the header has ${columns.length}`);
      let ts: number;
      try {
        ts = parseTime(row.cells[0]);
      } catch (error) {
        throw new Error(`${origin}: ${(error as Error).message}`);
      }
      const values: Record<string, number> = {};
      features.forEach((feature, i) => {
        const cell = row.cells[i + 2].trim();
        const value = Number(cell);
        if (cell === '' || !Number.isFinite(value)) throw new Error(`${origin}: ${feature} "${cell}" is not a number`);
        values[feature] = value;
      });
      return { ts, asset: row.cells[1].trim(), values, origin };
    });
  rows.sort((a, b) => a.ts - b.ts);
  return { rows, features };
}

export interface SnapshotOptions {
  sampleRate: number;
  /** Calendar day the snapshots' times of day count from (FEMTO files carry the time of day only). */
  dayMs: number;
  /** Names of the acceleration columns after the four time columns. */
  channels: string[];
}

export const FEMTO_SNAPSHOTS: SnapshotOptions = { sampleRate: 25_600, dayMs: 0, channels: ['h', 'v'] };

const DAY_MS = 86_400_000;

/**
 * Waveform features of every `acc_*.csv` snapshot in `dir` (columns hour, minute, second, microsecond, then one per
 * channel, in g; comma or semicolon separated), one row per snapshot, named `<channel>.<feature>`, in file order.
 * `onSnapshot` reports progress on long directories.
 */
export function readSnapshotDirectory(dir: string, options: SnapshotOptions = FEMTO_SNAPSHOTS, onSnapshot?: (done: number, total: number) => void): HealthRow[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`snapshot directory "${dir}" not found`);
  const files = fs.readdirSync(dir).filter((file) => /^acc_\d+\.csv$/.test(file)).sort();
  if (files.length === 0) throw new Error(`${dir}: no acc_NNNNN.csv snapshot files`);
  const asset = path.basename(path.resolve(dir));
  const waveformOptions = { ...DEFAULT_WAVEFORM_OPTIONS, chartPoints: 0 };
  const rows: HealthRow[] = [];
  let dayOffset = 0;
  let previousTimeOfDay = -Infinity;
  files.forEach((file, index) => {
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
    const width = 4 + options.channels.length;
    const samples = options.channels.map(() => new Float64Array(lines.length));
    let timeOfDay = 0;
    lines.forEach((line, i) => {
      const cells = line.split(/[,;]/);
      if (cells.length < width) throw new Error(`${file}:${i + 1}: ${cells.length} columns, expected ${width}`);
      if (i === 0) timeOfDay = ((Number(cells[0]) * 60 + Number(cells[1])) * 60 + Number(cells[2])) * 1000 + Number(cells[3]) / 1000;
      options.channels.forEach((_, c) => {
        samples[c][i] = Number(cells[4 + c]);
      });
    });
    if (timeOfDay < previousTimeOfDay) dayOffset += DAY_MS;
    previousTimeOfDay = timeOfDay;
    const values: Record<string, number> = {};
    options.channels.forEach((channel, c) => {
      for (const feature of namedWaveformFeatures(channel, 'g', waveformFeatures(samples[c], options.sampleRate, waveformOptions))) values[feature.name] = feature.value;
    });
    rows.push({ ts: options.dayMs + dayOffset + Math.round(timeOfDay), asset, values, origin: file });
    onSnapshot?.(index + 1, files.length);
  });
  return rows;
}
