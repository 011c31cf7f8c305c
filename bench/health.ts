/**
 * Health scoring throughput: a fleet of assets, each having learned its own baseline from its own rows (six
 * features, as the FEMTO replay uses), scored one row per asset per round. Three stages, timed in alternating slices
 * of the same process: the whole health twin (health index, anomaly with contributions, alert, onset and ladder RUL,
 * urgency) as twin-health and `twin-health replay` run it; the machine-health scoring alone; and the bare engine,
 * the squared Mahalanobis distance against the same baselines into reused buffers.
 */
import { DEFAULT_LADDER_OPTIONS } from '../lib/rul/ladder/rul-ladder';
import { DEFAULT_URGENCY_OPTIONS } from '../lib/rul/urgency';
import { HealthTwin } from '../lib/machine-health/health-twin';
import { DEFAULT_MACHINE_HEALTH_OPTIONS, MachineHealth, type MachineHealthOptions } from '../lib/machine-health/machine-health';
import { fitBaseline, squaredDistance } from '../lib/machine-health/robust-baseline';
import { Random } from '../lib/math/random';
import { printAgainstGoal, printBeside, printFigure, alternate } from './print-figure';

const GOAL_UPDATES_PER_S = 100_000;
const ASSETS = 1000;
const FEATURES = ['h.rms', 'v.rms', 'h.peak', 'v.peak', 'h.kurtosis', 'v.kurtosis'];
const LEARNING_ROWS = 60;
const ROW_MS = 10_000;

function healthOptions(): MachineHealthOptions {
  return { ...DEFAULT_MACHINE_HEALTH_OPTIONS, features: FEATURES, thresholds: [{ feature: 'h.peak', value: 20, source: 'engineer' }], learningMs: LEARNING_ROWS * ROW_MS };
}

/** A pool of healthy rows per asset (a bearing's levels differ from asset to asset), reused round after round. */
function rowPool(random: Random, rows: number): Record<string, number>[][] {
  return Array.from({ length: ASSETS }, () => {
    const level = 0.3 + 0.2 * random.next();
    return Array.from({ length: rows }, () => ({
      'h.rms': level * (1 + 0.05 * random.gaussian()), 'v.rms': 1.2 * level * (1 + 0.05 * random.gaussian()),
      'h.peak': 4 * level * (1 + 0.1 * random.gaussian()), 'v.peak': 5 * level * (1 + 0.1 * random.gaussian()),
      'h.kurtosis': 3 + 0.2 * random.gaussian(), 'v.kurtosis': 3 + 0.2 * random.gaussian(),
    }));
  });
}

export async function run(): Promise<void> {
  const random = new Random(17);
  const pool = rowPool(random, LEARNING_ROWS + 64);
  const twin = new HealthTwin({
    health: healthOptions(), ladder: DEFAULT_LADDER_OPTIONS, urgency: DEFAULT_URGENCY_OPTIONS, lives: [], minFailures: 3,
    bearing: { dynamicLoadRatingN: 4000, equivalentLoadN: 4000, rpm: 1800, type: 'ball' }, library: [], ageHoursAtStart: 0,
  });
  const healths = Array.from({ length: ASSETS }, (_, a) => new MachineHealth(`asset-${a}`, healthOptions()));
  // Each asset learns its normal from its own first rows, as it would live.
  let twinTs = 0;
  let healthTs = 0;
  for (let row = 0; row <= LEARNING_ROWS; row++) {
    twinTs += ROW_MS;
    healthTs += ROW_MS;
    for (let a = 0; a < ASSETS; a++) {
      twin.update(`asset-${a}`, twinTs, pool[a][row]);
      healths[a].update(healthTs, pool[a][row]);
    }
  }
  const baselines = pool.map((rows) => fitBaseline(FEATURES, rows.slice(0, LEARNING_ROWS).map((r) => FEATURES.map((f) => r[f]))));
  const vectors = pool.map((rows) => rows.map((r) => Float64Array.from(FEATURES.map((f) => r[f]))));
  const z = new Float64Array(FEATURES.length);
  const solved = new Float64Array(FEATURES.length);
  let round = 0;
  let sink = 0;
  const seconds = await alternate({
    twin: () => {
      twinTs += ROW_MS;
      const row = LEARNING_ROWS + (round++ % 64);
      for (let a = 0; a < ASSETS; a++) sink += twin.update(`asset-${a}`, twinTs, pool[a][row]).reading.anomaly ?? 0;
    },
    health: () => {
      healthTs += ROW_MS;
      const row = LEARNING_ROWS + (round % 64);
      for (let a = 0; a < ASSETS; a++) sink += healths[a].update(healthTs, pool[a][row]).anomaly ?? 0;
    },
    bare: () => {
      const row = LEARNING_ROWS + (round % 64);
      for (let a = 0; a < ASSETS; a++) sink += squaredDistance(baselines[a], vectors[a][row], z, solved);
    },
  }, 200);
  const rate = (name: string): number => ASSETS / seconds[name];
  printFigure('health fleet', `${ASSETS} assets, ${FEATURES.length} features, baselines learned from ${LEARNING_ROWS} rows each (checksum ${sink.toFixed(0)})`);
  printBeside('health scoring (MachineHealth.update)', rate('health'), rate('bare'), 'asset-updates/s');
  printBeside('health twin (health + onset + ladder RUL + urgency)', rate('twin'), rate('bare'), 'asset-updates/s');
  printAgainstGoal('health twin throughput', rate('twin'), GOAL_UPDATES_PER_S, 'asset-updates/s');
}
