import { findSensor, type AssetDefinition } from '../../lib/asset/asset-model';
import { WeeklySchedule } from '../../lib/kpi/weekly-schedule';
import type { UrgencyLevel } from '../../lib/rul/urgency';
import { DEFAULT_GUARD_SETTINGS, guardProblems, type GuardOptions } from '../../lib/setpoint/guard-options';
import { OPCUA_DATA_TYPES, plcWriteMessage, targetProblem, type OpcuaDataType, type PlcProtocol, type PlcTarget } from '../../lib/setpoint/plc-write';
import type { AlertLevel } from '../../lib/threshold/alert';

/** The editor's fields of twin-setpoint, as strings. */
export interface TwinSetpointFields {
  sensor: string;
  protocol: string;
  opcuaDataType: string;
  unitId: string;
  min: string;
  max: string;
  maxStep: string;
  maxRatePerMinute: string;
  allowedHours: string;
  timeZone: string;
  interlockUrgency: string;
  interlockAlerts: string;
  mode: string;
  /** 'four-eyes' (default) or 'one-person': whether the requester may approve his own request. */
  approver: string;
  approvalTimeoutS: string;
  watchdogS: string;
  confirmOnReadings: boolean;
  readback: boolean;
  readbackSensor: string;
  readbackTolerance: string;
  safeValue: string;
}

function blank(text: unknown): boolean {
  return text === undefined || text === null || String(text).trim() === '';
}

function number(text: string | undefined, fallback: number, label: string): number {
  if (blank(text)) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${label} "${text}" is not a number`);
  return value;
}

function list<T extends string>(text: string | undefined, fallback: readonly T[], allowed: readonly T[], label: string): T[] {
  if (text === undefined || text === null) return [...fallback];
  const items = String(text).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const unknown = items.filter((s) => !allowed.includes(s as T));
  if (unknown.length > 0) throw new Error(`${label}: "${unknown.join(', ')}" is not one of ${allowed.join(', ')}`);
  return items as T[];
}

export interface SetpointSetup {
  guard: GuardOptions;
  /** One per protocol the setpoint is written with. */
  targets: PlcTarget[];
}

/** The guard and the PLC target the settings describe, or an error naming every problem. */
export function setpointSetup(asset: AssetDefinition, fields: Partial<TwinSetpointFields>): SetpointSetup {
  const sensorId = blank(fields.sensor) ? 'speedSetpoint' : String(fields.sensor).trim();
  const sensor = findSensor(asset, sensorId);
  const min = number(fields.min, sensor?.range?.min ?? Number.NaN, 'minimum');
  // A speed setpoint may not exceed the machine's rated maximum speed, whatever its register could hold.
  const ratedMax = sensor?.unit === 'rpm' ? asset.ratings.maxRpm ?? Infinity : Infinity;
  const max = number(fields.max, Math.min(sensor?.range?.max ?? Number.NaN, ratedMax), 'maximum');
  const readbackSensor = fields.readback === false ? null : blank(fields.readbackSensor) ? sensorId : String(fields.readbackSensor).trim();
  const countStep = sensor?.modbus ? Math.abs(sensor.modbus.scale) : 0;
  const guard: GuardOptions = {
    asset: asset.id,
    sensor: sensorId,
    unit: sensor?.unit ?? '',
    min,
    max,
    maxStep: number(fields.maxStep, Infinity, 'maximum step'),
    maxRatePerMinute: number(fields.maxRatePerMinute, Infinity, 'maximum rate'),
    allowedHours: WeeklySchedule.parse(fields.allowedHours, fields.timeZone),
    interlockUrgency: list<UrgencyLevel>(fields.interlockUrgency, DEFAULT_GUARD_SETTINGS.interlockUrgency, ['CRITICAL', 'WARNING'], 'urgency interlock'),
    interlockAlerts: list<AlertLevel>(fields.interlockAlerts, DEFAULT_GUARD_SETTINGS.interlockAlerts, ['alarm', 'warning', 'stale'], 'alert interlock'),
    mode: fields.mode === 'automatic' ? 'automatic' : DEFAULT_GUARD_SETTINGS.mode,
    fourEyes: fields.approver !== 'one-person',
    approvalTimeoutMs: number(fields.approvalTimeoutS, DEFAULT_GUARD_SETTINGS.approvalTimeoutMs / 1000, 'approval timeout') * 1000,
    watchdogMs: number(fields.watchdogS, DEFAULT_GUARD_SETTINGS.watchdogMs / 1000, 'watchdog time') * 1000,
    confirmOnReadings: fields.confirmOnReadings !== false,
    readbackSensor,
    // Half a register count, or a thousandth of the span: what a read-back may differ by and still match.
    readbackTolerance: number(fields.readbackTolerance, Math.max(countStep / 2, Number.isFinite(max - min) ? (max - min) / 1000 : 0), 'read-back tolerance'),
    safeValue: blank(fields.safeValue) ? null : number(fields.safeValue, 0, 'safe value'),
  };
  const problems = guardProblems(guard, sensor);
  if (readbackSensor !== null && !findSensor(asset, readbackSensor)) problems.push(`asset "${asset.id}" has no read-back sensor "${readbackSensor}"`);
  const dataType = (blank(fields.opcuaDataType) ? 'Double' : String(fields.opcuaDataType)) as OpcuaDataType;
  // "both": one PLC reachable both ways, written through each (the PLC keeps whichever lands last: the same value).
  const protocols: PlcProtocol[] = fields.protocol === 'both' ? ['opcua', 'modbus'] : [fields.protocol === 'modbus' ? 'modbus' : 'opcua'];
  const targets: PlcTarget[] = sensor ? protocols.map((protocol) => ({
    protocol, asset: asset.id, sensor,
    opcuaDataType: OPCUA_DATA_TYPES.includes(dataType) ? dataType : 'Double', modbusUnitId: number(fields.unitId, 1, 'Modbus unit id'),
  })) : [];
  if (targets.length > 0 && !OPCUA_DATA_TYPES.includes(dataType)) problems.push(`OPC UA data type "${dataType}" is not one of ${OPCUA_DATA_TYPES.join(', ')}`);
  const targetProblems = targets.map(targetProblem).filter((p): p is string => p !== null);
  problems.push(...targetProblems);
  if (targets.length > 0 && targetProblems.length === 0 && problems.length === 0) {
    // Both ends of the range must be writable in the register's type and scale, so no approved value fails later.
    for (const target of targets) {
      for (const end of [min, max]) {
        try { plcWriteMessage(target, end); } catch (err) { problems.push((err as Error).message); }
      }
    }
  }
  if (problems.length > 0 || targets.length === 0) throw new Error(problems.join('; '));
  return { guard, targets };
}
