import FFT from 'fft.js';

export type WindowName = 'hann' | 'rectangular';

/** A real block's discrete Fourier transform: interleaved re/im for bins 0..size/2 (the rest mirrors them). */
export interface BlockTransform {
  sampleRate: number;
  /** Samples in the block (before zero padding). */
  length: number;
  /** FFT size: the block zero-padded to a power of two. */
  size: number;
  /** Hz per bin. */
  resolution: number;
  complex: Float64Array;
  /** Sum of the window's weights, to turn bin magnitudes into amplitudes. */
  windowSum: number;
  /** Sum of the squared weights, to turn bin powers into the signal's power. */
  windowPowerSum: number;
  window: WindowName;
}

export interface Spectrum {
  sampleRate: number;
  size: number;
  /** Hz per bin. */
  resolution: number;
  /** Amplitude per bin 0..size/2, in the signal's unit: a sine of amplitude A shows as A at its frequency. */
  amplitudes: Float64Array;
  /** Equivalent noise bandwidth of the window in bins (1.5 for Hann), so summed bin powers give true band power. */
  noiseBandwidthBins: number;
}

interface Plan {
  fft: FFT;
  input: Float64Array;
}

const plans = new Map<number, Plan>();

/** fft.js precomputes twiddle tables per size; a sensor's blocks keep one size, so a plan per size is reused. */
export function planFor(size: number): Plan {
  let plan = plans.get(size);
  if (!plan) {
    plan = { fft: new FFT(size), input: new Float64Array(size) };
    plans.set(size, plan);
  }
  return plan;
}

/** A Hann window's weights over a block and the two sums that undo its gain. */
export interface HannWindow {
  weights: Float64Array;
  sum: number;
  powerSum: number;
}

/** Block lengths whose windows are kept: a sensor keeps its length, so a few cover every sensor of a twin. */
const KEPT_LENGTHS = 16;
const hannWindows = new Map<number, HannWindow>();

/** Keeps at most KEPT_LENGTHS entries, dropping the one used least recently. */
export function keepRecent<T>(cache: Map<number, T>, key: number, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= KEPT_LENGTHS) cache.delete(cache.keys().next().value as number);
  } else {
    cache.delete(key);
  }
  cache.set(key, value);
  return value;
}

/** The symmetric Hann window of `length` samples (zero at both ends), computed once per length. */
export function hannWindow(length: number): HannWindow {
  return keepRecent(hannWindows, length, () => {
    const weights = new Float64Array(length);
    let sum = 0;
    let powerSum = 0;
    const step = (2 * Math.PI) / (length - 1);
    for (let i = 0; i < length; i++) {
      const w = 0.5 - 0.5 * Math.cos(step * i);
      weights[i] = w;
      sum += w;
      powerSum += w * w;
    }
    return { weights, sum, powerSum };
  });
}

export function nextPowerOfTwo(n: number): number {
  let size = 4;
  while (size < n) size *= 2;
  return size;
}

export function blockMean(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i];
  return sum / samples.length;
}

export function checkBlock(length: number, sampleRate: number): void {
  if (length < 4) throw new Error('a spectrum needs at least 4 samples');
  if (!(sampleRate > 0)) throw new Error('a spectrum needs a sample rate > 0');
}

/** Forward FFT of a real block with its mean removed (DC would leak into the lowest bins), zero-padded. */
export function transformBlock(samples: ArrayLike<number>, sampleRate: number, window: WindowName): BlockTransform {
  const length = samples.length;
  checkBlock(length, sampleRate);
  const size = nextPowerOfTwo(length);
  const { fft, input } = planFor(size);
  const mean = blockMean(samples);
  let windowSum = length;
  let windowPowerSum = length;
  if (window === 'hann') {
    const hann = hannWindow(length);
    windowSum = hann.sum;
    windowPowerSum = hann.powerSum;
    for (let i = 0; i < length; i++) input[i] = (samples[i] - mean) * hann.weights[i];
  } else {
    for (let i = 0; i < length; i++) input[i] = samples[i] - mean;
  }
  input.fill(0, length);
  const complex = new Float64Array(2 * size);
  fft.realTransform(complex, input);
  return { sampleRate, length, size, resolution: sampleRate / size, complex, windowSum, windowPowerSum, window };
}

