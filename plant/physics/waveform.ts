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
    for (let i = 0; i < length; i++) {
      const t = i / sampleRate;
      block[i] = a1 * Math.sin(2 * Math.PI * shaftHz * t + phase) + a2 * Math.sin(4 * Math.PI * shaftHz * t + 2 * phase);
    }
    if (bearing) addDefectImpulses(block, bearingDefectFrequencies(bearing, source.rpm).bpfo, 0.04 + 2.2 * Math.pow(source.wear, 1.5), sampleRate, random);
  }
  for (let i = 0; i < length; i++) block[i] += NOISE_G * random.gaussian();
  return block;
}

function addDefectImpulses(block: Float32Array, bpfo: number, amplitudeG: number, sampleRate: number, random: Random): void {
  const ringSamples = Math.ceil((5 / RESONANCE_DECAY_PER_S) * sampleRate);
  const period = sampleRate / bpfo;
  for (let start = random.next() * period; start < block.length; start += period) {
    const first = Math.ceil(start);
    const amplitude = amplitudeG * (0.9 + 0.2 * random.next());
    const end = Math.min(block.length, first + ringSamples);
    for (let i = first; i < end; i++) {
      const tau = (i - start) / sampleRate;
      block[i] += amplitude * Math.exp(-RESONANCE_DECAY_PER_S * tau) * Math.sin(2 * Math.PI * RESONANCE_HZ * tau);
    }
  }
}
