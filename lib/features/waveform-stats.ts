/**
 * Time-domain condition indicators of one waveform block. Conventions (the ones vibration analysts and the IMS
 * golden file use): rms includes the DC offset (sqrt(mean(x²))); acRms is the standard deviation (population);
 * kurtosis is Pearson's m4/m2² with the mean removed (3 for Gaussian noise), kurtosisExcess = kurtosis - 3;
 * crestFactor = peak/rms; shapeFactor = acRms / mean|x - mean|; impulseFactor = peak / mean|x|.
 */
export interface WaveformStats {
  count: number;
  mean: number;
  rms: number;
  acRms: number;
  peak: number;
  peakToPeak: number;
  crestFactor: number;
  kurtosis: number;
  kurtosisExcess: number;
  skewness: number;
  shapeFactor: number;
  impulseFactor: number;
}

export function waveformStats(samples: ArrayLike<number>): WaveformStats {
  const n = samples.length;
  if (n === 0) throw new Error('a waveform block needs at least one sample');
  let sum = 0;
  let sumSquares = 0;
  let sumAbs = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = samples[i];
    sum += x;
    sumSquares += x * x;
    sumAbs += Math.abs(x);
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let absDeviation = 0;
  for (let i = 0; i < n; i++) {
    const d = samples[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    absDeviation += Math.abs(d);
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const rms = Math.sqrt(sumSquares / n);
  const acRms = Math.sqrt(m2);
  const peak = Math.max(Math.abs(min), Math.abs(max));
  const kurtosis = m2 > 0 ? m4 / (m2 * m2) : 0;
  return {
    count: n,
    mean,
    rms,
    acRms,
    peak,
    peakToPeak: max - min,
    crestFactor: rms > 0 ? peak / rms : 0,
    kurtosis,
    kurtosisExcess: kurtosis - 3,
    skewness: m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0,
    shapeFactor: absDeviation > 0 ? acRms / (absDeviation / n) : 0,
    impulseFactor: sumAbs > 0 ? peak / (sumAbs / n) : 0,
  };
}
