import type { AssetDefinition } from '../asset/asset-model';

/**
 * The asset catalogue: every machine of a plant in one table the integrator keeps in version control, each with its
 * definition (today's AssetDefinition: ratings, bearing, sensors, OPC UA node ids, Modbus register maps), the Modbus
 * device it answers on and its place in the site / line / cell hierarchy. Framework-free: the simulator writes it,
 * the twin-catalogue config node loads it, the poll and subscription builders read it.
 */

/** Marks a JSON file as a catalogue, so a flow export or a random JSON file pasted by mistake is refused clearly. */
export const CATALOGUE_FORMAT = 'digital-twin-asset-catalogue';
export const CATALOGUE_VERSION = 1;

/** Where an asset's Modbus registers are read: one asset is one Modbus device (one unit id). */
export interface ModbusDevice {
  /** Modbus unit id (slave id) 0-255; a TCP gateway forwards it to the serial device of that address. */
  unitId: number;
  /**
   * Name of the connection (gateway or PLC) the device sits behind, when the plant has several; requests carry it so
   * a flow can route them to the matching modbus-client. Absent: the one default connection.
   */
  connection?: string;
}

export interface CatalogueAsset extends AssetDefinition {
  /** Hierarchy, each an identifier (letters, digits, _ . -): site > line > cell > asset. */
  site: string;
  line: string;
  cell?: string;
  /** Required when any sensor has a Modbus register map. */
  modbusDevice?: ModbusDevice;
  /** Name of the OPC UA server connection the asset's node ids belong to, when the plant has several. */
  opcuaConnection?: string;
}

export interface AssetCatalogue {
  name?: string;
  /** Site and line of assets that name none. */
  site?: string;
  line?: string;
  assets: CatalogueAsset[];
}

/**
 * What a problem cost: the whole asset, one sensor (a JSON sensor entry), one CSV row (one tag), or only the value
 * (an unknown field, a conflicting repeat of an asset-level CSV column): the rest still loads.
 */
export type ProblemEffect = 'asset skipped' | 'sensor skipped' | 'row skipped' | 'value ignored' | 'nothing loaded';

export interface CatalogueProblem {
  /** `line 7` of a CSV file, `assets[3]` or `assets[3].sensors[2]` of a JSON catalogue, or `catalogue`. */
  where: string;
  asset?: string;
  sensor?: string;
  /** JSON path inside the entry (`modbus.address`) or the CSV column (`modbus_address`). */
  field: string;
  message: string;
  effect: ProblemEffect;
}

export interface CatalogueLoad {
  /** Every asset that loaded; a problem elsewhere never removes a valid asset. */
  catalogue: AssetCatalogue;
  problems: CatalogueProblem[];
}

/** One line per problem: where, which asset and sensor, which field, what is wrong and what was skipped. */
export function formatProblem(problem: CatalogueProblem): string {
  const subject = [problem.asset ? `asset "${problem.asset}"` : '', problem.sensor ? `sensor "${problem.sensor}"` : ''].filter(Boolean).join(' ');
  return `${problem.where}${subject ? ` (${subject})` : ''}, ${problem.field}: ${problem.message} (${problem.effect})`;
}

/** Problems that cost data, as opposed to ignored values: what an editor or a node status counts as errors. */
export function isError(problem: CatalogueProblem): boolean {
  return problem.effect !== 'value ignored';
}
