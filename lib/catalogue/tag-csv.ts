import { MODBUS_DATA_TYPES, type AlarmLimits, type AssetRatings, type ModbusDataType, type SensorDefinition } from '../asset/asset-model';
import { finishCatalogue } from './catalogue-check';
import type { AssetDraft } from './catalogue-draft';
import type { AssetCatalogue, CatalogueLoad, CatalogueProblem } from './catalogue-model';
import { parseCsv, type CsvRow } from './csv';
import { CSV_COLUMNS, csvColumnOf, headerKey, type CsvColumn } from './tag-csv-columns';
import { withoutUndefined } from './without-undefined';

/**
 * A tag list exported from a PLC or SCADA tool as CSV: one row per tag (sensor), the asset it belongs to in a column,
 * asset-level columns (site, line, unit id, ratings) on any of the asset's rows. Header names are matched loosely
 * (`Modbus Address`, `modbus_address` and `address` are the same column; see tag-csv-columns.ts). A bad row is
 * reported with its line number and column and skipped; the other rows load.
 */
export function parseTagCsv(text: string, base?: AssetCatalogue): CatalogueLoad {
  const table = parseCsv(text);
  const [header, ...rows] = table.rows;
  const problems: CatalogueProblem[] = [];
  if (!header) return { catalogue: { assets: [] }, problems: [{ where: 'catalogue', field: 'text', message: 'the CSV is empty', effect: 'nothing loaded' }] };
  const index = new Map<CsvColumn, number>();
  header.cells.forEach((title, i) => {
    const column = CSV_COLUMNS.find((c) => c.headers.includes(headerKey(title)));
    if (!column) {
      if (title.trim()) problems.push({ where: `line ${header.line}`, field: title.trim(), message: 'unknown column', effect: 'value ignored' });
    } else if (index.has(column)) {
      problems.push({ where: `line ${header.line}`, field: title.trim(), message: `a second "${column.name}" column`, effect: 'value ignored' });
    } else {
      index.set(column, i);
    }
  });
  const missing = ['asset', 'sensor'].filter((name) => ![...index.keys()].some((c) => c.name === name));
  if (missing.length > 0) {
    return { catalogue: { assets: [] }, problems: [...problems, { where: `line ${header.line}`, field: missing.join(', '), message: 'a tag list needs an asset and a sensor column', effect: 'nothing loaded' }] };
  }
  const reader = new RowReader(index, table.delimiter === ';');
  const assets = new Map<string, AssetRows>();
  for (const row of rows) {
    if (row.cells[0]?.trim().startsWith('#')) continue;
    readRow(reader, row, assets, problems);
  }
  const drafts = [...assets.values()].map((a) => inheritFrom(base, a.draft(problems)));
  return finishCatalogue(drafts, { site: base?.site, line: base?.line }, problems);
}

/**
 * A tag list imported into an existing catalogue need not repeat what the catalogue already knows of an asset: its
 * place and Modbus unit id come from the catalogue's asset of the same id when the CSV has no such column.
 */
function inheritFrom(base: AssetCatalogue | undefined, draft: AssetDraft): AssetDraft {
  const known = base?.assets.find((a) => a.id === draft.asset.id);
  if (!known) return draft;
  const { asset } = draft;
  return {
    ...draft,
    asset: withoutUndefined({
      ...asset, site: asset.site ?? known.site, line: asset.line ?? known.line, cell: asset.cell ?? known.cell,
      modbusDevice: asset.modbusDevice ?? known.modbusDevice, opcuaConnection: asset.opcuaConnection ?? known.opcuaConnection,
    }),
  };
}

/** Cells of one row by column, parsed as text, numbers, yes/no. */
class RowReader {
  private readonly index: Map<CsvColumn, number>;
  private readonly decimalComma: boolean;

  constructor(index: Map<CsvColumn, number>, decimalComma: boolean) {
    this.index = index;
    this.decimalComma = decimalComma;
  }

  text(row: CsvRow, name: string): string | undefined {
    const i = this.index.get(csvColumnOf(name));
    const value = i === undefined ? undefined : row.cells[i]?.trim();
    return value ? value : undefined;
  }

  /** undefined when blank; NaN when the cell is not a number (the caller names the column). */
  number(row: CsvRow, name: string): number | undefined {
    let text = this.text(row, name);
    if (text === undefined) return undefined;
    if (this.decimalComma && /^[-+]?\d*,\d+$/.test(text)) text = text.replace(',', '.');
    const value = Number(text);
    return Number.isFinite(value) ? value : Number.NaN;
  }

