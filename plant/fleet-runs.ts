import type { AssetDefinition } from '../lib/asset/asset-model';
import { PLANT_ASSETS } from '../lib/asset/presets';
import { Random } from '../lib/math/random';
import type { RunSpec } from './run-to-failure';

/**
 * What varies across a fleet of the plant's machines: the speed each runs at, a setpoint changed part way through
 * some lives, the ambient temperature of the hall, and chance (the seed). Drawn from one seed, so a fleet repeats.
 */
export interface FleetVariation {
  /** Setpoints as fractions of nominal speed; a machine whose maximum is lower is drawn up to its maximum. */
  speedFraction: [number, number];
  ambientC: [number, number];
  /** Share of runs whose setpoint changes once, when the wear reaches a value in `changeAtWear`. */
  setpointChangeShare: number;
  changeAtWear: [number, number];
}

export const DEFAULT_FLEET_VARIATION: FleetVariation = {
  speedFraction: [0.75, 1.15],
  ambientC: [15, 35],
  setpointChangeShare: 1 / 3,
  changeAtWear: [0.05, 0.5],
};

function uniform(random: Random, [low, high]: [number, number]): number {
  return low + (high - low) * random.next();
}

function setpoint(asset: AssetDefinition, random: Random, variation: FleetVariation): number {
  const nominal = asset.ratings.nominalRpm;
  if (!nominal) throw new Error(`asset ${asset.id} states no nominal speed to draw setpoints around`);
  const [low, high] = variation.speedFraction;
  const highest = Math.min(high, (asset.ratings.maxRpm ?? Infinity) / nominal);
  return Math.round(nominal * uniform(random, [low, highest]));
}

/** `runs` run specs, the plant's machines taking turns, each with its own seed drawn from `seed`. */
export function fleetRuns(runs: number, seed: number, variation: FleetVariation = DEFAULT_FLEET_VARIATION): RunSpec[] {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`the number of runs must be a whole number above 0, not ${runs}`);
  const random = new Random(seed);
  return Array.from({ length: runs }, (_, index) => {
    const asset = PLANT_ASSETS[index % PLANT_ASSETS.length];
    const spec: RunSpec = {
      id: `${asset.id}/run-${String(index + 1).padStart(3, '0')}`,
      assetId: asset.id,
      seed: Math.floor(random.next() * 0x7fffffff),
      ambientC: Math.round(uniform(random, variation.ambientC) * 10) / 10,
      setpointRpm: setpoint(asset, random, variation),
    };
    if (random.next() < variation.setpointChangeShare) {
      spec.setpointChange = { atWear: Math.round(uniform(random, variation.changeAtWear) * 1000) / 1000, rpm: setpoint(asset, random, variation) };
    }
    return spec;
  });
}
