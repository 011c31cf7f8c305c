import { MACHINE_STATE, PUMP_ASSET, SPINDLE_ASSET } from '../lib/asset/presets';
import type { TwinFeaturesFields } from '../nodes/twin-features/options';

/**
 * The twin-features settings of the simulated plant's machines, as the editor stores them. The reference flow uses
 * exactly these, and the run-to-failure generator that trains the shipped RUL model builds its feature engines from
 * them, so the vectors the model was trained on and the vectors it scores live are computed the same way.
 */

/** Seconds between feature vectors (the node's `periodS` field). */
export const PLANT_FEATURE_PERIOD_S = '5';

const SHARED: Omit<TwinFeaturesFields, 'scalarSensors'> = {
  windows: '1h, 24h, 7d',
  statistics: 'mean,max,std,variance,slope',
  waveformSensors: 'acceleration',
  speedSensor: 'speed',
  runningSensor: 'state',
  runningTest: 'equals',
  runningValue: String(MACHINE_STATE.running),
  downValue: String(MACHINE_STATE.down),
  bands: '',
  envelopeLowHz: '2000',
  envelopeHighHz: '5000',
  excludeQuality: 'bad',
  includeSpectrum: true,
};

export const PLANT_FEATURE_SETTINGS: Readonly<Record<string, Readonly<TwinFeaturesFields>>> = {
  [SPINDLE_ASSET.id]: { ...SHARED, scalarSensors: 'bearingTemp, load, motorPower, vibration, speed' },
  [PUMP_ASSET.id]: { ...SHARED, scalarSensors: 'bearingTemp, flow, dischargePressure, motorPower, vibration, speed' },
};

export function plantFeatureSettings(assetId: string): Readonly<TwinFeaturesFields> {
  const settings = PLANT_FEATURE_SETTINGS[assetId];
  if (!settings) throw new Error(`no twin-features settings for asset "${assetId}": the plant has ${Object.keys(PLANT_FEATURE_SETTINGS).join(', ')}`);
  return settings;
}
