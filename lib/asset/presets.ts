import { registerWidth, type AssetDefinition, type ModbusSource, type SensorDefinition } from './asset-model';

/**
 * The two machines of the simulated plant. This is the single source of the tag map: the simulator
 * serves exactly these OPC UA node ids and Modbus registers, the reference flow reads them, and the
 * README's tag table is checked against them by a test.
 */

/** OPC UA namespace index of the simulator's own namespace (the first one after the standard namespace). */
export const PLANT_NAMESPACE = 1;
/** Modbus unit id the simulator answers on. */
export const PLANT_UNIT_ID = 1;
export const PLANT_CONTROL_NODE_ID = `ns=${PLANT_NAMESPACE};s=Plant.Control`;

/** Machine state codes published by the simulator (`state` sensor). */
export const MACHINE_STATE = { idle: 0, running: 1, down: 2 } as const;
export type MachineStateName = keyof typeof MACHINE_STATE;

function nodeId(browseName: string): string {
  return `ns=${PLANT_NAMESPACE};s=${browseName}`;
}

function register(address: number, dataType: ModbusSource['dataType'], scale = 1, wordOrder: ModbusSource['wordOrder'] = 'big'): ModbusSource {
  return { address, dataType, wordOrder, scale, offset: 0 };
}

function counter(prefix: string, id: string, name: string, address: number): SensorDefinition {
  return {
    id, name, unit: 'count', kind: 'scalar', range: { min: 0, max: 4294967295 },
    opcuaNodeId: nodeId(`${prefix}.${capitalise(id)}`), modbus: register(address, 'uint32'),
  };
}