  columns(): CsvColumn[] {
    return [...this.index.keys()];
  }
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'x', 'w', 'rw', 'r/w', 'write', 'read/write']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'r', 'ro', 'read', 'read only', 'readonly']);

function readRow(reader: RowReader, row: CsvRow, assets: Map<string, AssetRows>, problems: CatalogueProblem[]): void {
  const where = `line ${row.line}`;
  const assetId = reader.text(row, 'asset');
  const sensorId = reader.text(row, 'sensor');
  const rowProblems: Array<{ field: string; message: string }> = [];
  const bad = (field: string, message: string): void => { rowProblems.push({ field, message }); };
  if (!assetId) {
    problems.push({ where, sensor: sensorId, field: 'asset', message: 'no asset id', effect: 'row skipped' });
    return;
  }
  let asset = assets.get(assetId);
  if (!asset) {
    asset = new AssetRows(assetId, where);
    assets.set(assetId, asset);
  }
  if (!sensorId) bad('sensor', 'no sensor id');
  const num = (name: string): number | undefined => {
    const value = reader.number(row, name);
    if (Number.isNaN(value)) bad(name, `"${reader.text(row, name)}" is not a number`);
    return Number.isNaN(value) ? undefined : value;
  };
  const pair = (prefix: string): AlarmLimits | undefined => {
    const low = num(`${prefix}_low`);
    const high = num(`${prefix}_high`);
    const priority = prefix === 'normal' ? undefined : reader.text(row, `${prefix}_priority`)?.toLowerCase() as AlarmLimits['priority'];
    if (low === undefined && high === undefined) {
      if (priority !== undefined) bad(`${prefix}_priority`, `${prefix}_priority needs ${prefix}_low or ${prefix}_high`);
      return undefined;
    }
    return withoutUndefined({ low, high, priority });
  };
  // States separated by |, as aliases are; "none" for never.
  const suppressText = reader.text(row, 'suppress_when')?.toLowerCase();
  const suppressWhen = suppressText === undefined ? undefined
    : suppressText === 'none' ? [] : suppressText.split('|').map((s) => s.trim()).filter(Boolean) as SensorDefinition['suppressWhen'];
  const rangeMin = num('range_min');
  const rangeMax = num('range_max');
  if ((rangeMin === undefined) !== (rangeMax === undefined)) bad(rangeMin === undefined ? 'range_min' : 'range_max', 'a range needs both min and max');
  const sampleRate = num('sample_rate');
  const kind = reader.text(row, 'kind')?.toLowerCase() ?? (sampleRate !== undefined ? 'waveform' : 'scalar');
  const sensor: SensorDefinition = withoutUndefined({
    id: sensorId ?? '',
    name: reader.text(row, 'name') ?? sensorId ?? '',
    unit: reader.text(row, 'unit') ?? '',
    kind: kind as SensorDefinition['kind'],
    sampleRate,
    range: rangeMin !== undefined && rangeMax !== undefined ? { min: rangeMin, max: rangeMax } : undefined,
    normal: pair('normal'),
    warning: pair('warning'),
    alarm: pair('alarm'),
    hysteresis: num('hysteresis'),
    minDurationMs: num('min_duration_ms'),
    opcuaNodeId: reader.text(row, 'opcua_node_id'),
    aliases: reader.text(row, 'aliases')?.split('|').map((a) => a.trim()).filter(Boolean),
    suppressWhen,
  });
  const address = num('modbus_address');
  if (address !== undefined) {
    const dataType = (reader.text(row, 'modbus_type')?.toLowerCase() ?? 'uint16') as ModbusDataType;
    if (!MODBUS_DATA_TYPES.includes(dataType)) bad('modbus_type', `"${dataType}" is not one of ${MODBUS_DATA_TYPES.join(', ')}`);
    const writableText = reader.text(row, 'writable')?.toLowerCase();
    if (writableText !== undefined && !TRUE_WORDS.has(writableText) && !FALSE_WORDS.has(writableText)) bad('writable', `"${writableText}" is neither yes nor no`);
    sensor.modbus = withoutUndefined({
      address, dataType, wordOrder: (reader.text(row, 'word_order')?.toLowerCase() ?? 'big') as 'big' | 'little',
      scale: num('scale') ?? 1, offset: num('offset') ?? 0, writable: writableText !== undefined && TRUE_WORDS.has(writableText) ? true : undefined,
    });
  }
  if (rowProblems.length > 0) {
    for (const p of rowProblems) problems.push({ where, asset: assetId, sensor: sensorId, ...p, effect: 'row skipped' });
    return;
  }
  asset.take(reader, row, problems);
  asset.sensors.push(sensor);
  asset.sensorWhere.push(where);
}

