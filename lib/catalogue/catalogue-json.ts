import { MODBUS_DATA_TYPES, type AlarmLimits, type AssetRatings, type BearingGeometry, type ModbusDataType, type ModbusSource, type SensorDefinition } from '../asset/asset-model';
import { finishCatalogue, type CatalogueHeader } from './catalogue-check';
import type { AssetDraft } from './catalogue-draft';
import { CATALOGUE_FORMAT, CATALOGUE_VERSION, type AssetCatalogue, type CatalogueAsset, type CatalogueLoad, type CatalogueProblem } from './catalogue-model';
import { FieldReader, isRecord } from './field-reader';
import { withoutUndefined } from './without-undefined';

/**
 * The catalogue's JSON form, the one kept in version control:
 *
 *   { "format": "digital-twin-asset-catalogue", "version": 1, "name": "…", "site": "…", "line": "…",
 *     "assets": [ { "id", "name", "type", "site", "line", "cell", "modbusDevice": {"unitId", "connection"},
 *                   "opcuaConnection", "ratings": {…}, "bearing": {…}, "sensors": [ SensorDefinition… ] } ] }
 *
 * Each asset entry is a row: a problem in the asset's own fields skips that asset, a problem in one sensor skips
 * that sensor, an unknown field is ignored with a warning; every other row still loads.
 */

