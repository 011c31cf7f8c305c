import type { AssetCatalogue, CatalogueAsset } from './catalogue-model';

/**
 * Folds an import (typically a CSV tag list, which has no ratings or bearing columns) into a catalogue: an asset of
 * the import replaces the sensors of the asset with the same id and overrides the fields the import gives, keeping
 * ratings and bearing the import does not give; new assets are appended in the import's order.
 */
export function mergeCatalogues(base: AssetCatalogue, update: AssetCatalogue): AssetCatalogue {
  const updates = new Map(update.assets.map((a) => [a.id, a]));
  const merged: CatalogueAsset[] = base.assets.map((asset) => {
    const next = updates.get(asset.id);
    if (!next) return asset;
    updates.delete(asset.id);
    return {
      ...asset,
      ...next,
      name: next.name !== next.id ? next.name : asset.name,
      type: next.type !== 'generic' ? next.type : asset.type,
      ratings: { ...asset.ratings, ...next.ratings },
      bearing: next.bearing ?? asset.bearing,
      sensors: next.sensors,
    };
  });
  return { ...base, assets: [...merged, ...updates.values()] };
}
