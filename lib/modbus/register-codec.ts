import { registerWidth, type ModbusSource } from '../asset/asset-model';

/**
 * Modbus holding registers are 16-bit words; 32-bit values span two of them in an order PLC vendors disagree
 * on. Both the simulated PLC (encoding) and twin-ingest (decoding) go through these functions, and the tests
 * pin them to known bit patterns so the two sides cannot drift together.
 */

const scratch = new DataView(new ArrayBuffer(4));

function splitWords(source: ModbusSource): [number, number] {
  const high = scratch.getUint16(0);
  const low = scratch.getUint16(2);
  return source.wordOrder === 'big' ? [high, low] : [low, high];
}

function joinWords(source: ModbusSource, first: number, second: number): void {
  const [high, low] = source.wordOrder === 'big' ? [first, second] : [second, first];
  scratch.setUint16(0, high);
  scratch.setUint16(2, low);
}

/** Raw register words for an engineering value: raw = (value - offset) / scale, rounded and clamped to the type. */
export function encodeRegisters(source: ModbusSource, value: number): number[] {
  const raw = (value - source.offset) / source.scale;
  switch (source.dataType) {
    case 'uint16': return [clampInteger(raw, 0, 0xffff)];
    case 'int16': return [clampInteger(raw, -0x8000, 0x7fff) & 0xffff];
    case 'uint32': scratch.setUint32(0, clampInteger(raw, 0, 0xffffffff)); return splitWords(source);
    case 'int32': scratch.setInt32(0, clampInteger(raw, -0x80000000, 0x7fffffff)); return splitWords(source);
    case 'float32': scratch.setFloat32(0, raw); return splitWords(source);
  }
}

/**
 * Engineering value of the sensor inside a block of registers read from `blockStart`, or undefined when the
 * block does not cover the sensor's registers.
 */
export function decodeRegisters(source: ModbusSource, block: ArrayLike<number>, blockStart: number): number | undefined {
  const index = source.address - blockStart;
  if (index < 0 || index + registerWidth(source.dataType) > block.length) return undefined;
  const first = block[index] & 0xffff;
  let raw: number;
  switch (source.dataType) {
    case 'uint16': raw = first; break;
    case 'int16': raw = first >= 0x8000 ? first - 0x10000 : first; break;
    case 'uint32': joinWords(source, first, block[index + 1] & 0xffff); raw = scratch.getUint32(0); break;
    case 'int32': joinWords(source, first, block[index + 1] & 0xffff); raw = scratch.getInt32(0); break;
    case 'float32': joinWords(source, first, block[index + 1] & 0xffff); raw = scratch.getFloat32(0); break;
  }
  return raw * source.scale + source.offset;
}

function clampInteger(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}
