import type { AssetDefinition, SensorDefinition } from '../asset/asset-model';
import { isWaveform, worseQuality, type Quality, type Reading, type WaveformReading } from '../reading/reading';
import { computesIn, MachineStateTracker, type MachineStateFact, type MachineStateTrackerState } from '../machine-state/machine-state';
import type { FeatureVector } from './feature-vector';
import { isRunning, OperatingHours, type OperatingHoursState, type RunningRule } from './operating-hours';
import { DEFAULT_WAVEFORM_OPTIONS, namedWaveformFeatures, waveformFeatures, type FrequencyBand, type WaveformFeatures } from './waveform-features';
import { parseDuration, WindowStats, type WindowStatsState, type WindowSummary } from './window-stats';

export type ScalarStatistic = 'mean' | 'min' | 'max' | 'std' | 'variance' | 'peak' | 'slope' | 'count';

export const SCALAR_STATISTICS: readonly ScalarStatistic[] = ['mean', 'min', 'max', 'std', 'variance', 'peak', 'slope', 'count'];

export interface FeatureEngineOptions {
  /** Window names as durations (`1h`, `24h`, `7d`). */
  windows: string[];
  /** Buckets per window: its time resolution and memory (168 buckets of a 7-day window are hours). */
  bucketsPerWindow: number;
  /** Scalar sensors to summarise; empty means every scalar sensor of the asset. */
  scalarSensors: string[];
  statistics: ScalarStatistic[];
  /** Waveform sensors to analyse; empty means every waveform sensor of the asset. */
  waveformSensors: string[];
  bands: FrequencyBand[];
  envelopeBandHz: [number, number];
  velocityBandHz: [number, number];
  /** Sensor carrying shaft speed in rpm, for bearing defect frequencies. */
  speedSensor?: string;
  running?: RunningRule;
  /** State code of the running sensor that means the machine is down on a failure (lib/machine-state). */
  downValue?: number;
  /** After a start, how long readings are left out while the machine runs up, ms. */
  warmUpMs: number;
  /** Gap in the running signal beyond which time is not counted as operating. */
  maxGapMs: number;
  /** Readings of this quality or worse are left out of every feature. */
  excludeQuality: Quality;
  spectrumPoints: number;
  spectrumMaxHz: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureEngineOptions = {
  windows: ['1h', '24h', '7d'],
  bucketsPerWindow: 168,
  scalarSensors: [],
  statistics: ['mean', 'max', 'std', 'slope'],
  waveformSensors: [],
  bands: [],
  envelopeBandHz: DEFAULT_WAVEFORM_OPTIONS.envelopeBandHz,
  velocityBandHz: DEFAULT_WAVEFORM_OPTIONS.velocityBandHz,
  maxGapMs: 10 * 60_000,
  warmUpMs: 0,
  excludeQuality: 'bad',
  spectrumPoints: 256,
  spectrumMaxHz: 2000,
};

export interface FeatureEngineState {
  windows: Record<string, WindowStatsState>;
  operatingHours?: OperatingHoursState;
  machineState?: MachineStateTrackerState;
}

interface LatestWaveform {
  reading: WaveformReading;
  features: WaveformFeatures;
}

export interface AddResult {
  used: number;
  /** Readings of followed sensors left out for their quality. */
  excluded: number;
  /** Readings left out because the machine was not running (stopped, down, warming up): lib/machine-state. */
  standstill: number;
  /** The machine's state changes the batch brought, oldest first. */
  stateChanges: MachineStateFact[];
}

/** Turns one asset's readings into feature vectors; holds only bounded state and can be saved and restored. */
export class FeatureEngine {
  private readonly windowMs = new Map<string, number>();
  private readonly stats = new Map<string, WindowStats>();
  private readonly scalarSensors: Map<string, SensorDefinition>;
  private readonly waveformSensors: Map<string, SensorDefinition>;
  private readonly latestValue = new Map<string, { ts: number; value: number }>();
  private readonly latestWaveform = new Map<string, LatestWaveform>();
  private readonly quality = new Map<string, Quality>();
  private readonly operatingHours?: OperatingHours;
  private readonly machineState?: MachineStateTracker;
  private newestTs = -Infinity;
  /** Newest reading a feature was computed from (state samples only count operating hours). */
  private newestUsedTs = -Infinity;

