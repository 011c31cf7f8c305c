import assert from 'node:assert/strict';
import type { SensorDefinition } from '../lib/asset/asset-model';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import { AssetHealth } from '../lib/health/asset-health';
import { Cusum, PageHinkley } from '../lib/health/change-detectors';
import { DEFAULT_HEALTH_OPTIONS, SensorHealthMonitor, type HealthOptions } from '../lib/health/sensor-health';
import type { Reading, ScalarReading } from '../lib/reading/reading';
import { FaultTable } from '../plant/faults';
import { Random } from '../lib/math/random';
import { SpindleModel } from '../plant/physics/spindle';

const TEMPERATURE: SensorDefinition = { id: 'temp', name: 'Bearing temperature', unit: '°C', kind: 'scalar', range: { min: -40, max: 200 } };
const START = Date.UTC(2026, 10, 1);

function monitor(options: Partial<HealthOptions> = {}): SensorHealthMonitor {
  return new SensorHealthMonitor(TEMPERATURE, { ...DEFAULT_HEALTH_OPTIONS, learnIntervals: 20, ...options });
}

/** Feeds `seconds` of 1 Hz readings from `value(t)` (t in s) and returns the qualities given. */
function feed(target: SensorHealthMonitor, fromS: number, seconds: number, value: (t: number) => number): string[] {
  const qualities: string[] = [];
  for (let t = fromS; t < fromS + seconds; t++) qualities.push(target.observe(START + t * 1000, value(t), 'good'));
  return qualities;
}

describe('change detectors', function () {
  it('CUSUM finds a 1σ step within the expected run length and estimates its size', function () {
    const random = new Random(2);
    const cusum = new Cusum(0.5, 8);
    for (let i = 0; i < 2000; i++) assert.equal(cusum.update(random.gaussian(), i), false, `false alarm at ${i}`);
    let detectedAfter = -1;
    for (let i = 0; i < 200 && detectedAfter < 0; i++) if (cusum.update(1 + random.gaussian(), 2000 + i)) detectedAfter = i + 1;
    // ARL of a 1σ shift at k = 0.5, h = 8 is about 17 samples; allow the spread of one run.
    assert.ok(detectedAfter > 5 && detectedAfter < 45, `detected after ${detectedAfter}`);
    const state = cusum.state();
    assert.equal(state.direction, 'up');
    assert.ok(Math.abs(state.shiftSigma - 1) < 0.6, `estimated shift ${state.shiftSigma}`);
  });

  it('CUSUM and Page–Hinkley see a downward step and survive a JSON round trip', function () {
    const random = new Random(4);
    for (const detector of [new Cusum(), new PageHinkley()]) {
      for (let i = 0; i < 500; i++) detector.update(random.gaussian(), i);
      let alarm = false;
      for (let i = 0; i < 100 && !alarm; i++) alarm = detector.update(-2 + random.gaussian(), 500 + i);
      assert.ok(alarm, detector.method);
      assert.equal(detector.state().direction, 'down', detector.method);
      const restored = detector.method === 'cusum'
        ? new Cusum(0.5, 8, JSON.parse(JSON.stringify(detector)))
        : new PageHinkley(0.5, 8, JSON.parse(JSON.stringify(detector)));
      assert.deepEqual(restored.state(), detector.state());
    }
  });

  it('raise false alarms on stationary noise no more often than their in-control run length allows', function () {
    // Two-sided CUSUM with k = 0.5, h = 8 has an in-control average run length near 10,000 samples (Siegmund).
    for (const make of [() => new Cusum(0.5, 8), () => new PageHinkley(0.5, 8)]) {
      const random = new Random(9);
      let detector = make();
      let alarms = 0;
      const samples = 200_000;
      for (let i = 0; i < samples; i++) {
        if (detector.update(random.gaussian(), i)) {
          alarms++;
          detector = make();
        }
      }
      assert.ok(samples / Math.max(1, alarms) > 3000, `${detector.method}: ${alarms} false alarms in ${samples} samples`);
    }
  });
});

