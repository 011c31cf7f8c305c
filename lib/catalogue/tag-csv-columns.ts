/**
 * The columns of a CSV tag list. `name` is the column as the README documents it; `headers` are the header spellings
 * accepted for it once lower-cased with everything but letters and digits removed (so `Modbus Address`,
 * `modbus_address` and `MODBUS-ADDRESS` are one column); `field` is the JSON path of the same value, so a problem
 * found by the checks every catalogue shares is reported under the column the user wrote.
 */
export interface CsvColumn {
  name: string;
  scope: 'asset' | 'sensor';
  field: string;
  headers: string[];
}

function column(name: string, scope: CsvColumn['scope'], field: string, ...aliases: string[]): CsvColumn {
  return { name, scope, field, headers: [headerKey(name), ...aliases] };
}

export function headerKey(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export const CSV_COLUMNS: readonly CsvColumn[] = [
  column('asset', 'asset', 'id', 'assetid', 'machine', 'machineid', 'equipment', 'equipmentid'),
  column('asset_name', 'asset', 'name', 'machinename', 'equipmentname'),
  column('asset_type', 'asset', 'type', 'machinetype', 'equipmenttype'),
  column('site', 'asset', 'site'),
  column('line', 'asset', 'line', 'productionline'),
  column('cell', 'asset', 'cell', 'workcell', 'station'),
  column('modbus_unit_id', 'asset', 'modbusDevice.unitId', 'unitid', 'slaveid', 'slave', 'deviceid'),
  column('modbus_connection', 'asset', 'modbusDevice.connection'),
  column('opcua_connection', 'asset', 'opcuaConnection'),
  column('nominal_rpm', 'asset', 'ratings.nominalRpm'),
  column('max_rpm', 'asset', 'ratings.maxRpm'),
  column('rated_power_kw', 'asset', 'ratings.ratedPowerKw'),
  column('rated_voltage_v', 'asset', 'ratings.ratedVoltageV'),
  column('machine_group', 'asset', 'ratings.machineGroup'),
  column('mounting', 'asset', 'ratings.mounting'),
  column('ideal_cycle_time_s', 'asset', 'ratings.idealCycleTimeS'),
  column('bearing_elements', 'asset', 'bearing.rollingElements'),
  column('bearing_roller_mm', 'asset', 'bearing.rollerDiameterMm'),
  column('bearing_pitch_mm', 'asset', 'bearing.pitchDiameterMm'),
  column('bearing_contact_angle_deg', 'asset', 'bearing.contactAngleDeg'),
  column('sensor', 'sensor', 'id', 'sensorid', 'tag', 'tagname', 'signal', 'point'),
  column('name', 'sensor', 'name', 'sensorname', 'description', 'tagdescription'),
  column('unit', 'sensor', 'unit', 'units', 'eu', 'engineeringunit', 'engineeringunits'),
  column('kind', 'sensor', 'kind'),
  column('sample_rate', 'sensor', 'sampleRate', 'sampleratehz'),
  column('range_min', 'sensor', 'range', 'min', 'eumin', 'eulow'),
  column('range_max', 'sensor', 'range', 'max', 'eumax', 'euhigh'),
  column('normal_low', 'sensor', 'normal'),
  column('normal_high', 'sensor', 'normal'),
  column('warning_low', 'sensor', 'warning.low', 'warnlow', 'lowwarning'),
  column('warning_high', 'sensor', 'warning.high', 'warnhigh', 'highwarning'),
  column('alarm_low', 'sensor', 'alarm.low', 'lowalarm'),
  column('alarm_high', 'sensor', 'alarm.high', 'highalarm'),
  column('warning_priority', 'sensor', 'warning.priority', 'warnpriority'),
  column('alarm_priority', 'sensor', 'alarm.priority', 'priority'),
  column('suppress_when', 'sensor', 'suppressWhen', 'suppressedwhen', 'suppression'),
  column('hysteresis', 'sensor', 'hysteresis', 'deadband'),
  column('min_duration_ms', 'sensor', 'minDurationMs', 'mindurationms', 'delayms'),
  column('opcua_node_id', 'sensor', 'opcuaNodeId', 'nodeid', 'opcuanode', 'opcua'),
  column('modbus_address', 'sensor', 'modbus.address', 'address', 'register', 'registeraddress'),
  column('modbus_type', 'sensor', 'modbus.dataType', 'datatype', 'registertype'),
  column('word_order', 'sensor', 'modbus.wordOrder'),
  column('scale', 'sensor', 'modbus.scale', 'scaling', 'factor', 'gain'),
  column('offset', 'sensor', 'modbus.offset'),
  column('writable', 'sensor', 'modbus.writable', 'access', 'readwrite', 'rw'),
  column('aliases', 'sensor', 'aliases'),
];

export function csvColumnOf(name: string): CsvColumn {
  const found = CSV_COLUMNS.find((c) => c.name === name);
  if (!found) throw new Error(`no CSV column "${name}"`);
  return found;
}
