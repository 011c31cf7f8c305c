import type { AssetDefinition, SensorDefinition } from '../asset/asset-model';
import { decodeRegisters } from '../modbus/register-codec';
import { worseQuality, type Quality, type Reading } from '../reading/reading';
import { describeValue, isEpochMs } from '../reading/validate';
import { epochMs, NodeIdIndex, qualityOfStatus, unwrapDataValue } from './opcua-values';

export type IngestSource = 'auto' | 'opcua' | 'modbus' | 'canonical';
export type DetectedSource = Exclude<IngestSource, 'auto'> | 'topic';
export type MissingTimestampPolicy = 'reject' | 'arrival';

export interface IngestOptions {
  source: IngestSource;
  missingTimestamp: MissingTimestampPolicy;
  /** Readings stamped further than this in the future are refused (clock faults). */
  futureToleranceMs: number;
}

export const DEFAULT_INGEST_OPTIONS: IngestOptions = { source: 'auto', missingTimestamp: 'reject', futureToleranceMs: 60000 };

/** The parts of a Node-RED message the normaliser reads. */
export interface IngestMessage {
  topic?: unknown;
  payload?: unknown;
  statusCode?: unknown;
  sourceTimestamp?: unknown;
  serverTimestamp?: unknown;
  timestamp?: unknown;
  /** node-red-contrib-modbus: the request of a register read with the IO file option. */
  modbusRequest?: unknown;
  /** node-red-contrib-modbus: the request message of a plain register read (`input.payload.address`). */
  input?: unknown;
  responseBuffer?: unknown;
}

/** Start address of a Modbus register block, from whichever form of the request node-red-contrib-modbus attached. */
function modbusStartAddress(msg: IngestMessage): unknown {
  const request = msg.modbusRequest as Record<string, unknown> | undefined;
  if (request && request.address !== undefined) return request.address;
  const input = msg.input as Record<string, unknown> | undefined;
  const inputPayload = input?.payload as Record<string, unknown> | undefined;
  return inputPayload?.address ?? input?.address;
}

/** Messages the OPC UA client node emits about itself rather than about a tag. */
const OPCUA_HOUSEKEEPING_TOPICS = new Set(['subscriptionId']);

export function isOpcuaHousekeeping(msg: IngestMessage): boolean {
  return typeof msg.topic === 'string' && OPCUA_HOUSEKEEPING_TOPICS.has(msg.topic);
}

export interface IngestResult {
  source: DetectedSource;
  readings: Reading[];
  /** One sentence per refused element, naming it and the reason. */
  problems: string[];
}

interface Candidate {
  label: string;
  sensor: SensorDefinition | undefined;
  value: unknown;
  ts: number | undefined;
  /** A time the source gave that is no time (beyond what a Date holds, before 1970, unparseable): refused, never replaced. */
  badTs?: string;
  quality: Quality;
}

/**
 * Turns what PLC nodes emit (node-red-contrib-opcua values, node-red-contrib-modbus register blocks, canonical
 * readings, topic/value pairs) into canonical readings of one asset. A refused element never costs the valid
 * ones of the same message: everything wrong is listed in `problems`.
 */
export class Normaliser {
  private readonly asset: AssetDefinition;
  private readonly options: IngestOptions;
  private readonly byNodeId = new NodeIdIndex<SensorDefinition>();
  private readonly byName = new Map<string, SensorDefinition>();
  private readonly modbusSensors: SensorDefinition[];

  constructor(asset: AssetDefinition, options: Partial<IngestOptions> = {}) {
    this.asset = asset;
    this.options = { ...DEFAULT_INGEST_OPTIONS, ...options };
    for (const sensor of asset.sensors) {
      this.byName.set(sensor.id, sensor);
      for (const alias of sensor.aliases ?? []) this.byName.set(alias, sensor);
      if (sensor.opcuaNodeId) this.byNodeId.add(sensor.opcuaNodeId, sensor);
    }
    this.modbusSensors = asset.sensors.filter((s) => s.modbus !== undefined);
  }

