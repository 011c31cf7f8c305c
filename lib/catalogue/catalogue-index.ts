import type { SensorDefinition } from '../asset/asset-model';
import { NodeIdIndex } from '../ingest/opcua-values';
import type { CatalogueAsset } from './catalogue-model';

export interface SensorRef {
  asset: CatalogueAsset;
  sensor: SensorDefinition;
}

/**
 * Lookups a node serving many assets needs on every message: which asset and sensor an OPC UA node id belongs to
 * (a grouped subscription of the whole plant delivers them all through one client), which assets a Modbus device
 * (connection, unit id) holds.
 */
export class CatalogueIndex {
  private readonly assets = new Map<string, CatalogueAsset>();
  private readonly nodeIds = new Map<string, NodeIdIndex<SensorRef>>();
  private readonly devices = new Map<string, CatalogueAsset[]>();

  constructor(assets: readonly CatalogueAsset[]) {
    for (const asset of assets) {
      this.assets.set(asset.id, asset);
      const connection = asset.opcuaConnection ?? '';
      let index = this.nodeIds.get(connection);
      if (!index) this.nodeIds.set(connection, index = new NodeIdIndex<SensorRef>());
      for (const sensor of asset.sensors) if (sensor.opcuaNodeId) index.add(sensor.opcuaNodeId, { asset, sensor });
      if (asset.modbusDevice) {
        const key = deviceKey(asset.modbusDevice.unitId, asset.modbusDevice.connection);
        this.devices.set(key, [...(this.devices.get(key) ?? []), asset]);
      }
    }
  }

  asset(id: string): CatalogueAsset | undefined {
    return this.assets.get(id);
  }

  /** The asset and sensor of an OPC UA node id (full id, or its identifier part when the namespace is written as nsu=). */
  byOpcuaNodeId(nodeId: string, connection?: string): SensorRef | undefined {
    return this.nodeIds.get(connection ?? '')?.get(nodeId);
  }

  byModbusDevice(unitId: number, connection?: string): readonly CatalogueAsset[] {
    return this.devices.get(deviceKey(unitId, connection)) ?? [];
  }
}

/** One Modbus device: a unit id behind a connection ('' = the default connection). */
export function deviceKey(unitId: number, connection?: string): string {
  return `${connection ?? ''}#${unitId}`;
}

export interface CellNode {
  /** undefined: the line's assets that name no cell. */
  cell?: string;
  assets: CatalogueAsset[];
}

export interface LineNode {
  line: string;
  cells: CellNode[];
}

export interface SiteNode {
  site: string;
  lines: LineNode[];
}

/** Site > line > cell > assets, each level in the order it first appears in the catalogue. */
export function hierarchyOf(assets: readonly CatalogueAsset[]): SiteNode[] {
  const sites: SiteNode[] = [];
  for (const asset of assets) {
    let site = sites.find((s) => s.site === asset.site);
    if (!site) sites.push(site = { site: asset.site, lines: [] });
    let line = site.lines.find((l) => l.line === asset.line);
    if (!line) site.lines.push(line = { line: asset.line, cells: [] });
    let cell = line.cells.find((c) => c.cell === asset.cell);
    if (!cell) line.cells.push(cell = { cell: asset.cell, assets: [] });
    cell.assets.push(asset);
  }
  return sites;
}