/** Single-sided amplitude spectrum, corrected for the window's gain. */
export function amplitudeSpectrum(transform: BlockTransform): Spectrum {
  return {
    sampleRate: transform.sampleRate,
    size: transform.size,
    resolution: transform.resolution,
    amplitudes: fillAmplitudes(transform, new Float64Array(transform.size / 2 + 1)),
    noiseBandwidthBins: noiseBandwidthBins(transform.window),
  };
}

/** Amplitudes of bins 0..size/2 written into `into` (at least size/2 + 1 long), which is returned. */
export function fillAmplitudes(transform: BlockTransform, into: Float64Array): Float64Array {
  const { complex, size, windowSum } = transform;
  const half = size / 2;
  const edge = 1 / windowSum;
  const inner = 2 / windowSum;
  for (let k = 0; k <= half; k++) {
    const re = complex[2 * k];
    const im = complex[2 * k + 1];
    into[k] = (k === 0 || k === half ? edge : inner) * Math.sqrt(re * re + im * im);
  }
  return into;
}

export function noiseBandwidthBins(window: WindowName): number {
  return window === 'hann' ? 1.5 : 1;
}

export function spectrumOf(samples: ArrayLike<number>, sampleRate: number, window: WindowName = 'hann'): Spectrum {
  return amplitudeSpectrum(transformBlock(samples, sampleRate, window));
}

/** RMS of the content between two frequencies: bin powers summed, divided by the window's noise bandwidth. */
export function bandRms(spectrum: Spectrum, fromHz: number, toHz: number): number {
  const first = Math.max(1, Math.ceil(fromHz / spectrum.resolution));
  const last = Math.min(spectrum.amplitudes.length - 1, Math.floor(toHz / spectrum.resolution));
  let power = 0;
  for (let k = first; k <= last; k++) power += (spectrum.amplitudes[k] * spectrum.amplitudes[k]) / 2;
  return Math.sqrt(power / spectrum.noiseBandwidthBins);
}

/** Frequency of the largest amplitude at or above `minHz`, refined by parabolic interpolation between bins. */
export function dominantFrequency(spectrum: Spectrum, minHz = 0): { frequency: number; amplitude: number } {
  const a = spectrum.amplitudes;
  let best = Math.max(1, Math.ceil(minHz / spectrum.resolution));
  for (let k = best + 1; k < a.length; k++) if (a[k] > a[best]) best = k;
  let offset = 0;
  if (best > 0 && best < a.length - 1) {
    const curvature = a[best - 1] - 2 * a[best] + a[best + 1];
    if (curvature !== 0) offset = (0.5 * (a[best - 1] - a[best + 1])) / curvature;
  }
  return { frequency: (best + offset) * spectrum.resolution, amplitude: a[best] };
}

/** Largest amplitude within ±`toleranceBins` of a frequency: defect frequencies move with speed and slip. */
export function amplitudeNear(spectrum: Spectrum, frequency: number, toleranceBins = 2): number {
  const centre = Math.round(frequency / spectrum.resolution);
  // Beyond the spectrum's reach nothing was measured: NaN, and the feature is left out, rather than a zero.
  if (centre + toleranceBins >= spectrum.amplitudes.length) return NaN;
  let best = 0;
  const last = Math.min(spectrum.amplitudes.length - 1, centre + toleranceBins);
  for (let k = Math.max(1, centre - toleranceBins); k <= last; k++) best = Math.max(best, spectrum.amplitudes[k]);
  return best;
}

/**
 * A spectrum reduced to at most `points` bins up to `maxHz` for a chart, each point the maximum of the bins it
 * covers so that narrow peaks survive the reduction.
 */
export function chartSpectrum(spectrum: Spectrum, maxHz: number, points: number): { hz: number[]; amplitude: number[] } {
  const lastBin = Math.min(spectrum.amplitudes.length - 1, Math.floor(maxHz / spectrum.resolution));
  const perPoint = Math.max(1, Math.ceil(lastBin / points));
  const hz: number[] = [];
  const amplitude: number[] = [];
  for (let start = 1; start <= lastBin; start += perPoint) {
    let peak = 0;
    let peakBin = start;
    for (let k = start; k < Math.min(start + perPoint, lastBin + 1); k++) {
      if (spectrum.amplitudes[k] > peak) { peak = spectrum.amplitudes[k]; peakBin = k; }
    }
    hz.push(peakBin * spectrum.resolution);
    amplitude.push(peak);
  }
  return { hz, amplitude };
}
