import { registerWidth, type AssetDefinition, type SensorDefinition } from '../lib/asset/asset-model';
import { PLANT_NAMESPACE, PLANT_UNIT_ID, PUMP_ASSET, SPINDLE_ASSET } from '../lib/asset/presets';
import type { AssetCatalogue, CatalogueAsset } from '../lib/catalogue/catalogue-model';
import { AUXILIARY_CHANNELS, type AuxiliaryChannel } from './physics/auxiliary';

/**
 * Which machines the simulated plant runs (`--machines spindle:30,pump:20`) and the tag map each one gets:
 * - the first spindle and the first pump keep the presets' tag map exactly (`ns=1;s=Spindle.Speed`, `Pump.*`, both on
 *   Modbus unit 1 at registers 0-15 and 100-109), so `spindle:1,pump:1`, the default, is today's plant and the
 *   reference flow reads it unchanged;
 * - every further machine is its own Modbus device, unit ids 2, 3, … in the order of the mix, with its type's register
 *   map, and OPC UA node ids `ns=1;s=<asset id>.<Sensor>` (`ns=1;s=pump-7.BearingTemp`).
 * The plant's catalogue (site, line, cell of each machine) comes from the same function, so what the simulator
 * serves and the catalogue it writes cannot disagree.
 */

export const MACHINE_TYPES = { spindle: SPINDLE_ASSET, pump: PUMP_ASSET } as const;
export type MachineType = keyof typeof MACHINE_TYPES;

export interface MachineCount {
  type: MachineType;
  count: number;
}

export const DEFAULT_MACHINE_MIX: readonly MachineCount[] = [{ type: 'spindle', count: 1 }, { type: 'pump', count: 1 }];

/** Modbus unit ids 1-247 address a serial device; a plant needs one per machine beyond the first of each type. */
const MAX_UNIT_ID = 247;
export const PLANT_SITE = 'demo-plant';
/** Name of the catalogue file the simulator writes into its data directory. */
export const PLANT_CATALOGUE_FILE = 'catalogue.json';
const LINE_OF: Record<MachineType, string> = { spindle: 'machining', pump: 'utilities' };
const NAME_OF: Record<MachineType, string> = { spindle: 'CNC spindle', pump: 'Centrifugal pump' };
const MACHINES_PER_CELL = 10;

/** Parses `spindle:30,pump:20`; throws an Error naming the bad part. */
export function parseMachineMix(text: string): MachineCount[] {
  const mix: MachineCount[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]+):(\d+)$/i.exec(part);
    if (!match) throw new Error(`--machines takes <type>:<count>[,…], e.g. spindle:30,pump:20 (got "${part}")`);
    const type = match[1].toLowerCase();
    if (!(type in MACHINE_TYPES)) throw new Error(`unknown machine type "${match[1]}": the plant simulates ${Object.keys(MACHINE_TYPES).join(', ')}`);
    if (mix.some((m) => m.type === type)) throw new Error(`--machines names ${type} twice`);
    mix.push({ type: type as MachineType, count: Number(match[2]) });
  }
  const total = mix.reduce((n, m) => n + m.count, 0);
  if (total === 0) throw new Error('--machines needs at least one machine');
  const units = mix.reduce((n, m) => n + Math.max(0, m.count - 1), 1);
  if (units > MAX_UNIT_ID) throw new Error(`${total} machines need ${units} Modbus unit ids; the plant has at most ${MAX_UNIT_ID}`);
  return mix;
}

export interface PlantLayoutOptions {
  /** Scalar sensors per machine; the type's own are padded with auxiliary channels up to this count. */
  sensorsPerMachine?: number;
  /** Sample rate of every machine's accelerometer (Hz). */
  waveformRate?: number;
}

export interface PlantMachine {
  type: MachineType;
  /** 1 for the first machine of its type. */
  number: number;
  asset: CatalogueAsset;
  /** Auxiliary channels added to the type's sensors, published from the machine's state. */
  auxiliary: AuxiliaryChannel[];
}

function capitalise(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

/** The sensors of machine `index` (1-based) of a type: the preset's, renamed for machines after the first. */
function machineSensors(preset: AssetDefinition, id: string, first: boolean, options: PlantLayoutOptions): SensorDefinition[] {
  return preset.sensors.map((sensor) => ({
    ...sensor,
    ...(first ? {} : { opcuaNodeId: `ns=${PLANT_NAMESPACE};s=${id}.${capitalise(sensor.id)}` }),
    ...(sensor.kind === 'waveform' && options.waveformRate ? { sampleRate: options.waveformRate } : {}),
  }));
}

function auxiliarySensors(channels: readonly AuxiliaryChannel[], nodePrefix: string, firstRegister: number): SensorDefinition[] {
  let address = firstRegister;
  return channels.map((channel) => {
    const sensor: SensorDefinition = {
      id: channel.id, name: channel.name, unit: channel.unit, kind: 'scalar', range: channel.range,
      opcuaNodeId: `ns=${PLANT_NAMESPACE};s=${nodePrefix}.${capitalise(channel.id)}`,
      modbus: { address, dataType: channel.dataType, wordOrder: 'big', scale: channel.scale, offset: 0 },
    };
    address += registerWidth(channel.dataType);
    return sensor;
  });
}

/** Every machine of the mix with its catalogue entry, in mix order. */
export function plantMachines(mix: readonly MachineCount[], options: PlantLayoutOptions = {}): PlantMachine[] {
  const machines: PlantMachine[] = [];
  let nextUnit = PLANT_UNIT_ID + 1;
  for (const { type, count } of mix) {
    const preset = MACHINE_TYPES[type];
    const scalars = preset.sensors.filter((s) => s.kind === 'scalar').length;
    const extra = Math.max(0, (options.sensorsPerMachine ?? 0) - scalars);
    if (extra > AUXILIARY_CHANNELS.length) {
      throw new Error(`--sensors ${options.sensorsPerMachine}: a ${type} has ${scalars} sensors and ${AUXILIARY_CHANNELS.length} auxiliary channels, at most ${scalars + AUXILIARY_CHANNELS.length}`);
    }
    const auxiliary = AUXILIARY_CHANNELS.slice(0, extra);
    for (let k = 1; k <= count; k++) {
      const first = k === 1;
      const id = `${type}-${k}`;
      const sensors = machineSensors(preset, id, first, options);
      const lastRegister = Math.max(...sensors.filter((s) => s.modbus).map((s) => s.modbus!.address + registerWidth(s.modbus!.dataType)));
      const nodePrefix = first ? (sensors[0].opcuaNodeId ?? '').replace(/^ns=\d+;s=/, '').split('.')[0] : id;
      const asset: CatalogueAsset = {
        ...preset,
        id,
        name: `${NAME_OF[type]} ${k}`,
        site: PLANT_SITE,
        line: LINE_OF[type],
        cell: `cell-${Math.ceil(k / MACHINES_PER_CELL)}`,
        modbusDevice: { unitId: first ? PLANT_UNIT_ID : nextUnit++ },
        sensors: [...sensors, ...auxiliarySensors(auxiliary, nodePrefix, lastRegister)],
      };
      machines.push({ type, number: k, asset, auxiliary });
    }
  }
  return machines;
}

export function plantCatalogue(machines: readonly PlantMachine[]): AssetCatalogue {
  return { name: 'Simulated plant', site: PLANT_SITE, assets: machines.map((m) => m.asset) };
}
