import type { IdentificationOptions } from './identification-options';
import { identify, type Identified } from './model-fit';
import type { OperatingHistory } from './operating-history';
import { identifyPower, type PowerParameters } from './power-model';
import { identifyScrap, type ScrapParameters } from './scrap-model';
import type { SensorRole } from './sensor-roles';
import { identifyThermal, type ThermalParameters } from './thermal-model';
import { identifyVibration, type VibrationParameters } from './vibration-model';

/** Every model of one asset as last identified: what the node keeps in context so a restart does not forget it. */
export interface IdentifiedModels {
  asset: string;
  thermal: Identified<ThermalParameters>;
  power: Identified<PowerParameters>;
  vibration: Identified<VibrationParameters>;
  scrap: Identified<ScrapParameters>;
}

export type ModelName = 'thermal' | 'power' | 'vibration' | 'scrap';
export const MODEL_NAMES: readonly ModelName[] = ['thermal', 'power', 'vibration', 'scrap'];

/**
 * Identifies every model from the history. A model the new history cannot identify keeps its previous fit (a
 * restart or a quiet shift must not throw away a model learned from days of data); its refusal is kept beside it
 * in `lastError` so the operator sees both.
 */
export function identifyModels(asset: string, history: OperatingHistory, roles: ReadonlySet<SensorRole>, options: IdentificationOptions, previous?: IdentifiedModels): IdentifiedModels {
  const buckets = history.buckets();
  const fresh: IdentifiedModels = {
    asset,
    thermal: identify('thermal', () => identifyThermal(buckets, roles, options)),
    power: identify('power', () => identifyPower(buckets, roles, options)),
    vibration: identify('vibration', () => identifyVibration(buckets, roles, options)),
    scrap: roles.has('parts') && (roles.has('scrap') || roles.has('good'))
      ? identify('scrap', () => identifyScrap(history.productionBuckets(), options))
      : { ok: false, error: 'the asset has no part and scrap (or good) counters: no scrap model' },
  };
  if (!previous || previous.asset !== asset) return fresh;
  return {
    asset,
    thermal: keep(fresh.thermal, previous.thermal),
    power: keep(fresh.power, previous.power),
    vibration: keep(fresh.vibration, previous.vibration),
    scrap: keep(fresh.scrap, previous.scrap),
  };
}

function keep<P>(fresh: Identified<P>, previous: Identified<P>): Identified<P> {
  if (fresh.ok || !previous.ok) return fresh;
  return { ...previous, lastError: fresh.error };
}

/** A persisted value is only trusted when it has the shape of IdentifiedModels. */
export function isIdentifiedModels(value: unknown): value is IdentifiedModels {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.asset === 'string' && MODEL_NAMES.every((name) => {
    const entry = record[name] as { ok?: unknown } | undefined;
    return typeof entry === 'object' && entry !== null && typeof entry.ok === 'boolean';
  });
}
