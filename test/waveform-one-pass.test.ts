import assert from 'node:assert/strict';
import type { BearingGeometry } from '../lib/asset/asset-model';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import { blockWorkspace } from '../lib/features/block-workspace';
import { envelopeSpectrum, envelopeSpectrumReusing } from '../lib/features/envelope';
import { transformBlock, type BlockTransform } from '../lib/features/spectrum';
import { DEFAULT_WAVEFORM_OPTIONS, waveformFeatures, type WaveformFeatureOptions, type WaveformFeatures } from '../lib/features/waveform-features';
import { Random } from '../lib/math/random';
import { accelerationBlock } from '../plant/physics/waveform';
import { imsAvailable, imsFiles, IMS_SAMPLE_RATE, readImsChannels } from './support/ims';
import { definedFeatures } from './support/waveform-definitions';

/** Float rounding of transforms over tens of thousands of samples: far below any feature's meaning. */
const RELATIVE = 1e-9;

function sameNumber(actual: number | undefined, expected: number | undefined, scale: number, label: string): void {
  if (expected === undefined || Number.isNaN(expected)) {
    assert.equal(actual, expected, label);
    return;
  }
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= RELATIVE * Math.max(Math.abs(expected), scale),
    `${label}: ${actual} differs from the definition's ${expected}`);
}

/** Every number of the one-pass features against the definition's, each relative to its own size or its family's. */
function assertSameFeatures(actual: WaveformFeatures, expected: WaveformFeatures, label: string): void {
  assert.deepEqual(Object.keys(actual), Object.keys(expected), `${label}: the same features`);
  for (const [name, value] of Object.entries(expected.stats)) sameNumber(actual.stats[name as keyof typeof actual.stats], value, 0, `${label} ${name}`);
  sameNumber(actual.dominant.frequency, expected.dominant.frequency, 0, `${label} dominant frequency`);
  sameNumber(actual.dominant.amplitude, expected.dominant.amplitude, 0, `${label} dominant amplitude`);
  sameNumber(actual.velocityRms, expected.velocityRms, 0, `${label} velocity`);
  assert.equal(actual.isoZone, expected.isoZone, `${label} zone`);
  for (const [band, value] of Object.entries(expected.bands)) sameNumber(actual.bands[band], value, 0, `${label} band ${band}`);
  if (expected.defects) {
    const lines = Object.values(expected.defects).map((line) => line.envelopeAmplitude).filter(Number.isFinite);
    const envelopeScale = Math.max(0, ...lines);
    for (const [defect, line] of Object.entries(expected.defects)) {
      const got = actual.defects?.[defect as keyof typeof expected.defects];
      sameNumber(got?.frequency, line.frequency, 0, `${label} ${defect} frequency`);
      sameNumber(got?.envelopeAmplitude, line.envelopeAmplitude, envelopeScale, `${label} ${defect} envelope`);
    }
  } else {
    assert.equal(actual.defects, undefined, `${label}: no defect lines`);
  }
  if (expected.spectrum) {
    const scale = Math.max(...expected.spectrum.amplitude);
    assert.deepEqual(actual.spectrum?.hz, expected.spectrum.hz, `${label} chart frequencies`);
    expected.spectrum.amplitude.forEach((a, i) => sameNumber(actual.spectrum?.amplitude[i], a, scale, `${label} chart point ${i}`));
  } else {
    assert.equal(actual.spectrum, undefined, `${label}: no chart`);
  }
}

function assertSameTransform(actual: BlockTransform, expected: BlockTransform, label: string): void {
  const { complex, ...facts } = expected;
  const { complex: got, ...gotFacts } = actual;
  assert.deepEqual(gotFacts, facts, label);
  let largest = 0;
  for (let i = 0; i <= expected.size + 1; i++) largest = Math.max(largest, Math.abs(complex[i]));
  for (let i = 0; i <= expected.size + 1; i++) sameNumber(got[i], complex[i], largest, `${label} value ${i} of bins 0..size/2`);
}

const bearing = SPINDLE_ASSET.bearing as BearingGeometry;
const spindle: WaveformFeatureOptions = {
  ...DEFAULT_WAVEFORM_OPTIONS, shaftRpm: 6000, bearing, machineGroup: 2, mounting: 'rigid',
  bands: [{ name: 'shaft', fromHz: 80, toHz: 120 }, { name: 'high', fromHz: 2000, toHz: 6000 }],
};

function simulated(sampleRate: number, length: number, wear: number, seed: number): Float32Array {
  return accelerationBlock({ rpm: 6000, velocityMmS: 2.8, wear }, bearing, sampleRate, length, new Random(seed));
}