describe('sensor health', function () {
  it('learns first, then reports healthy on a steady noisy signal', function () {
    const random = new Random(1);
    const m = monitor();
    feed(m, 0, 600, () => 60 + 0.3 * random.gaussian());
    assert.equal(m.assess().state, 'learning');
    const qualities = feed(m, 600, 3 * 3600, () => 60 + 0.3 * random.gaussian());
    assert.equal(m.assess().state, 'healthy', JSON.stringify(m.assess().issues));
    assert.ok(qualities.every((q) => q === 'good'));
  });

  it('marks out-of-range readings bad and the sensor faulty', function () {
    const m = monitor();
    feed(m, 0, 100, () => 50);
    assert.equal(m.observe(START + 100_000, 250, 'good'), 'bad');
    const assessment = m.assess();
    assert.equal(assessment.state, 'faulty');
    assert.equal(assessment.issues[0].kind, 'out-of-range');
    assert.equal(m.observe(START + 101_000, 50.1, 'good'), 'good');
    assert.equal(m.assess().counts.outOfRange, 1);
  });

  it('finds a stuck sensor after the configured time, not before', function () {
    const random = new Random(3);
    const m = monitor({ stuckMs: 5 * 60_000 });
    feed(m, 0, 300, () => 60 + 0.2 * random.gaussian());
    const qualities = feed(m, 300, 299, () => 61.25);
    assert.ok(qualities.every((q) => q !== 'bad'), 'not stuck before 5 minutes');
    assert.equal(feed(m, 599, 2, () => 61.25)[1], 'bad');
    const assessment = m.assess();
    assert.equal(assessment.state, 'faulty');
    assert.ok(assessment.calibrationDue);
    assert.match(assessment.recommendation, /has not changed from 61.25 °C for 5 min/);
  });

  it('marks spikes bad and the sensor suspect when they repeat', function () {
    const random = new Random(5);
    const m = monitor();
    feed(m, 0, 200, () => 60 + 0.2 * random.gaussian());
    const qualities = feed(m, 200, 100, (t) => (t % 25 === 0 ? 90 : 60 + 0.2 * random.gaussian()));
    assert.equal(qualities.filter((q) => q === 'bad').length, 4);
    assert.equal(m.assess().counts.spikes, 4);
    assert.ok(m.assess().issues.some((issue) => issue.kind === 'spikes'));
  });

  it('counts dropouts and reports silence', function () {
    const m = monitor();
    feed(m, 0, 100, () => 60);
    m.observe(START + 200_000, 60, 'good');
    assert.equal(m.assess().counts.dropouts, 1);
    assert.ok(m.assess(START + 210_000).issues.some((issue) => issue.kind === 'dropout'));
    assert.ok(m.assess(START + 600_000).issues.some((issue) => /silent for/.test(issue.message)));
  });

  it('takes a standing machine\'s silent or held sensors for neither a dropout nor a stuck transmitter', function () {
    // A subscription reports the spindle's load every second while it cuts, nothing while it stands (the value holds
    // at 0), and the Modbus-polled pump's flow every second at 0: the same stop seen both ways.
    const check = [{ sensor: 'load', options: { ...DEFAULT_HEALTH_OPTIONS, learnIntervals: 5, stuckMs: 10 * 60_000, reference: { kind: 'none' as const } } }];
    const reading = (sensor: string, value: number, s: number): ScalarReading => ({ asset: SPINDLE_ASSET.id, sensor, value, unit: '', ts: START + s * 1000, quality: 'good' });
    const random = new Random(9);
    const stop = (withRule: boolean, heldReadings: boolean): AssetHealth => {
      const health = new AssetHealth(SPINDLE_ASSET, check, 5000, undefined, withRule ? { sensor: 'state', test: 'equals', value: 1 } : undefined);
      health.process([reading('state', 1, 0)]);
      for (let t = 1; t < 600; t++) health.process([reading('load', 40 + 3 * random.gaussian(), t)]);
      health.process([reading('state', 2, 600)]);
      // Down for 20 minutes: silence, or a held 0 every second.
      if (heldReadings) for (let t = 600; t < 1800; t++) health.process([reading('load', 0, t)]);
      return health;
    };
    const issuesAt = (health: AssetHealth, s: number) => health.assessAll(START + s * 1000)[0].issues.map((i) => i.kind);
    assert.deepEqual(issuesAt(stop(true, false), 1800), [], 'silence while it stands');
    assert.deepEqual(issuesAt(stop(true, true), 1800), [], 'a held value while it stands');
    assert.ok(issuesAt(stop(false, false), 1800).includes('dropout'), 'without the rule the same silence is a dropout');
    assert.ok(issuesAt(stop(false, true), 1800).includes('stuck'), 'and the held value a stuck transmitter');

    const restarted = stop(true, false);
    restarted.process([reading('state', 1, 1800)]);
    for (let t = 1801; t < 1900; t++) restarted.process([reading('load', 40 + 3 * random.gaussian(), t)]);
    assert.deepEqual(issuesAt(restarted, 1900), [], 'the stop is no gap once it runs again');
    assert.equal(restarted.assessAll(START + 1_900_000)[0].counts.dropouts, 0);
    assert.ok(issuesAt(restarted, 2200).includes('dropout'), 'silence while it runs is still a dropout');
  });

  it('takes the time Node-RED was down for no missed readings, and still finds a sensor silent after the restart', function () {
    const options = { ...DEFAULT_HEALTH_OPTIONS, learnIntervals: 5, reference: { kind: 'none' as const } };
    const check = [{ sensor: 'load', options }, { sensor: 'motorCurrent', options }];
    const reading = (sensor: string, s: number): ScalarReading => ({ asset: SPINDLE_ASSET.id, sensor, value: 40 + s % 7, unit: '', ts: START + s * 1000, quality: 'good' });
    const both = (s: number): ScalarReading[] => [reading('load', s), reading('motorCurrent', s)];
    const before = new AssetHealth(SPINDLE_ASSET, check, 5000);
    for (let t = 0; t < 600; t++) before.process(both(t));
    // Node-RED stops with the state saved and starts again 20 minutes later; the plant ran on meanwhile.
    const saved = JSON.parse(JSON.stringify(before.toJSON()));
    const restarted = new AssetHealth(SPINDLE_ASSET, check, 5000, saved);
    const changes = [];
    for (let t = 1800; t < 1900; t++) changes.push(...restarted.process(both(t)).changes);
    assert.deepEqual(changes.filter((c) => c.state !== 'healthy'), [], 'no sensor left health over the restart');
    assert.deepEqual(restarted.assessAll(START + 1_900_000).map((a) => [a.counts.dropouts, a.issues.length]), [[0, 0], [0, 0]]);
    assert.deepEqual(restarted.assessAll(START + 1_900_000).map((a) => a.driftBias), [null, null], 'no drift reference: drift not measured, not 0');
    // The same 20 minutes with Node-RED running is the sensors' silence: a dropout, as before.
    before.process(both(1800));
    assert.ok(before.assessAll(START + 1_801_000).every((a) => a.counts.dropouts === 1 && a.issues.some((i) => /missed readings/.test(i.message))));

    // After a restart a sensor that stays silent while the others report is a dropout, counted from the restart.
    const silent = new AssetHealth(SPINDLE_ASSET, check, 5000, saved);
    for (let t = 1800; t < 1830; t++) silent.process([reading('motorCurrent', t)]);
    const load = silent.assessAll(START + 1_830_000)[0];
    assert.match(load.issues[0]?.message ?? '', /^silent for 0\.5 min/);
    assert.equal(load.issues[0].since, START + 1_800_000);
    silent.process(both(1830));
    const back = silent.assessAll(START + 1_831_000);
    assert.deepEqual(back.map((a) => a.counts.dropouts), [1, 0], 'load missed readings after the restart, motor current none');
    assert.match(back[0].issues[0]?.message ?? '', /missed readings/);
  });

  it('detects drift against its own baseline, latches it until reset, then relearns', function () {
    const random = new Random(6);
    const m = monitor({ noiseFloor: 0.05 });
    feed(m, 0, 3600, () => 60 + 0.3 * random.gaussian());
    assert.equal(m.assess().state, 'healthy');
    feed(m, 3600, 3600, (t) => 60 + 0.3 * random.gaussian() + 0.02 * ((t - 3600) / 60));
    const assessment = m.assess();
    assert.equal(assessment.state, 'suspect');
    assert.ok(assessment.calibrationDue);
    assert.ok((assessment.driftBias ?? 0) > 0.3, `bias ${assessment.driftBias}`);
    assert.match(assessment.recommendation, /reads .* °C high against its commissioning baseline/);
    const reset = m.reset();
    assert.equal(reset.assess().state, 'learning');
  });

  it('learns a linear relation to a reference sensor and flags drift against it', function () {
    const random = new Random(8);
    const m = new SensorHealthMonitor(TEMPERATURE, { ...DEFAULT_HEALTH_OPTIONS, reference: { kind: 'sensor', sensor: 'other' }, learnIntervals: 60, noiseFloor: 0.1, biasTolerance: 1 });
    const load = (t: number) => 40 + 30 * Math.sin(t / 900);
    for (let t = 0; t < 6 * 3600; t++) {
      const drift = t > 3 * 3600 ? 0.01 * ((t - 3 * 3600) / 60) : 0;
      m.observe(START + t * 1000, 2.5 * load(t) + 10 + drift + 0.05 * random.gaussian(), 'good', load(t));
      if (t === 3 * 3600) assert.equal(m.assess().state, 'healthy', 'a varying level that follows the reference is healthy');
    }
    const assessment = m.assess();
    assert.equal(assessment.state, 'faulty', 'bias beyond tolerance');
    assert.ok(Math.abs((assessment.driftBias ?? 0) - 1.8) < 0.3, `bias ${assessment.driftBias}`);
  });

  it('keeps everything it learned across a JSON round trip', function () {
    const random = new Random(10);
    const m = monitor();
    feed(m, 0, 3000, () => 60 + 0.3 * random.gaussian());
    const restored = new SensorHealthMonitor(TEMPERATURE, m.options, JSON.parse(JSON.stringify(m)));
    assert.deepEqual(restored.assess(), m.assess());
    assert.equal(JSON.stringify(restored), JSON.stringify(m));
    const next = 60 + 0.3 * random.gaussian();
    assert.equal(restored.observe(START + 3_000_000, next, 'good'), m.observe(START + 3_000_000, next, 'good'));
  });
});

