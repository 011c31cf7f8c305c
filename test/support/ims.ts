import fs from 'node:fs';
import path from 'node:path';

/** The shared IMS bearing data set beside the project root; tests skip when it is absent. */
export const IMS_FOLDER = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'data', 'ims-1st-test');
export const IMS_GOLDEN = path.resolve(IMS_FOLDER, '..', 'ims-1st-test-golden-features.csv');
export const IMS_SAMPLE_RATE = 20_000;

export function imsAvailable(): boolean {
  return fs.existsSync(IMS_FOLDER) && fs.existsSync(IMS_GOLDEN);
}

export function imsFiles(): string[] {
  return fs.readdirSync(IMS_FOLDER).filter((name) => !name.startsWith('.')).sort();
}

/** The eight channels of one snapshot, each a Float64Array of 20,480 samples in g. */
export function readImsChannels(file: string): Float64Array[] {
  const lines = fs.readFileSync(path.join(IMS_FOLDER, file), 'utf8').split('\n').filter((line) => line.trim() !== '');
  const channels = Array.from({ length: 8 }, () => new Float64Array(lines.length));
  lines.forEach((line, row) => {
    const columns = line.trim().split(/\s+/);
    for (let c = 0; c < 8; c++) channels[c][row] = Number(columns[c]);
  });
  return channels;
}

export interface GoldenRow {
  file: string;
  channel: number;
  n: number;
  values: Record<string, number>;
}

export function readGolden(): GoldenRow[] {
  const [header, ...rows] = fs.readFileSync(IMS_GOLDEN, 'utf8').trim().split('\n');
  const names = header.split(',');
  return rows.map((row) => {
    const cells = row.split(',');
    const values: Record<string, number> = {};
    names.forEach((name, i) => { values[name] = Number(cells[i]); });
    return { file: cells[0], channel: Number(cells[1]), n: values.n, values };
  });
}