describe('waveform features in one pass', function () {
  it('give both transforms of a block from one FFT, equal to the separate transforms', function () {
    for (const [sampleRate, length] of [[25_600, 25_600], [10_000, 5_001], [1_000, 4]] as const) {
      const block = simulated(sampleRate, length, 0.3, length);
      const { hann, plain } = blockWorkspace(length).hannAndPlain(block, sampleRate);
      assertSameTransform(hann, transformBlock(block, sampleRate, 'hann'), `${length} samples, Hann`);
      assertSameTransform(plain, transformBlock(block, sampleRate, 'rectangular'), `${length} samples, plain`);
      assertSameTransform(blockWorkspace(length).hann(block, sampleRate), transformBlock(block, sampleRate, 'hann'), `${length} samples, Hann alone`);
    }
  });

  it('equal the definitions on simulated spindle blocks, new and worn, at two sample rates', function () {
    for (const [sampleRate, wear] of [[25_600, 0], [25_600, 0.6], [12_800, 0.3]] as const) {
      const block = simulated(sampleRate, sampleRate, wear, 7);
      assertSameFeatures(waveformFeatures(block, sampleRate, spindle), definedFeatures(block, sampleRate, spindle), `${sampleRate} Hz, wear ${wear}`);
    }
  });

  it('equal the definitions when blocks of different lengths and options alternate, buffers reused between them', function () {
    const cases: Array<[Float32Array, number, WaveformFeatureOptions]> = [
      [simulated(25_600, 25_600, 0.5, 1), 25_600, spindle],
      [simulated(10_000, 5_001, 0.2, 2), 10_000, { ...spindle, unit: 'm/s²' }],
      [simulated(25_600, 25_600, 0.1, 3), 25_600, { ...spindle, shaftRpm: undefined }],
      [simulated(25_600, 25_600, 0.4, 4), 25_600, { ...spindle, unit: 'mm/s', chartPoints: 0 }],
      // A band as wide as the block: the envelope is as long as the block and must not overwrite its spectrum.
      [simulated(25_600, 25_600, 0.7, 5), 25_600, { ...spindle, envelopeBandHz: [1, 20_000] }],
      [simulated(10_000, 5_001, 0.6, 6), 10_000, spindle],
    ];
    for (let round = 0; round < 2; round++) {
      cases.forEach(([block, sampleRate, options], i) => {
        assertSameFeatures(waveformFeatures(block, sampleRate, options), definedFeatures(block, sampleRate, options), `round ${round}, case ${i}`);
      });
    }
  });

  it('give the envelope spectrum of the definition, in reused buffers', function () {
    const block = simulated(25_600, 25_600, 0.6, 9);
    const plain = transformBlock(block, 25_600, 'rectangular');
    const expected = envelopeSpectrum(plain, 2000, 5000);
    const actual = envelopeSpectrumReusing(plain, 2000, 5000);
    assert.equal(actual.resolution, expected.resolution);
    assert.equal(actual.amplitudes.length, expected.amplitudes.length);
    const largest = Math.max(...expected.amplitudes);
    expected.amplitudes.forEach((a, k) => sameNumber(actual.amplitudes[k], a, largest, `envelope bin ${k}`));
    assert.throws(() => envelopeSpectrumReusing(transformBlock(block, 25_600, 'hann'), 2000, 5000), /without a window/);
    assert.throws(() => envelopeSpectrumReusing(plain, 2000, 2005), /too narrow/);
  });

  it('equal the definitions on every channel of an IMS snapshot', function () {
    if (!imsAvailable()) this.skip();
    const options = { ...DEFAULT_WAVEFORM_OPTIONS, shaftRpm: 2000, bearing: SPINDLE_ASSET.bearing, bands: [{ name: 'low', fromHz: 10, toHz: 500 }] };
    for (const file of [imsFiles()[0], imsFiles()[imsFiles().length - 1]]) {
      readImsChannels(file).forEach((samples, c) => {
        assertSameFeatures(waveformFeatures(samples, IMS_SAMPLE_RATE, options), definedFeatures(samples, IMS_SAMPLE_RATE, options), `${file} ch${c + 1}`);
      });
    }
  });

  it('refuse blocks too short or without a sample rate, as the definitions do', function () {
    assert.throws(() => waveformFeatures([1, 2, 3], 1000, spindle), /at least 4 samples/);
    assert.throws(() => waveformFeatures([1, 2, 3, 4, 5], 0, spindle), /sample rate > 0/);
  });
});
