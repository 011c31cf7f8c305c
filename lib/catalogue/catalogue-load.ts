import fs from 'node:fs';
import path from 'node:path';
import { hierarchyOf } from './catalogue-index';
import { parseCatalogueJson } from './catalogue-json';
import { mergeCatalogues } from './catalogue-merge';
import { isError, type AssetCatalogue, type CatalogueLoad } from './catalogue-model';
import { parseTagCsv } from './tag-csv';

export type CatalogueFormat = 'auto' | 'json' | 'csv';

/** A JSON catalogue starts with `{`; anything else is read as a CSV tag list. */
export function detectFormat(text: string): 'json' | 'csv' {
  return text.replace(/^\uFEFF/, '').trimStart().startsWith('{') ? 'json' : 'csv';
}

/**
 * Reads catalogue text in either format. With `base`, the result is `base` with the import folded in (see
 * mergeCatalogues): how a tag list exported from a PLC tool updates the sensors of a kept catalogue.
 */
export function loadCatalogueText(text: string, format: CatalogueFormat = 'auto', base?: AssetCatalogue): CatalogueLoad & { format: 'json' | 'csv' } {
  const actual = format === 'auto' ? detectFormat(text) : format;
  const load = actual === 'json' ? parseCatalogueJson(text) : parseTagCsv(text, base);
  return { format: actual, problems: load.problems, catalogue: base ? mergeCatalogues(base, load.catalogue) : load.catalogue };
}

/** Reads a catalogue file (.csv: a tag list, else JSON); a file that cannot be read throws with its path. */
export function loadCatalogueFile(file: string): CatalogueLoad & { format: 'json' | 'csv' } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the catalogue file ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return loadCatalogueText(text, path.extname(file).toLowerCase() === '.csv' ? 'csv' : 'json');
}

/** "50 assets (1 site, 2 lines), 1000 sensors; 2 problems": one line for a log, an editor or a node status. */
export function summariseLoad(load: CatalogueLoad): string {
  const { assets } = load.catalogue;
  const sites = hierarchyOf(assets);
  const lines = sites.reduce((n, s) => n + s.lines.length, 0);
  const sensors = assets.reduce((n, a) => n + a.sensors.length, 0);
  const errors = load.problems.filter(isError).length;
  const warnings = load.problems.length - errors;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const issues = [errors ? plural(errors, 'problem') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
  return `${plural(assets.length, 'asset')} (${plural(sites.length, 'site')}, ${plural(lines, 'line')}), ${plural(sensors, 'sensor')}${issues ? `; ${issues}` : ''}`;
}
