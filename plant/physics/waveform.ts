import type { BearingGeometry } from '../../lib/asset/asset-model';
import { bearingDefectFrequencies } from '../../lib/asset/bearing-frequencies';
import type { Random } from '../../lib/math/random';

const STANDARD_GRAVITY_MM_S2 = 9806.65;
const RESONANCE_HZ = 3000;
const RESONANCE_DECAY_PER_S = 900;
const NOISE_G = 0.03;

export interface VibrationSource {
  rpm: number;
  velocityMmS: number;
  wear: number;
}

/** Peak acceleration (g) of a sine whose velocity RMS is `velocityRms` mm/s at `hz`. */
function accelerationPeakG(velocityRms: number, hz: number): number {
  return (velocityRms * Math.SQRT2 * 2 * Math.PI * hz) / STANDARD_GRAVITY_MM_S2;
}

/**
 * One block of bearing-housing acceleration (g): shaft 1x and 2x tones carrying the machine's velocity RMS,
 * an outer-race defect impulse train at BPFO ringing a 3 kHz structural resonance (growing with wear), noise.
 */
export function accelerationBlock(source: VibrationSource, bearing: BearingGeometry | undefined, sampleRate: number, length: number, random: Random): Float32Array {
  const block = new Float32Array(length);
  const shaftHz = source.rpm / 60;
  const phase = random.next() * 2 * Math.PI;
  if (shaftHz > 1) {
    const a1 = accelerationPeakG(source.velocityMmS * 0.95, shaftHz);
    const a2 = accelerationPeakG(source.velocityMmS * 0.31, 2 * shaftHz);
    addSine(block, a1, (2 * Math.PI * shaftHz) / sampleRate, phase);
    addSine(block, a2, (4 * Math.PI * shaftHz) / sampleRate, 2 * phase);
    if (bearing) addDefectImpulses(block, bearingDefectFrequencies(bearing, source.rpm).bpfo, 0.04 + 2.2 * Math.pow(source.wear, 1.5), sampleRate, random);
  }
  for (let i = 0; i < length; i++) block[i] += NOISE_G * random.gaussian();
  return block;
}

/**
 * Adds amplitude · sin(step · i + phase) to every sample. A sine obeys s[i+1] = 2 cos(step) s[i] - s[i-1], so two
 * multiplications a sample replace a Math.sin: what lets the plant generate 50 channels at 25.6 kHz.
 */
function addSine(block: Float32Array, amplitude: number, step: number, phase: number): void {
  const k = 2 * Math.cos(step);
  let previous = amplitude * Math.sin(phase - step);
  let current = amplitude * Math.sin(phase);
  for (let i = 0; i < block.length; i++) {
    block[i] += current;
    const next = k * current - previous;
    previous = current;
    current = next;
  }
}

/**
 * Outer-race impacts at BPFO, each ringing the structural resonance: A · exp(-decay · tau) · sin(2 pi f tau) from
 * the impact's (fractional) instant. The damped sine obeys y[i+1] = 2 r cos(w) y[i] - r^2 y[i-1] with r = exp(-decay/fs),
 * w = 2 pi f / fs, so each impact costs two exact evaluations and then two multiplications a sample.
 */
function addDefectImpulses(block: Float32Array, bpfo: number, amplitudeG: number, sampleRate: number, random: Random): void {
  const ringSamples = Math.ceil((5 / RESONANCE_DECAY_PER_S) * sampleRate);
  const period = sampleRate / bpfo;
  const r = Math.exp(-RESONANCE_DECAY_PER_S / sampleRate);
  const w = (2 * Math.PI * RESONANCE_HZ) / sampleRate;
  const k1 = 2 * r * Math.cos(w);
  const k2 = r * r;
  const ring = (amplitude: number, tau: number): number => amplitude * Math.exp(-RESONANCE_DECAY_PER_S * tau) * Math.sin(2 * Math.PI * RESONANCE_HZ * tau);
  for (let start = random.next() * period; start < block.length; start += period) {
    const first = Math.ceil(start);
    const amplitude = amplitudeG * (0.9 + 0.2 * random.next());
    const end = Math.min(block.length, first + ringSamples);
    let previous = ring(amplitude, (first - 1 - start) / sampleRate);
    let current = ring(amplitude, (first - start) / sampleRate);
    for (let i = first; i < end; i++) {
      block[i] += current;
      const next = k1 * current - k2 * previous;
      previous = current;
      current = next;
    }
  }
}
