import type { AssetDefinition } from '../../lib/asset/asset-model';
import type { Reading } from '../../lib/reading/reading';
import { Random } from '../../lib/math/random';
import type { MachineModel } from '../../plant/physics/machine';

/**
 * Runs a simulated machine through a program of phases in virtual time and hands its scalar readings over in
 * batches, as twin-ingest would deliver them from the PLC: the scenario tests learn from what the plant emits,
 * never from its constants.
 */
export interface OperatingPhase {
  minutes: number;
  /** Speed setpoint for the phase (rpm); omitted keeps the previous one. */
  rpm?: number;
  /** false stops the machine for the phase. */
  running?: boolean;
  /** Bearing wear added per simulated second (hours of wear per second); 0 holds wear constant. */
  wearHoursPerSecond?: number;
  /** false: a machine that makes parts only turns (a warm-up). */
  cutting?: boolean;
}

export interface OperationOptions {
  startTs: number;
  seed?: number;
  /** Seconds between published samples (the plant publishes every second). */
  publishEveryS?: number;
  /** Integration step, seconds. */
  stepS?: number;
  /** Readings per batch handed to `onBatch`. */
  batchSeconds?: number;
}

export function runProgram(machine: MachineModel, phases: readonly OperatingPhase[], options: OperationOptions, onBatch: (readings: Reading[]) => void): number {
  const random = new Random(options.seed ?? 1);
  const publishEvery = options.publishEveryS ?? 1;
  const step = options.stepS ?? 1;
  const batchSeconds = options.batchSeconds ?? 600;
  const asset: AssetDefinition = machine.asset;
  const units = new Map(asset.sensors.map((s) => [s.id, s.unit]));
  let clockS = 0;
  let batch: Reading[] = [];
  let sinceBatch = 0;
  let sincePublish = 0;
  for (const phase of phases) {
    if (phase.rpm !== undefined) machine.setSpeedSetpoint(phase.rpm);
    machine.setRunning(phase.running ?? true);
    machine.setCutting?.(phase.cutting ?? true);
    const wearPerStep = (phase.wearHoursPerSecond ?? 0) * step;
    for (let t = 0; t < phase.minutes * 60; t += step) {
      machine.step(step, wearPerStep, random);
      clockS += step;
      sincePublish += step;
      sinceBatch += step;
      if (sincePublish >= publishEvery) {
        sincePublish = 0;
        const ts = options.startTs + Math.round(clockS * 1000);
        for (const [sensor, value] of Object.entries(machine.values())) {
          batch.push({ asset: asset.id, sensor, value, unit: units.get(sensor) ?? '', ts, quality: 'good' });
        }
      }
      if (sinceBatch >= batchSeconds) {
        onBatch(batch);
        batch = [];
        sinceBatch = 0;
      }
    }
  }
  if (batch.length > 0) onBatch(batch);
  return options.startTs + Math.round(clockS * 1000);
}
