import assert from 'node:assert/strict';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import { bearingDefectFrequencies } from '../lib/asset/bearing-frequencies';
import type { BearingGeometry } from '../lib/asset/asset-model';
import { envelopeSpectrum } from '../lib/features/envelope';
import { FeatureEngine, DEFAULT_FEATURE_OPTIONS } from '../lib/features/feature-engine';
import { severityZone } from '../lib/features/iso-10816';
import { slopeUnitForWindow, slopeUnitOfFeature } from '../lib/features/slope-unit';
import { OperatingHours } from '../lib/features/operating-hours';
import { amplitudeNear, bandRms, dominantFrequency, spectrumOf, transformBlock } from '../lib/features/spectrum';
import { velocityRms } from '../lib/features/velocity';
import { waveformFeatures, DEFAULT_WAVEFORM_OPTIONS } from '../lib/features/waveform-features';
import { waveformStats } from '../lib/features/waveform-stats';
import { parseDuration, WindowStats } from '../lib/features/window-stats';
import type { Reading } from '../lib/reading/reading';
import { Random } from '../lib/math/random';
import { accelerationBlock } from '../plant/physics/waveform';
import { imsAvailable, imsFiles, IMS_SAMPLE_RATE, readGolden, readImsChannels } from './support/ims';

const INCH_MM = 25.4;
/** Rexnord ZA-2115 of the IMS rig. */
const ZA_2115: BearingGeometry = { rollingElements: 16, rollerDiameterMm: 0.331 * INCH_MM, pitchDiameterMm: 2.815 * INCH_MM, contactAngleDeg: 15.17 };

function sine(amplitude: number, hz: number, sampleRate: number, length: number, offset = 0): Float64Array {
  const block = new Float64Array(length);
  for (let i = 0; i < length; i++) block[i] = offset + amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate);
  return block;
}

