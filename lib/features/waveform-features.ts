import type { BearingGeometry, MachineGroup, Mounting } from '../asset/asset-model';
import { bearingDefectFrequencies, type BearingDefectFrequencies } from '../asset/bearing-frequencies';
import { blockWorkspace } from './block-workspace';
import { envelopeSpectrumReusing } from './envelope';
import { severityZone, type SeverityZone } from './iso-10816';
import { amplitudeNear, bandRms, chartSpectrum, dominantFrequency } from './spectrum';
import { isAcceleration, velocityRms } from './velocity';
import { waveformStats, type WaveformStats } from './waveform-stats';

export interface FrequencyBand {
  name: string;
  fromHz: number;
  toHz: number;
}

export interface WaveformFeatureOptions {
  /** Unit of the samples; velocity needs acceleration (g, m/s², mm/s²). */
  unit: string;
  velocityBandHz: [number, number];
  /** Band around the structural resonance the defect impacts excite. */
  envelopeBandHz: [number, number];
  bands: FrequencyBand[];
  /** Shaft speed at the time of the block; needed for bearing defect frequencies. */
  shaftRpm?: number;
  bearing?: BearingGeometry;
  machineGroup?: MachineGroup;
  mounting?: Mounting;
  /** Points of the chart spectrum (0 leaves it out) and its upper frequency. */
  chartPoints: number;
  chartMaxHz: number;
}

export const DEFAULT_WAVEFORM_OPTIONS: WaveformFeatureOptions = {
  unit: 'g',
  velocityBandHz: [10, 1000],
  envelopeBandHz: [2000, 5000],
  bands: [],
  chartPoints: 256,
  chartMaxHz: 2000,
};

export interface DefectLine {
  frequency: number;
  /** Envelope-spectrum amplitude at the defect frequency (signal unit). */
  envelopeAmplitude: number;
}

export interface WaveformFeatures {
  stats: WaveformStats;
  velocityRms?: number;
  isoZone?: SeverityZone;
  dominant: { frequency: number; amplitude: number };
  bands: Record<string, number>;
  defects?: Record<keyof BearingDefectFrequencies, DefectLine>;
  spectrum?: { hz: number[]; amplitude: number[] };
}

/**
 * Every waveform feature of one block, in one pass: one FFT gives both transforms the features need (see
 * BlockWorkspace), in buffers reused from block to block, and the samples are read where they lie. The results
 * equal the definitions (transformBlock, amplitudeSpectrum, velocityRms, bandRms, envelopeSpectrum) to float rounding.
 */
export function waveformFeatures(samples: ArrayLike<number>, sampleRate: number, options: WaveformFeatureOptions): WaveformFeatures {
  const stats = waveformStats(samples);
  const { bearing, shaftRpm } = options;
  const withEnvelope = bearing !== undefined && shaftRpm !== undefined && shaftRpm > 0;
  const workspace = blockWorkspace(samples.length);
  const { hann, plain } = withEnvelope ? workspace.hannAndPlain(samples, sampleRate) : { hann: workspace.hann(samples, sampleRate), plain: undefined };
  const windowed = workspace.spectrum(hann);
  const features: WaveformFeatures = { stats, dominant: dominantFrequency(windowed, options.velocityBandHz[0]), bands: {} };
  if (isAcceleration(options.unit)) {
    features.velocityRms = velocityRms(hann, options.unit, options.velocityBandHz[0], options.velocityBandHz[1]);
    if (options.machineGroup && options.mounting) {
      features.isoZone = severityZone(features.velocityRms, options.machineGroup, options.mounting);
    }
  }
  for (const band of options.bands) features.bands[band.name] = bandRms(windowed, band.fromHz, band.toHz);
  if (withEnvelope && plain) {
    const envelope = envelopeSpectrumReusing(plain, options.envelopeBandHz[0], Math.min(options.envelopeBandHz[1], 0.45 * sampleRate));
    const frequencies = bearingDefectFrequencies(bearing, shaftRpm);
    const line = (frequency: number): DefectLine => ({ frequency, envelopeAmplitude: amplitudeNear(envelope, frequency) });
    features.defects = { bpfo: line(frequencies.bpfo), bpfi: line(frequencies.bpfi), bsf: line(frequencies.bsf), ftf: line(frequencies.ftf) };
  }
  if (options.chartPoints > 0) features.spectrum = chartSpectrum(windowed, options.chartMaxHz, options.chartPoints);
  return features;
}

export interface NamedFeature {
  name: string;
  value: number;
  unit: string;
}

/** The block's features as named scalars (`<sensor>.<feature>`), the form feature vectors and models use. */
export function namedWaveformFeatures(sensor: string, unit: string, features: WaveformFeatures): NamedFeature[] {
  const s = features.stats;
  const named: NamedFeature[] = [
    { name: `${sensor}.rms`, value: s.rms, unit },
    { name: `${sensor}.acRms`, value: s.acRms, unit },
    { name: `${sensor}.peak`, value: s.peak, unit },
    { name: `${sensor}.peakToPeak`, value: s.peakToPeak, unit },
    { name: `${sensor}.crestFactor`, value: s.crestFactor, unit: '1' },
    { name: `${sensor}.kurtosis`, value: s.kurtosis, unit: '1' },
    { name: `${sensor}.skewness`, value: s.skewness, unit: '1' },
    { name: `${sensor}.shapeFactor`, value: s.shapeFactor, unit: '1' },
    { name: `${sensor}.impulseFactor`, value: s.impulseFactor, unit: '1' },
    { name: `${sensor}.dominantHz`, value: features.dominant.frequency, unit: 'Hz' },
  ];
  if (features.velocityRms !== undefined) named.push({ name: `${sensor}.velocityRms`, value: features.velocityRms, unit: 'mm/s' });
  for (const [band, value] of Object.entries(features.bands)) named.push({ name: `${sensor}.band.${band}`, value, unit });
  if (features.defects) {
    for (const [defect, line] of Object.entries(features.defects)) {
      named.push({ name: `${sensor}.${defect}Hz`, value: line.frequency, unit: 'Hz' });
      named.push({ name: `${sensor}.${defect}Envelope`, value: line.envelopeAmplitude, unit });
    }
  }
  return named;
}