/** The asset-level cells of one asset's rows: the first value given wins, a different repeat is reported. */
class AssetRows {
  readonly id: string;
  readonly where: string;
  readonly sensors: SensorDefinition[] = [];
  readonly sensorWhere: string[] = [];
  private readonly values = new Map<string, { value: string; line: number }>();

  constructor(id: string, where: string) {
    this.id = id;
    this.where = where;
  }

  take(reader: RowReader, row: CsvRow, problems: CatalogueProblem[]): void {
    for (const column of reader.columns()) {
      if (column.scope !== 'asset') continue;
      const value = reader.text(row, column.name);
      if (value === undefined) continue;
      const first = this.values.get(column.name);
      if (!first) this.values.set(column.name, { value, line: row.line });
      else if (first.value !== value) {
        problems.push({ where: `line ${row.line}`, asset: this.id, field: column.name, message: `"${value}" differs from "${first.value}" on line ${first.line}, which is kept`, effect: 'value ignored' });
      }
    }
  }

  private text(name: string): string | undefined {
    return this.values.get(name)?.value;
  }

  /** The asset-level number of a column, or undefined with a problem when the cell is not a number. */
  private number(name: string, problems: CatalogueProblem[], decimalComma = true): number | undefined {
    const entry = this.values.get(name);
    if (!entry) return undefined;
    const value = Number(decimalComma ? entry.value.replace(/^([-+]?\d*),(\d+)$/, '$1.$2') : entry.value);
    if (Number.isFinite(value)) return value;
    problems.push({ where: `line ${entry.line}`, asset: this.id, field: name, message: `"${entry.value}" is not a number`, effect: 'value ignored' });
    return undefined;
  }

  draft(problems: CatalogueProblem[]): AssetDraft {
    const n = (name: string): number | undefined => this.number(name, problems);
    const group = n('machine_group');
    const mounting = this.text('mounting')?.toLowerCase();
    const ratings: AssetRatings = withoutUndefined({
      nominalRpm: n('nominal_rpm'), maxRpm: n('max_rpm'), ratedPowerKw: n('rated_power_kw'), ratedVoltageV: n('rated_voltage_v'),
      idealCycleTimeS: n('ideal_cycle_time_s'),
      machineGroup: group === 1 || group === 2 ? group : undefined,
      mounting: mounting === 'rigid' || mounting === 'flexible' ? mounting : undefined,
    });
    if (group !== undefined && ratings.machineGroup === undefined) this.ignored('machine_group', 'ISO 10816-3 machine group must be 1 or 2', problems);
    if (mounting !== undefined && ratings.mounting === undefined) this.ignored('mounting', 'mounting must be rigid or flexible', problems);
    const elements = n('bearing_elements');
    const roller = n('bearing_roller_mm');
    const pitch = n('bearing_pitch_mm');
    const bearingGiven = [elements, roller, pitch].filter((v) => v !== undefined).length;
    if (bearingGiven > 0 && bearingGiven < 3) this.ignored('bearing_elements', 'a bearing needs elements, roller and pitch diameters', problems);
    const unitText = this.text('modbus_unit_id');
    const unitId = unitText === undefined ? undefined : Number(unitText);
    return {
      asset: withoutUndefined({
        id: this.id,
        name: this.text('asset_name') ?? this.id,
        type: this.text('asset_type') ?? 'generic',
        site: this.text('site'),
        line: this.text('line'),
        cell: this.text('cell'),
        modbusDevice: unitId === undefined ? undefined : withoutUndefined({ unitId, connection: this.text('modbus_connection') }),
        opcuaConnection: this.text('opcua_connection'),
        ratings,
        bearing: bearingGiven === 3 ? { rollingElements: elements!, rollerDiameterMm: roller!, pitchDiameterMm: pitch!, contactAngleDeg: n('bearing_contact_angle_deg') ?? 0 } : undefined,
        sensors: this.sensors,
      }),
      where: this.where,
      sensorWhere: this.sensorWhere,
      sensorEffect: 'row skipped',
      fieldName: (field, of) => CSV_COLUMNS.find((c) => c.scope === of && c.field === field)?.name ?? field,
    };
  }

  private ignored(column: string, message: string, problems: CatalogueProblem[]): void {
    const entry = this.values.get(column);
    problems.push({ where: entry ? `line ${entry.line}` : this.where, asset: this.id, field: column, message, effect: 'value ignored' });
  }
}
