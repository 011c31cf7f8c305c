import type { MachineGroup, Mounting } from '../asset/asset-model';

/** ISO 10816-3 / 20816-3 evaluation zones: A new, B unrestricted operation, C restricted (plan action), D damage likely. */
export type SeverityZone = 'A' | 'B' | 'C' | 'D';

/** Zone boundaries A/B, B/C, C/D in mm/s RMS (10 Hz–1 kHz), ISO 20816-3:2022 Tables A.1/A.2. */
const BOUNDARIES: Record<MachineGroup, Record<Mounting, readonly [number, number, number]>> = {
  1: { rigid: [2.3, 4.5, 7.1], flexible: [3.5, 7.1, 11.0] },
  2: { rigid: [1.4, 2.8, 4.5], flexible: [2.3, 4.5, 7.1] },
};

export function zoneBoundaries(group: MachineGroup, mounting: Mounting): readonly [number, number, number] {
  const boundaries = BOUNDARIES[group]?.[mounting];
  if (!boundaries) throw new Error(`ISO 10816-3 has no zones for machine group ${group} with ${mounting} support`);
  return boundaries;
}

export function severityZone(velocityRmsMmS: number, group: MachineGroup, mounting: Mounting): SeverityZone {
  const [ab, bc, cd] = zoneBoundaries(group, mounting);
  if (velocityRmsMmS < ab) return 'A';
  if (velocityRmsMmS < bc) return 'B';
  if (velocityRmsMmS < cd) return 'C';
  return 'D';
}

export const ZONE_MEANING: Record<SeverityZone, string> = {
  A: 'new machine condition',
  B: 'acceptable for unrestricted long-term operation',
  C: 'restricted operation: plan corrective action',
  D: 'vibration severe enough to cause damage',
};
