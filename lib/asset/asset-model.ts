import { isAlarmPriority, type AlarmPriority } from '../alarm/priority';
import { DESIGN_SUPPRESSION_STATES, isDesignSuppressionState, type DesignSuppressionState } from '../alarm/suppression';

/**
 * One machine's definition: what the twin knows about an asset before any reading arrives.
 * Shared by every node through the `twin-asset` config node; framework-free so the simulator,
 * the ingest normaliser and the tests use the very same definition.
 */

export type SensorKind = 'scalar' | 'waveform';

/** Register data types a PLC exposes over Modbus; 32-bit types span two 16-bit registers. */
export type ModbusDataType = 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32';

/**
 * Order of the two 16-bit words of a 32-bit value. `big` = high word first (Modicon convention),
 * `little` = low word first (common on Siemens/Schneider word-swapped floats).
 */
export type WordOrder = 'big' | 'little';

export interface ModbusSource {
  /** Holding-register address (0-based, as sent on the wire). */
  address: number;
  dataType: ModbusDataType;
  wordOrder: WordOrder;
  /** Engineering value = raw * scale + offset. */
  scale: number;
  offset: number;
  /** Whether the PLC accepts writes to this register (setpoints). */
  writable?: boolean;
}

export interface LimitPair {
  low?: number;
  high?: number;
}

/** A warning or alarm limit pair and the priority its alarms have (absent: the level's default, lib/alarm/priority). */
export interface AlarmLimits extends LimitPair {
  priority?: AlarmPriority;
}

export interface SensorDefinition {
  /** Stable id within the asset, used in the database and in messages (e.g. `bearingTemp`). */
  id: string;
  name: string;
  unit: string;
  kind: SensorKind;
  /** Physically possible range; readings outside it are marked quality `bad`. */
  range?: { min: number; max: number };
  /** Band the value sits in during healthy operation (for dashboards and drift baselines). */
  normal?: LimitPair;
  warning?: AlarmLimits;
  alarm?: AlarmLimits;
  /**
   * Machine states in which this sensor's limit alarms are suppressed by design (lib/alarm/suppression); absent: the
   * default (down, warming up); empty: never.
   */
  suppressWhen?: DesignSuppressionState[];
  /** Distance back inside a limit a value must travel before its alert clears. */
  hysteresis?: number;
  /** How long a limit must be exceeded before an alert is raised (ms). */
  minDurationMs?: number;
  /** Samples per second, for waveform sensors. */
  sampleRate?: number;
  /** OPC UA node id the PLC publishes this sensor under (e.g. `ns=1;s=Spindle.BearingTemp`). */
  opcuaNodeId?: string;
  modbus?: ModbusSource;
  /** Other names a source may use for this sensor (MQTT topics, tag names). */
  aliases?: string[];
}

export interface BearingGeometry {
  rollingElements: number;
  rollerDiameterMm: number;
  pitchDiameterMm: number;
  contactAngleDeg: number;
}

export type MachineGroup = 1 | 2;
export type Mounting = 'rigid' | 'flexible';

export interface AssetRatings {
  nominalRpm?: number;
  maxRpm?: number;
  ratedPowerKw?: number;
  ratedVoltageV?: number;
  /** ISO 10816-3 machine group: 1 = large (300 kW-50 MW), 2 = medium (15-300 kW). */
  machineGroup?: MachineGroup;
  mounting?: Mounting;
  idealCycleTimeS?: number;
}

export interface AssetDefinition {
  id: string;
  name: string;
  type: string;
  ratings: AssetRatings;
  bearing?: BearingGeometry;
  sensors: SensorDefinition[];
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_.-]{0,62}$/;

/** Ids of assets, sensors and places: a letter first, then letters, digits, _ . - (at most 63 characters). */
export function isIdentifier(text: unknown): boolean {
  return typeof text === 'string' && IDENTIFIER.test(text);
}

export const IDENTIFIER_RULE = 'must start with a letter and hold only letters, digits, _ . -';

export const MODBUS_DATA_TYPES: readonly ModbusDataType[] = ['uint16', 'int16', 'uint32', 'int32', 'float32'];

