/**
 * Where the RUL ladder of twin-health hands over to the supervised trees of twin-rul, decided once here.
 *
 * The shipped tree model learned the simulator's physics from simulated lives; on a real plant's first day it would
 * score a real machine with a model of another one. So an asset starts at the bottom of the ladder (survival prior,
 * then degradation from its own health index, then similarity), and the trees take over only once the registry's
 * model in use was trained on this site's confirmed failures: a retrain promoted over the shipped default.
 */
import type { RulRecord } from '../records';
import { isRulRecord } from '../records';

/** The registry names the shipped default `default-<hash>`; a retrain on this site's failures has another version. */
const SHIPPED_MODEL_PREFIX = 'default-';

/** twin-health's estimates carry `modelVersion: 'ladder:<model>'`. */
const LADDER_PREFIX = 'ladder:';

export type LadderUse = 'off' | 'until-site-model';

export function isLadderRecord(value: unknown): value is RulRecord {
  return isRulRecord(value) && value.modelVersion.startsWith(LADDER_PREFIX);
}

/** True when the trees were trained on this site's own failures, so they outrank the ladder. */
export function trainedOnSite(modelVersion: string): boolean {
  return !modelVersion.startsWith(SHIPPED_MODEL_PREFIX);
}

/**
 * The estimates to send for the assets the trees scored this cycle: the trees' own once they were trained on site
 * (or the ladder is off); otherwise each asset's newest ladder estimate not sent before, and nothing for an asset whose
 * ladder has none yet (it is still learning its normal). `ladder` holds the unsent ladder estimates; used ones leave it.
 */
export function chooseEstimates(use: LadderUse, modelVersion: string, scored: readonly RulRecord[], ladder: Map<string, RulRecord>): RulRecord[] {
  if (use === 'off' || trainedOnSite(modelVersion)) return [...scored];
  const chosen: RulRecord[] = [];
  for (const record of scored) {
    const estimate = ladder.get(record.asset);
    if (!estimate) continue;
    ladder.delete(record.asset);
    chosen.push(estimate);
  }
  return chosen;
}
