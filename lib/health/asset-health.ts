import type { AssetDefinition } from '../asset/asset-model';
import { isWaveform, worseQuality, type Reading } from '../reading/reading';
import { isRunning, type RunningRule } from '../features/operating-hours';
import { SensorHealthMonitor, type HealthAssessment, type HealthOptions, type SensorHealthState } from './sensor-health';

export interface SensorCheck {
  sensor: string;
  options: HealthOptions;
}

export interface HealthUpdate {
  /** The batch with each checked reading's quality lowered where its sensor's health says so. */
  readings: Reading[];
  /** Assessments of sensors whose health state or issues changed in this batch. */
  changes: HealthAssessment[];
}

/** Health of every checked sensor of one asset; pairs each sensor with its reference sensor's latest value. */
export class AssetHealth {
  private readonly monitors = new Map<string, SensorHealthMonitor>();
  private readonly latest = new Map<string, { ts: number; value: number }>();
  private readonly signatures = new Map<string, string>();
  /** What the running rule said last; undefined before its first reading or without a rule. */
  private machineRuns: boolean | undefined;
  /** Whether the monitors have been told where this run began (the asset's first readings since construction). */
  private resumed = false;

  /** `runningRule` tells when the machine stands, so that its sensors' silence and held values are not taken for faults. */
  constructor(readonly asset: AssetDefinition, readonly checks: SensorCheck[], readonly pairToleranceMs = 5000, saved?: Record<string, SensorHealthState>, readonly runningRule?: RunningRule) {
    if (runningRule && !asset.sensors.some((s) => s.id === runningRule.sensor && s.kind === 'scalar')) {
      throw new Error(`asset ${asset.id} has no scalar sensor "${runningRule.sensor}" to tell when it runs`);
    }
    for (const check of checks) {
      const sensor = asset.sensors.find((s) => s.id === check.sensor);
      if (!sensor || sensor.kind !== 'scalar') throw new Error(`asset ${asset.id} has no scalar sensor "${check.sensor}" to check`);
      const reference = check.options.reference;
      if (reference.kind === 'sensor' && !asset.sensors.some((s) => s.id === reference.sensor && s.kind === 'scalar')) {
        throw new Error(`reference sensor "${reference.sensor}" of ${check.sensor} is not a scalar sensor of asset ${asset.id}`);
      }
      this.monitors.set(sensor.id, new SensorHealthMonitor(sensor, check.options, saved?.[sensor.id]));
    }
  }

  process(readings: readonly Reading[]): HealthUpdate {
    if (!this.resumed) this.resume(readings);
    const marked: Reading[] = [];
    const touched = new Set<string>();
    for (const reading of readings) {
      if (reading.asset !== this.asset.id || isWaveform(reading)) {
        marked.push(reading);
        continue;
      }
      if (reading.quality !== 'bad') {
        const previous = this.latest.get(reading.sensor);
        const newest = !previous || reading.ts >= previous.ts;
        if (newest) this.latest.set(reading.sensor, { ts: reading.ts, value: reading.value });
        if (newest && !reading.historical && reading.sensor === this.runningRule?.sensor) this.followRunning(isRunning(this.runningRule, reading.value), reading.ts);
      }
      const monitor = this.monitors.get(reading.sensor);
      if (!monitor || reading.historical) {
        marked.push(reading);
        continue;
      }
      const verdict = monitor.observe(reading.ts, reading.value, reading.quality, this.referenceValue(monitor, reading.ts));
      const quality = worseQuality(reading.quality, verdict);
      marked.push(quality === reading.quality ? reading : { ...reading, quality });
      touched.add(reading.sensor);
    }
    const changes: HealthAssessment[] = [];
    for (const sensor of touched) {
      const assessment = this.monitors.get(sensor)?.assess();
      if (assessment && this.changed(assessment)) changes.push(assessment);
    }
    return { readings: marked, changes };
  }

  /**
   * Monitors restored from a saved state (a restart) last heard their sensors before the pause: this run begins at
   * the newest of the asset's first live readings (not the first alone, which may be a value held, with its old source
   * time), and what was not read before it is no dropout (SensorHealthMonitor.resumed).
   */
  private resume(readings: readonly Reading[]): void {
    let newest: number | undefined;
    for (const reading of readings) {
      if (reading.asset !== this.asset.id || isWaveform(reading) || reading.historical) continue;
      newest = Math.max(newest ?? reading.ts, reading.ts);
    }
    if (newest === undefined) return;
    this.resumed = true;
    for (const monitor of this.monitors.values()) monitor.resumed(newest);
  }

  private followRunning(runs: boolean, ts: number): void {
    if (runs === this.machineRuns) return;
    this.machineRuns = runs;
    for (const monitor of this.monitors.values()) {
      if (runs) monitor.machineStarted(ts);
      else monitor.machineStopped(ts);
    }
  }

  private referenceValue(monitor: SensorHealthMonitor, ts: number): number | undefined {
    const reference = monitor.options.reference;
    if (reference.kind !== 'sensor') return undefined;
    const latest = this.latest.get(reference.sensor);
    return latest && Math.abs(latest.ts - ts) <= this.pairToleranceMs ? latest.value : undefined;
  }

  private changed(assessment: HealthAssessment): boolean {
    const signature = `${assessment.state}|${assessment.issues.map((issue) => issue.kind).join(',')}`;
    if (this.signatures.get(assessment.sensor) === signature) return false;
    this.signatures.set(assessment.sensor, signature);
    return true;
  }

  /** Every checked sensor's health at wall-clock or source time `now` (silence shows as a dropout). */
  assessAll(now?: number): HealthAssessment[] {
    return [...this.monitors.values()].map((monitor) => monitor.assess(now));
  }

  /** Forgets what was learned for one sensor (after calibration) or for all; they learn afresh. */
  reset(sensor?: string): string[] {
    const names = sensor ? [sensor] : [...this.monitors.keys()];
    for (const name of names) {
      const monitor = this.monitors.get(name);
      if (!monitor) throw new Error(`sensor "${name}" of ${this.asset.id} is not checked`);
      this.monitors.set(name, monitor.reset());
      this.signatures.delete(name);
    }
    return names;
  }

  toJSON(): Record<string, SensorHealthState> {
    const state: Record<string, SensorHealthState> = {};
    for (const [sensor, monitor] of this.monitors) state[sensor] = monitor.toJSON();
    return state;
  }
}
