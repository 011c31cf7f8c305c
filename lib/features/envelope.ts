import { envelopeWorkspace } from './block-workspace';
import { amplitudeSpectrum, keepRecent, nextPowerOfTwo, planFor, transformBlock, type BlockTransform, type Spectrum } from './spectrum';

/**
 * Envelope (demodulated) spectrum, the standard way to see bearing defects: impacts at a defect frequency ring a
 * structural resonance, so the band around that resonance is isolated, its amplitude envelope taken through the
 * analytic signal, and the envelope's own spectrum shows the impact rate. The band is shifted to baseband before
 * the inverse FFT, which decimates the envelope for free (its content sits far below the carrier). The baseband is
 * twice the band wide, so the envelope spectrum reaches the band's width: a defect line up to that frequency (the
 * outer-race rate of a fast spindle lies above half a 3 kHz band) is seen, not cut off.
 */
export function envelopeSpectrum(transform: BlockTransform, fromHz: number, toHz: number): Spectrum {
  const band = envelopeBand(transform, fromHz, toHz);
  const baseband = new Float64Array(2 * band.basebandSize);
  const analytic = new Float64Array(2 * band.basebandSize);
  const envelope = new Float64Array(band.envelopeLength);
  demodulate(transform, band, baseband, analytic, envelope);
  return amplitudeSpectrum(transformBlock(envelope, band.envelopeRate, 'hann'));
}

/**
 * The same spectrum computed in buffers kept per band size and reused: valid until the next call for a band of the
 * same size. waveformFeatures uses it; `envelopeSpectrum` is its definition.
 */
export function envelopeSpectrumReusing(transform: BlockTransform, fromHz: number, toHz: number): Spectrum {
  const band = envelopeBand(transform, fromHz, toHz);
  const scratch = keepRecent(demodulationBuffers, band.basebandSize, () => ({
    baseband: new Float64Array(2 * band.basebandSize),
    analytic: new Float64Array(2 * band.basebandSize),
    envelope: new Float64Array(band.basebandSize),
  }));
  const envelope = scratch.envelope.subarray(0, band.envelopeLength);
  demodulate(transform, band, scratch.baseband, scratch.analytic, envelope);
  const workspace = envelopeWorkspace(band.envelopeLength);
  return workspace.spectrum(workspace.hann(envelope, band.envelopeRate));
}

interface EnvelopeBand {
  /** First and last bin of the band in the block's transform. */
  low: number;
  high: number;
  basebandSize: number;
  envelopeLength: number;
  envelopeRate: number;
}

const demodulationBuffers = new Map<number, { baseband: Float64Array; analytic: Float64Array; envelope: Float64Array }>();

function envelopeBand(transform: BlockTransform, fromHz: number, toHz: number): EnvelopeBand {
  if (transform.window !== 'rectangular') throw new Error('the envelope needs a transform without a window');
  const { resolution, size, length, sampleRate } = transform;
  const nyquist = sampleRate / 2;
  const low = Math.max(1, Math.ceil(fromHz / resolution));
  const high = Math.min(size / 2 - 1, Math.floor(Math.min(toHz, nyquist) / resolution));
  if (high - low < 8) throw new Error(`envelope band ${fromHz}-${toHz} Hz is too narrow for a ${sampleRate} Hz block`);
  const basebandSize = nextPowerOfTwo(2 * (high - low + 1));
  return { low, high, basebandSize, envelopeLength: Math.floor((length * basebandSize) / size), envelopeRate: (sampleRate * basebandSize) / size };
}

/** The band's bins moved to baseband, the inverse FFT's analytic signal, its magnitude written to `envelope`. */
function demodulate(transform: BlockTransform, band: EnvelopeBand, baseband: Float64Array, analytic: Float64Array, envelope: Float64Array): void {
  const { low, high, basebandSize } = band;
  baseband.set(transform.complex.subarray(2 * low, 2 * (high + 1)));
  baseband.fill(0, 2 * (high - low + 1));
  planFor(basebandSize).fft.inverseTransform(analytic, baseband);
  // inverseTransform divides by its own size; the analytic signal of the full block carries 2/size per bin.
  const gain = (2 * basebandSize) / transform.size;
  for (let m = 0; m < envelope.length; m++) {
    const re = analytic[2 * m];
    const im = analytic[2 * m + 1];
    envelope[m] = gain * Math.sqrt(re * re + im * im);
  }
}
