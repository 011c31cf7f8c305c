import assert from 'node:assert/strict';
import { DEFAULT_MACHINE_HEALTH_OPTIONS, MachineHealth, type HealthReading, type MachineHealthOptions } from '../lib/machine-health/machine-health';
import { fitBaseline, scoreAgainst } from '../lib/machine-health/robust-baseline';
import { parseThreshold } from '../lib/machine-health/health-index';
import { regimeOf } from '../lib/machine-health/regime';
import { HealthTwin, type HealthTwinState } from '../lib/machine-health/health-twin';
import { DEFAULT_LADDER_OPTIONS } from '../lib/rul/ladder/rul-ladder';
import { DEFAULT_URGENCY_OPTIONS } from '../lib/rul/urgency';
import { Random } from '../lib/math/random';

const START = Date.UTC(2026, 10, 1);
const MINUTE = 60_000;

/** Two correlated vibration features and a temperature, healthy around a speed-dependent level. */
function healthyRow(random: Random, speed: number): Record<string, number> {
  const common = random.gaussian();
  return {
    speed,
    vib1: speed / 1000 + 0.1 * (common + 0.3 * random.gaussian()),
    vib2: speed / 2000 + 0.05 * (common + 0.3 * random.gaussian()),
    temp: 40 + random.gaussian(),
  };
}

function model(options: Partial<MachineHealthOptions> = {}): MachineHealth {
  return new MachineHealth('spindle-1', { ...DEFAULT_MACHINE_HEALTH_OPTIONS, features: ['vib1', 'vib2', 'temp'], smoothing: 1, ...options });
}

describe('machine health: robust baseline', function () {
  it('scores healthy vectors near d² = p, splits d² into contributions that sum to 1, and names the feature that moved', function () {
    const random = new Random(7);
    const rows = Array.from({ length: 400 }, () => Object.values(healthyRow(random, 9000)).slice(1));
    const baseline = fitBaseline(['vib1', 'vib2', 'temp'], rows);
    const fresh = Array.from({ length: 2000 }, () => scoreAgainst(baseline, Object.values(healthyRow(random, 9000)).slice(1)));
    const meanD2 = fresh.reduce((s, f) => s + f.distance ** 2, 0) / fresh.length;
    assert.ok(meanD2 > 2.4 && meanD2 < 3.8, `mean d² of healthy rows ${meanD2.toFixed(2)} (3 features)`);
    const moved = scoreAgainst(baseline, [9, 4.5, 46]);
    assert.ok(Math.abs(moved.contributions.reduce((s, c) => s + c, 0) - 1) < 1e-9);
    const leader = moved.contributions.indexOf(Math.max(...moved.contributions));
    assert.equal(leader, 2, 'temperature 6σ up leads');
    // The two vibrations move together when healthy: vib1 up alone breaks the correlation and scores higher than both up.
    const alone = scoreAgainst(baseline, [9.3, 4.5, 40]).distance;
    const together = scoreAgainst(baseline, [9.3, 4.65, 40]).distance;
    assert.ok(alone > together, `alone ${alone.toFixed(1)} vs together ${together.toFixed(1)}`);
  });

  it('keeps a learning-period burst from moving the centre', function () {
    const random = new Random(3);
    const rows = Array.from({ length: 100 }, (_, i) => [i % 25 === 0 ? 50 : 1 + 0.1 * random.gaussian()]);
    const baseline = fitBaseline(['peak'], rows);
    assert.ok(Math.abs(baseline.center[0] - 1) < 0.05 && baseline.scale[0] < 0.2, `centre ${baseline.center[0]}, scale ${baseline.scale[0]}`);
  });

  it('reads thresholds and regimes', function () {
    assert.deepEqual(parseThreshold('h.peak=20'), { feature: 'h.peak', value: 20, source: 'engineer' });
    assert.throws(() => parseThreshold('peak>20'), /feature=value/);
    assert.equal(regimeOf([{ variable: 'speed', edges: [10000] }], { speed: 12000 }), 'speed>=10000');
    assert.equal(regimeOf([{ variable: 'speed', edges: [10000] }], { speed: 9000 }), 'speed<10000');
    assert.equal(regimeOf([{ variable: 'speed', edges: [10000] }], {}), undefined);
  });
});