function closeTo(actual: number, expected: number, tolerance: number, label: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: ${actual} is not within ${tolerance} of ${expected}`);
}

/** A textbook two-pass reference, written independently of the library's single function. */
function referenceStats(x: ArrayLike<number>): { mean: number; rms: number; std: number; peak: number; kurtosis: number; crest: number } {
  const values = Array.from(x);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const rms = Math.sqrt(values.reduce((a, b) => a + b * b, 0) / values.length);
  const central = values.map((v) => v - mean);
  const m2 = central.reduce((a, d) => a + d ** 2, 0) / values.length;
  const m4 = central.reduce((a, d) => a + d ** 4, 0) / values.length;
  const peak = values.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  return { mean, rms, std: Math.sqrt(m2), peak, kurtosis: m4 / m2 ** 2, crest: peak / rms };
}

describe('waveform features', function () {
  it('a sine has RMS A/√2, crest factor √2, kurtosis 1.5, no skew', function () {
    const stats = waveformStats(sine(2, 50, 10_000, 10_000));
    closeTo(stats.rms, 2 / Math.SQRT2, 1e-9, 'rms');
    closeTo(stats.crestFactor, Math.SQRT2, 1e-6, 'crest');
    closeTo(stats.kurtosis, 1.5, 1e-9, 'kurtosis');
    closeTo(stats.kurtosisExcess, -1.5, 1e-9, 'excess kurtosis');
    closeTo(stats.skewness, 0, 1e-9, 'skewness');
    // mean|x| of a sampled sine differs from 2A/π by the sampling, about 1e-4 at 200 samples per period
    closeTo(stats.shapeFactor, Math.PI / (2 * Math.SQRT2), 2e-4, 'shape factor');
    closeTo(stats.impulseFactor, Math.PI / 2, 2e-4, 'impulse factor');
    closeTo(stats.peakToPeak, 4, 1e-6, 'peak to peak');
  });

  it('rms keeps the DC offset while acRms is the standard deviation', function () {
    const stats = waveformStats(sine(1, 50, 10_000, 10_000, 3));
    closeTo(stats.rms, Math.sqrt(9 + 0.5), 1e-9, 'rms with offset');
    closeTo(stats.acRms, Math.sqrt(0.5), 1e-9, 'acRms');
    closeTo(stats.mean, 3, 1e-9, 'mean');
  });

  it('Gaussian noise has kurtosis ≈ 3 and skewness ≈ 0', function () {
    const random = new Random(7);
    const noise = new Float64Array(400_000);
    for (let i = 0; i < noise.length; i++) noise[i] = 0.5 * random.gaussian();
    const stats = waveformStats(noise);
    closeTo(stats.kurtosis, 3, 0.03, 'kurtosis');
    closeTo(stats.skewness, 0, 0.01, 'skewness');
    closeTo(stats.acRms, 0.5, 0.005, 'std');
  });

  it('rejects an empty block', function () {
    assert.throws(() => waveformStats([]), /at least one sample/);
  });

  it('the amplitude spectrum shows a sine at its amplitude and frequency', function () {
    const spectrum = spectrumOf(sine(1.5, 120, 10_240, 8192), 10_240);
    closeTo(spectrum.resolution, 1.25, 1e-12, 'resolution');
    closeTo(spectrum.amplitudes[96], 1.5, 1e-3, 'amplitude at 120 Hz');
    closeTo(dominantFrequency(spectrum).frequency, 120, 1e-6, 'dominant frequency');
    closeTo(bandRms(spectrum, 100, 140), 1.5 / Math.SQRT2, 0.01, 'band RMS');
    closeTo(bandRms(spectrum, 300, 2000), 0, 1e-3, 'empty band');
  });

  it('interpolates a dominant frequency that falls between bins', function () {
    const spectrum = spectrumOf(sine(1, 123.4, 10_240, 8192), 10_240);
    closeTo(dominantFrequency(spectrum).frequency, 123.4, 0.2, 'between bins');
  });

  it('integrates acceleration to velocity RMS in the 10 Hz–1 kHz band', function () {
    const sampleRate = 25_600;
    const block = sine(0.5, 50, sampleRate, 25_600);
    const expected = (0.5 * 9806.65) / (2 * Math.PI * 50) / Math.SQRT2;
    closeTo(velocityRms(transformBlock(block, sampleRate, 'hann'), 'g'), expected, expected * 0.005, 'velocity of 50 Hz');
    const high = sine(0.5, 2500, sampleRate, 25_600);
    const outOfBand = sine(0.5, 5, sampleRate, 25_600).map((v, i) => v + high[i]);
    assert.ok(velocityRms(transformBlock(outOfBand, sampleRate, 'hann'), 'g') < 0.05 * expected, 'tones outside 10 Hz–1 kHz do not count');
    closeTo(velocityRms(transformBlock(block.map((v) => v * 9.80665), sampleRate, 'hann'), 'm/s²'), expected, expected * 0.005, 'm/s² input');
    assert.throws(() => velocityRms(transformBlock(block, sampleRate, 'hann'), 'mm/s'), /acceleration in g/);
  });

  it('places velocities in the ISO 10816-3 zones of each group and mounting', function () {
    assert.equal(severityZone(1.3, 2, 'rigid'), 'A');
    assert.equal(severityZone(1.4, 2, 'rigid'), 'B');
    assert.equal(severityZone(2.8, 2, 'rigid'), 'C');
    assert.equal(severityZone(4.5, 2, 'rigid'), 'D');
    assert.equal(severityZone(4.4, 2, 'flexible'), 'B');
    assert.equal(severityZone(7.0, 1, 'rigid'), 'C');
    assert.equal(severityZone(10.9, 1, 'flexible'), 'C');
    assert.equal(severityZone(11.0, 1, 'flexible'), 'D');
  });

  it('computes the ZA-2115 defect frequencies at 2000 rpm as published', function () {
    const f = bearingDefectFrequencies(ZA_2115, 2000);
    closeTo(f.bpfo, 236.4, 0.1, 'BPFO');
    closeTo(f.bpfi, 296.9, 0.1, 'BPFI');
    closeTo(f.bsf, 139.9, 0.1, 'BSF');
    closeTo(f.ftf, 14.8, 0.1, 'FTF');
  });

  it('an impulse train at BPFO ringing a resonance shows at BPFO in the envelope spectrum', function () {
    const sampleRate = 20_000;
    const { bpfo, bpfi } = bearingDefectFrequencies(ZA_2115, 2000);
    const random = new Random(3);
    const block = new Float64Array(20_480);
    for (let start = 0; start < block.length; start += sampleRate / bpfo) {
      for (let i = Math.ceil(start); i < Math.min(block.length, Math.ceil(start) + 100); i++) {
        const tau = (i - start) / sampleRate;
        block[i] += Math.exp(-900 * tau) * Math.sin(2 * Math.PI * 3000 * tau);
      }
    }
    for (let i = 0; i < block.length; i++) block[i] += 0.5 * random.gaussian();
    const envelope = envelopeSpectrum(transformBlock(block, sampleRate, 'rectangular'), 2000, 5000);
    closeTo(dominantFrequency(envelope, 50).frequency, bpfo, 2 * envelope.resolution, 'envelope peak');
    assert.ok(amplitudeNear(envelope, bpfo) > 5 * amplitudeNear(envelope, bpfi), 'BPFO stands out against BPFI');
    const plainSpectrum = spectrumOf(block, sampleRate);
    assert.ok(Math.abs(dominantFrequency(plainSpectrum, 50).frequency - bpfo) > 100, 'the plain spectrum does not show the defect rate');
  });

  it('measures the simulator block: velocity as set, outer-race defect in the envelope when worn', function () {
    const bearing = SPINDLE_ASSET.bearing as BearingGeometry;
    const random = new Random(11);
    const worn = accelerationBlock({ rpm: 6000, velocityMmS: 3.2, wear: 0.6 }, bearing, 12_800, 12_800, random);
    const features = waveformFeatures(worn, 12_800, { ...DEFAULT_WAVEFORM_OPTIONS, shaftRpm: 6000, bearing, machineGroup: 2, mounting: 'rigid' });
    closeTo(features.velocityRms ?? NaN, 3.2, 0.2, 'velocity RMS');
    assert.equal(features.isoZone, 'C');
    const defects = features.defects;
    assert.ok(defects, 'defect lines are computed when speed and bearing are known');
    assert.ok(defects.bpfo.envelopeAmplitude > 3 * defects.bpfi.envelopeAmplitude, `BPFO ${defects.bpfo.envelopeAmplitude} vs BPFI ${defects.bpfi.envelopeAmplitude}`);
    const healthy = waveformFeatures(accelerationBlock({ rpm: 6000, velocityMmS: 3.2, wear: 0 }, bearing, 12_800, 12_800, random), 12_800,
      { ...DEFAULT_WAVEFORM_OPTIONS, shaftRpm: 6000, bearing });
    assert.ok((healthy.defects?.bpfo.envelopeAmplitude ?? Infinity) < defects.bpfo.envelopeAmplitude / 3, 'a new bearing has a small BPFO line');
  });
});

describe('waveform features on the IMS bearing data', function () {
  before(function () {
    if (!imsAvailable()) this.skip();
  });

  it('match the independent numpy reference to 1e-6 for every file and channel', function () {
    this.timeout(120_000);
    const golden = readGolden();
    assert.equal(golden.length, imsFiles().length * 8);
    for (const file of imsFiles()) {
      const channels = readImsChannels(file);
      for (const row of golden.filter((g) => g.file === file)) {
        const stats = waveformStats(channels[row.channel - 1]);
        const label = `${file} ch${row.channel}`;
        assert.equal(stats.count, row.n, label);
        closeTo(stats.mean, row.values.mean, 1e-6, `${label} mean`);
        closeTo(stats.rms, row.values.rms, 1e-6, `${label} rms`);
        closeTo(stats.acRms, row.values.std_pop, 1e-6, `${label} std`);
        closeTo(stats.peak, row.values.peak_abs, 1e-6, `${label} peak`);
        closeTo(stats.kurtosis, row.values.kurtosis_pearson, 1e-6, `${label} kurtosis`);
        closeTo(stats.kurtosisExcess, row.values.kurtosis_excess, 1e-6, `${label} excess kurtosis`);
        closeTo(stats.crestFactor, row.values.crest_factor, 1e-6, `${label} crest factor`);
      }
    }
  });

  it('match a plain two-pass computation and a direct DFT on every channel of the first file', function () {
    const channels = readImsChannels(imsFiles()[0]);
    for (const [c, samples] of channels.entries()) {
      const reference = referenceStats(samples);
      const stats = waveformStats(samples);
      closeTo(stats.kurtosis, reference.kurtosis, 1e-9, `ch${c + 1} kurtosis`);
      closeTo(stats.crestFactor, reference.crest, 1e-9, `ch${c + 1} crest`);
      const spectrum = spectrumOf(samples, IMS_SAMPLE_RATE, 'rectangular');
      const mean = reference.mean;
      for (const bin of [33, 1000, 4096]) {
        let re = 0;
        let im = 0;
        for (let n = 0; n < samples.length; n++) {
          const angle = (-2 * Math.PI * bin * n) / spectrum.size;
          re += (samples[n] - mean) * Math.cos(angle);
          im += (samples[n] - mean) * Math.sin(angle);
        }
        closeTo(spectrum.amplitudes[bin], (2 * Math.hypot(re, im)) / samples.length, 1e-9, `ch${c + 1} bin ${bin}`);
      }
      const features = waveformFeatures(samples, IMS_SAMPLE_RATE, { ...DEFAULT_WAVEFORM_OPTIONS, shaftRpm: 2000, bearing: ZA_2115 });
      assert.ok(features.velocityRms !== undefined && features.velocityRms > 0 && features.velocityRms < 10, `ch${c + 1} velocity ${features.velocityRms}`);
      closeTo(features.defects?.bpfo.frequency ?? NaN, 236.4, 0.1, 'BPFO at 2000 rpm');
    }
  });
});

describe('windowed statistics', function () {
  const HOUR = 3_600_000;

  it('match a direct computation over irregular samples, slope included', function () {
    const random = new Random(5);
    const stats = new WindowStats(7 * 24 * HOUR, 168);
    const samples: Array<[number, number]> = [];
    let ts = Date.UTC(2026, 10, 1);
    for (let i = 0; i < 20_000; i++) {
      ts += 1000 + random.next() * 20_000;
      const value = 60 + 0.8 * ((ts - Date.UTC(2026, 10, 1)) / 86_400_000) + random.gaussian();
      samples.push([ts, value]);
      stats.add(ts, value);
    }
    const summary = stats.summary();
    assert.ok(summary);
    const values = samples.map(([, v]) => v);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const days = samples.map(([t]) => t / 86_400_000);
    const meanDay = days.reduce((a, b) => a + b, 0) / days.length;
    const slope = samples.reduce((a, [, v], i) => a + (days[i] - meanDay) * (v - mean), 0) / days.reduce((a, d) => a + (d - meanDay) ** 2, 0);
    assert.equal(summary.count, values.length);
    closeTo(summary.mean, mean, 1e-9, 'mean');
    closeTo(summary.std, Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length), 1e-9, 'std');
    closeTo(summary.slopePerDay, slope, 1e-9, 'slope');
    closeTo(summary.slopePerDay, 0.8, 0.05, 'slope near the true trend');
    assert.equal(summary.max, Math.max(...values));
    assert.equal(summary.min, Math.min(...values));
  });

  it('hold the slope back until the samples span a 24th of the window', function () {
    const stats = new WindowStats(24 * HOUR, 168);
    const start = Date.UTC(2026, 10, 1);
    for (let s = 0; s <= 600; s += 10) stats.add(start + s * 1000, 50 + s / 60);
    assert.ok(Number.isNaN(stats.summary()?.slopePerDay), 'ten minutes of a 24 h window give no slope');
    for (let s = 610; s <= 3600; s += 10) stats.add(start + s * 1000, 50 + s / 60);
    closeTo(stats.summary()?.slopePerDay ?? NaN, 1440, 1e-6, 'one hour gives the slope, 1 °C/min = 1440 °C/d');
  });

  it('forgets samples older than the window and keeps memory fixed', function () {
    const stats = new WindowStats(24 * HOUR, 24);
    const before = stats.memoryBytes;
    for (let t = 0; t < 48 * HOUR; t += 1000) stats.add(t, t < 24 * HOUR ? 100 : 1);
    const summary = stats.summary();
    assert.ok(summary);
    assert.equal(summary.max, 1, 'the first day is gone');
    assert.equal(summary.count, 24 * 3600);
    assert.equal(stats.memoryBytes, before);
    stats.add(0, 5);
    assert.equal(stats.tooOld, 1);
  });

  it('survive a save and restore through JSON', function () {
    const stats = new WindowStats(HOUR, 12);
    for (let t = 0; t < HOUR; t += 500) stats.add(t, Math.sin(t / 1e5));
    const restored = WindowStats.fromJSON(JSON.parse(JSON.stringify(stats)));
    assert.deepEqual(restored.summary(), stats.summary());
    restored.add(HOUR + 1, 2);
    assert.equal(restored.summary()?.max, 2);
  });

  it('parses window durations and rejects nonsense', function () {
    assert.equal(parseDuration('7d'), 7 * 24 * HOUR);
    assert.equal(parseDuration('15m'), 15 * 60_000);
    assert.equal(parseDuration('1.5h'), 1.5 * HOUR);
    assert.throws(() => parseDuration('seven days'), /not a duration/);
    assert.throws(() => parseDuration('0h'), /longer than zero/);
  });
});

describe('operating hours', function () {
  it('count running time only, not gaps longer than the limit, and survive a restart', function () {
    const hours = new OperatingHours(10 * 60_000);
    const MINUTE = 60_000;
    for (let t = 0; t <= 60 * MINUTE; t += MINUTE) hours.update(t, true);
    for (let t = 61 * MINUTE; t <= 120 * MINUTE; t += MINUTE) hours.update(t, false);
    closeTo(hours.hours, 61 / 60, 1e-9, 'one hour running, the minute into idle counted');
    hours.update(121 * MINUTE, true);
    hours.update(200 * MINUTE, true);
    closeTo(hours.hours, 61 / 60, 1e-9, 'a long gap is not counted');
    const restored = new OperatingHours(10 * 60_000, JSON.parse(JSON.stringify(hours)));
    restored.update(230 * MINUTE, true);
    closeTo(restored.hours, 61 / 60, 1e-9, 'the gap across the restart is not counted either');
    restored.update(235 * MINUTE, true);
    closeTo(restored.hours, 61 / 60 + 5 / 60, 1e-9, 'counting resumes');
  });

  it('keep counting on other readings while a report-by-exception state stays running', function () {
    const hours = new OperatingHours(10 * 60_000);
    hours.update(0, true);
    for (let t = 60_000; t <= 3_600_000; t += 60_000) hours.update(t);
    closeTo(hours.hours, 1, 1e-9, 'an hour of heartbeats while running');
    hours.update(3_600_000, false);
    hours.update(7_200_000 - 60_000);
    for (let t = 7_200_000 - 60_000; t <= 7_200_000; t += 1000) hours.update(t);
    closeTo(hours.hours, 1, 1e-9, 'idle heartbeats add nothing');
  });

  it('take a state sample stamped before readings already in (a subscription\'s first value), but not over a newer one', function () {
    const hours = new OperatingHours(10 * 60_000);
    hours.update(5_000);
    hours.update(4_000, true);
    hours.update(65_000);
    closeTo(hours.hours, 1 / 60, 1e-9, 'running from the late sample on: the minute after it counts');
    hours.update(70_000, false);
    hours.update(66_000, true);
    hours.update(130_000);
    closeTo(hours.hours, 1 / 60 + 5 / 3600, 1e-9, 'the stale "running" does not undo the newer "idle"');
  });
});

describe('feature engine', function () {
  function scalar(sensor: string, ts: number, value: number, quality: Reading['quality'] = 'good'): Reading {
    const definition = SPINDLE_ASSET.sensors.find((s) => s.id === sensor);
    return { asset: SPINDLE_ASSET.id, sensor, unit: definition?.unit ?? '', ts, value, quality };
  }

  it('builds a named vector with units and windows, leaves bad readings out, restores its state', function () {
    const options = { ...DEFAULT_FEATURE_OPTIONS, windows: ['1h', '24h', '7d'], speedSensor: 'speed', running: { sensor: 'state', test: 'equals' as const, value: 1 } };
    const engine = new FeatureEngine(SPINDLE_ASSET, options);
    const start = Date.UTC(2026, 10, 20);
    const readings: Reading[] = [];
    for (let i = 0; i <= 7200; i++) {
      const ts = start + i * 1000;
      readings.push(scalar('bearingTemp', ts, 50 + i / 3600), scalar('speed', ts, 6000), scalar('state', ts, 1), scalar('load', ts, 40 + (i % 2) * 20));
    }
    readings.push(scalar('bearingTemp', start + 7200_500, 500, 'bad'));
    readings.push({ asset: SPINDLE_ASSET.id, sensor: 'acceleration', unit: 'g', ts: start + 7200_000, quality: 'good', sampleRate: 12_800,
      samples: accelerationBlock({ rpm: 6000, velocityMmS: 2, wear: 0.3 }, SPINDLE_ASSET.bearing, 12_800, 12_800, new Random(1)) });
    const result = engine.add(readings);
    assert.equal(result.excluded, 1, 'the bad reading is left out');
    const vector = engine.vector();
    assert.ok(vector);
    assert.equal(vector.ts, start + 7200_000);
    closeTo(vector.features['bearingTemp.mean.24h'], 51, 1e-6, '24 h mean');
    closeTo(vector.features['bearingTemp.slope.24h'], 24, 1e-6, 'slope per day');
    assert.equal(vector.units['bearingTemp.slope.24h'], '°C/d');
    assert.ok(!('bearingTemp.slope.7d' in vector.features), 'two hours are too short for a 7-day slope: left out, not NaN');
    closeTo(vector.features['bearingTemp.mean.7d'], 51, 1e-6, '7-day mean over what there is');
    assert.equal(vector.features['bearingTemp.max.24h'], 52);
    closeTo(vector.features['load.std.1h'], 10, 0.01, 'load std');
    closeTo(vector.features['operatingHours'], 2, 1e-9, 'operating hours');
    closeTo(vector.features['acceleration.velocityRms'], 2, 0.15, 'velocity RMS');
    assert.ok(vector.features['acceleration.bpfoEnvelope'] > 0);
    assert.equal(vector.quality.bearingTemp, 'bad');
    assert.ok(vector.isoZones?.acceleration);
    assert.ok((vector.spectra?.acceleration.hz.length ?? 0) > 100);
    assert.ok(vector.windows['1h'].to - vector.windows['1h'].from <= 3_600_000 + 1000);

    const restored = new FeatureEngine(SPINDLE_ASSET, options, JSON.parse(JSON.stringify(engine)));
    restored.add([scalar('bearingTemp', start + 7201_000, 52)]);
    closeTo(restored.vector()?.features['bearingTemp.mean.24h'] ?? NaN, 51, 0.01, 'restored mean');
    closeTo(restored.vector()?.features['operatingHours'] ?? NaN, 2 + 1 / 3600, 1e-9, 'restored hours, the new reading one more running second');
  });

  it('names an unknown sensor in its error', function () {
    assert.throws(() => new FeatureEngine(SPINDLE_ASSET, { ...DEFAULT_FEATURE_OPTIONS, scalarSensors: ['nope'] }), /no scalar sensor "nope"/);
  });

  it('holds kilobytes for a 7-day window, whatever the reading rate', function () {
    const engine = new FeatureEngine(SPINDLE_ASSET, { ...DEFAULT_FEATURE_OPTIONS, windows: ['7d'] });
    const before = engine.memoryBytes;
    const start = Date.UTC(2026, 10, 1);
    for (let i = 0; i < 100_000; i++) engine.add([scalar('bearingTemp', start + i * 100, 60)]);
    assert.equal(engine.memoryBytes, before);
    assert.ok(before < 16 * 1024 * SPINDLE_ASSET.sensors.length, `${before} bytes`);
  });
});

describe('slope units', function () {
  it('reads a slope over an hour or a day per hour and a week per day', function () {
    assert.deepEqual(slopeUnitOfFeature('bearingTemp.slope.1h'), { factor: 1 / 24, per: 'h' });
    assert.deepEqual(slopeUnitOfFeature('bearingTemp.slope.24h'), { factor: 1 / 24, per: 'h' });
    assert.deepEqual(slopeUnitOfFeature('bearingTemp.slope.7d'), { factor: 1, per: 'd' });
    assert.equal(slopeUnitOfFeature('bearingTemp.mean.1h'), undefined, 'only slopes');
    assert.deepEqual(slopeUnitForWindow(parseDuration('48h')), { factor: 1 / 24, per: 'h' });
  });

  it('gives a warming bearing over an hour window a trend in °C/h an operator can check against the chart', function () {
    // 40 → 60 °C over the last hour, a reading a minute: 20 °C/h.
    const engine = new FeatureEngine(SPINDLE_ASSET, { ...DEFAULT_FEATURE_OPTIONS, windows: ['1h'] });
    const start = Date.UTC(2026, 0, 5);
    for (let minute = 0; minute <= 60; minute++) {
      engine.add([{ asset: SPINDLE_ASSET.id, sensor: 'bearingTemp', unit: '°C', ts: start + minute * 60_000, value: 40 + minute / 3, quality: 'good' }]);
    }
    const vector = engine.vector()!;
    const perDay = vector.features['bearingTemp.slope.1h'];
    assert.equal(vector.units['bearingTemp.slope.1h'], '°C/d', 'the engine keeps one unit for its models');
    const unit = slopeUnitOfFeature('bearingTemp.slope.1h')!;
    assert.ok(Math.abs(perDay * unit.factor - 20) < 1e-6, `${perDay * unit.factor} °C/${unit.per}`);
  });
});
