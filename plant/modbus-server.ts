import net from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { registerWidth, type SensorDefinition } from '../lib/asset/asset-model';
import type { CatalogueAsset } from '../lib/catalogue/catalogue-model';
import { decodeRegisters, encodeRegisters } from '../lib/modbus/register-codec';

export interface ModbusPlantServer {
  port: number;
  publish(asset: string, sensor: string, value: number): void;
  /** A silent unit gets no reply at all, as from a dead device behind a gateway: the client's request times out. */
  setSilent(unitId: number, silent: boolean): void;
  stop(): Promise<void>;
}

interface MappedSensor {
  asset: string;
  sensor: SensorDefinition;
}

/** One Modbus device: the register image of the assets on one unit id. */
interface Unit {
  image: Uint16Array;
  byAddress: Map<number, MappedSensor>;
  silent: boolean;
}

const ILLEGAL_DATA_ADDRESS = 2;
/** What a gateway answers for a unit id it has no device for. */
const GATEWAY_TARGET_FAILED = 0x0b;

function modbusError(message: string, code = ILLEGAL_DATA_ADDRESS): Error & { modbusErrorCode: number } {
  return Object.assign(new Error(message), { modbusErrorCode: code });
}

type Reply<T> = (err: Error | null, value: T) => void;

/**
 * A real Modbus TCP server holding the plant's register images, one per unit id, like a gateway in front of several
 * devices. Reads (FC3/FC4) serve the image of the unit asked; writes (FC6/FC16) are accepted only on registers of
 * writable sensors and reach the machine, others get an exception response. A unit id no asset uses gets exception
 * 0x0B (gateway target device failed to respond); a silenced unit gets no reply at all.
 */
export async function startModbusServer(host: string, port: number, assets: readonly CatalogueAsset[],
  onWrite: (asset: string, sensor: string, value: number) => void): Promise<ModbusPlantServer> {
  const units = new Map<number, Unit>();
  const sensorsById = new Map<string, { unit: Unit; sensor: SensorDefinition }>();
  for (const asset of assets) {
    const unitId = asset.modbusDevice?.unitId;
    const mapped = asset.sensors.filter((s) => s.modbus);
    if (unitId === undefined || mapped.length === 0) continue;
    let unit = units.get(unitId);
    if (!unit) units.set(unitId, unit = { image: new Uint16Array(65536), byAddress: new Map(), silent: false });
    for (const sensor of mapped) {
      for (let i = 0; i < registerWidth(sensor.modbus!.dataType); i++) unit.byAddress.set(sensor.modbus!.address + i, { asset: asset.id, sensor });
      sensorsById.set(`${asset.id}/${sensor.id}`, { unit, sensor });
    }
  }

  /** Runs a request on its unit and replies, or replies with the gateway exception, or (silent unit) never replies. */
  const onUnit = <T>(unitId: number, reply: Reply<T>, work: (unit: Unit) => T): void => {
    const fail = reply as (err: Error) => void;
    const unit = units.get(unitId);
    if (!unit) return fail(modbusError(`no device on unit ${unitId}`, GATEWAY_TARGET_FAILED));
    if (unit.silent) return;
    let value: T;
    try {
      value = work(unit);
    } catch (err) {
      return fail(err instanceof Error ? err : new Error(String(err)));
    }
    reply(null, value);
  };

  const writeRegister = (unit: Unit, address: number, value: number): void => {
    const mapped = unit.byAddress.get(address);
    if (!mapped?.sensor.modbus?.writable) throw modbusError(`register ${address} is not writable`);
    unit.image[address] = value & 0xffff;
    const decoded = decodeRegisters(mapped.sensor.modbus, unit.image, 0);
    if (decoded !== undefined) onWrite(mapped.asset, mapped.sensor.id, decoded);
  };

  const read = (unit: Unit, address: number, length: number): number[] => Array.from(unit.image.subarray(address, address + length));
  // Callback-style handlers (their arity tells modbus-serial to pass the unit id and wait for the callback).
  const vector = {
    getHoldingRegister: (address: number, unitId: number, reply: Reply<number>): void => onUnit(unitId, reply, (unit) => unit.image[address]),
    getMultipleHoldingRegisters: (address: number, length: number, unitId: number, reply: Reply<number[]>): void => onUnit(unitId, reply, (unit) => read(unit, address, length)),
    getInputRegister: (address: number, unitId: number, reply: Reply<number>): void => onUnit(unitId, reply, (unit) => unit.image[address]),
    getMultipleInputRegisters: (address: number, length: number, unitId: number, reply: Reply<number[]>): void => onUnit(unitId, reply, (unit) => read(unit, address, length)),
    setRegister: (address: number, value: number, unitId: number, reply: Reply<void>): void => onUnit(unitId, reply, (unit) => writeRegister(unit, address, value)),
    setRegisterArray: (address: number, values: number[], unitId: number, reply: Reply<void>): void =>
      onUnit(unitId, reply, (unit) => values.forEach((v, i) => writeRegister(unit, address + i, v))),
  };

  const actualPort = port === 0 ? await freePort(host) : port;
  // unitID 255: answer every unit id and let the vector dispatch by it.
  const server = new ServerTCP(vector, { host, port: actualPort, unitID: 255 });
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', (err: Error) => reject(err));
  });
  server.on('socketError', () => undefined);

  return {
    port: actualPort,
    publish(asset, sensor, value) {
      const mapped = sensorsById.get(`${asset}/${sensor}`);
      if (!mapped?.sensor.modbus) return;
      mapped.unit.image.set(encodeRegisters(mapped.sensor.modbus, value), mapped.sensor.modbus.address);
    },
    setSilent(unitId, silent) {
      const unit = units.get(unitId);
      if (unit) unit.silent = silent;
    },
    stop: () => new Promise<void>((resolve) => {
      for (const socket of server.socks.keys()) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
