import type { AssetDefinition } from '../lib/asset/asset-model';
import { PLANT_ASSETS, PUMP_ASSET } from '../lib/asset/presets';
import { FeatureEngine } from '../lib/features/feature-engine';
import { Random } from '../lib/math/random';
import { decodeRegisters, encodeRegisters } from '../lib/modbus/register-codec';
import type { ScalarReading, WaveformReading } from '../lib/reading/reading';
import type { LabelledVector } from '../lib/rul/vector-training';
import { featureOptions } from '../nodes/twin-features/options';
import { PLANT_FEATURE_PERIOD_S, plantFeatureSettings } from './feature-settings';
import type { MachineModel } from './physics/machine';
import { PumpModel } from './physics/pump';
import { SpindleModel } from './physics/spindle';
import { accelerationBlock } from './physics/waveform';

/**
 * Run-to-failure histories from the simulated plant's machine models, stepped in virtual time exactly as the live
 * plant steps them on its timers, their readings delivered as the reference flow receives them and turned into
 * feature vectors by the same feature engine and settings, each labelled with the true time left to the failure.
 */

/** The live plant's clock (plant/plant.ts DEFAULT_PLANT_OPTIONS; a test keeps the two equal). */
export interface PlantClock {
  /** Bearing wear runs this many times faster than the process. */
  speedup: number;
  tickMs: number;
  publishMs: number;
  waveformLength: number;
}

export const LIVE_PLANT_CLOCK: PlantClock = { speedup: 1440, tickMs: 100, publishMs: 1000, waveformLength: 4096 };

export interface RunSpec {
  /** Names the run: one life of one machine, the group a validation split keeps whole. */
  id: string;
  assetId: string;
  seed: number;
  ambientC: number;
  setpointRpm: number;
  /** An operator's new setpoint, once the bearing wear reaches `atWear` (0..1). */
  setpointChange?: { atWear: number; rpm: number };
  /** The bearing's life as a share of its type's nominal life (1 when absent; see MachineOptions.lifeFactor). */
  lifeFactor?: number;
}

export interface RunOptions extends PlantClock {
  /** Seconds between feature vectors: a whole number of publish intervals. */
  periodS: number;
  /** Source time of the run's first reading, epoch ms. */
  startMs: number;
  /** Keep only these features of each vector (all when omitted): a fleet's vectors hold about a hundred each. */
  keepFeatures?: readonly string[];
  /** A run that has not failed after this many simulated hours is a mistake in its spec (a machine that never wears). */
  maxHours: number;
}

/** Runs start at a fixed source time so that their vectors, and a model trained on them, repeat bit for bit. */
export const SIMULATION_START_MS = Date.UTC(2025, 0, 1);

export const DEFAULT_RUN_OPTIONS: RunOptions = {
  ...LIVE_PLANT_CLOCK, periodS: Number(PLANT_FEATURE_PERIOD_S), startMs: SIMULATION_START_MS, maxHours: 50_000,
};

export interface RunToFailure {
  spec: RunSpec;
  /** One per feature period until the failure, oldest first. */
  vectors: LabelledVector[];
  /** Simulated hours from the start to the failure. */
  lifeHours: number;
}

/**
 * How the reference flow receives each machine's scalar tags: the pump's by polling its Modbus registers every
 * second (values rounded to the registers' scaling), the spindle's from an OPC UA subscription, which reports a
 * value only when it changes. Both accelerometers come over OPC UA as float blocks, a new block every second.
 */
type ScalarTransport = 'modbus-poll' | 'opcua-subscription';

function transportOf(asset: AssetDefinition): ScalarTransport {
  return asset.id === PUMP_ASSET.id ? 'modbus-poll' : 'opcua-subscription';
}

function assetById(id: string): AssetDefinition {
  const asset = PLANT_ASSETS.find((a) => a.id === id);
  if (!asset) throw new Error(`the plant has no asset "${id}" (it has ${PLANT_ASSETS.map((a) => a.id).join(', ')})`);
  return asset;
}

