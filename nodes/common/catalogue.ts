import type { Node, NodeAPI } from 'node-red';
import { describeFilter, matchesFilter, parseAssetFilter } from '../../lib/catalogue/asset-filter';
import type { AssetCatalogue, CatalogueAsset, CatalogueProblem } from '../../lib/catalogue/catalogue-model';
import { getConfigNode } from './config';

export const CATALOGUE_NODE_TYPE = 'twin-catalogue';

export interface TwinCatalogueNode extends Node {
  /** The assets that loaded; problems of other rows never remove them. */
  catalogue: AssetCatalogue;
  problems: CatalogueProblem[];
  /** Why nothing could be loaded at all (unreadable file, not a catalogue); undefined when the catalogue loaded. */
  failure?: string;
}

export interface CatalogueSelection {
  assets: CatalogueAsset[];
  /** "every asset" or "line machining": for status and log lines. */
  description: string;
  /** Ids of the catalogue's assets the filter leaves to other nodes. */
  outside: Set<string>;
}

/**
 * The assets a node works on, from its twin-catalogue and its asset filter (lib/catalogue/asset-filter.ts), or an
 * Error saying why there are none: no catalogue chosen, a catalogue that did not load, a malformed filter, a filter
 * that matches nothing (unless `noneIsFine`: a node whose filter may rightly match nothing yet, such as the reference
 * flow's chain for every machine but the two with tabs of their own in a plant of only those two).
 */
export function resolveCatalogueAssets(RED: NodeAPI, catalogueId: string | undefined, filterText: string | undefined, noneIsFine = false): CatalogueSelection | Error {
  const node = getConfigNode<TwinCatalogueNode>(RED, catalogueId, CATALOGUE_NODE_TYPE);
  if (!node) return new Error('no twin-catalogue configured (or it was deleted): choose the catalogue in the node\'s settings');
  if (node.failure) return new Error(`catalogue "${node.name || node.id}" did not load: ${node.failure}`);
  let filter;
  try {
    filter = parseAssetFilter(filterText);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
  const assets = node.catalogue.assets.filter((asset) => matchesFilter(asset, filter));
  const description = describeFilter(filter);
  if (assets.length === 0 && !noneIsFine) return new Error(`the catalogue has no asset matching ${description}`);
  const outside = new Set(node.catalogue.assets.filter((asset) => !matchesFilter(asset, filter)).map((asset) => asset.id));
  return { assets, description, outside };
}