/** One problem of a definition and the field it sits in (`modbus.address`, `alarm.high`), for editors and import reports. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Returns every problem with a definition, so an editor or a log can show them all at once. */
export function validateAsset(asset: AssetDefinition): string[] {
  const problems: string[] = [];
  if (!isIdentifier(asset.id)) {
    problems.push(`asset id "${asset.id}" ${IDENTIFIER_RULE}`);
  }
  if (!Array.isArray(asset.sensors) || asset.sensors.length === 0) {
    problems.push(`asset "${asset.id}" has no sensors`);
    return problems;
  }
  const seen = new Set<string>();
  for (const sensor of asset.sensors) {
    problems.push(...sensorProblems(sensor).map((p) => `sensor "${sensor.id}": ${p.message}`));
    if (seen.has(sensor.id)) problems.push(`sensor id "${sensor.id}" is used twice`);
    seen.add(sensor.id);
  }
  return problems;
}

/** Every problem of one sensor definition, each naming its field. */
export function sensorProblems(sensor: SensorDefinition): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string): void => { problems.push({ field, message }); };
  if (!isIdentifier(sensor.id)) add('id', `id ${IDENTIFIER_RULE}`);
  if (sensor.kind !== 'scalar' && sensor.kind !== 'waveform') add('kind', 'kind must be scalar or waveform');
  if (sensor.kind === 'waveform' && !(Number(sensor.sampleRate) > 0)) add('sampleRate', 'a waveform sensor needs a sample rate > 0');
  if (sensor.range && !(sensor.range.min < sensor.range.max)) add('range', 'range min must be below max');
  for (const [label, pair] of [['warning', sensor.warning], ['alarm', sensor.alarm]] as const) {
    if (pair && pair.low !== undefined && pair.high !== undefined && !(pair.low < pair.high)) {
      add(label, `${label} low must be below ${label} high`);
    }
  }
  if (sensor.warning?.high !== undefined && sensor.alarm?.high !== undefined && sensor.alarm.high < sensor.warning.high) {
    add('alarm.high', 'alarm high must not be below warning high');
  }
  if (sensor.warning?.low !== undefined && sensor.alarm?.low !== undefined && sensor.alarm.low > sensor.warning.low) {
    add('alarm.low', 'alarm low must not be above warning low');
  }
  for (const [label, pair] of [['warning', sensor.warning], ['alarm', sensor.alarm]] as const) {
    if (pair?.priority !== undefined && !isAlarmPriority(pair.priority)) add(`${label}.priority`, `${label} priority must be urgent, high, medium or low`);
  }
  if (sensor.suppressWhen !== undefined && (!Array.isArray(sensor.suppressWhen) || !sensor.suppressWhen.every(isDesignSuppressionState))) {
    add('suppressWhen', `suppress-when states must be among ${DESIGN_SUPPRESSION_STATES.join(', ')}`);
  }
  if (sensor.hysteresis !== undefined && !(sensor.hysteresis >= 0)) add('hysteresis', 'hysteresis must be >= 0');
  if (sensor.minDurationMs !== undefined && !(sensor.minDurationMs >= 0)) add('minDurationMs', 'minimum duration must be >= 0');
  if (sensor.modbus) {
    const m = sensor.modbus;
    if (!Number.isInteger(m.address) || m.address < 0 || m.address > 65535) add('modbus.address', 'modbus address must be 0-65535');
    if (!MODBUS_DATA_TYPES.includes(m.dataType)) add('modbus.dataType', `modbus type "${m.dataType}" is unknown`);
    if (m.wordOrder !== 'big' && m.wordOrder !== 'little') add('modbus.wordOrder', 'modbus word order must be big or little');
    if (!Number.isFinite(m.scale) || m.scale === 0) add('modbus.scale', 'modbus scale must be a non-zero number');
    if (!Number.isFinite(m.offset)) add('modbus.offset', 'modbus offset must be a number');
  }
  return problems;
}

/** Number of 16-bit registers a Modbus data type occupies. */
export function registerWidth(dataType: ModbusDataType): 1 | 2 {
  return dataType === 'uint16' || dataType === 'int16' ? 1 : 2;
}

export function findSensor(asset: AssetDefinition, id: string): SensorDefinition | undefined {
  return asset.sensors.find((s) => s.id === id);
}
