import type { SensorDefinition } from '../asset/asset-model';
import { decodeRegisters, encodeRegisters } from '../modbus/register-codec';

/**
 * A setpoint write as the contrib nodes take it, built from the twin-asset's sensor definition:
 * - node-red-contrib-opcua `OpcUa-Client` (action write): `msg.topic` = node id with `;datatype=<Type>` appended
 *   (the client cuts the suffix off and builds the Variant from it), `msg.payload` = the value, `msg.action` = write
 *   so a client configured for another action writes this one.
 * - node-red-contrib-modbus `Modbus-Flex-Write`: `msg.payload` = {value, fc, unitid, address, quantity}, FC 6 with
 *   one register word for 16-bit types, FC 16 with both words (in the sensor's word order) for 32-bit types so the
 *   PLC never sees half a value. `Modbus-Write` takes `payload.value` too, with address and FC from its own settings.
 */

export type PlcProtocol = 'opcua' | 'modbus';

export const OPCUA_DATA_TYPES = ['Double', 'Float', 'Int16', 'UInt16', 'Int32', 'UInt32'] as const;
export type OpcuaDataType = typeof OPCUA_DATA_TYPES[number];

export interface PlcTarget {
  protocol: PlcProtocol;
  asset: string;
  sensor: SensorDefinition;
  opcuaDataType: OpcuaDataType;
  modbusUnitId: number;
}

export interface OpcuaWriteMessage {
  topic: string;
  payload: number;
  action: 'write';
}

export interface ModbusWritePayload {
  value: number | number[];
  fc: 6 | 16;
  unitid: number;
  address: number;
  quantity: number;
}

export interface ModbusWriteMessage {
  topic: string;
  payload: ModbusWritePayload;
}

/** What stops writes to this target, or null: checked once at start so a bad setting fails before any request. */
export function targetProblem(target: PlcTarget): string | null {
  const { sensor } = target;
  if (target.protocol === 'opcua') {
    if (!sensor.opcuaNodeId) return `sensor "${sensor.id}" of ${target.asset} has no OPC UA node id: set it in the twin-asset`;
    if (!OPCUA_DATA_TYPES.includes(target.opcuaDataType)) return `OPC UA data type "${target.opcuaDataType}" is not one of ${OPCUA_DATA_TYPES.join(', ')}`;
    return null;
  }
  if (!sensor.modbus) return `sensor "${sensor.id}" of ${target.asset} has no Modbus register: set it in the twin-asset`;
  if (!sensor.modbus.writable) return `register ${sensor.modbus.address} (${sensor.id}) is not marked writable in the twin-asset`;
  if (!Number.isInteger(target.modbusUnitId) || target.modbusUnitId < 0 || target.modbusUnitId > 255) return `Modbus unit id "${target.modbusUnitId}" must be 0-255`;
  return null;
}

export function opcuaWriteMessage(target: PlcTarget, value: number): OpcuaWriteMessage {
  const integer = target.opcuaDataType !== 'Double' && target.opcuaDataType !== 'Float';
  return { topic: `${target.sensor.opcuaNodeId};datatype=${target.opcuaDataType}`, payload: integer ? Math.round(value) : value, action: 'write' };
}

export function modbusWriteMessage(target: PlcTarget, value: number): ModbusWriteMessage {
  const source = target.sensor.modbus;
  if (!source) throw new Error(`sensor "${target.sensor.id}" has no Modbus register`);
  const words = encodeRegisters(source, value);
  const decoded = decodeRegisters(source, words, source.address) as number;
  // Encoding clamps to the register type; a value it cannot hold must not reach the PLC as another value.
  if (Math.abs(decoded - value) > Math.abs(source.scale) / 2 + Math.abs(value) * 1e-6) {
    throw new Error(`${value} cannot be written to register ${source.address} as ${source.dataType} with scale ${source.scale} (it would arrive as ${decoded})`);
  }
  return {
    topic: `setpoint/${target.asset}/${target.sensor.id}`,
    payload: { value: words.length === 1 ? words[0] : words, fc: words.length === 1 ? 6 : 16, unitid: target.modbusUnitId, address: source.address, quantity: words.length },
  };
}

export function plcWriteMessage(target: PlcTarget, value: number): OpcuaWriteMessage | ModbusWriteMessage {
  return target.protocol === 'opcua' ? opcuaWriteMessage(target, value) : modbusWriteMessage(target, value);
}
