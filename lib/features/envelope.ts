import { amplitudeSpectrum, nextPowerOfTwo, planFor, transformBlock, type BlockTransform, type Spectrum } from './spectrum';

/**
 * Envelope (demodulated) spectrum, the standard way to see bearing defects: impacts at a defect frequency ring a
 * structural resonance, so the band around that resonance is isolated, its amplitude envelope taken through the
 * analytic signal, and the envelope's own spectrum shows the impact rate. The band is shifted to baseband before
 * the inverse FFT, which decimates the envelope for free (its content sits far below the carrier). The baseband is
 * twice the band wide, so the envelope spectrum reaches the band's width: a defect line up to that frequency (the
 * outer-race rate of a fast spindle lies above half a 3 kHz band) is seen, not cut off.
 */
export function envelopeSpectrum(transform: BlockTransform, fromHz: number, toHz: number): Spectrum {
  if (transform.window !== 'rectangular') throw new Error('the envelope needs a transform without a window');
  const { complex, resolution, size, length, sampleRate } = transform;
  const nyquist = sampleRate / 2;
  const low = Math.max(1, Math.ceil(fromHz / resolution));
  const high = Math.min(size / 2 - 1, Math.floor(Math.min(toHz, nyquist) / resolution));
  if (high - low < 8) throw new Error(`envelope band ${fromHz}-${toHz} Hz is too narrow for a ${sampleRate} Hz block`);
  const basebandSize = nextPowerOfTwo(2 * (high - low + 1));
  const { fft } = planFor(basebandSize);
  const baseband = new Float64Array(2 * basebandSize);
  baseband.set(complex.subarray(2 * low, 2 * (high + 1)));
  const analytic = new Float64Array(2 * basebandSize);
  fft.inverseTransform(analytic, baseband);
  // inverseTransform divides by its own size; the analytic signal of the full block carries 2/size per bin.
  const gain = (2 * basebandSize) / size;
  const envelopeLength = Math.floor((length * basebandSize) / size);
  const envelope = new Float64Array(envelopeLength);
  for (let m = 0; m < envelopeLength; m++) envelope[m] = gain * Math.hypot(analytic[2 * m], analytic[2 * m + 1]);
  return amplitudeSpectrum(transformBlock(envelope, (sampleRate * basebandSize) / size, 'hann'));
}
