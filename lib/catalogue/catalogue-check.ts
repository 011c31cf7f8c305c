import { IDENTIFIER_RULE, isIdentifier, registerWidth, sensorProblems, type SensorDefinition } from '../asset/asset-model';
import type { AssetDraft } from './catalogue-draft';
import type { AssetCatalogue, CatalogueAsset, CatalogueLoad, CatalogueProblem } from './catalogue-model';
import { withoutUndefined } from './without-undefined';

/** The catalogue-wide settings a parser read beside the assets. */
export type CatalogueHeader = Omit<AssetCatalogue, 'assets'>;

/**
 * The checks every catalogue goes through, whatever format it came in: identifiers, hierarchy, each sensor's own
 * rules (lib/asset/asset-model.ts sensorProblems, the same ones the twin-asset editor applies), and what only the
 * whole table shows: an asset id used twice, one OPC UA node id for two sensors, two sensors on the same Modbus
 * registers of one device. The first claim wins; the later one is reported where it was written and skipped.
 */
export function finishCatalogue(drafts: readonly AssetDraft[], header: CatalogueHeader, problems: CatalogueProblem[]): CatalogueLoad {
  const claims = new Claims();
  const assets: CatalogueAsset[] = [];
  for (const draft of drafts) {
    const asset = checkAsset(draft, header, problems, claims);
    if (asset) assets.push(asset);
  }
  const catalogue: AssetCatalogue = withoutUndefined({ ...header, assets });
  return { catalogue, problems };
}

/** Who holds an asset id, an OPC UA node id, a Modbus register: the first asset or sensor that named it. */
class Claims {
  readonly assetIds = new Map<string, string>();
  readonly nodeIds = new Map<string, string>();
  readonly registers = new Map<string, string>();
}

function checkAsset(draft: AssetDraft, header: CatalogueHeader, problems: CatalogueProblem[], claims: Claims): CatalogueAsset | undefined {
  const { asset, where } = draft;
  const field = (name: string, of: 'asset' | 'sensor'): string => draft.fieldName?.(name, of) ?? name;
  const skip = (name: string, message: string): undefined => {
    problems.push({ where, asset: asset.id || undefined, field: field(name, 'asset'), message, effect: 'asset skipped' });
    return undefined;
  };
  if (!isIdentifier(asset.id)) return skip('id', `asset id "${asset.id ?? ''}" ${IDENTIFIER_RULE}`);
  const firstUse = claims.assetIds.get(asset.id);
  if (firstUse) return skip('id', `asset id "${asset.id}" is already used at ${firstUse}`);
  if (asset.sensors.length === 0) return skip('sensors', 'the asset has no sensors');
  const site = asset.site ?? header.site;
  const line = asset.line ?? header.line;
  if (!site) return skip('site', 'no site: give the asset a site, or the catalogue a default site');
  if (!line) return skip('line', 'no line: give the asset a line, or the catalogue a default line');
  for (const [name, value] of [['site', site], ['line', line], ['cell', asset.cell]] as const) {
    if (value !== undefined && !isIdentifier(value)) return skip(name, `${name} "${value}" ${IDENTIFIER_RULE}`);
  }
  const device = asset.modbusDevice;
  if (device) {
    if (!Number.isInteger(device.unitId) || device.unitId < 0 || device.unitId > 255) return skip('modbusDevice.unitId', `Modbus unit id ${device.unitId} must be a whole number 0-255`);
    if (device.connection !== undefined && !isIdentifier(device.connection)) return skip('modbusDevice.connection', `connection "${device.connection}" ${IDENTIFIER_RULE}`);
  }
  if (asset.opcuaConnection !== undefined && !isIdentifier(asset.opcuaConnection)) return skip('opcuaConnection', `connection "${asset.opcuaConnection}" ${IDENTIFIER_RULE}`);

  const reporter = (index: number) => (name: string, message: string): void => {
    problems.push({ where: draft.sensorWhere[index], asset: asset.id, sensor: asset.sensors[index].id || undefined, field: field(name, 'sensor'), message, effect: draft.sensorEffect });
  };
  const sensorIds = new Set<string>();
  const valid = asset.sensors.map((sensor, index) => ({ sensor, index })).filter(({ sensor, index }) => {
    const own = sensorProblems(sensor);
    for (const problem of own) reporter(index)(problem.field, problem.message);
    if (own.length > 0) return false;
    if (sensorIds.has(sensor.id)) {
      reporter(index)('id', `sensor id "${sensor.id}" is used twice in the asset`);
      return false;
    }
    sensorIds.add(sensor.id);
    return true;
  });
  if (valid.length === 0) return skip('sensors', 'no sensor of the asset is valid');
  if (!device && valid.some(({ sensor }) => sensor.modbus)) {
    return skip('modbusDevice.unitId', 'sensors have Modbus registers but the asset names no Modbus unit id (one asset is one Modbus device)');
  }
  const sensors: SensorDefinition[] = [];
  for (const { sensor, index } of valid) {
    const clash = claimSensor(claims, asset, sensor, draft.sensorWhere[index]);
    if (clash) reporter(index)(clash.field, clash.message);
    else sensors.push(sensor);
  }
  if (sensors.length === 0) return skip('sensors', 'no sensor of the asset is valid');
  claims.assetIds.set(asset.id, where);
  return { ...asset, site, line, sensors };
}

/** Claims the sensor's node id and registers; returns the clash when another sensor holds one of them. */
function claimSensor(claims: Claims, asset: CatalogueAsset | AssetDraft['asset'], sensor: SensorDefinition, where: string): { field: string; message: string } | undefined {
  const owner = `${asset.id}/${sensor.id} (${where})`;
  const nodeKey = sensor.opcuaNodeId ? `${asset.opcuaConnection ?? ''}|${sensor.opcuaNodeId}` : undefined;
  if (nodeKey && claims.nodeIds.has(nodeKey)) {
    return { field: 'opcuaNodeId', message: `OPC UA node id "${sensor.opcuaNodeId}" already belongs to ${claims.nodeIds.get(nodeKey)}` };
  }
  const registerKeys: string[] = [];
  if (sensor.modbus && asset.modbusDevice) {
    const device = `${asset.modbusDevice.connection ?? ''}#${asset.modbusDevice.unitId}`;
    for (let i = 0; i < registerWidth(sensor.modbus.dataType); i++) registerKeys.push(`${device}@${sensor.modbus.address + i}`);
    const taken = registerKeys.find((key) => claims.registers.has(key));
    if (taken) {
      return { field: 'modbus.address', message: `register ${taken.split('@')[1]} of Modbus unit ${asset.modbusDevice.unitId} already belongs to ${claims.registers.get(taken)}` };
    }
  }
  if (nodeKey) claims.nodeIds.set(nodeKey, owner);
  for (const key of registerKeys) claims.registers.set(key, owner);
  return undefined;
}
