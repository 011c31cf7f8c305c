import type { AssetDefinition } from '../asset/asset-model';

/**
 * What each of the asset's sensors means to the scenario models. The defaults are the sensor ids of the pack's
 * presets; a role whose sensor the asset does not have is simply absent (a pump has no load or part counters), and
 * the models that need it say so.
 */
export type SensorRole =
  | 'speed' | 'setpoint' | 'load' | 'power' | 'current' | 'bearingTemp' | 'vibration' | 'state'
  | 'parts' | 'good' | 'scrap' | 'ambient';

export const SENSOR_ROLES: readonly SensorRole[] = ['speed', 'setpoint', 'load', 'power', 'current', 'bearingTemp', 'vibration', 'state', 'parts', 'good', 'scrap', 'ambient'];

export const DEFAULT_SENSOR_ROLES: Readonly<Record<SensorRole, string>> = {
  speed: 'speed', setpoint: 'speedSetpoint', load: 'load', power: 'motorPower', current: 'motorCurrent',
  bearingTemp: 'bearingTemp', vibration: 'vibration', state: 'state', parts: 'partCount', good: 'goodCount',
  scrap: 'scrapCount', ambient: 'ambientTemp',
};

export interface ResolvedRoles {
  /** Sensor id per role present on the asset. */
  sensors: Partial<Record<SensorRole, string>>;
  /** Role by sensor id, for routing readings. */
  roleOf: Map<string, SensorRole>;
  /** The roles present. */
  sensorSet: ReadonlySet<SensorRole>;
  /** Roles asked for whose sensor the asset lacks, for the identification summary. */
  missing: SensorRole[];
  /** State code that means "running" (the presets' 1). */
  runningState: number;
}

export function resolveRoles(asset: AssetDefinition, wanted: Partial<Record<SensorRole, string>> = {}, runningState = 1): ResolvedRoles {
  const sensors: Partial<Record<SensorRole, string>> = {};
  const roleOf = new Map<string, SensorRole>();
  const missing: SensorRole[] = [];
  for (const role of SENSOR_ROLES) {
    const id = (wanted[role] ?? DEFAULT_SENSOR_ROLES[role]).trim();
    if (!id) continue;
    if (!asset.sensors.some((s) => s.id === id && s.kind === 'scalar')) {
      missing.push(role);
      continue;
    }
    sensors[role] = id;
    roleOf.set(id, role);
  }
  if (!sensors.speed) {
    throw new Error(`asset ${asset.id} has no scalar speed sensor "${wanted.speed ?? DEFAULT_SENSOR_ROLES.speed}": name the shaft speed sensor (rpm) in the scenario settings`);
  }
  return { sensors, roleOf, sensorSet: new Set(roleOf.values()), missing, runningState };
}
