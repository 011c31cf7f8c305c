import { bearingDefectFrequencies } from '../../lib/asset/bearing-frequencies';
import { envelopeSpectrum } from '../../lib/features/envelope';
import { severityZone } from '../../lib/features/iso-10816';
import { amplitudeNear, amplitudeSpectrum, bandRms, chartSpectrum, dominantFrequency, transformBlock } from '../../lib/features/spectrum';
import { isAcceleration, velocityRms } from '../../lib/features/velocity';
import type { DefectLine, WaveformFeatureOptions, WaveformFeatures } from '../../lib/features/waveform-features';
import { waveformStats } from '../../lib/features/waveform-stats';

/**
 * The waveform features as they were defined before the one-pass computation: each transform computed on its own
 * from the samples (a Hann-windowed one and a plain one for the envelope), every spectrum in new arrays.
 */
export function definedFeatures(samples: ArrayLike<number>, sampleRate: number, options: WaveformFeatureOptions): WaveformFeatures {
  const stats = waveformStats(samples);
  const hann = transformBlock(samples, sampleRate, 'hann');
  const windowed = amplitudeSpectrum(hann);
  const features: WaveformFeatures = { stats, dominant: dominantFrequency(windowed, options.velocityBandHz[0]), bands: {} };
  if (isAcceleration(options.unit)) {
    features.velocityRms = velocityRms(hann, options.unit, options.velocityBandHz[0], options.velocityBandHz[1]);
    if (options.machineGroup && options.mounting) features.isoZone = severityZone(features.velocityRms, options.machineGroup, options.mounting);
  }
  for (const band of options.bands) features.bands[band.name] = bandRms(windowed, band.fromHz, band.toHz);
  if (options.bearing && options.shaftRpm && options.shaftRpm > 0) {
    const envelope = envelopeSpectrum(transformBlock(samples, sampleRate, 'rectangular'), options.envelopeBandHz[0], Math.min(options.envelopeBandHz[1], 0.45 * sampleRate));
    const frequencies = bearingDefectFrequencies(options.bearing, options.shaftRpm);
    const line = (frequency: number): DefectLine => ({ frequency, envelopeAmplitude: amplitudeNear(envelope, frequency) });
    features.defects = { bpfo: line(frequencies.bpfo), bpfi: line(frequencies.bpfi), bsf: line(frequencies.bsf), ftf: line(frequencies.ftf) };
  }
  if (options.chartPoints > 0) features.spectrum = chartSpectrum(windowed, options.chartMaxHz, options.chartPoints);
  return features;
}
