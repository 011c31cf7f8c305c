import assert from 'node:assert/strict';
import { PUMP_ASSET, SPINDLE_ASSET } from '../lib/asset/presets';
import { basicLifeRatio, basicRatingLifeHours, lubricantFactor } from '../lib/scenario/bearing-life';
import { DEFAULT_COOLING } from '../lib/scenario/cooling';
import { scrapProbability, scrapProbabilityError } from '../lib/scenario/scrap-model';
import type { ScenarioReport } from '../lib/scenario/scenario-engine';
import type { ScenarioResult } from '../lib/scenario/scenario-result';
import { ScenarioTwin, type ScenarioTwinOptions } from '../lib/scenario/scenario-twin';
import { DEFAULT_SCENARIO_SETTINGS, type ScenarioSettings } from '../lib/scenario/settings';
import type { PowerParameters } from '../lib/scenario/power-model';
import type { ThermalParameters } from '../lib/scenario/thermal-model';
import type { VibrationParameters } from '../lib/scenario/vibration-model';
import { dominates } from '../lib/scenario/ranking';
import { throughputFactor } from '../lib/scenario/throughput';
import { PumpModel } from '../plant/physics/pump';
import { SPINDLE_NOMINAL_LIFE_H } from '../plant/physics/spindle';
import { runProgram } from './support/simulated-operation';
import { AMBIENT_C, identificationRun, spindle, START, steadyMeans, stepResponse } from './support/spindle-fixture';
import { RecordingRulModel, TINY_MODEL_FEATURES } from './support/tiny-rul-model';

/** The simulated spindle's settings: the defaults and its bearing life at nominal conditions (the ROI's maintenance term). */
const SPINDLE_SETTINGS: ScenarioSettings = { ...DEFAULT_SCENARIO_SETTINGS, bearing: { ...DEFAULT_SCENARIO_SETTINGS.bearing, lifeHours: SPINDLE_NOMINAL_LIFE_H } };

function twinWith(settings: Partial<ScenarioSettings> = {}, options: Partial<ScenarioTwinOptions> = {}): ScenarioTwin {
  return new ScenarioTwin(SPINDLE_ASSET, { settings: { ...SPINDLE_SETTINGS, ...settings }, ...options });
}

function value(f: { value: number | null }): number {
  assert.notEqual(f.value, null, 'figure unavailable');
  return f.value as number;
}

function fitted<P>(report: ScenarioReport, name: 'thermal' | 'power' | 'vibration'): P {
  const model = report.models[name];
  assert.ok(model.ok, `${name} model not identified: ${model.ok ? '' : model.error}`);
  return model.fit.parameters as unknown as P;
}

