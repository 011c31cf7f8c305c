/**
 * Operating regimes: bands of operating conditions (speed, load) inside which one baseline holds. A spindle at
 * 12,000 rpm is not abnormal because it differs from 9,000 rpm, so each band learns its own normal.
 */
export interface RegimeBand {
  /** The operating-condition column (e.g. `speed`); it is not itself a health feature. */
  variable: string;
  /** Ascending edges: values below edges[0] fall in band 0, from edges[i-1] up to edges[i] in band i, and so on. */
  edges: number[];
}

export const SINGLE_REGIME = 'all';

/** Reads `variable:edge,edge` (e.g. `speed:9000,11000`), the form the CLI and the node's editor take. */
export function parseRegimeBand(text: string): RegimeBand {
  const [variable, edges, ...rest] = text.split(':');
  if (!variable?.trim() || !edges || rest.length > 0) throw new Error(`regime "${text}" must read variable:edge,edge (e.g. speed:9000,11000)`);
  const band = { variable: variable.trim(), edges: edges.split(',').map((edge) => Number(edge.trim())) };
  checkRegimeBands([band]);
  return band;
}

export function checkRegimeBands(bands: readonly RegimeBand[]): void {
  for (const band of bands) {
    if (!band.variable) throw new Error('a regime band needs the variable it splits on');
    if (band.edges.length === 0 || band.edges.some((edge, i) => !Number.isFinite(edge) || (i > 0 && edge <= band.edges[i - 1]))) {
      throw new Error(`regime edges of "${band.variable}" must be ascending numbers`);
    }
  }
}

function bandLabel(band: RegimeBand, value: number): string {
  const index = band.edges.findIndex((edge) => value < edge);
  if (index === 0) return `${band.variable}<${band.edges[0]}`;
  if (index < 0) return `${band.variable}>=${band.edges[band.edges.length - 1]}`;
  return `${band.variable}${band.edges[index - 1]}-${band.edges[index]}`;
}

/** The regime a row belongs to, e.g. `speed1700-2000/load<3000`; undefined when a condition is missing. */
export function regimeOf(bands: readonly RegimeBand[], values: Readonly<Record<string, number>>): string | undefined {
  if (bands.length === 0) return SINGLE_REGIME;
  const labels: string[] = [];
  for (const band of bands) {
    const value = values[band.variable];
    if (value === undefined || !Number.isFinite(value)) return undefined;
    labels.push(bandLabel(band, value));
  }
  return labels.join('/');
}
