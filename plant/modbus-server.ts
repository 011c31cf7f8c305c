import net from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { registerWidth, type AssetDefinition, type SensorDefinition } from '../lib/asset/asset-model';
import { decodeRegisters, encodeRegisters } from '../lib/modbus/register-codec';

export interface ModbusPlantServer {
  port: number;
  publish(asset: string, sensor: string, value: number): void;
  stop(): Promise<void>;
}

interface MappedSensor {
  asset: string;
  sensor: SensorDefinition;
}

const ILLEGAL_DATA_ADDRESS = 2;

function modbusError(message: string): Error & { modbusErrorCode: number } {
  return Object.assign(new Error(message), { modbusErrorCode: ILLEGAL_DATA_ADDRESS });
}

/**
 * A real Modbus TCP server holding the plant's register image. Reads (FC3) serve the image; writes (FC6/FC16)
 * are accepted only on registers of writable sensors and reach the machine, others get an exception response.
 */
export async function startModbusServer(host: string, port: number, unitId: number, assets: readonly AssetDefinition[],
  onWrite: (asset: string, sensor: string, value: number) => void): Promise<ModbusPlantServer> {
  const image = new Uint16Array(65536);
  const byAddress = new Map<number, MappedSensor>();
  for (const asset of assets) {
    for (const sensor of asset.sensors) {
      if (!sensor.modbus) continue;
      for (let i = 0; i < registerWidth(sensor.modbus.dataType); i++) byAddress.set(sensor.modbus.address + i, { asset: asset.id, sensor });
    }
  }
  const sensorsById = new Map([...byAddress.values()].map((m) => [`${m.asset}/${m.sensor.id}`, m]));

  const writeRegister = (address: number, value: number): void => {
    const mapped = byAddress.get(address);
    if (!mapped?.sensor.modbus?.writable) throw modbusError(`register ${address} is not writable`);
    image[address] = value & 0xffff;
    const decoded = decodeRegisters(mapped.sensor.modbus, image, 0);
    if (decoded !== undefined) onWrite(mapped.asset, mapped.sensor.id, decoded);
  };

  const vector = {
    getHoldingRegister: (address: number): number => image[address],
    getMultipleHoldingRegisters: (address: number, length: number): number[] => Array.from(image.subarray(address, address + length)),
    getInputRegister: (address: number): number => image[address],
    getMultipleInputRegisters: (address: number, length: number): number[] => Array.from(image.subarray(address, address + length)),
    setRegister: (address: number, value: number): void => writeRegister(address, value),
    setRegisterArray: (address: number, values: number[]): void => values.forEach((v, i) => writeRegister(address + i, v)),
  };

  const actualPort = port === 0 ? await freePort(host) : port;
  const server = new ServerTCP(vector, { host, port: actualPort, unitID: unitId });
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
      image.set(encodeRegisters(mapped.sensor.modbus, value), mapped.sensor.modbus.address);
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