describe('scenario engine on the simulated spindle', function () {
  this.timeout(120_000);
  let run: ReturnType<typeof identificationRun>;
  let twin: ScenarioTwin;
  let report: ScenarioReport;
  let plus15: ScenarioResult;

  before(async function () {
    run = identificationRun();
    twin = twinWith();
    for (const batch of run.batches) twin.addReadings(batch);
    report = await twin.evaluate([{ speedPercent: 15 }], 'roi', {});
    plus15 = report.scenarios[0];
  });

  describe('identification recovers the simulator\'s behaviour', function () {
    // Truths are measured on the simulator (a fresh machine of the same wear run to steady state, a step response),
    // never read from its constants.
    let at13800: ReturnType<typeof steadyMeans>;
    before(function () { at13800 = steadyMeans(13_800); });

    it('thermal: the time constant of a step response within 5 %, and the steady state at an unseen speed within 0.5 °C', function () {
      const thermal = fitted<ThermalParameters>(report, 'thermal');
      const { seconds, temperature } = stepResponse(12_000, 13_800);
      const before = temperature.filter((_, i) => seconds[i] < 0);
      const t0 = before.reduce((a, b) => a + b, 0) / before.length;
      const tail = temperature.slice(-300);
      const tFinal = tail.reduce((a, b) => a + b, 0) / tail.length;
      const crossing = seconds[temperature.findIndex((t, i) => seconds[i] >= 0 && t >= t0 + 0.632 * (tFinal - t0))];
      // 5 %: the 10-s buckets and the one-cycle smoothing each blur the response by a few seconds of a 4-minute constant.
      assert.ok(Math.abs(thermal.timeConstantS - crossing) / crossing < 0.05, `tau ${thermal.timeConstantS.toFixed(1)} s, step response ${crossing} s`);
      // 0.5 °C: the part cycle's ripple on the bearing temperature is ±0.3 °C, and a class B Pt100 reads ±0.6 °C here.
      const predicted = value(plus15.thermal.bearingSteadyState);
      assert.ok(Math.abs(predicted - at13800.bearingTemp) < 0.5, `predicted ${predicted.toFixed(2)} °C, simulator ${at13800.bearingTemp.toFixed(2)} °C`);
      assert.ok(Math.abs(thermal.baseTempC - AMBIENT_C) < 0.5, `temperature at standstill ${thermal.baseTempC.toFixed(2)} °C (the plant's ambient is ${AMBIENT_C})`);
      assert.ok(report.models.thermal.ok && report.models.thermal.fit.quality.rmse < 0.3, 'the open-loop simulation follows the history');
    });

    it('power: the mean power at an unseen speed within 1 %', function () {
      // 1 %: the simulator's load noise averaged over ten cycles moves the mean power by about 0.1 %.
      const predicted = value(plus15.energy.motorPower);
      assert.ok(Math.abs(predicted / at13800.motorPower - 1) < 0.01, `predicted ${predicted.toFixed(3)} kW, simulator ${at13800.motorPower.toFixed(3)} kW`);
    });

    it('vibration: the speed part and the mean vibration at an unseen speed within 3 %', function () {
      const vibration = fitted<VibrationParameters>(report, 'vibration');
      assert.ok(vibration.speedExponentRange[0] <= 2.1 && vibration.speedExponentRange[1] >= 1.9, `exponent range ${vibration.speedExponentRange}`);
      // 3 %: each reading carries 3 % multiplicative noise, and the exponent is known to ±0.1.
      const predicted = value(plus15.vibration.velocity);
      assert.ok(Math.abs(predicted / at13800.vibration - 1) < 0.03, `predicted ${predicted.toFixed(3)} mm/s, simulator ${at13800.vibration.toFixed(3)} mm/s`);
    });

    it('every model reports its fit quality and the data span it came from', function () {
      for (const name of ['thermal', 'power', 'vibration'] as const) {
        const model = report.models[name];
        assert.ok(model.ok);
        assert.ok(model.fit.quality.r2 > 0.95, `${name} r2 ${model.fit.quality.r2}`);
        assert.ok(model.fit.quality.unit.length > 0 && model.fit.quality.samples > 100);
        assert.ok(model.fit.span.from >= START && model.fit.span.to <= run.endTs + 10_000 && model.fit.span.hours > 3, `${name} span ${JSON.stringify(model.fit.span)}`);
      }
      assert.ok(!report.models.scrap.ok && /too short for the scrap model/.test(report.models.scrap.error), 'three hours of parts are too few for the scrap model');
    });
  });

  describe('physics sanity', function () {
    it('+15 % speed gives +15 % throughput (same part program) and a fixed cycle share dilutes it', function () {
      assert.ok(Math.abs(value(plus15.throughput.change) - 15) < 1e-9);
      assert.ok(Math.abs(value(plus15.throughput.partsPerHour) / value(report.baseline.throughput.partsPerHour) - 1.15) < 1e-12);
      assert.ok(Math.abs(throughputFactor(1.15, 1, { nonSpeedBoundShare: 0.25, kienzleMc: 0.25 }) - 1 / (0.25 + 0.75 / 1.15)) < 1e-12);
    });

    it('+15 % speed shortens the ISO 281 life by n0/n1, and the hotter bearing by the lubricant factor on top', function () {
      assert.ok(Math.abs(value(plus15.bearing.basicLifeRatio) - 1 / 1.15) < 1e-12, 'same load: L10h ratio is n0/n1');
      assert.ok(Math.abs(value(plus15.bearing.basicLifeChange) - (1 / 1.15 - 1) * 100) < 1e-9);
      const t0 = value(report.baseline.thermal.bearingSteadyState);
      const t1 = value(plus15.thermal.bearingSteadyState);
      const expected = (1 / 1.15) * Math.min(2, 2 ** ((70 - t1) / 15)) / Math.min(2, 2 ** ((70 - t0) / 15));
      assert.ok(Math.abs(value(plus15.bearing.adjustedLifeRatio) - expected) < 1e-12, 'derating by the SKF rule at the predicted temperatures');
      assert.ok(value(plus15.bearing.adjustedLifeRatio) < value(plus15.bearing.basicLifeRatio));
    });

    it('ISO 281 and the lubricant rule against hand calculations', function () {
      assert.ok(Math.abs(basicRatingLifeHours(20_000, 2_000, 12_000, 'ball') - 1e6 / (60 * 12_000) * 1000) < 1e-9);
      assert.ok(Math.abs(basicLifeRatio(1, 1.1, 'roller') - 1.1 ** (-10 / 3)) < 1e-12);
      assert.ok(Math.abs(basicLifeRatio(1.2, 1.1, 'ball') - 1 / (1.2 * 1.1 ** 3)) < 1e-12);
      const rule = { referenceTempC: 70, halvingC: 15 };
      assert.equal(lubricantFactor(70, rule), 1);
      assert.equal(lubricantFactor(85, rule), 0.5);
      assert.equal(lubricantFactor(100, rule), 0.25);
      assert.equal(lubricantFactor(40, rule), 2, 'at most doubled below 70 °C');
    });

    it('energy per part moves as the identified power model says', function () {
      const p = fitted<PowerParameters>(report, 'power');
      const s0 = value(report.today.speed) / 12_000;
      const load = value(report.today.load) / 100;
      const cooling = DEFAULT_COOLING.find((c) => c.name === DEFAULT_SCENARIO_SETTINGS.cooling.current)?.powerKw ?? NaN;
      const power = (s: number): number => p.idleKw + p.speedLossKw * s + p.torqueKw * load * s;
      const expected = ((power(1.15 * s0) + cooling) / 1.15) / (power(s0) + cooling);
      assert.ok(Math.abs(value(plus15.energy.perPart) / value(report.baseline.energy.perPart) - expected) < 1e-12);
      assert.equal(plus15.energy.perPart.unit, 'kWh/part');
    });

    it('every figure states its unit and its model', function () {
      const walk = (node: unknown, path: string): void => {
        if (typeof node !== 'object' || node === null) return;
        const record = node as Record<string, unknown>;
        if ('value' in record && 'model' in record) {
          assert.equal(typeof record.unit, 'string', `${path}.unit`);
          assert.ok(String(record.model).length > 0, `${path}.model`);
          if (record.value === null) assert.ok(String(record.unavailable).length > 0, `${path} says why it is unavailable`);
          return;
        }
        for (const [key, child] of Object.entries(record)) walk(child, `${path}.${key}`);
      };
      const { changes: _changes, violations: _violations, ...figures } = plus15;
      walk(figures, 'scenario');
      walk(report.today, 'today');
    });
  });

  describe('constraints', function () {
    it('a scenario beyond the rated speed is flagged with the reason, excluded from ranking and front, and never applied', async function () {
      const result = await twin.evaluate([{ speedPercent: 15 }, { speedPercent: 30 }], 'roi', {});
      const beyond = result.scenarios[1];
      assert.equal(beyond.feasible, false);
      assert.ok(beyond.violations.some((v) => v.constraint === 'maxRpm' && /above the rated maximum 15000 rpm/.test(v.reason)));
      assert.deepEqual(result.flagged, ['s2']);
      assert.ok(!result.ranking.some((r) => r.id === 's2') && !result.pareto.ids.includes('s2'));
      await assert.rejects(twin.setpointRequest({ speedPercent: 30 }, 'operator', {}), /not applied: "speed \+30 %" speed 15600 rpm is above the rated maximum/);
      const applied = await twin.setpointRequest({ speedPercent: 15 }, 'operator', {});
      assert.deepEqual({ ...applied.request, reason: undefined }, { asset: 'spindle-1', sensor: 'speedSetpoint', value: 13_800, requestedBy: 'operator', reason: undefined });
    });

    it('a scenario that would run the bearing beyond its warning limit is flagged, and an alarm-level setting moves the line', async function () {
      // 38 °C ambient with natural convection: 38 + 1.4 × today's rise of about 29.5 K is above the 65 °C warning, below the 80 °C alarm.
      const hot = { ambientC: 38, cooling: 'natural convection' };
      const result = await twin.evaluate([hot], 'roi', {});
      const violation = result.scenarios[0].violations.find((v) => v.constraint === 'bearingTemp');
      assert.ok(violation && violation.limit === 65 && /at or above its warning limit 65 °C/.test(violation.reason), JSON.stringify(result.scenarios[0].violations));
      const predicted = value(result.scenarios[0].thermal.bearingSteadyState);
      const rise = value(result.today.bearingSteadyState) - value(result.today.ambient);
      assert.ok(Math.abs(predicted - (38 + 1.4 * rise)) < 1e-9, 'the cooling gain factor scales today\'s rise');
      const lenient = twinWith({ constraints: { limitLevel: 'alarm', maxZone: 'B' } });
      for (const batch of run.batches) lenient.addReadings(batch);
      assert.equal((await lenient.evaluate([hot], 'roi', {})).scenarios[0].feasible, true);
    });

    it('the ISO 10816-3 zone limit flags the speed increase of a bearing that has worn since identification', async function () {
      const worn = twinWith({ constraints: { limitLevel: 'warning', maxZone: 'A' } }, { reidentifyMs: Infinity });
      for (const batch of run.batches) worn.addReadings(batch);
      assert.equal((await worn.evaluate([{ speedPercent: 15 }], 'roi', {})).scenarios[0].feasible, true, 'zone A at wear 0.2');
      // A machine in the identification run's final state (settled at 12,000 rpm), whose bearing then wears to 0.3.
      const machine = spindle();
      runProgram(machine, [{ minutes: 60, rpm: 12_000 }], { startTs: START }, () => undefined);
      machine.setWear(0.3);
      runProgram(machine, [{ minutes: 10, rpm: 12_000 }], { startTs: run.endTs }, (batch) => worn.addReadings(batch));
      const result = await worn.evaluate([{}, { speedPercent: 15 }], 'roi', {});
      assert.equal(result.scenarios[0].feasible, true, `today still zone A: ${value(result.today.vibration).toFixed(2)} mm/s`);
      const zone = result.scenarios[1].violations.find((v) => v.constraint === 'isoZone');
      assert.ok(zone && zone.predicted === 'B' && /beyond A \(1\.4 mm\/s for group 2, rigid\)/.test(zone.reason), JSON.stringify(result.scenarios[1].violations));
    });
  });

  describe('grid of 14 cooling configurations × 5 speeds', function () {
    it('returns 70 scenarios, a ranking of the feasible ones and a Pareto front of non-dominated ones', async function () {
      const grid = await twin.evaluate(gridChanges(), 'roi', {});
      assert.equal(grid.scenarios.length, 70);
      const feasible = grid.scenarios.filter((s) => s.feasible);
      assert.ok(grid.flagged.length > 0 && feasible.length > 0, `${grid.flagged.length} flagged`);
      assert.equal(grid.ranking.length, feasible.length);
      for (let i = 1; i < grid.ranking.length; i++) assert.ok(grid.ranking[i - 1].value >= grid.ranking[i].value, 'best ROI first');
      const objectives = (s: ScenarioResult): { values: number[] } => ({
        values: [value(s.throughput.partsPerHour), value(s.bearing.adjustedLifeRatio), -value(s.energy.perPart)],
      });
      assert.deepEqual(grid.pareto.objectives, ['throughput ↑', 'life ↑ (bearing life ratio)', 'energy per part ↓']);
      const front = new Set(grid.pareto.ids);
      assert.ok(front.size > 1);
      for (const s of feasible) {
        const dominated = feasible.some((other) => dominates(objectives(other), objectives(s)));
        assert.equal(front.has(s.id), !dominated, `${s.id} ${s.label}: on the front exactly when nothing dominates it`);
      }
      assert.ok(grid.flagged.every((id) => !front.has(id) && !grid.ranking.some((r) => r.id === id)));
    });
  });

  describe('RUL under the scenario', function () {
    let model: RecordingRulModel;
    before(async function () { model = await RecordingRulModel.train(); });
    after(async function () { await model.release(); });

    it('scores today and every scenario in one score() call, on today\'s vector moved by the models', async function () {
      const withVector = twinWith();
      for (const batch of run.batches) withVector.addReadings(batch);
      withVector.addFeatures(run.vector);
      const result = await withVector.evaluate([{ speedPercent: 15 }, { speedPercent: -10 }], 'rul', { model });
      assert.equal(model.calls.length, 1, 'one score() call');
      const [today, faster, slower] = model.calls[0];
      assert.equal(model.calls[0].length, 3);
      for (const name of TINY_MODEL_FEATURES) assert.equal(today[name], run.vector.features[name]);
      assert.ok(Math.abs(faster['speed.mean.1h'] - 1.15 * today['speed.mean.1h']) < 1e-9, 'speed features scale with the speed');
      assert.ok(Math.abs(faster['load.mean.1h'] - today['load.mean.1h']) < 1e-12, 'same feed: same load');
      assert.ok(Math.abs(slower['speed.mean.1h'] - 0.9 * today['speed.mean.1h']) < 1e-9);
      const dv = value(result.scenarios[0].vibration.change);
      assert.ok(Math.abs(faster['vibration.mean.1h'] - (today['vibration.mean.1h'] + dv)) < 1e-9, 'vibration moved by the vibration model');
      const ambient = value(result.today.ambient);
      const g = (value(result.scenarios[0].thermal.bearingSteadyState) - ambient) / (value(result.today.bearingSteadyState) - ambient);
      assert.ok(Math.abs(faster['bearingTemp.mean.1h'] - (ambient + g * (today['bearingTemp.mean.1h'] - ambient))) < 1e-9, 'temperature moved by the thermal model');
      const rul = result.scenarios.map((s) => value(s.rul.hours));
      const base = value(result.baseline.rul.hours);
      assert.ok(rul[0] < base && base < rul[1], `hotter and rougher lives shorter: +15 % ${rul[0].toFixed(0)} h, today ${base.toFixed(0)} h, -10 % ${rul[1].toFixed(0)} h`);
      assert.ok(Math.abs(value(result.scenarios[0].rul.change) - (rul[0] - base)) < 1e-9);
      assert.equal(result.ranking[0].id, 's2', 'ranked by RUL, the slower scenario first');
    });

    it('gives no scenario RUL while a model that moves the RUL model\'s features is missing, and says which', async function () {
      const noThermal = twinWith({}, { identification: { minThermalMinutes: 24 * 60 } });
      for (const batch of run.batches) noThermal.addReadings(batch);
      noThermal.addFeatures(run.vector);
      const result = await noThermal.evaluate([{ speedPercent: 15 }], 'rul', { model });
      assert.equal(result.models.thermal.ok, false, 'the thermal model is not identified from this history');
      assert.notEqual(result.baseline.rul.hours.value, null, 'today\'s RUL is still scored');
      assert.equal(result.scenarios[0].rul.hours.value, null, 'a bearing temperature left at today\'s value would make the +15 % RUL look unaffected');
      assert.equal(result.scenarios[0].rul.change.value, null);
      assert.match(result.scenarios[0].rul.hours.unavailable ?? '', /^the thermal model is needed to move today's features to the scenario/);
    });

    it('without a model, scales today\'s RUL prediction by the bearing life ratio', async function () {
      const noModel = twinWith();
      for (const batch of run.batches) noModel.addReadings(batch);
      noModel.addPrediction({ asset: 'spindle-1', rulHours: 300, lowerHours: 250, upperHours: 360 });
      const result = await noModel.evaluate([{ speedPercent: 15 }], 'roi', { modelProblem: 'no twin-model configured' });
      const ratio = value(result.scenarios[0].bearing.adjustedLifeRatio);
      assert.ok(Math.abs(value(result.scenarios[0].rul.hours) - 300 * ratio) < 1e-9);
      assert.ok(Math.abs(value(result.scenarios[0].rul.lower) - 250 * ratio) < 1e-9);
    });
  });

  it('gives no ROI total while a term is unknown, and keeps the known terms with what is missing', async function () {
    const noLife = new ScenarioTwin(SPINDLE_ASSET, { settings: DEFAULT_SCENARIO_SETTINGS, reidentifyMs: Infinity }, twin.identified);
    for (const batch of run.batches) noLife.addReadings(batch);
    const roi = (await noLife.evaluate([{ speedPercent: 15 }], 'roi', {})).scenarios[0].roi;
    assert.equal(roi.perYear.value, null, `no total without the bearing life: ${JSON.stringify(roi.perYear)}`);
    assert.equal(roi.perPeriod.value, null);
    assert.equal(roi.paybackMonths.value, null);
    assert.match(roi.perYear.unavailable ?? '', /^not every term is known: maintenance: set the bearing life/);
    assert.deepEqual(roi.excluded.map((e) => e.split(':')[0]), ['maintenance']);
    for (const known of [roi.terms.goodParts, roi.terms.scrap, roi.terms.energy, roi.terms.labour]) assert.notEqual(known.value, null, 'the known terms stay');
    assert.equal(roi.exampleCosts, false, 'the plant\'s own costs unless marked');
    const marked = new ScenarioTwin(SPINDLE_ASSET, { settings: { ...SPINDLE_SETTINGS, costs: { ...SPINDLE_SETTINGS.costs, example: true } }, reidentifyMs: Infinity }, twin.identified);
    for (const batch of run.batches) marked.addReadings(batch);
    assert.equal((await marked.evaluate([{ speedPercent: 15 }], 'roi', {})).scenarios[0].roi.exampleCosts, true, 'example costs are said to be examples');
    const withLife = plus15.roi;
    assert.ok(withLife.perYear.value !== null && withLife.excluded.length === 0, `with the bearing life every term is known: ${JSON.stringify(withLife.perYear)}`);
    const sum = Object.values(withLife.terms).reduce((total, t) => total + (t.value as number), 0);
    assert.ok(Math.abs(sum - withLife.perYear.value) < 1e-6, 'the total is the sum of the five terms');
  });

  it('projects a bearing still warming up to where it settles, with the identified time constant', async function () {
    const warming = new ScenarioTwin(SPINDLE_ASSET, { settings: DEFAULT_SCENARIO_SETTINGS, reidentifyMs: Infinity }, twin.identified);
    // A cold start at 12,000 rpm, looked at after 90 s, a third of a time constant into the warm-up.
    runProgram(spindle(), [{ minutes: 1.5, rpm: 12_000 }], { startTs: START + 86_400_000, seed: 3, batchSeconds: 10 }, (batch) => warming.addReadings(batch));
    const cold = await warming.evaluate([{ speedPercent: 15 }], 'roi', {});
    const truth = steadyMeans(12_000).bearingTemp;
    const heading = value(cold.baseline.thermal.bearingSteadyState);
    // 2 °C: a minute and a half of readings carry the part cycle's ±0.3 °C ripple into an extrapolation of 2.5 time constants.
    assert.ok(Math.abs(heading - truth) < 2, `heading for ${heading.toFixed(1)} °C after 90 s, settles at ${truth.toFixed(1)} °C`);
    assert.ok(value(cold.today.bearingTemp) < truth - 15, 'while still far below it');
  });

  it('starts "today" at the newest operating point, not across the setpoint change before it', async function () {
    const changed = new ScenarioTwin(SPINDLE_ASSET, { settings: DEFAULT_SCENARIO_SETTINGS, reidentifyMs: Infinity }, twin.identified);
    runProgram(spindle(), [{ minutes: 4, rpm: 10_500 }, { minutes: 1.5, rpm: 12_000 }], { startTs: START + 2 * 86_400_000, seed: 4, batchSeconds: 10 },
      (batch) => changed.addReadings(batch));
    const now = await changed.evaluate([{ speedPercent: 15 }], 'roi', {});
    assert.ok(Math.abs(value(now.today.speed) - 12_000) < 100, `today's speed ${value(now.today.speed).toFixed(0)} rpm, the setpoint since 1.5 min 12,000 rpm`);
    assert.ok(Math.abs(value(now.scenarios[0].operatingPoint.speed) - 13_800) < 120, 'the scenario is +15 % of that');
  });

  it('holds a state, a settled speed and the counters reported only when they change, as an OPC UA subscription sends them', async function () {
    const last = new Map<string, number>();
    const byException = run.batches.map((batch) => batch.filter((r) => {
      if (!['state', 'speed', 'partCount', 'goodCount', 'scrapCount'].includes(r.sensor) || !('value' in r)) return true;
      const changed = r.value !== last.get(r.sensor);
      last.set(r.sensor, r.value);
      return changed;
    }));
    assert.ok(byException.flat().filter((r) => r.sensor === 'state').length < 5, 'the state is sent a few times, at its changes');
    assert.ok(byException.flat().filter((r) => r.sensor === 'partCount').length < run.batches.flat().filter((r) => r.sensor === 'partCount').length / 30, 'a counter only when it counts');
    const sparse = twinWith();
    for (const batch of byException) sparse.addReadings(batch);
    const sparseReport = await sparse.evaluate([{ speedPercent: 15 }], 'roi', {});
    assert.deepEqual(sparseReport.warnings.filter((w) => /not running now/.test(w)), [], 'the machine runs: its state was last reported "running"');
    assert.ok(sparseReport.models.thermal.ok, 'the thermal model is identified from the same running time');
    const tau = (r: ScenarioReport) => fitted<ThermalParameters>(r, 'thermal').timeConstantS;
    // Within 1 %: a held speed is the last report rather than the bucket's mean while the speed ramps.
    assert.ok(Math.abs(tau(sparseReport) / tau(report) - 1) < 0.01, `time constant ${tau(sparseReport).toFixed(1)} s against ${tau(report).toFixed(1)} s from every sample`);
    const rate = (r: ScenarioReport) => value(r.today.partsPerHour);
    assert.ok(Math.abs(rate(sparseReport) / rate(report) - 1) < 0.02, `${rate(sparseReport).toFixed(1)} parts/h against ${rate(report).toFixed(1)} from every sample: the running time is the time between readings, not the state's samples`);
  });

  it('starts from the last running state when the machine has stopped, and says so', async function () {
    const stopped = twinWith({}, { reidentifyMs: Infinity });
    for (const batch of run.batches) stopped.addReadings(batch);
    const machine = spindle();
    runProgram(machine, [{ minutes: 60, rpm: 12_000 }], { startTs: START }, () => undefined);
    runProgram(machine, [{ minutes: 10, running: false }], { startTs: run.endTs }, (batch) => stopped.addReadings(batch));
    const result = await stopped.evaluate([{ speedPercent: 15 }], 'roi', {});
    assert.ok(result.warnings.some((w) => /^spindle-1 is not running now: "today" is its last running state/.test(w)), result.warnings.join(' | '));
    assert.ok(Math.abs(value(result.today.speed) - 12_000) < 1, 'today is the running speed, not standstill');
  });

  it('identifies the thermal model from a 15-minute warm-up at three speeds, the ambient given; load terms and the ROI wait for parts being cut', async function () {
    // The reference plant's start of shift: from cold, 85, 100 and 115 % of nominal without cutting, then production.
    const fresh = twinWith({}, { identification: { minThermalMinutes: 15 }, ambientC: AMBIENT_C });
    const machine = spindle(0);
    const warmUpEnd = runProgram(machine, [10_200, 12_000, 13_800].map((rpm) => ({ minutes: 5, rpm, cutting: false })), { startTs: START, seed: 5, batchSeconds: 10 }, (batch) => fresh.addReadings(batch));
    const warmModels = fresh.identify();
    const fromWarmUp = warmModels.thermal;
    assert.ok(fromWarmUp.ok, fromWarmUp.ok ? '' : fromWarmUp.error);
    const fromLongRun = fitted<ThermalParameters>(report, 'thermal');
    const warm = fromWarmUp.fit.parameters;
    assert.ok(Math.abs(warm.timeConstantS / fromLongRun.timeConstantS - 1) < 0.05, `tau ${warm.timeConstantS.toFixed(1)} s against ${fromLongRun.timeConstantS.toFixed(1)} s from 3.5 h`);
    assert.ok(Math.abs(warm.speedExponent - fromLongRun.speedExponent) < 0.15, `exponent ${warm.speedExponent.toFixed(2)} against ${fromLongRun.speedExponent.toFixed(2)}`);
    assert.equal(warm.driftCPerHour, 0, 'no drift is fitted from minutes of history');
    assert.equal(warm.loadGainC, 0);
    assert.match(fromWarmUp.fit.description, /load term left out: the load stayed within [\d.]+-[\d.]+ %/, 'friction alone hardly moves the load');
    assert.ok(!warmModels.power.ok && /load stayed within .* torque term/.test(warmModels.power.error), `power waits for parts being cut: ${JSON.stringify(warmModels.power).slice(0, 300)}`);

    runProgram(machine, [{ minutes: 2, rpm: 12_000 }], { startTs: warmUpEnd, seed: 6, batchSeconds: 10 }, (batch) => fresh.addReadings(batch));
    const firstParts = (await fresh.evaluate([{ speedPercent: 15 }], 'roi', {})).scenarios[0].roi.perYear;
    assert.equal(firstParts.value, null, 'costs alone would read as a loss');
    assert.match(firstParts.unavailable ?? '', /value of the parts is not known yet: no scrap share yet \(fewer than 10 parts counted; history too short for the scrap model/);

    runProgram(machine, [{ minutes: 12, rpm: 12_000 }], { startTs: warmUpEnd + 120_000, seed: 7, batchSeconds: 10 }, (batch) => fresh.addReadings(batch));
    const afterCutting = fresh.identify();
    assert.ok(afterCutting.power.ok, afterCutting.power.ok ? '' : afterCutting.power.error);
    const withParts = afterCutting.thermal;
    assert.ok(withParts.ok, withParts.ok ? '' : withParts.error);
    const cut = withParts.fit.parameters;
    assert.ok(Math.abs(cut.loadGainC - fromLongRun.loadGainC) < 0.3 * fromLongRun.loadGainC, `load gain ${cut.loadGainC.toFixed(2)} °C against ${fromLongRun.loadGainC.toFixed(2)} from 3.5 h`);
    const counted = (await fresh.evaluate([{ speedPercent: 15 }], 'roi', {})).scenarios[0].roi;
    assert.ok(counted.perYear.value !== null && counted.perYear.value > 0, `with parts counted, +15 % parts pay: ${JSON.stringify(counted.perYear)}`);
    assert.match(counted.terms.goodParts.model, /observed scrap share, unchanged/);
  });

  describe('identification refuses what the history cannot tell', function () {
    it('a short history is too short; a steady speed does not excite the speed laws', function () {
      const short = twinWith();
      runProgram(spindle(), [{ minutes: 10, rpm: 12_000 }], { startTs: START }, (batch) => short.addReadings(batch));
      const models = short.identify();
      assert.ok(!models.thermal.ok && /history too short for the thermal model: (9\.[5-9]|10\.0) min of bearing temperature with speed and load, need 30 min/.test(models.thermal.error), JSON.stringify(models.thermal));
      const steady = twinWith();
      runProgram(spindle(), [{ minutes: 90, rpm: 12_000 }], { startTs: START }, (batch) => steady.addReadings(batch));
      const flat = steady.identify();
      assert.ok(!flat.thermal.ok && /does not excite the thermal model/.test(flat.thermal.error), JSON.stringify(flat.thermal));
      assert.ok(!flat.vibration.ok && /does not excite the vibration model; run at three or more speeds/.test(flat.vibration.error), JSON.stringify(flat.vibration));
      assert.ok(flat.power.ok, 'power needs only the load to vary, which the part cycle does');
    });

    it('a model persisted and restored survives a history that cannot identify it, with the refusal beside it', async function () {
      const saved = JSON.parse(JSON.stringify(twin.identified)) as unknown;
      const again = new ScenarioTwin(SPINDLE_ASSET, { settings: DEFAULT_SCENARIO_SETTINGS }, saved);
      assert.ok(again.identified?.thermal.ok);
      runProgram(spindle(), [{ minutes: 40, rpm: 12_000 }], { startTs: run.endTs }, (batch) => again.addReadings(batch));
      const result = await again.evaluate([{ speedPercent: 15 }], 'roi', {});
      assert.ok(result.models.thermal.ok && /does not excite/.test(result.models.thermal.lastError ?? ''), JSON.stringify(result.models.thermal).slice(0, 300));
      assert.ok(Math.abs(value(result.scenarios[0].thermal.bearingSteadyState) - value(plus15.thermal.bearingSteadyState)) < 0.3);
    });
  });
});

describe('scrap model from the part counters', function () {
  this.timeout(120_000);

  it('fits scrap against vibration over a bearing\'s wear, and predicts a held-out run within binomial error', async function () {
    const twin = twinWith({}, { history: { bucketMs: 10_000, buckets: 6 * 360 } });
    // 150 hours of production while the bearing wears from new to about 0.6, sampled every 10 s.
    runProgram(spindle(0), [{ minutes: 150 * 60, rpm: 12_000, wearHoursPerSecond: 0.0008 }], { startTs: START, publishEveryS: 10, batchSeconds: 3600 }, (batch) => twin.addReadings(batch));
    const models = twin.identify();
    assert.ok(models.scrap.ok, models.scrap.ok ? '' : models.scrap.error);
    const scrap = models.scrap.fit.parameters;
    assert.ok(scrapProbability(scrap, 3) > 3 * scrapProbability(scrap, 0.6), 'scrap grows with vibration');
    assert.ok(Math.sqrt(scrap.covariance[1][1]) < 0.3, `the critical vibration ${scrap.criticalVibrationMmS.toFixed(2)} mm/s is known to ±30 %`);
    // Held out: a different machine of wear 0.5 for 3,000 parts, its observed scrap share against the model's.
    const heldOut = spindle(0.5);
    let vibrationSum = 0;
    let vibrationCount = 0;
    let last = { parts: 0, scrap: 0 };
    runProgram(heldOut, [{ minutes: 3000, rpm: 12_000 }], { startTs: START, seed: 99, publishEveryS: 10, batchSeconds: 3600 }, (batch) => {
      for (const r of batch) {
        if (!('value' in r)) continue;
        if (r.sensor === 'vibration') { vibrationSum += r.value; vibrationCount += 1; }
        if (r.sensor === 'partCount') last.parts = r.value;
        if (r.sensor === 'scrapCount') last.scrap = r.value;
      }
    });
    const observed = last.scrap / last.parts;
    const vibration = vibrationSum / vibrationCount;
    const predicted = scrapProbability(scrap, vibration);
    // Three standard errors of the difference of two independent estimates: the held-out binomial share of 3,000
    // parts, and the model's prediction (delta method on its fitted covariance).
    const tolerance = 3 * Math.hypot(Math.sqrt((observed * (1 - observed)) / last.parts), scrapProbabilityError(scrap, vibration));
    assert.ok(Math.abs(observed - predicted) < tolerance, `observed ${(observed * 100).toFixed(2)} %, predicted ${(predicted * 100).toFixed(2)} % (± ${(tolerance * 100).toFixed(2)})`);
  });
});

describe('scenario engine on the simulated pump (no load sensor, no part counters)', function () {
  this.timeout(60_000);

  it('identifies power against speed alone and reports the part figures as unavailable, with the reason', async function () {
    const twin = new ScenarioTwin(PUMP_ASSET, { settings: DEFAULT_SCENARIO_SETTINGS });
    const pump = (): PumpModel => new PumpModel(PUMP_ASSET, { ambientC: AMBIENT_C, initialWear: 0.2 });
    const program = [{ minutes: 40, rpm: 2400 }, { minutes: 40, rpm: 2700 }, { minutes: 40, rpm: 2970 }, { minutes: 20, running: false }, { minutes: 40, rpm: 2700 }, { minutes: 40, rpm: 2970 }];
    runProgram(pump(), program, { startTs: START }, (batch) => twin.addReadings(batch));
    const report = await twin.evaluate([{ speedPercent: -10 }], 'roi', {});
    const power = fitted<PowerParameters>(report, 'power');
    assert.equal(power.form, 'speed');
    // The simulator at the scenario's speed, averaged over two periods of its 10-minute demand swing.
    let sum = 0;
    let count = 0;
    runProgram(pump(), [{ minutes: 40, rpm: 2673 }], { startTs: START }, (batch) => {
      for (const r of batch) if (r.sensor === 'motorPower' && r.ts > START + 20 * 60_000 && 'value' in r) { sum += r.value; count += 1; }
    });
    // 2 %: the demand swing (±12 %) does not average out exactly between today's 5-minute window and the 20 minutes here.
    const predicted = value(report.scenarios[0].energy.motorPower);
    assert.ok(Math.abs(predicted / (sum / count) - 1) < 0.02, `predicted ${predicted.toFixed(2)} kW, simulator ${(sum / count).toFixed(2)} kW, ${report.models.power.ok ? report.models.power.fit.description : ''}`);
    assert.ok(report.models.thermal.ok && report.models.vibration.ok);
    assert.match(report.scenarios[0].throughput.partsPerHour.unavailable ?? '', /no part counter history and no ideal cycle time/);
    assert.match(report.models.scrap.ok ? '' : report.models.scrap.error, /no part and scrap \(or good\) counters/);
    assert.equal(report.scenarios[0].feasible, true);
  });
});

function gridChanges(): Array<{ cooling: string; speedPercent: number }> {
  return DEFAULT_COOLING.flatMap((c) => [0, 5, 10, 15, 20].map((speedPercent) => ({ cooling: c.name, speedPercent })));
}