describe('machine health: per asset', function () {
  function run(target: MachineHealth, random: Random, minutes: number, from: number, row: (i: number) => Record<string, number>): HealthReading[] {
    return Array.from({ length: minutes }, (_, i) => target.update(START + (from + i) * MINUTE, row(i)));
  }

  it('learns per speed band, scores the other band as normal, and raises an alert with contributions on a real change', function () {
    const random = new Random(11);
    const target = model({ regimes: [{ variable: 'speed', edges: [10500] }], thresholds: [parseThreshold('vib1=20')] });
    const learning = run(target, random, 30, 0, (i) => healthyRow(random, i % 2 === 0 ? 9000 : 12000));
    assert.ok(learning.every((r) => r.phase === 'learning'));
    const healthy = run(target, random, 600, 30, (i) => healthyRow(random, i % 2 === 0 ? 9000 : 12000));
    assert.deepEqual(new Set(healthy.map((r) => r.regime)), new Set(['speed<10500', 'speed>=10500']));
    assert.ok(healthy.every((r) => r.phase === 'scoring'));
    assert.equal(healthy.filter((r) => r.alert).length, 0, 'no alert while healthy in either band');
    assert.ok(healthy.every((r) => (r.health as number) < 0.1), 'health index near 0 while healthy');
    const failing = run(target, random, 30, 630, (i) => ({ ...healthyRow(random, 12000), temp: 40 + i }));
    const raised = failing.find((r) => r.alert?.action === 'raise');
    assert.ok(raised?.alert, 'an alert is raised');
    assert.equal(raised.alert.leading, 'temp');
    assert.equal(raised.alert.kind, 'machine');
    assert.match(raised.alert.message, /led by temp/);
    const progress = run(target, random, 1, 660, () => ({ speed: 12000, vib1: 16, vib2: 6, temp: 40 }))[0];
    // vib1's baseline median is 12 in this band: 16 is halfway to the 20 threshold.
    assert.ok(Math.abs((progress.health as number) - 0.5) < 0.05, `HI ${progress.health} for vib1 halfway to 20`);
  });

  it('sets a faulty sensor apart: it drives no alert, and the alert says it was set apart', function () {
    const random = new Random(5);
    const target = model();
    run(target, random, 30, 0, () => healthyRow(random, 9000));
    target.setSensorVerdict('temp', 'faulty');
    const withFaultyTemp = run(target, random, 60, 30, () => ({ ...healthyRow(random, 9000), temp: 90 }));
    assert.equal(withFaultyTemp.filter((r) => r.alert).length, 0, 'the faulty thermometer raises no machine alert');
    assert.deepEqual(withFaultyTemp[0].sensorFaults, ['temp']);
    const machine = run(target, random, 10, 90, () => ({ ...healthyRow(random, 9000), vib1: 12, temp: 90 }));
    const raised = machine.find((r) => r.alert?.action === 'raise');
    assert.ok(raised?.alert);
    assert.equal(raised.alert.leading, 'vib1');
    assert.match(raised.alert.message, /faulty sensors set apart: temp/);
  });

  it('refuses rows out of time order and missing features with a clear error', function () {
    const target = model();
    target.update(START, { vib1: 9, vib2: 4.5, temp: 40 });
    assert.throws(() => target.update(START, { vib1: 9, vib2: 4.5, temp: 40 }), /time order/);
    assert.throws(() => target.update(START + 1, { vib1: 9, temp: 40 }), /"vib2" missing/);
  });
});

describe('machine health: restart', function () {
  it('goes on after a JSON round trip exactly where it stood: baselines, smoothing, onset, trend and fleet', function () {
    const options = {
      health: { ...DEFAULT_MACHINE_HEALTH_OPTIONS, features: ['vib', 'temp'], thresholds: [parseThreshold('vib=7')], learningMs: 60 * MINUTE },
      ladder: DEFAULT_LADDER_OPTIONS, urgency: DEFAULT_URGENCY_OPTIONS, lives: [], minFailures: 3, library: [], ageHoursAtStart: 0,
      bearing: { dynamicLoadRatingN: 30000, equivalentLoadN: 3000, rpm: 12000, type: 'ball' as const },
    };
    const random = new Random(13);
    const rows = Array.from({ length: 400 }, (_, i) => ({
      vib: 2 + (i > 200 ? 5 * 0.05 * Math.exp((i - 200) / 80) : 0) + 0.05 * random.gaussian(), temp: 45 + 0.3 * random.gaussian(),
    }));
    const straight = new HealthTwin(options);
    const interrupted = new HealthTwin(options);
    let restarted = interrupted;
    const lines = (twin: HealthTwin, i: number): string => {
      const row = twin.update('spindle-1', START + i * MINUTE, rows[i]);
      return JSON.stringify([row.reading.health, row.reading.anomaly, row.estimate?.model, row.estimate?.rulHours, row.estimate?.lowerHours, row.urgency]);
    };
    for (let i = 0; i < rows.length; i++) {
      if (i === 30 || i === 250) restarted = new HealthTwin(options, JSON.parse(JSON.stringify(restarted.toJSON())) as HealthTwinState);
      assert.equal(lines(restarted, i), lines(straight, i), `row ${i}`);
    }
    assert.match(String(straight.update('spindle-1', START + 400 * MINUTE, rows[399]).estimate?.model), /^degradation-/);
    const otherFeatures = new HealthTwin({ ...options, health: { ...options.health, features: ['vib'] } }, restarted.toJSON());
    assert.equal(otherFeatures.update('spindle-1', START + 401 * MINUTE, rows[0]).reading.phase, 'learning', 'a state learned on other features is not restored');
  });
});