  detect(msg: IngestMessage): DetectedSource {
    if (this.options.source !== 'auto') return this.options.source;
    if (msg.modbusRequest !== undefined || msg.responseBuffer !== undefined || modbusStartAddress(msg) !== undefined) return 'modbus';
    const payload = msg.payload;
    const first = Array.isArray(payload) ? payload[0] : payload;
    if (first && typeof first === 'object' && !ArrayBuffer.isView(first) && 'sensor' in (first as object)) return 'canonical';
    if (typeof msg.topic === 'string' && this.byNodeId.get(msg.topic)) return 'opcua';
    if (msg.statusCode !== undefined || msg.sourceTimestamp !== undefined) return 'opcua';
    return 'topic';
  }

  normalise(msg: IngestMessage, now = Date.now()): IngestResult {
    const source = this.detect(msg);
    if (isOpcuaHousekeeping(msg)) return { source, readings: [], problems: [] };
    const problems: string[] = [];
    let candidates: Candidate[];
    switch (source) {
      case 'modbus': candidates = this.fromModbus(msg, now, problems); break;
      case 'canonical': candidates = this.fromCanonical(msg, problems); break;
      case 'opcua': candidates = [this.fromOpcua(msg)]; break;
      case 'topic': candidates = [this.fromTopic(msg)]; break;
    }
    const readings: Reading[] = [];
    for (const candidate of candidates) {
      const reading = this.toReading(candidate, now, problems);
      if (reading) readings.push(reading);
    }
    return { source, readings, problems };
  }

  private fromModbus(msg: IngestMessage, now: number, problems: string[]): Candidate[] {
    const address = modbusStartAddress(msg);
    const start = Number(address ?? 0);
    const block = msg.payload;
    if (!Array.isArray(block) || block.some((w) => !Number.isInteger(w))) {
      problems.push('Modbus payload must be an array of register values (integers)');
      return [];
    }
    if (!Number.isInteger(start) || start < 0) {
      problems.push(`Modbus start address "${String(address)}" is not a register address`);
      return [];
    }
    // A register read carries no time of its own: it is stamped on arrival, by design.
    return this.modbusSensors
      .map((sensor) => ({ sensor, value: decodeRegisters(sensor.modbus!, block as number[], start) }))
      .filter((c) => c.value !== undefined)
      .map((c) => ({ label: `register ${c.sensor.modbus!.address} (${c.sensor.id})`, sensor: c.sensor, value: c.value, ts: now, quality: 'good' as Quality }));
  }

  private fromCanonical(msg: IngestMessage, problems: string[]): Candidate[] {
    const elements = Array.isArray(msg.payload) ? msg.payload : [msg.payload];
    const candidates: Candidate[] = [];
    for (let index = 0; index < elements.length; index++) {
      const element: unknown = elements[index];
      const label = `element ${index}`;
      if (!element || typeof element !== 'object') {
        problems.push(`${label}: expected a reading object, got ${typeof element}`);
        continue;
      }
      const record = element as Record<string, unknown>;
      if (record.asset !== undefined && record.asset !== this.asset.id) {
        problems.push(`${label}: reading of asset "${String(record.asset)}" sent to the ingest of "${this.asset.id}"`);
        continue;
      }
      const sensorName = String(record.sensor ?? '');
      const given = record.ts ?? record.timestamp;
      const ts = epochMs(given);
      candidates.push({
        label: `${label} (${sensorName})`,
        sensor: this.byName.get(sensorName),
        value: record.samples ?? record.value,
        ts,
        badTs: given !== undefined && given !== null && ts === undefined ? `timestamp ${describeValue(given)} is not a time` : undefined,
        quality: isQuality(record.quality) ? record.quality : 'good',
      });
    }
    return candidates;
  }

