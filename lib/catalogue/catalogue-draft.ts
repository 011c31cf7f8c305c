import type { CatalogueAsset, ProblemEffect } from './catalogue-model';

/**
 * An asset as a parser read it, before the checks every catalogue goes through whatever its format: site and line
 * may still be missing (the catalogue's defaults fill them), and each sensor remembers where it was written.
 */
export interface AssetDraft {
  asset: Omit<CatalogueAsset, 'site' | 'line'> & { site?: string; line?: string };
  /** `assets[3]` or `line 7`. */
  where: string;
  /** Parallel to asset.sensors: `assets[3].sensors[2]` or `line 9`. */
  sensorWhere: string[];
  /** How a sensor problem is named in this format: a JSON sensor entry or a CSV row. */
  sensorEffect: Extract<ProblemEffect, 'sensor skipped' | 'row skipped'>;
  /** How a field path of the JSON form (`modbus.address`) is called in this format (the CSV column `modbus_address`). */
  fieldName?: (field: string, of: 'asset' | 'sensor') => string;
}