  constructor(readonly asset: AssetDefinition, readonly options: FeatureEngineOptions, saved?: FeatureEngineState) {
    for (const name of options.windows) this.windowMs.set(name, parseDuration(name));
    this.scalarSensors = pickSensors(asset, 'scalar', options.scalarSensors);
    this.waveformSensors = pickSensors(asset, 'waveform', options.waveformSensors);
    for (const sensor of this.scalarSensors.keys()) {
      for (const [name, ms] of this.windowMs) {
        const key = `${sensor}/${name}`;
        const state = saved?.windows[key];
        this.stats.set(key, state && state.windowMs === ms ? WindowStats.fromJSON(state) : new WindowStats(ms, options.bucketsPerWindow));
      }
    }
    if (options.running) {
      if (!asset.sensors.some((s) => s.id === options.running?.sensor)) {
        throw new Error(`running-state sensor "${options.running.sensor}" is not a sensor of asset ${asset.id}`);
      }
      this.operatingHours = new OperatingHours(options.maxGapMs, saved?.operatingHours);
      this.machineState = new MachineStateTracker({ ...options.running, downValue: options.downValue, warmUpMs: options.warmUpMs }, saved?.machineState);
    }
  }

  add(readings: readonly Reading[]): AddResult {
    const result: AddResult = { used: 0, excluded: 0, standstill: 0, stateChanges: [] };
    for (const reading of readings) {
      if (reading.asset !== this.asset.id) continue;
      const isStateSample = reading.sensor === this.options.running?.sensor;
      if (this.operatingHours && !isStateSample && reading.quality !== 'bad') this.operatingHours.update(reading.ts);
      if (this.machineState && reading.quality !== 'bad') {
        const change = isStateSample && !isWaveform(reading) ? this.machineState.observe(reading.ts, reading.value) : this.machineState.advance(reading.ts);
        if (change) result.stateChanges.push(change);
      }
      const followed = isWaveform(reading) ? this.waveformSensors.has(reading.sensor) : this.scalarSensors.has(reading.sensor);
      if (followed && this.machineState && !computesIn(this.machineState.fact.state)) {
        result.standstill++;
        continue;
      }
      if (followed && this.excluded(reading.quality)) result.excluded++;
      if (isWaveform(reading) ? this.addWaveform(reading) : this.addScalar(reading.sensor, reading.ts, reading.value, reading.quality)) result.used++;
    }
    return result;
  }

  private excluded(quality: Quality): boolean {
    return worseQuality(quality, this.options.excludeQuality) === quality;
  }

  private addScalar(sensor: string, ts: number, value: number, quality: Quality): boolean {
    const countsHours = this.operatingHours !== undefined && sensor === this.options.running?.sensor && quality !== 'bad';
    if (countsHours && this.options.running) {
      this.operatingHours?.update(ts, isRunning(this.options.running, value));
      if (ts > this.newestTs) this.newestTs = ts;
    }
    if (!this.scalarSensors.has(sensor)) return countsHours;
    this.quality.set(sensor, quality);
    if (this.excluded(quality)) return false;
    for (const name of this.windowMs.keys()) this.stats.get(`${sensor}/${name}`)?.add(ts, value);
    const latest = this.latestValue.get(sensor);
    if (!latest || ts >= latest.ts) this.latestValue.set(sensor, { ts, value });
    if (ts > this.newestTs) this.newestTs = ts;
    if (ts > this.newestUsedTs) this.newestUsedTs = ts;
    return true;
  }

  private addWaveform(reading: WaveformReading): boolean {
    if (!this.waveformSensors.has(reading.sensor)) return false;
    this.quality.set(reading.sensor, reading.quality);
    if (this.excluded(reading.quality)) return false;
    const latest = this.latestWaveform.get(reading.sensor);
    if (latest && latest.reading.ts > reading.ts) return false;
    const shaftRpm = this.options.speedSensor ? this.latestValue.get(this.options.speedSensor)?.value : undefined;
    const features = waveformFeatures(reading.samples, reading.sampleRate, {
      unit: reading.unit,
      velocityBandHz: this.options.velocityBandHz,
      envelopeBandHz: this.options.envelopeBandHz,
      bands: this.options.bands,
      shaftRpm,
      bearing: this.asset.bearing,
      machineGroup: this.asset.ratings.machineGroup,
      mounting: this.asset.ratings.mounting,
      chartPoints: this.options.spectrumPoints,
      chartMaxHz: this.options.spectrumMaxHz,
    });
    this.latestWaveform.set(reading.sensor, { reading, features });
    if (reading.ts > this.newestTs) this.newestTs = reading.ts;
    if (reading.ts > this.newestUsedTs) this.newestUsedTs = reading.ts;
    return true;
  }

