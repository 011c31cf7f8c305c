import type { ModbusDataType } from '../../lib/asset/asset-model';
import type { Random } from '../../lib/math/random';

/**
 * The channels a real machine's PLC publishes beside the ones the twin's models use: cabinet and winding
 * temperatures, supply, auxiliaries. The simulator adds them (`--sensors <n>`) when a plant must be sized at so many
 * sensors per machine; each follows the machine's state (speed, bearing heat, vibration) so it moves like a real
 * signal, with transmitter noise.
 */
export interface AuxiliaryInput {
  ambientC: number;
  /** Speed as a share of nominal. */
  speedRatio: number;
  bearingC: number;
  vibration: number;
  motorCurrent: number;
}

export interface AuxiliaryChannel {
  id: string;
  name: string;
  unit: string;
  range: { min: number; max: number };
  dataType: ModbusDataType;
  scale: number;
  value(input: AuxiliaryInput, random: Random): number;
}

const heat = (input: AuxiliaryInput): number => input.bearingC - input.ambientC;

export const AUXILIARY_CHANNELS: readonly AuxiliaryChannel[] = [
  { id: 'ambientTemp', name: 'Hall temperature', unit: '°C', range: { min: -20, max: 60 }, dataType: 'int16', scale: 0.1,
    value: (i, r) => i.ambientC + 0.2 * r.gaussian() },
  { id: 'windingTemp', name: 'Motor winding temperature', unit: '°C', range: { min: -20, max: 200 }, dataType: 'int16', scale: 0.1,
    value: (i, r) => i.ambientC + 1.6 * heat(i) + 0.3 * r.gaussian() },
  { id: 'driveTemp', name: 'Drive heat sink temperature', unit: '°C', range: { min: -20, max: 120 }, dataType: 'int16', scale: 0.1,
    value: (i, r) => i.ambientC + 3 + 0.8 * heat(i) + 0.3 * r.gaussian() },
  { id: 'cabinetTemp', name: 'Control cabinet temperature', unit: '°C', range: { min: -20, max: 80 }, dataType: 'int16', scale: 0.1,
    value: (i, r) => i.ambientC + 6 + 0.2 * heat(i) + 0.2 * r.gaussian() },
  { id: 'coolantTemp', name: 'Coolant temperature', unit: '°C', range: { min: -20, max: 100 }, dataType: 'int16', scale: 0.1,
    value: (i, r) => i.ambientC + 0.4 * heat(i) + 0.2 * r.gaussian() },
  { id: 'supplyVoltage', name: 'Supply voltage', unit: 'V', range: { min: 0, max: 500 }, dataType: 'uint16', scale: 0.1,
    value: (i, r) => 400 - 0.03 * i.motorCurrent + 1.5 * r.gaussian() },
  { id: 'lineFrequency', name: 'Line frequency', unit: 'Hz', range: { min: 45, max: 65 }, dataType: 'uint16', scale: 0.01,
    value: (_i, r) => 50 + 0.02 * r.gaussian() },
  { id: 'axialVibration', name: 'Axial vibration velocity RMS', unit: 'mm/s', range: { min: 0, max: 100 }, dataType: 'uint16', scale: 0.01,
    value: (i, r) => Math.max(0, 0.45 * i.vibration * (1 + 0.05 * r.gaussian())) },
  { id: 'motorVibration', name: 'Motor vibration velocity RMS', unit: 'mm/s', range: { min: 0, max: 100 }, dataType: 'uint16', scale: 0.01,
    value: (i, r) => Math.max(0, (0.25 * i.speedRatio + 0.2 * i.vibration) * (1 + 0.05 * r.gaussian())) },
  { id: 'oilPressure', name: 'Lubrication oil pressure', unit: 'bar', range: { min: 0, max: 10 }, dataType: 'uint16', scale: 0.01,
    value: (i, r) => Math.max(0, 2.4 * Math.min(1, i.speedRatio * 3) + 0.03 * r.gaussian()) },
  { id: 'airPressure', name: 'Compressed air pressure', unit: 'bar', range: { min: 0, max: 12 }, dataType: 'uint16', scale: 0.01,
    value: (_i, r) => 6.2 + 0.04 * r.gaussian() },
  { id: 'humidity', name: 'Hall relative humidity', unit: '%', range: { min: 0, max: 100 }, dataType: 'uint16', scale: 0.1,
    value: (_i, r) => 45 + 0.8 * r.gaussian() },
];
