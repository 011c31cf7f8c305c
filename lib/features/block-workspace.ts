import {
  blockMean, checkBlock, fillAmplitudes, hannWindow, keepRecent, nextPowerOfTwo, noiseBandwidthBins, planFor,
  type BlockTransform, type Spectrum,
} from './spectrum';

/**
 * The transforms of one block, computed into buffers kept for blocks of that length and reused from block to block:
 * a 1-s block of 25.6 kHz would otherwise allocate about 1.5 MB of transform buffers each time. Results stay valid
 * until the next call on the same workspace; callers read what they need and keep none of it.
 *
 * The Hann-windowed transform feeds the spectrum, bands and velocity; the envelope needs the block without a window
 * (its analytic signal would otherwise carry the window's shape). Both come from one complex FFT: the windowed block
 * as its real part, the plain block as its imaginary part, separated afterwards by the transform's symmetry.
 */
export class BlockWorkspace {
  readonly size: number;
  /** Complex FFT input, interleaved; its first `size` values double as the real FFT's input. */
  private readonly input: Float64Array;
  private readonly realInput: Float64Array;
  private readonly output: Float64Array;
  private readonly hannComplex: Float64Array;
  private readonly plainComplex: Float64Array;
  private readonly amplitudes: Float64Array;

  constructor(readonly length: number) {
    this.size = nextPowerOfTwo(length);
    this.input = new Float64Array(2 * this.size);
    this.realInput = this.input.subarray(0, this.size);
    this.output = new Float64Array(2 * this.size);
    // fft.js's real transform writes the whole complex array, though only bins 0..size/2 are read.
    this.hannComplex = new Float64Array(2 * this.size);
    this.plainComplex = new Float64Array(this.size + 2);
    this.amplitudes = new Float64Array(this.size / 2 + 1);
  }

  /** The block's mean removed and a Hann window applied, as `transformBlock(samples, sampleRate, 'hann')`. */
  hann(samples: ArrayLike<number>, sampleRate: number): BlockTransform {
    this.check(samples, sampleRate);
    const { weights } = hannWindow(this.length);
    const input = this.realInput;
    const mean = blockMean(samples);
    for (let i = 0; i < this.length; i++) input[i] = (samples[i] - mean) * weights[i];
    input.fill(0, this.length);
    planFor(this.size).fft.realTransform(this.hannComplex, input);
    return this.transform(this.hannComplex, sampleRate, 'hann');
  }

  /** Both the Hann-windowed and the plain transform (mean removed) of the block, from one FFT. */
  hannAndPlain(samples: ArrayLike<number>, sampleRate: number): { hann: BlockTransform; plain: BlockTransform } {
    this.check(samples, sampleRate);
    const { weights } = hannWindow(this.length);
    const { input, output, hannComplex, plainComplex, size } = this;
    const mean = blockMean(samples);
    for (let i = 0; i < this.length; i++) {
      const centred = samples[i] - mean;
      input[2 * i] = centred * weights[i];
      input[2 * i + 1] = centred;
    }
    input.fill(0, 2 * this.length);
    planFor(size).fft.transform(output, input);
    // Z = H + iP with H, P the transforms of two real blocks: H[k] = (Z[k] + conj Z[-k]) / 2, P[k] = (Z[k] - conj Z[-k]) / 2i.
    const mask = size - 1;
    for (let k = 0; k <= size / 2; k++) {
      const mirrored = (size - k) & mask;
      const re = output[2 * k];
      const im = output[2 * k + 1];
      const mirroredRe = output[2 * mirrored];
      const mirroredIm = output[2 * mirrored + 1];
      hannComplex[2 * k] = 0.5 * (re + mirroredRe);
      hannComplex[2 * k + 1] = 0.5 * (im - mirroredIm);
      plainComplex[2 * k] = 0.5 * (im + mirroredIm);
      plainComplex[2 * k + 1] = 0.5 * (mirroredRe - re);
    }
    return { hann: this.transform(hannComplex, sampleRate, 'hann'), plain: this.transform(plainComplex, sampleRate, 'rectangular') };
  }

  /** The single-sided amplitude spectrum of a transform of this workspace, as `amplitudeSpectrum(transform)`. */
  spectrum(transform: BlockTransform): Spectrum {
    return {
      sampleRate: transform.sampleRate,
      size: this.size,
      resolution: transform.resolution,
      amplitudes: fillAmplitudes(transform, this.amplitudes),
      noiseBandwidthBins: noiseBandwidthBins(transform.window),
    };
  }

  private check(samples: ArrayLike<number>, sampleRate: number): void {
    checkBlock(samples.length, sampleRate);
    if (samples.length !== this.length) throw new Error(`a workspace for blocks of ${this.length} samples got ${samples.length}`);
  }

  private transform(complex: Float64Array, sampleRate: number, window: 'hann' | 'rectangular'): BlockTransform {
    const hann = window === 'hann' ? hannWindow(this.length) : undefined;
    return {
      sampleRate, length: this.length, size: this.size, resolution: sampleRate / this.size, complex,
      windowSum: hann ? hann.sum : this.length, windowPowerSum: hann ? hann.powerSum : this.length, window,
    };
  }
}

const blockWorkspaces = new Map<number, BlockWorkspace>();
const envelopeWorkspaces = new Map<number, BlockWorkspace>();

/** The workspace for sensor blocks of `length` samples. */
export function blockWorkspace(length: number): BlockWorkspace {
  return keepRecent(blockWorkspaces, length, () => new BlockWorkspace(length));
}

/** A separate one for envelopes, so an envelope as long as its block never overwrites the block's transforms. */
export function envelopeWorkspace(length: number): BlockWorkspace {
  return keepRecent(envelopeWorkspaces, length, () => new BlockWorkspace(length));
}