  private fromOpcua(msg: IngestMessage): Candidate {
    const nodeId = String(msg.topic ?? '');
    const unwrapped = unwrapDataValue(msg.payload);
    return {
      label: `OPC UA node "${nodeId}"`,
      sensor: this.byNodeId.get(nodeId) ?? this.byName.get(nodeId),
      value: unwrapped.value,
      ts: epochMs(msg.sourceTimestamp) ?? epochMs(unwrapped.sourceTimestamp) ?? epochMs(msg.serverTimestamp) ?? epochMs(unwrapped.serverTimestamp),
      quality: qualityOfStatus(msg.statusCode) ?? qualityOfStatus(unwrapped.statusCode) ?? 'good',
    };
  }

  private fromTopic(msg: IngestMessage): Candidate {
    const topic = String(msg.topic ?? '');
    return {
      label: `topic "${topic}"`,
      sensor: this.byName.get(topic) ?? this.byNodeId.get(topic),
      value: msg.payload,
      ts: epochMs(msg.timestamp) ?? epochMs(msg.sourceTimestamp),
      quality: 'good',
    };
  }

  private toReading(candidate: Candidate, now: number, problems: string[]): Reading | undefined {
    const { sensor, label } = candidate;
    if (!sensor) {
      problems.push(`${label}: unknown tag for asset "${this.asset.id}"`);
      return undefined;
    }
    if (candidate.badTs) {
      problems.push(`${label}: ${candidate.badTs}`);
      return undefined;
    }
    let ts = candidate.ts;
    if (ts !== undefined && !isEpochMs(ts)) {
      problems.push(`${label}: timestamp ${ts} is beyond the dates a clock can give (±8.64e15 ms)`);
      return undefined;
    }
    if (ts === undefined) {
      if (this.options.missingTimestamp === 'reject') {
        problems.push(`${label}: missing timestamp`);
        return undefined;
      }
      ts = now;
    }
    if (ts > now + this.options.futureToleranceMs) {
      problems.push(`${label}: timestamp ${new Date(ts).toISOString()} is in the future`);
      return undefined;
    }
    // Object literals of one shape rather than spreads: this runs once per reading on the ingest's hot path.
    if (sensor.kind === 'waveform') {
      const samples = toSamples(candidate.value);
      if (typeof samples === 'string') {
        problems.push(`${label}: ${samples}`);
        return undefined;
      }
      return { asset: this.asset.id, sensor: sensor.id, unit: sensor.unit, ts, samples, sampleRate: sensor.sampleRate ?? 0, quality: candidate.quality };
    }
    const value = toScalar(candidate.value);
    if (typeof value === 'string') {
      problems.push(`${label}: ${value}`);
      return undefined;
    }
    const outOfRange = sensor.range !== undefined && (value < sensor.range.min || value > sensor.range.max);
    return { asset: this.asset.id, sensor: sensor.id, unit: sensor.unit, ts, value, quality: outOfRange ? worseQuality(candidate.quality, 'bad') : candidate.quality };
  }
}

function isQuality(value: unknown): value is Quality {
  return value === 'good' || value === 'uncertain' || value === 'bad';
}

/** A finite number, or the reason it is not one. Digital tags (booleans) count as 1/0. */
function toScalar(value: unknown): number | string {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number') return `expected a number, got ${describeValue(value)}`;
  if (!Number.isFinite(value)) return `value ${value} is not a finite number`;
  return value;
}

function toSamples(value: unknown): Float32Array | string {
  if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    return `expected an array of samples, got ${describeValue(value)}`;
  }
  const source = value as ArrayLike<unknown>;
  if (source.length === 0) return 'the sample block is empty';
  const samples = new Float32Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const sample = source[i];
    if (typeof sample !== 'number' || !Number.isFinite(sample)) return `sample ${i} is not a finite number`;
    samples[i] = sample;
  }
  return samples;
}
