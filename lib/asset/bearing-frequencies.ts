import type { BearingGeometry } from './asset-model';

export interface BearingDefectFrequencies {
  /** Ball pass frequency, outer race (Hz). */
  bpfo: number;
  /** Ball pass frequency, inner race (Hz). */
  bpfi: number;
  /** Ball (roller) spin frequency (Hz). */
  bsf: number;
  /** Fundamental train (cage) frequency (Hz). */
  ftf: number;
}

/** Kinematic defect frequencies of a rolling-element bearing at a shaft speed, stationary outer race. */
export function bearingDefectFrequencies(bearing: BearingGeometry, shaftRpm: number): BearingDefectFrequencies {
  const fr = shaftRpm / 60;
  const ratio = (bearing.rollerDiameterMm / bearing.pitchDiameterMm) * Math.cos((bearing.contactAngleDeg * Math.PI) / 180);
  const n = bearing.rollingElements;
  return {
    bpfo: (n * fr / 2) * (1 - ratio),
    bpfi: (n * fr / 2) * (1 + ratio),
    bsf: (bearing.pitchDiameterMm / (2 * bearing.rollerDiameterMm)) * fr * (1 - ratio * ratio),
    ftf: (fr / 2) * (1 - ratio),
  };
}
