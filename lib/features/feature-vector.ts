import type { MachineStateFact } from '../facts/plant-facts';
import type { Quality } from '../reading/reading';
import type { SeverityZone } from './iso-10816';

/**
 * One asset's features at one moment: what `twin-features` emits each period, the historian stores and the RUL
 * model reads by name. Names are `<sensor>.<feature>[.<window>]`, e.g. `bearingTemp.slope.7d`.
 */
export interface FeatureVector {
  asset: string;
  /** Source time the vector describes (the newest reading it includes), epoch ms. */
  ts: number;
  features: Record<string, number>;
  units: Record<string, string>;
  /** Time span each window name covers in this vector. */
  windows: Record<string, { from: number; to: number }>;
  /** Newest quality of each sensor that fed the vector, so consumers can discount unhealthy sensors. */
  quality: Record<string, Quality>;
  /** ISO 10816-3 zone per waveform sensor, when the asset states its machine group and mounting. */
  isoZones?: Record<string, SeverityZone>;
  /** The machine's state when the vector was taken (lib/machine-state), when the asset has a running sensor. */
  machineState?: MachineStateFact;
  /** Reduced amplitude spectrum per waveform sensor, for charts. */
  spectra?: Record<string, { hz: number[]; amplitude: number[]; unit: string }>;
}