  /** The feature vector over everything received so far; undefined until a reading has been used. */
  vector(): FeatureVector | undefined {
    if (this.newestTs === -Infinity) return undefined;
    const vector: FeatureVector = { asset: this.asset.id, ts: this.newestTs, features: {}, units: {}, windows: {}, quality: Object.fromEntries(this.quality) };
    // A feature that cannot be computed yet (a slope over too short a span) is left out rather than sent as NaN.
    const put = (name: string, value: number, unit: string): void => {
      if (!Number.isFinite(value)) return;
      vector.features[name] = value;
      vector.units[name] = unit;
    };
    for (const [sensor, definition] of this.scalarSensors) {
      const latest = this.latestValue.get(sensor);
      if (latest) put(`${sensor}.last`, latest.value, definition.unit);
      for (const name of this.windowMs.keys()) {
        const summary = this.stats.get(`${sensor}/${name}`)?.summary();
        if (!summary) continue;
        const span = vector.windows[name];
        vector.windows[name] = span ? { from: Math.min(span.from, summary.from), to: Math.max(span.to, summary.to) } : { from: summary.from, to: summary.to };
        for (const statistic of this.options.statistics) {
          put(`${sensor}.${statistic}.${name}`, statisticOf(summary, statistic), statisticUnit(statistic, definition.unit));
        }
      }
    }
    for (const [sensor, { reading, features }] of this.latestWaveform) {
      for (const feature of namedWaveformFeatures(sensor, reading.unit, features)) put(feature.name, feature.value, feature.unit);
      if (features.isoZone) (vector.isoZones ??= {})[sensor] = features.isoZone;
      if (features.spectrum) (vector.spectra ??= {})[sensor] = { ...features.spectrum, unit: reading.unit };
    }
    if (this.operatingHours) put('operatingHours', this.operatingHours.hours, 'h');
    if (this.machineState) vector.machineState = this.machineState.fact;
    return vector;
  }

  toJSON(): FeatureEngineState {
    const windows: Record<string, WindowStatsState> = {};
    for (const [key, stats] of this.stats) windows[key] = stats.toJSON();
    return { windows, operatingHours: this.operatingHours?.toJSON(), machineState: this.machineState?.toJSON() };
  }

  /** The machine's state by the machine-state rule; undefined without a running sensor. */
  get state(): MachineStateFact | undefined {
    return this.machineState?.fact;
  }

  /** Time of the newest reading used (what the features were computed from), undefined before the first. */
  get validUntil(): number | undefined {
    return this.newestUsedTs === -Infinity ? undefined : this.newestUsedTs;
  }

  /** Bytes of window statistics held, independent of the reading rate. */
  get memoryBytes(): number {
    let bytes = 0;
    for (const stats of this.stats.values()) bytes += stats.memoryBytes;
    return bytes;
  }
}

function pickSensors(asset: AssetDefinition, kind: 'scalar' | 'waveform', wanted: string[]): Map<string, SensorDefinition> {
  const ofKind = asset.sensors.filter((s) => s.kind === kind);
  if (wanted.length === 0) return new Map(ofKind.map((s) => [s.id, s]));
  const picked = new Map<string, SensorDefinition>();
  for (const id of wanted) {
    const sensor = ofKind.find((s) => s.id === id);
    if (!sensor) throw new Error(`asset ${asset.id} has no ${kind} sensor "${id}"`);
    picked.set(id, sensor);
  }
  return picked;
}

function statisticOf(summary: WindowSummary, statistic: ScalarStatistic): number {
  switch (statistic) {
    case 'slope': return summary.slopePerDay;
    default: return summary[statistic];
  }
}

function statisticUnit(statistic: ScalarStatistic, unit: string): string {
  switch (statistic) {
    case 'slope': return `${unit}/d`;
    case 'variance': return `(${unit})²`;
    case 'count': return '1';
    default: return unit;
  }
}