describe('sensor health on the simulated spindle', function () {
  const ASSET = SPINDLE_ASSET.id;

  /** Runs the spindle at 1 Hz through `AssetHealth`; returns when each sensor first left healthy/learning. */
  function run(hours: number, faultAtS: number | undefined, fault: { sensor: string; unitsPerMinute: number }, setpoints: boolean) {
    const random = new Random(21);
    const spindle = new SpindleModel(SPINDLE_ASSET, { ambientC: 22, initialWear: 0.1 });
    spindle.setSpeedSetpoint(9000);
    // Commissioning happens on a machine at working temperature, not during its warm-up.
    for (let t = 0; t < 1800; t++) spindle.step(1, 0, random);
    const faults = new FaultTable();
    const health = new AssetHealth(SPINDLE_ASSET, [
      { sensor: 'motorCurrent', options: { ...DEFAULT_HEALTH_OPTIONS, reference: { kind: 'sensor', sensor: 'motorPower' } } },
      { sensor: 'bearingTemp', options: { ...DEFAULT_HEALTH_OPTIONS, reference: { kind: 'baseline' } } },
    ]);
    const firstWarning: Record<string, number> = {};
    for (let t = 0; t < hours * 3600; t++) {
      const now = START + t * 1000;
      if (setpoints && t % 7200 === 0) spindle.setSpeedSetpoint(6000 + 1000 * ((t / 7200) % 5));
      if (t === faultAtS) faults.set(ASSET, fault.sensor, { kind: 'drift', unitsPerMinute: fault.unitsPerMinute, since: now });
      spindle.step(1, 0, random);
      const values = spindle.values();
      const readings: Reading[] = (['motorPower', 'motorCurrent', 'bearingTemp'] as const).map((sensor): ScalarReading => ({
        asset: ASSET, sensor, unit: '', ts: now, quality: 'good', value: faults.apply(ASSET, sensor, values[sensor], now, random),
      }));
      for (const change of health.process(readings).changes) {
        if ((change.state === 'suspect' || change.state === 'faulty') && firstWarning[change.sensor] === undefined) firstWarning[change.sensor] = t;
      }
    }
    return firstWarning;
  }

  it('motor current against motor power: no false alarm over 24 h of speed changes, drift of 0.05 A/min caught', function () {
    this.timeout(60_000);
    const healthy = run(24, undefined, { sensor: 'motorCurrent', unitsPerMinute: 0 }, true);
    assert.equal(healthy.motorCurrent, undefined, 'false alarm on a healthy run');
    const faultAt = 6 * 3600;
    const drifted = run(8, faultAt, { sensor: 'motorCurrent', unitsPerMinute: 0.05 }, true);
    assert.ok(drifted.motorCurrent !== undefined, 'drift not detected');
    const delayMin = (drifted.motorCurrent - faultAt) / 60;
    console.log(`      motorCurrent drift 0.05 A/min: detected after ${delayMin.toFixed(1)} min (bias ≈ ${(0.05 * delayMin).toFixed(2)} A), 0 false alarms in 24 h`);
    assert.ok(delayMin < 30, `detection delay ${delayMin} min`);
  });

  it('bearing temperature against its baseline: no false alarm over 24 h steady, drift of 0.02 °C/min caught', function () {
    this.timeout(60_000);
    const healthy = run(24, undefined, { sensor: 'bearingTemp', unitsPerMinute: 0 }, false);
    assert.equal(healthy.bearingTemp, undefined, 'false alarm on a healthy run');
    const faultAt = 6 * 3600;
    const drifted = run(8, faultAt, { sensor: 'bearingTemp', unitsPerMinute: 0.02 }, false);
    assert.ok(drifted.bearingTemp !== undefined, 'drift not detected');
    const delayMin = (drifted.bearingTemp - faultAt) / 60;
    console.log(`      bearingTemp drift 0.02 °C/min: detected after ${delayMin.toFixed(1)} min (bias ≈ ${(0.02 * delayMin).toFixed(2)} °C), 0 false alarms in 24 h`);
    assert.ok(delayMin < 60, `detection delay ${delayMin} min`);
  });
});
