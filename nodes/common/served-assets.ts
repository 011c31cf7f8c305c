import type { NodeAPI } from 'node-red';
import type { AssetDefinition } from '../../lib/asset/asset-model';
import { resolveAsset } from './asset';
import { resolveCatalogueAssets } from './catalogue';

/** The fields of a node that works on its own twin-asset or on the assets of a twin-catalogue. */
export interface ServedAssetFields {
  asset?: string;
  catalogue?: string;
  filter?: string;
}

export interface ServedAssets {
  assets: AssetDefinition[];
  /** True for a node's own twin-asset; false for the assets a catalogue and filter chose. */
  single: boolean;
  /** "spindle-1", "every asset", "line machining": for status texts. */
  description: string;
  /**
   * The asset of the given id; undefined for a catalogue asset the filter leaves out (its messages are another node's:
   * one twin-ingest feeds a twin-features per machine type, each taking its type's readings); an Error naming the
   * assets served for an id the catalogue does not know.
   */
  get(id: unknown): AssetDefinition | Error | undefined;
}

/**
 * The assets a node serves: with a catalogue chosen, every asset its filter matches (one node for the whole plant,
 * its state kept per asset, none when the filter matches nothing yet); otherwise its own twin-asset. An Error says why
 * there are none: no asset or catalogue chosen, a catalogue that did not load, a malformed filter.
 */
export function resolveServedAssets(RED: NodeAPI, fields: ServedAssetFields): ServedAssets | Error {
  let assets: AssetDefinition[];
  let description: string;
  let outside = new Set<string>();
  const single = !fields.catalogue;
  if (single) {
    const asset = resolveAsset(RED, fields.asset);
    if (asset instanceof Error) return asset;
    assets = [asset];
    description = asset.id;
  } else {
    const selection = resolveCatalogueAssets(RED, fields.catalogue, fields.filter, true);
    if (selection instanceof Error) return selection;
    assets = selection.assets;
    outside = selection.outside;
    description = assets.length === 0 ? `no asset (${selection.description})` : `${assets.length} assets (${selection.description})`;
  }
  const byId = new Map(assets.map((asset) => [asset.id, asset]));
  return {
    assets, single, description,
    get(id: unknown): AssetDefinition | Error | undefined {
      if (single) return assets[0];
      const asset = typeof id === 'string' ? byId.get(id) : undefined;
      if (asset || (typeof id === 'string' && outside.has(id))) return asset;
      return new Error(`asset ${JSON.stringify(id)} is not in the catalogue (this node serves ${description})`);
    },
  };
}

/** Where a node keeps one asset's state in its context: the key it always had for its own twin-asset, one key per asset otherwise. */
export function assetContextKey(base: string, served: ServedAssets, assetId: string): string {
  return served.single ? base : `${base}:${assetId}`;
}

/** The asset canonical readings (twin-ingest's output, one asset per message) are about. */
export function assetOfReadings(payload: unknown): unknown {
  const first = Array.isArray(payload) ? payload[0] : undefined;
  return first && typeof first === 'object' ? (first as { asset?: unknown }).asset : undefined;
}
