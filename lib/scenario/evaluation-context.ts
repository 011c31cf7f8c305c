import type { AssetDefinition } from '../asset/asset-model';
import { findCooling, type CoolingConfiguration } from './cooling';
import type { CurrentState } from './current-state';
import type { IdentifiedModels } from './identification';
import type { Identified } from './model-fit';
import type { PowerParameters } from './power-model';
import type { ScrapParameters } from './scrap-model';
import type { ScenarioSettings } from './settings';
import type { SensorRole } from './sensor-roles';
import type { ThermalParameters } from './thermal-model';
import type { VibrationParameters } from './vibration-model';

/** A model ready for evaluation: its parameters and the name figures cite, or why it is missing. */
export type UsableModel<P> = { parameters: P; name: string } | { parameters?: undefined; name: string; reason: string };

/** Everything a request's scenarios share, prepared once so each scenario costs only arithmetic. */
export interface EvaluationContext {
  asset: AssetDefinition;
  roles: ReadonlySet<SensorRole>;
  /** Sensor id of each role present. */
  sensorIds: Partial<Record<SensorRole, string>>;
  settings: ScenarioSettings;
  state: CurrentState;
  thermal: UsableModel<ThermalParameters>;
  power: UsableModel<PowerParameters>;
  vibration: UsableModel<VibrationParameters>;
  scrap: UsableModel<ScrapParameters>;
  currentCooling: CoolingConfiguration;
}

function usable<P>(label: string, identified: Identified<P>): UsableModel<P> {
  if (identified.ok) return { parameters: identified.fit.parameters, name: identified.fit.description };
  return { name: `${label} model`, reason: identified.error };
}

export function evaluationContext(asset: AssetDefinition, sensorIds: Partial<Record<SensorRole, string>>, settings: ScenarioSettings, state: CurrentState, models: IdentifiedModels): EvaluationContext {
  return {
    asset, sensorIds, settings, state,
    roles: new Set(Object.keys(sensorIds) as SensorRole[]),
    thermal: usable('thermal', models.thermal),
    power: usable('power', models.power),
    vibration: usable('vibration', models.vibration),
    scrap: usable('scrap', models.scrap),
    currentCooling: findCooling(settings.cooling, settings.cooling.current),
  };
}
