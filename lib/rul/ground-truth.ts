import type { FailureEvent } from './records';
import type { LabelledVector } from './vector-training';

/**
 * Training labels from the plant's own history: each confirmed failure ends one life of a machine, and the remaining
 * useful life of a feature vector at time t is the time left to the failure that ended its life, capped. The life
 * still running is censored: the machine has survived until `now`, so a vector whose survival since exceeds the cap
 * is known to have at least the cap left and is labelled with it; more recent vectors are left out, as nothing yet
 * says how long they had. False alarms end no life (the machine was sound).
 */
export interface TimedVector {
  ts: number;
  features: Record<string, number>;
}

export interface LabelOptions {
  rulCap: number;
  /** Hours of machine life per clock hour: 1 for a real machine, the speed-up for the simulated plant. */
  timeScale: number;
  /** End of the history: what "survived until" means for the lives still running. */
  now: number;
}

export interface LifeSummary {
  unit: string;
  asset: string;
  from: number;
  to: number;
  /** The failure event that ended it; absent for a life still running (censored). */
  failureId?: string;
  rows: number;
}

export interface LabelledHistory {
  rows: LabelledVector[];
  lives: LifeSummary[];
  /** Vectors of running lives too recent to label. */
  unlabelled: number;
}

const HOUR_MS = 3_600_000;

export function labelHistory(vectorsByAsset: ReadonlyMap<string, readonly TimedVector[]>, events: readonly FailureEvent[], options: LabelOptions): LabelledHistory {
  if (!(options.rulCap > 0)) throw new Error('the RUL cap must be a positive number of hours');
  if (!(options.timeScale > 0)) throw new Error('the time scale must be positive (1 for a real machine)');
  const rows: LabelledVector[] = [];
  const lives: LifeSummary[] = [];
  let unlabelled = 0;
  for (const [asset, vectors] of vectorsByAsset) {
    const failures = events.filter((e) => e.asset === asset && e.outcome === 'failure' && e.failedAt <= options.now).sort((a, b) => a.failedAt - b.failedAt);
    const sorted = [...vectors].sort((a, b) => a.ts - b.ts);
    const ends: Array<{ at: number; failure?: FailureEvent }> = [...failures.map((f) => ({ at: f.failedAt, failure: f })), { at: options.now }];
    let index = 0;
    ends.forEach((end, life) => {
      const unit = `${asset}#${life + 1}`;
      let count = 0;
      let first = Infinity;
      let last = -Infinity;
      for (; index < sorted.length && sorted[index].ts <= end.at; index++) {
        const vector = sorted[index];
        const leftHours = ((end.at - vector.ts) * options.timeScale) / HOUR_MS;
        if (!end.failure && leftHours < options.rulCap) { unlabelled++; continue; }
        rows.push({ group: unit, ts: vector.ts, features: vector.features, rulHours: Math.min(options.rulCap, leftHours) });
        count++;
        first = Math.min(first, vector.ts);
        last = Math.max(last, vector.ts);
      }
      if (count > 0) lives.push({ unit, asset, from: first, to: last, failureId: end.failure?.id, rows: count });
    });
  }
  return { rows, lives, unlabelled };
}