function capitalise(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

export const SPINDLE_ASSET: AssetDefinition = {
  id: 'spindle-1',
  name: 'CNC spindle 1',
  type: 'cnc-spindle',
  ratings: {
    nominalRpm: 12000, maxRpm: 15000, ratedPowerKw: 15, ratedVoltageV: 400,
    machineGroup: 2, mounting: 'rigid', idealCycleTimeS: 60,
  },
  bearing: { rollingElements: 18, rollerDiameterMm: 11.1, pitchDiameterMm: 92.5, contactAngleDeg: 15 },
  sensors: [
    { id: 'speed', name: 'Spindle speed', unit: 'rpm', kind: 'scalar', range: { min: 0, max: 16000 },
      opcuaNodeId: nodeId('Spindle.Speed'), modbus: register(0, 'uint16') },
    { id: 'speedSetpoint', name: 'Speed setpoint', unit: 'rpm', kind: 'scalar', range: { min: 0, max: 15000 },
      opcuaNodeId: nodeId('Spindle.SpeedSetpoint'), modbus: { ...register(1, 'uint16'), writable: true } },
    { id: 'load', name: 'Spindle load', unit: '%', kind: 'scalar', range: { min: 0, max: 200 },
      warning: { high: 95 }, alarm: { high: 110 }, hysteresis: 5, minDurationMs: 5000,
      opcuaNodeId: nodeId('Spindle.Load'), modbus: register(2, 'uint16', 0.1) },
    { id: 'motorCurrent', name: 'Motor current', unit: 'A', kind: 'scalar', range: { min: 0, max: 200 },
      opcuaNodeId: nodeId('Spindle.MotorCurrent'), modbus: register(3, 'uint16', 0.01) },
    { id: 'motorPower', name: 'Motor power', unit: 'kW', kind: 'scalar', range: { min: 0, max: 40 },
      opcuaNodeId: nodeId('Spindle.MotorPower'), modbus: register(4, 'float32', 1, 'little') },
    { id: 'bearingTemp', name: 'Bearing temperature', unit: '°C', kind: 'scalar', range: { min: -40, max: 200 },
      normal: { low: 20, high: 55 }, warning: { high: 65 }, alarm: { high: 80 }, hysteresis: 2, minDurationMs: 10000,
      opcuaNodeId: nodeId('Spindle.BearingTemp'), modbus: register(6, 'int16', 0.1) },
    { id: 'vibration', name: 'Vibration velocity RMS', unit: 'mm/s', kind: 'scalar', range: { min: 0, max: 100 },
      normal: { high: 1.4 }, warning: { high: 2.8 }, alarm: { high: 4.5 }, hysteresis: 0.2, minDurationMs: 5000,
      opcuaNodeId: nodeId('Spindle.Vibration'), modbus: register(7, 'float32') },
    counter('Spindle', 'partCount', 'Parts produced', 9),
    counter('Spindle', 'goodCount', 'Good parts', 11),
    counter('Spindle', 'scrapCount', 'Scrap parts', 13),
    { id: 'state', name: 'Machine state (0 idle, 1 running, 2 down)', unit: 'state', kind: 'scalar', range: { min: 0, max: 2 },
      opcuaNodeId: nodeId('Spindle.State'), modbus: register(15, 'uint16') },
    { id: 'acceleration', name: 'Bearing housing acceleration', unit: 'g', kind: 'waveform', sampleRate: 12800,
      opcuaNodeId: nodeId('Spindle.Acceleration') },
  ],
};

export const PUMP_ASSET: AssetDefinition = {
  id: 'pump-1',
  name: 'Centrifugal pump 1',
  type: 'centrifugal-pump',
  ratings: {
    nominalRpm: 2970, maxRpm: 3000, ratedPowerKw: 45, ratedVoltageV: 400,
    machineGroup: 2, mounting: 'flexible',
  },
  bearing: { rollingElements: 8, rollerDiameterMm: 17.46, pitchDiameterMm: 72.5, contactAngleDeg: 0 },
  sensors: [
    { id: 'speed', name: 'Pump speed', unit: 'rpm', kind: 'scalar', range: { min: 0, max: 3600 },
      opcuaNodeId: nodeId('Pump.Speed'), modbus: register(100, 'uint16') },
    { id: 'flow', name: 'Flow rate', unit: 'm³/h', kind: 'scalar', range: { min: 0, max: 600 },
      warning: { low: 150 }, alarm: { low: 80 }, hysteresis: 10, minDurationMs: 10000,
      opcuaNodeId: nodeId('Pump.Flow'), modbus: register(101, 'uint16', 0.1) },
    { id: 'dischargePressure', name: 'Discharge pressure', unit: 'bar', kind: 'scalar', range: { min: 0, max: 25 },
      warning: { high: 7.5 }, alarm: { high: 9 }, hysteresis: 0.3, minDurationMs: 5000,
      opcuaNodeId: nodeId('Pump.DischargePressure'), modbus: register(102, 'uint16', 0.01) },
    { id: 'motorPower', name: 'Motor power', unit: 'kW', kind: 'scalar', range: { min: 0, max: 80 },
      opcuaNodeId: nodeId('Pump.MotorPower'), modbus: register(103, 'float32', 1, 'little') },
    { id: 'motorCurrent', name: 'Motor current', unit: 'A', kind: 'scalar', range: { min: 0, max: 300 },
      opcuaNodeId: nodeId('Pump.MotorCurrent'), modbus: register(105, 'uint16', 0.1) },
    { id: 'bearingTemp', name: 'Bearing temperature', unit: '°C', kind: 'scalar', range: { min: -40, max: 200 },
      normal: { low: 20, high: 60 }, warning: { high: 75 }, alarm: { high: 90 }, hysteresis: 2, minDurationMs: 10000,
      opcuaNodeId: nodeId('Pump.BearingTemp'), modbus: register(106, 'int16', 0.1) },
    { id: 'vibration', name: 'Vibration velocity RMS', unit: 'mm/s', kind: 'scalar', range: { min: 0, max: 100 },
      normal: { high: 2.3 }, warning: { high: 4.5 }, alarm: { high: 7.1 }, hysteresis: 0.3, minDurationMs: 5000,
      opcuaNodeId: nodeId('Pump.Vibration'), modbus: register(107, 'float32') },
    { id: 'state', name: 'Machine state (0 idle, 1 running, 2 down)', unit: 'state', kind: 'scalar', range: { min: 0, max: 2 },
      opcuaNodeId: nodeId('Pump.State'), modbus: register(109, 'uint16') },
    { id: 'acceleration', name: 'Bearing housing acceleration', unit: 'g', kind: 'waveform', sampleRate: 12800,
      opcuaNodeId: nodeId('Pump.Acceleration') },
  ],
};

export const PLANT_ASSETS: readonly AssetDefinition[] = [SPINDLE_ASSET, PUMP_ASSET];

/** Block of holding registers covering every Modbus-mapped sensor of an asset: what one read request should fetch. */
export function modbusBlock(asset: AssetDefinition): { start: number; quantity: number } {
  const mapped = asset.sensors.filter((s) => s.modbus).map((s) => s.modbus as ModbusSource);
  const start = Math.min(...mapped.map((m) => m.address));
  const end = Math.max(...mapped.map((m) => m.address + registerWidth(m.dataType)));
  return { start, quantity: end - start };
}
