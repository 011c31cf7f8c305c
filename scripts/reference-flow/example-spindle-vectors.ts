/**
 * Feature vectors of a spindle bearing at three stages of its life, for the examples: taken from the simulator's
 * run-to-failure generator (the source of the shipped model's training data, though not this run), so the values
 * are what twin-features computes from a real wearing bearing, and each comes with the life it truly had left.
 */
import { SPINDLE_ASSET } from '../../lib/asset/presets';
import { runToFailure, type RunSpec } from '../../plant/run-to-failure';
import { DEFAULT_MODEL_FEATURES } from '../train-default';

/** One life of the spindle at its nominal 12,000 rpm; the fixed seed makes the examples the same on every generation. */
export const EXAMPLE_SPINDLE_RUN: RunSpec = { id: 'spindle-1/example', assetId: SPINDLE_ASSET.id, seed: 7, ambientC: 22, setpointRpm: 12000 };

export interface BearingStage {
  key: 'healthy' | 'worn' | 'failing';
  label: string;
  /** Remaining life the vector is taken at (the nearest vector of the run), hours. */
  targetRulHours: number;
}

export const BEARING_STAGES: readonly BearingStage[] = [
  { key: 'healthy', label: 'healthy bearing', targetRulHours: 250 },
  { key: 'worn', label: 'worn bearing', targetRulHours: 100 },
  { key: 'failing', label: 'failing bearing', targetRulHours: 30 },
];

export interface StageVector extends BearingStage {
  /** The run's label of the vector: the life really left, hours. */
  trueRulHours: number;
  /** The shipped model's features, to three significant digits (what a person would type, and short in the editor). */
  features: Record<string, number>;
}

let generated: StageVector[] | undefined;

/** The vector nearest to each stage's remaining life; generated once per process (the run takes about a second). */
export function bearingStageVectors(): StageVector[] {
  if (generated) return generated;
  const run = runToFailure(EXAMPLE_SPINDLE_RUN, { keepFeatures: DEFAULT_MODEL_FEATURES });
  generated = BEARING_STAGES.map((stage) => {
    const nearest = run.vectors.reduce((best, v) => (Math.abs(v.rulHours - stage.targetRulHours) < Math.abs(best.rulHours - stage.targetRulHours) ? v : best));
    const features = Object.fromEntries(DEFAULT_MODEL_FEATURES.map((name) => {
      const value = nearest.features[name];
      if (!Number.isFinite(value)) throw new Error(`the simulated run's vector lacks ${name}, which the shipped model reads`);
      return [name, Number(value.toPrecision(3))];
    }));
    return { ...stage, trueRulHours: nearest.rulHours, features };
  });
  return generated;
}
