import type { AssetCatalogue, CatalogueAsset } from './catalogue-model';

/**
 * How a node names the assets of a catalogue it works on, in one line an integrator can type:
 *
 *   ``  or  `*`                      every asset of the catalogue
 *   `line=machining`                 every asset of one line
 *   `type=centrifugal-pump`          every asset of one type
 *   `site=plant-a line=l1,l2`        terms are ANDed; values of one term are ORed
 *   `id=pump-*`                      `*` matches any text
 *   `id!=spindle-1,pump-1`           `!=`: every asset but these
 *
 * Keys: id, type, site, line, cell. Every node that takes catalogue assets parses its filter with this module, so
 * the grammar is the same everywhere, and an asset added to the catalogue joins every filter it matches.
 */
export const FILTER_KEYS = ['id', 'type', 'site', 'line', 'cell'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface FilterTerm {
  key: FilterKey;
  values: string[];
  /** `key!=values`: the asset matches none of the values. */
  negated: boolean;
}

export interface AssetFilter {
  /** No terms: every asset. */
  terms: FilterTerm[];
}

const EVERY_ASSET: AssetFilter = { terms: [] };

/** Parses a filter; throws an Error that quotes the bad term and lists the keys. */
export function parseAssetFilter(text: string | undefined): AssetFilter {
  const trimmed = (text ?? '').trim();
  if (trimmed === '' || trimmed === '*') return EVERY_ASSET;
  const terms: FilterTerm[] = [];
  for (const word of trimmed.split(/\s+/)) {
    const match = /^([a-z]+)(!?=)(.+)$/i.exec(word);
    if (!match) throw new Error(`asset filter term "${word}" must be key=value (keys: ${FILTER_KEYS.join(', ')}), e.g. line=machining, or key!=value`);
    const key = match[1].toLowerCase() as FilterKey;
    if (!FILTER_KEYS.includes(key)) throw new Error(`asset filter key "${match[1]}" is unknown: use ${FILTER_KEYS.join(', ')}`);
    if (terms.some((t) => t.key === key)) throw new Error(`asset filter names "${key}" twice: list the values with commas, e.g. ${key}=a,b`);
    const values = match[3].split(',').map((v) => v.trim()).filter(Boolean);
    if (values.length === 0) throw new Error(`asset filter term "${word}" has no value`);
    terms.push({ key, values, negated: match[2] === '!=' });
  }
  return { terms };
}

function globMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (!pattern.includes('*')) return pattern === value;
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`).test(value);
}

export function matchesFilter(asset: CatalogueAsset, filter: AssetFilter): boolean {
  return filter.terms.every((term) => term.values.some((pattern) => globMatches(pattern, asset[term.key])) !== term.negated);
}

/** The catalogue's assets a filter selects, in catalogue order; throws on a malformed filter. */
export function selectAssets(catalogue: AssetCatalogue, filterText: string | undefined): CatalogueAsset[] {
  const filter = parseAssetFilter(filterText);
  return catalogue.assets.filter((asset) => matchesFilter(asset, filter));
}

/** "every asset" or "line machining, type cnc-spindle": for a node's status and log lines. */
export function describeFilter(filter: AssetFilter): string {
  if (filter.terms.length === 0) return 'every asset';
  return filter.terms.map((t) => `${t.key} ${t.negated ? 'not ' : ''}${t.values.join(t.negated ? ' nor ' : ' or ')}`).join(', ');
}
