/**
 * The twin-health example: one recorded life of the simulated spindle (its feature vectors, as twin-features sends
 * them, one every two operating hours), replayed in one batch through twin-health and on to twin-urgency.
 */
import { SPINDLE_ASSET } from '../../lib/asset/presets';
import { runToFailure } from '../../plant/run-to-failure';
import { DEFAULT_MODEL_FEATURES } from '../train-default';
import { FlowBuilder, type FlowNode } from './builder';
import { EXAMPLE_SPINDLE_RUN } from './example-spindle-vectors';
import { debug, errorsOf, inject } from './example-nodes';

export const HEALTH_EXAMPLE_FEATURES = ['acceleration.velocityRms', 'acceleration.rms', 'acceleration.kurtosis', 'acceleration.bpfoEnvelope'];
/** ISO 10816-3, group 2, rigid mounting: the zone C/D boundary, where vibration is deemed to damage the machine. */
export const HEALTH_EXAMPLE_THRESHOLD = 'acceleration.velocityRms=4.5';
const START = Date.UTC(2026, 0, 5);

export interface RecordedLife {
  vectors: { asset: string; ts: number; features: Record<string, number> }[];
  /** Time of the simulated failure (the run's end). */
  failureTs: number;
}

let recorded: RecordedLife | undefined;

/** The example run's vectors on an operating-hours clock (the simulator runs accelerated), to three significant digits. */
export function recordedLife(): RecordedLife {
  if (recorded) return recorded;
  const run = runToFailure(EXAMPLE_SPINDLE_RUN, { keepFeatures: DEFAULT_MODEL_FEATURES });
  const hourMs = 3_600_000;
  const vectors = run.vectors.map((v) => ({
    asset: SPINDLE_ASSET.id,
    ts: Math.round(START + (run.lifeHours - v.rulHours) * hourMs),
    features: Object.fromEntries(HEALTH_EXAMPLE_FEATURES.map((name) => [name, Number(v.features[name].toPrecision(3))])),
  }));
  recorded = { vectors, failureTs: Math.round(START + run.lifeHours * hourMs) };
  return recorded;
}

export function healthExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('health:tab', { type: 'tab', label: 'Machine health and the RUL ladder', disabled: false, info: '' });
  const life = recordedLife();
  flow.place('health:comment', tab, 0, 0, { type: 'comment', name: 'twin-health: health index, anomaly and RUL with no failure history', outputs: 0,
    info: `"replay a recorded life" sends ${life.vectors.length} feature vectors of the simulated spindle, one every two operating hours, as\n` +
      'twin-features sends them. twin-health learns the spindle\'s normal over its first 48 h, then scores each vector: health\n' +
      'readings (health.index 0 … 1 at the ISO 10816 zone C/D velocity of 4.5 mm/s, health.anomaly, health.rul), a RUL record naming\n' +
      'the model it came from (the bearing\'s ISO 281 life before onset, a degradation trend after it) for twin-urgency, and a health\n' +
      'alert naming the features that drive it. "failure confirmed" records the failure: the life joins the fleet\'s lives and the\n' +
      'trajectory the similarity library. Press "relearn" before replaying again (the rows must come in time order).' });
  const health = flow.place('health:health', tab, 2, 3, {
    type: 'twin-health', name: '', features: HEALTH_EXAMPLE_FEATURES.join(', '), thresholds: HEALTH_EXAMPLE_THRESHOLD, thresholdSource: 'engineer',
    anomalyFailure: '', learnMinutes: String(48 * 60), smoothing: '3', regimes: '', ratingN: '30000', loadN: '3000', rpm: '12000', bearingType: 'ball', ageHours: '0',
    outputs: 3,
  });
  flow.wire(inject(flow, 'health:replay', tab, 0, 2, 'replay a recorded life', 'features/spindle-1', JSON.stringify(life.vectors), 'json'), health);
  flow.wire(inject(flow, 'health:failure', tab, 0, 3, 'failure confirmed', 'failure', JSON.stringify({ asset: SPINDLE_ASSET.id, ts: life.failureTs }), 'json'), health);
  flow.wire(inject(flow, 'health:relearn', tab, 0, 4, 'relearn (after a repair)', 'relearn', JSON.stringify({ asset: SPINDLE_ASSET.id }), 'json'), health);
  flow.wire(health, debug(flow, 'health:readings', tab, 3, 1, 'health readings'), 0);
  const urgency = flow.place('health:urgency', tab, 3, 3, { type: 'twin-urgency', name: '', criticalHours: '48', warningHours: '168', hysteresisHours: '12',
    send: 'changes', outputs: 3 });
  flow.wire(health, urgency, 1);
  ['CRITICAL', 'WARNING', 'NORMAL'].forEach((level, port) => flow.wire(urgency, debug(flow, `health:${level.toLowerCase()}`, tab, 4, 2 + port, level), port));
  flow.wire(health, debug(flow, 'health:alerts', tab, 3, 5, 'health alerts'), 2);
  errorsOf(flow, 'health', tab, 3, 6, [health, urgency]);
  return flow.nodes;
}
