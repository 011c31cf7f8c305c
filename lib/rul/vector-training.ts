import { matrixFromRecords } from './feature-matrix';
import type { TrainingSet } from './gradient-boosting';

/**
 * Feature vectors labelled with the remaining useful life they were taken at, from any source (simulated
 * run-to-failure histories, vectors read back from the historian up to a recorded failure), turned into the
 * trainer's table.
 */
export interface LabelledVector {
  /** One life of one machine (a run, or an asset between two repairs): validation holds groups out whole. */
  group: string;
  /** Source time the vector describes, epoch ms. */
  ts: number;
  features: Record<string, number>;
  /** Hours from this vector to the failure. */
  rulHours: number;
}

/**
 * The rows' features in `featureNames` order, the target capped at `rulCap`: far from a failure the features of a
 * healthy machine do not tell 400 h from 900 h, and an uncapped target makes the trees chase that noise.
 */
export function vectorTrainingSet(rows: readonly LabelledVector[], featureNames: readonly string[], rulCap: number): TrainingSet {
  if (!(rulCap > 0)) throw new Error(`the RUL cap must be a number of hours above 0, not ${rulCap}`);
  if (featureNames.length === 0) throw new Error('name at least one feature for the model to read');
  const target = rows.map((row, index) => {
    if (!Number.isFinite(row.rulHours)) throw new Error(`${describe(rows, index)} has no remaining-life label`);
    if (row.rulHours < 0) throw new Error(`${describe(rows, index)} lies ${(-row.rulHours).toFixed(1)} h after its failure: leave out vectors taken after the failure`);
    return Math.min(rulCap, row.rulHours);
  });
  const matrix = matrixFromRecords([...featureNames], rows.map((row) => row.features),
    (index) => describe(rows, index));
  return { matrix, target, groups: rows.map((row) => row.group) };
}

function describe(rows: readonly LabelledVector[], index: number): string {
  const row = rows[index];
  return `row ${index} (${row.group} at ${Number.isFinite(row.ts) ? new Date(row.ts).toISOString() : `ts ${row.ts}`})`;
}
