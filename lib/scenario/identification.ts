import type { IdentificationOptions } from './identification-options';
import { identify, type Identified } from './model-fit';
import { EXCLUSION_TEXT, MODEL_ROLES, type AlertWindows, type ExclusionReason } from './fit-exclusion';
import type { DataBehind, OperatingHistory, TimeExclusion } from './operating-history';
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
  /** Per model, the data the latest identification was given: its window, the readings used and those left out. */
  data?: Record<ModelName, ModelData>;
}

export interface ModelData extends DataBehind {
  /** When the identification ran, epoch ms. */
  at: number;
  /** Observations (buckets) the fit used, when it gave a model. */
  samples: number | null;
  /** One line for an operator: "used 5,400 readings; left out 600 (during an alert …)". */
  summary: string;
}

/** What the identification leaves out beyond single readings: one asset's alert windows and its sensor ids by role. */
export interface FitExclusions {
  alerts: AlertWindows;
  sensorOf: (role: SensorRole) => string | undefined;
}

export type ModelName = 'thermal' | 'power' | 'vibration' | 'scrap';
export const MODEL_NAMES: readonly ModelName[] = ['thermal', 'power', 'vibration', 'scrap'];

/**
 * Identifies every model from the history. A model the new history cannot identify keeps its previous fit (a
 * restart or a quiet shift must not throw away a model learned from days of data); its refusal is kept beside it
 * in `lastError` so the operator sees both.
 */
export function identifyModels(asset: string, history: OperatingHistory, roles: ReadonlySet<SensorRole>, options: IdentificationOptions, previous?: IdentifiedModels,
  exclusions?: FitExclusions): IdentifiedModels {
  const excludedFor = (model: ModelName): TimeExclusion | undefined => {
    if (!exclusions) return undefined;
    const sensors = new Set(MODEL_ROLES[model].map(exclusions.sensorOf).filter((id): id is string => id !== undefined));
    return (start, end) => exclusions.alerts.excludes(start, end, sensors);
  };
  const fresh: IdentifiedModels = {
    asset,
    thermal: identify('thermal', () => identifyThermal(history.buckets(excludedFor('thermal')), roles, options)),
    power: identify('power', () => identifyPower(history.buckets(excludedFor('power')), roles, options)),
    vibration: identify('vibration', () => identifyVibration(history.buckets(excludedFor('vibration')), roles, options)),
    scrap: roles.has('parts') && (roles.has('scrap') || roles.has('good'))
      ? identify('scrap', () => identifyScrap(history.productionBuckets(excludedFor('scrap')), options))
      : { ok: false, error: 'the asset has no part and scrap (or good) counters: no scrap model' },
  };
  const at = Date.now();
  const data = Object.fromEntries(MODEL_NAMES.map((name) => {
    const behind = history.dataBehind(MODEL_ROLES[name], excludedFor(name));
    const result = fresh[name];
    return [name, { ...behind, at, samples: result.ok ? result.fit.quality.samples : null, summary: summarise(behind) }];
  })) as Record<ModelName, ModelData>;
  if (!previous || previous.asset !== asset) return { ...fresh, data };
  return {
    asset,
    thermal: keep(fresh.thermal, previous.thermal),
    power: keep(fresh.power, previous.power),
    vibration: keep(fresh.vibration, previous.vibration),
    scrap: keep(fresh.scrap, previous.scrap),
    data,
  };
}

function summarise(data: DataBehind): string {
  const count = (n: number): string => n.toLocaleString('en-US');
  const reasons = (Object.entries(data.excluded) as [ExclusionReason, number][]).filter(([, n]) => n > 0);
  const left = reasons.reduce((sum, [, n]) => sum + n, 0);
  const used = `used ${count(data.used)} reading${data.used === 1 ? '' : 's'}`;
  if (left === 0) return `${used}; none left out`;
  return `${used}; left out ${count(left)}: ${reasons.map(([reason, n]) => `${count(n)} ${EXCLUSION_TEXT[reason]}`).join(', ')}`;
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
