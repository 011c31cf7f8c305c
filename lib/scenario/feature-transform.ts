import type { AssetDefinition } from '../asset/asset-model';
import type { ScenarioPhysics } from './scenario-physics';
import type { SensorRole } from './sensor-roles';

/**
 * The feature record the RUL model would see if the machine ran a scenario: today's feature vector with every
 * feature moved the way the scenario moves its sensor. Each affected sensor gets an affine map x' = a x + b from
 * the models (speed and load scaled by their ratios, power and current by the power model's ratio, bearing
 * temperature through the thermal model as ambient' + g (T - ambient), vibration shifted by the vibration model's
 * change); a window statistic follows its sensor's map (mean, min, max, last, peak map like values, std and slope
 * scale by a, variance by a²), waveform magnitudes scale with the vibration ratio and defect frequencies with speed.
 * Counts, shape factors, envelope amplitudes and operating hours stay as they are.
 */
interface AffineMap {
  scale: number;
  offset: number;
}

type FeatureKind =
  | { kind: 'unchanged' }
  | { kind: 'value' | 'spread' | 'variance'; role: SensorRole }
  | { kind: 'waveformMagnitude' | 'waveformFrequency' };

export interface FeaturePlan {
  names: readonly string[];
  kinds: readonly FeatureKind[];
}

const VALUE_STATISTICS = new Set(['mean', 'min', 'max', 'peak', 'last']);
const SPREAD_STATISTICS = new Set(['std', 'slope']);
const WAVEFORM_MAGNITUDES = new Set(['rms', 'acRms', 'peak', 'peakToPeak', 'velocityRms']);

/** Works out once per request (per model) how each of the model's features responds to a scenario. */
export function featurePlan(names: readonly string[], asset: AssetDefinition, sensors: Partial<Record<SensorRole, string>>): FeaturePlan {
  const roleOf = new Map<string, SensorRole>();
  for (const [role, id] of Object.entries(sensors)) if (id) roleOf.set(id, role as SensorRole);
  const byLength = [...asset.sensors].sort((a, b) => b.id.length - a.id.length);
  const kinds = names.map((name): FeatureKind => {
    const sensor = byLength.find((s) => name.startsWith(`${s.id}.`));
    if (!sensor) return { kind: 'unchanged' };
    const rest = name.slice(sensor.id.length + 1);
    if (sensor.kind === 'waveform') {
      if (WAVEFORM_MAGNITUDES.has(rest) || rest.startsWith('band.')) return { kind: 'waveformMagnitude' };
      if (rest.endsWith('Hz')) return { kind: 'waveformFrequency' };
      return { kind: 'unchanged' };
    }
    const role = roleOf.get(sensor.id);
    if (!role) return { kind: 'unchanged' };
    const statistic = rest.split('.')[0];
    if (VALUE_STATISTICS.has(statistic)) return { kind: 'value', role };
    if (SPREAD_STATISTICS.has(statistic)) return { kind: 'spread', role };
    if (statistic === 'variance') return { kind: 'variance', role };
    return { kind: 'unchanged' };
  });
  return { names, kinds };
}

const IDENTITY: AffineMap = { scale: 1, offset: 0 };

function ratio(after: number | undefined, before: number | undefined): AffineMap {
  return after !== undefined && before !== undefined && before > 0 ? { scale: after / before, offset: 0 } : IDENTITY;
}

/** The sensor maps of one scenario against the baseline operating point. */
function sensorMaps(scenario: ScenarioPhysics, baseline: ScenarioPhysics): Partial<Record<SensorRole, AffineMap>> {
  const power = ratio(scenario.powerKw, baseline.powerKw);
  const maps: Partial<Record<SensorRole, AffineMap>> = {
    speed: { scale: scenario.speedRatio, offset: 0 },
    setpoint: { scale: scenario.speedRatio, offset: 0 },
    load: { scale: scenario.loadRatio, offset: 0 },
    power,
    current: power,
  };
  if (scenario.riseRatio !== undefined && scenario.ambientC !== undefined && baseline.ambientC !== undefined) {
    maps.bearingTemp = { scale: scenario.riseRatio, offset: scenario.ambientC - scenario.riseRatio * baseline.ambientC };
  }
  if (scenario.vibrationMmS !== undefined && baseline.vibrationMmS !== undefined) {
    maps.vibration = { scale: 1, offset: scenario.vibrationMmS - baseline.vibrationMmS };
  }
  return maps;
}

/** The model that moves a sensor role's features to a scenario's operating point, for the roles that need one. */
const MOVED_BY: Partial<Record<SensorRole, { model: string; known: (p: ScenarioPhysics) => boolean }>> = {
  bearingTemp: { model: 'thermal', known: (p) => p.riseRatio !== undefined && p.ambientC !== undefined },
  vibration: { model: 'vibration', known: (p) => p.vibrationMmS !== undefined },
  power: { model: 'power', known: (p) => p.powerKw !== undefined },
  current: { model: 'power', known: (p) => p.powerKw !== undefined },
};

/**
 * The models a scenario lacks to move the plan's features: without them those features would stay at today's values
 * and the RUL model would answer as if the change did not touch them (a near-unchanged RUL that means nothing).
 */
export function modelsLackingFor(plan: FeaturePlan, scenario: ScenarioPhysics, baseline: ScenarioPhysics): string[] {
  const lacking = new Set<string>();
  for (const kind of plan.kinds) {
    if (kind.kind === 'waveformMagnitude' && (scenario.vibrationMmS === undefined || baseline.vibrationMmS === undefined)) lacking.add('vibration');
    if (kind.kind === 'value' || kind.kind === 'spread' || kind.kind === 'variance') {
      const mover = MOVED_BY[kind.role];
      if (mover && !(mover.known(scenario) && mover.known(baseline))) lacking.add(mover.model);
    }
  }
  return [...lacking].sort();
}

/** Today's record moved to the scenario: only the plan's (the model's) features, missing ones left missing. */
export function transformRecord(plan: FeaturePlan, today: Readonly<Record<string, number>>, scenario: ScenarioPhysics, baseline: ScenarioPhysics): Record<string, number> {
  const maps = sensorMaps(scenario, baseline);
  const vibrationRatio = scenario.vibrationMmS !== undefined && baseline.vibrationMmS !== undefined && baseline.vibrationMmS > 0
    ? scenario.vibrationMmS / baseline.vibrationMmS : 1;
  const out: Record<string, number> = {};
  for (let i = 0; i < plan.names.length; i++) {
    const name = plan.names[i];
    const value = today[name];
    if (value === undefined) continue;
    const kind = plan.kinds[i];
    switch (kind.kind) {
      case 'unchanged':
        out[name] = value;
        break;
      case 'waveformMagnitude':
        out[name] = value * vibrationRatio;
        break;
      case 'waveformFrequency':
        out[name] = value * scenario.speedRatio;
        break;
      default: {
        const map = maps[kind.role] ?? IDENTITY;
        out[name] = kind.kind === 'value' ? map.scale * value + map.offset : kind.kind === 'spread' ? map.scale * value : map.scale * map.scale * value;
      }
    }
  }
  return out;
}