/** A seed per block, so a block does not depend on which other blocks were drawn. */
function blockSeed(runSeed: number, publishIndex: number): number {
  return (Math.imul(runSeed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(publishIndex + 1, 0x85ebca77)) >>> 0;
}

/**
 * One machine of the plant in virtual time: `advance()` runs the ticks of one publish interval, after which
 * `scalarReadings()` and `waveformReading()` give what the reference flow receives at that publish.
 */
export class SimulatedRun {
  readonly asset: AssetDefinition;
  readonly machine: MachineModel;
  private publishes = 0;
  private failedAt: number | undefined;
  private readonly random: Random;
  private readonly transport: ScalarTransport;
  private readonly reported = new Map<string, number>();
  private changeApplied = false;

  constructor(readonly spec: RunSpec, readonly clock: PlantClock) {
    if (!Number.isInteger(clock.publishMs / clock.tickMs)) throw new Error(`the publish interval (${clock.publishMs} ms) must be a whole number of ticks (${clock.tickMs} ms)`);
    this.asset = assetById(spec.assetId);
    const options = { ambientC: spec.ambientC, initialWear: 0, lifeFactor: spec.lifeFactor };
    this.machine = this.asset.type === 'centrifugal-pump' ? new PumpModel(this.asset, options) : new SpindleModel(this.asset, options);
    this.machine.setSpeedSetpoint(spec.setpointRpm);
    this.random = new Random(spec.seed);
    this.transport = transportOf(this.asset);
  }

  /** Publishes so far; 0 is the plant's first publish, at start, before any tick. */
  get publishIndex(): number {
    return this.publishes;
  }

  /** Milliseconds from the start to the tick on which the bearing failed; undefined while it runs. */
  get failedAtMs(): number | undefined {
    return this.failedAt;
  }

  get elapsedMs(): number {
    return this.publishes * this.clock.publishMs;
  }

  get simulatedHours(): number {
    return (this.elapsedMs / 3_600_000) * this.clock.speedup;
  }

  /** Steps to the next publish; false (and no publish) when the bearing fails on the way. */
  advance(): boolean {
    if (this.failedAt !== undefined) return false;
    const change = this.spec.setpointChange;
    if (change && !this.changeApplied && this.machine.wear >= change.atWear) {
      this.machine.setSpeedSetpoint(change.rpm);
      this.changeApplied = true;
    }
    const ticks = this.clock.publishMs / this.clock.tickMs;
    const dtS = this.clock.tickMs / 1000;
    const wearHours = (dtS * this.clock.speedup) / 3600;
    for (let tick = 1; tick <= ticks; tick++) {
      this.machine.step(dtS, wearHours, this.random);
      if (this.machine.state === 'down') {
        this.failedAt = this.elapsedMs + tick * this.clock.tickMs;
        return false;
      }
    }
    this.publishes++;
    return true;
  }

  /** Scalar readings of this publish, as twin-ingest emits them. */
  scalarReadings(startMs: number): ScalarReading[] {
    const ts = startMs + this.elapsedMs;
    const readings: ScalarReading[] = [];
    for (const [sensorId, trueValue] of Object.entries(this.machine.values())) {
      const sensor = this.asset.sensors.find((s) => s.id === sensorId);
      if (!sensor) continue;
      let value = trueValue;
      if (this.transport === 'modbus-poll') {
        if (!sensor.modbus) continue;
        const registers = encodeRegisters(sensor.modbus, trueValue);
        value = decodeRegisters(sensor.modbus, registers, sensor.modbus.address) ?? trueValue;
      } else {
        if (this.reported.get(sensorId) === value) continue;
        this.reported.set(sensorId, value);
      }
      readings.push({ asset: this.asset.id, sensor: sensorId, value, unit: sensor.unit, ts, quality: 'good' });
    }
    return readings;
  }

  /** The acceleration block of this publish; the same block whether or not the blocks before it were drawn. */
  waveformReading(startMs: number): WaveformReading {
    const sensor = this.asset.sensors.find((s) => s.kind === 'waveform');
    if (!sensor) throw new Error(`asset ${this.asset.id} has no waveform sensor`);
    const sampleRate = sensor.sampleRate ?? 12800;
    const samples = accelerationBlock(this.machine.vibrationSource(), this.asset.bearing, sampleRate, this.clock.waveformLength, new Random(blockSeed(this.spec.seed, this.publishIndex)));
    return { asset: this.asset.id, sensor: sensor.id, samples, sampleRate, unit: sensor.unit, ts: startMs + this.elapsedMs, quality: 'good' };
  }
}

/**
 * Runs one machine from a new bearing to its failure, feeding a feature engine built from the plant's twin-features
 * settings with every scalar reading, and taking a vector every period. The vector shows the newest acceleration
 * block, so only that block is drawn and analysed: each block has its own seed, so the vector is the one the
 * engine shows when it is fed every block.
 */
export function runToFailure(spec: RunSpec, options: Partial<RunOptions> = {}): RunToFailure {
  const o: RunOptions = { ...DEFAULT_RUN_OPTIONS, ...options };
  const publishesPerVector = (o.periodS * 1000) / o.publishMs;
  if (!Number.isInteger(publishesPerVector) || publishesPerVector < 1) throw new Error(`the feature period (${o.periodS} s) must be a whole number of publish intervals (${o.publishMs} ms)`);
  const run = new SimulatedRun(spec, o);
  const engine = new FeatureEngine(run.asset, featureOptions(plantFeatureSettings(spec.assetId)));
  const taken: Array<{ ts: number; elapsedMs: number; features: Record<string, number> }> = [];
  engine.add(run.scalarReadings(o.startMs));
  while (run.advance()) {
    engine.add(run.scalarReadings(o.startMs));
    if (run.publishIndex % publishesPerVector !== 0) continue;
    engine.add([run.waveformReading(o.startMs)]);
    const vector = engine.vector();
    if (vector) taken.push({ ts: vector.ts, elapsedMs: run.elapsedMs, features: o.keepFeatures ? pick(vector.features, o.keepFeatures) : vector.features });
    if (run.simulatedHours > o.maxHours) {
      throw new Error(`run ${spec.id} (${spec.assetId} at ${spec.setpointRpm} rpm) has not failed after ${o.maxHours} simulated hours: give it a setpoint at which the machine runs`);
    }
  }
  const failedAtMs = run.failedAtMs;
  if (failedAtMs === undefined) throw new Error(`run ${spec.id} stopped before its bearing failed`);
  const hoursPerMs = o.speedup / 3_600_000;
  return {
    spec,
    vectors: taken.map((t) => ({ group: spec.id, ts: t.ts, features: t.features, rulHours: (failedAtMs - t.elapsedMs) * hoursPerMs })),
    lifeHours: failedAtMs * hoursPerMs,
  };
}

function pick(features: Record<string, number>, names: readonly string[]): Record<string, number> {
  const picked: Record<string, number> = {};
  for (const name of names) if (name in features) picked[name] = features[name];
  return picked;
}