/** Parses catalogue JSON text; a file that is not a catalogue at all gives one problem and no assets. */
export function parseCatalogueJson(text: string): CatalogueLoad {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return nothingLoaded('text', `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return catalogueFromObject(raw);
}

export function catalogueFromObject(raw: unknown): CatalogueLoad {
  if (!isRecord(raw)) return nothingLoaded('text', 'a catalogue is a JSON object with an "assets" list');
  const problems: CatalogueProblem[] = [];
  const header = new FieldReader(raw, (field, message) => problems.push({ where: 'catalogue', field, message, effect: 'value ignored' }));
  const format = header.string('format');
  if (format !== undefined && format !== CATALOGUE_FORMAT) return nothingLoaded('format', `"${format}" is not "${CATALOGUE_FORMAT}"`);
  const version = header.number('version');
  if (version !== undefined && version > CATALOGUE_VERSION) {
    return nothingLoaded('version', `version ${version} is newer than this pack reads (${CATALOGUE_VERSION}): update node-red-contrib-digital-twin`);
  }
  const list = header.array('assets');
  if (!list) return nothingLoaded('assets', 'a catalogue needs an "assets" list');
  const meta: CatalogueHeader = { name: header.string('name'), site: header.string('site'), line: header.string('line') };
  for (const key of header.unknownKeys()) problems.push({ where: 'catalogue', field: key, message: 'unknown field', effect: 'value ignored' });
  const drafts = list.map((entry, index) => readAsset(entry, `assets[${index}]`, problems)).filter((d): d is AssetDraft => d !== undefined);
  return finishCatalogue(drafts, withoutUndefined(meta), problems);
}

function nothingLoaded(field: string, message: string): CatalogueLoad {
  return { catalogue: { assets: [] }, problems: [{ where: 'catalogue', field, message, effect: 'nothing loaded' }] };
}

function readAsset(entry: unknown, where: string, problems: CatalogueProblem[]): AssetDraft | undefined {
  if (!isRecord(entry)) {
    problems.push({ where, field: 'assets', message: 'an asset entry must be an object', effect: 'asset skipped' });
    return undefined;
  }
  const id = typeof entry.id === 'string' ? entry.id.trim() : undefined;
  const fatal: Array<{ field: string; message: string }> = [];
  const r = new FieldReader(entry, (field, message) => fatal.push({ field, message }));
  const device = r.object('modbusDevice');
  const ratings = r.object('ratings');
  const bearing = r.object('bearing');
  const asset: AssetDraft['asset'] = withoutUndefined({
    id: r.string('id') ?? '',
    name: r.string('name') || id || '',
    type: r.string('type') || 'generic',
    site: r.string('site') || undefined,
    line: r.string('line') || undefined,
    cell: r.string('cell') || undefined,
    modbusDevice: device ? withoutUndefined({ unitId: device.number('unitId') ?? Number.NaN, connection: device.string('connection') || undefined }) : undefined,
    opcuaConnection: r.string('opcuaConnection') || undefined,
    ratings: ratings ? readRatings(ratings) : {},
    bearing: bearing ? readBearing(bearing) : undefined,
    sensors: [],
  });
  const sensorList = r.array('sensors') ?? [];
  const unknown = [...r.unknownKeys(), ...(device?.unknownKeys() ?? []), ...(ratings?.unknownKeys() ?? []), ...(bearing?.unknownKeys() ?? [])];
  for (const key of unknown) problems.push({ where, asset: id, field: key, message: 'unknown field', effect: 'value ignored' });
  if (fatal.length > 0) {
    for (const f of fatal) problems.push({ where, asset: id, ...f, effect: 'asset skipped' });
    return undefined;
  }
  const sensorWhere: string[] = [];
  sensorList.forEach((raw, index) => {
    const sensorAt = `${where}.sensors[${index}]`;
    const sensor = readSensor(raw, sensorAt, id, problems);
    if (!sensor) return;
    asset.sensors.push(sensor);
    sensorWhere.push(sensorAt);
  });
  return { asset, where, sensorWhere, sensorEffect: 'sensor skipped' };
}

function readRatings(r: FieldReader): AssetRatings {
  const ratings: AssetRatings = {
    nominalRpm: r.number('nominalRpm'), maxRpm: r.number('maxRpm'), ratedPowerKw: r.number('ratedPowerKw'),
    ratedVoltageV: r.number('ratedVoltageV'), idealCycleTimeS: r.number('idealCycleTimeS'),
  };
  const group = r.number('machineGroup');
  if (group !== undefined) {
    if (group === 1 || group === 2) ratings.machineGroup = group;
    else r.reportInvalid('machineGroup', 'ISO 10816-3 machine group must be 1 or 2');
  }
  const mounting = r.string('mounting');
  if (mounting !== undefined) {
    if (mounting === 'rigid' || mounting === 'flexible') ratings.mounting = mounting;
    else r.reportInvalid('mounting', 'mounting must be rigid or flexible');
  }
  return withoutUndefined(ratings);
}

function readBearing(r: FieldReader): BearingGeometry | undefined {
  const rollingElements = r.number('rollingElements');
  const rollerDiameterMm = r.number('rollerDiameterMm');
  const pitchDiameterMm = r.number('pitchDiameterMm');
  const contactAngleDeg = r.number('contactAngleDeg') ?? 0;
  if (rollingElements === undefined || rollerDiameterMm === undefined || pitchDiameterMm === undefined) {
    r.reportInvalid('', 'a bearing needs rollingElements, rollerDiameterMm and pitchDiameterMm');
    return undefined;
  }
  return { rollingElements, rollerDiameterMm, pitchDiameterMm, contactAngleDeg };
}

function readSensor(raw: unknown, where: string, asset: string | undefined, problems: CatalogueProblem[]): SensorDefinition | undefined {
  if (!isRecord(raw)) {
    problems.push({ where, asset, field: 'sensors', message: 'a sensor entry must be an object', effect: 'sensor skipped' });
    return undefined;
  }
  const fatal: Array<{ field: string; message: string }> = [];
  const r = new FieldReader(raw, (field, message) => fatal.push({ field, message }));
  const id = r.string('id') ?? '';
  const range = r.object('range');
  const modbus = r.object('modbus');
  const limits = (['normal', 'warning', 'alarm'] as const).map((key) => [key, r.object(key)] as const);
  const kind = r.string('kind') ?? 'scalar';
  const sensor: SensorDefinition = withoutUndefined({
    id,
    name: r.string('name') || id,
    unit: r.string('unit') ?? '',
    kind: kind as SensorDefinition['kind'],
    range: range ? readRange(range) : undefined,
    hysteresis: r.number('hysteresis'),
    minDurationMs: r.number('minDurationMs'),
    sampleRate: r.number('sampleRate'),
    opcuaNodeId: r.string('opcuaNodeId') || undefined,
    modbus: modbus ? readModbus(modbus) : undefined,
    aliases: r.stringList('aliases'),
    suppressWhen: r.stringList('suppressWhen') as SensorDefinition['suppressWhen'],
  });
  for (const [key, reader] of limits) if (reader) sensor[key] = readLimits(reader, key !== 'normal');
  const unknown = [...r.unknownKeys(), ...[range, modbus, ...limits.map(([, l]) => l)].flatMap((reader) => reader?.unknownKeys() ?? [])];
  for (const key of unknown) problems.push({ where, asset, sensor: id || undefined, field: key, message: 'unknown field', effect: 'value ignored' });
  if (fatal.length > 0) {
    for (const f of fatal) problems.push({ where, asset, sensor: id || undefined, ...f, effect: 'sensor skipped' });
    return undefined;
  }
  return sensor;
}

function readRange(r: FieldReader): { min: number; max: number } | undefined {
  const min = r.number('min');
  const max = r.number('max');
  if (min === undefined || max === undefined) {
    r.reportInvalid('', 'a range needs both min and max');
    return undefined;
  }
  return { min, max };
}

/** A limit pair; a warning or alarm pair also names its alarms' priority (checked with the sensor). */
function readLimits(r: FieldReader, alarm: boolean): AlarmLimits {
  return withoutUndefined({ low: r.number('low'), high: r.number('high'), priority: alarm ? r.string('priority') as AlarmLimits['priority'] : undefined });
}

function readModbus(r: FieldReader): ModbusSource | undefined {
  const address = r.number('address');
  const dataType = r.string('dataType') ?? 'uint16';
  const wordOrder = r.string('wordOrder') ?? 'big';
  if (address === undefined) {
    r.reportInvalid('address', 'a Modbus map needs a register address');
    return undefined;
  }
  if (!MODBUS_DATA_TYPES.includes(dataType as ModbusDataType)) r.reportInvalid('dataType', `Modbus type "${dataType}" is not one of ${MODBUS_DATA_TYPES.join(', ')}`);
  return withoutUndefined({
    address, dataType: dataType as ModbusDataType, wordOrder: wordOrder as ModbusSource['wordOrder'],
    scale: r.number('scale') ?? 1, offset: r.number('offset') ?? 0, writable: r.boolean('writable'),
  });
}

const ASSET_KEYS: ReadonlyArray<keyof CatalogueAsset> = ['id', 'name', 'type', 'site', 'line', 'cell', 'modbusDevice', 'opcuaConnection', 'ratings', 'bearing', 'sensors'];
const SENSOR_KEYS: ReadonlyArray<keyof SensorDefinition> = ['id', 'name', 'unit', 'kind', 'sampleRate', 'range', 'normal', 'warning', 'alarm', 'hysteresis',
  'minDurationMs', 'suppressWhen', 'opcuaNodeId', 'modbus', 'aliases'];
const MODBUS_KEYS: ReadonlyArray<keyof ModbusSource> = ['address', 'dataType', 'wordOrder', 'scale', 'offset', 'writable'];
const RATING_KEYS: ReadonlyArray<keyof AssetRatings> = ['nominalRpm', 'maxRpm', 'ratedPowerKw', 'ratedVoltageV', 'machineGroup', 'mounting', 'idealCycleTimeS'];

function ordered<T extends object>(value: T, keys: ReadonlyArray<keyof T>): Partial<T> {
  return Object.fromEntries(keys.filter((key) => value[key] !== undefined).map((key) => [key, value[key]])) as Partial<T>;
}

/** The catalogue as JSON text for version control: fixed key order whatever wrote it, two-space indent, one trailing newline. */
export function catalogueToJson(catalogue: AssetCatalogue): string {
  const assets = catalogue.assets.map((asset) => ({
    ...ordered(asset, ASSET_KEYS),
    ratings: ordered(asset.ratings, RATING_KEYS),
    sensors: asset.sensors.map((sensor) => ({ ...ordered(sensor, SENSOR_KEYS), ...(sensor.modbus ? { modbus: ordered(sensor.modbus, MODBUS_KEYS) } : {}) })),
  }));
  const document = withoutUndefined({ format: CATALOGUE_FORMAT, version: CATALOGUE_VERSION, name: catalogue.name, site: catalogue.site, line: catalogue.line, assets });
  return `${JSON.stringify(document, null, 2)}\n`;
}
