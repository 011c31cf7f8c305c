/**
 * What the what-if fits may learn from (lib/scenario/fit-exclusion): single readings left out for their quality,
 * a replay or a value outside the sensor's range; alert windows (from 3 min before the alert) left out of the models
 * fed by the alerted sensor; and, on the simulated spindle, the README's bearing-temperature fault typed during the
 * start-of-shift warm-up no longer spoils the thermal identification.
 */
import assert from 'node:assert/strict';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import type { Reading, ScalarReading } from '../lib/reading/reading';
import { ALERT_MARGIN_MS, AlertWindows, readingExclusion } from '../lib/scenario/fit-exclusion';
import { OperatingHistory } from '../lib/scenario/operating-history';
import { ScenarioTwin } from '../lib/scenario/scenario-twin';
import { resolveRoles } from '../lib/scenario/sensor-roles';
import { DEFAULT_SCENARIO_SETTINGS } from '../lib/scenario/settings';
import { runProgram } from './support/simulated-operation';
import { AMBIENT_C, spindle, START } from './support/spindle-fixture';

const MINUTE = 60_000;

function reading(sensor: string, ts: number, value: number, extra: Partial<ScalarReading> = {}): ScalarReading {
  return { asset: 'spindle-1', sensor, unit: '', ts, value, quality: 'good', ...extra };
}

describe('what-if fit exclusion', function () {
  describe('single readings', function () {
    it('leaves out bad quality, replayed readings and values outside the sensor\'s range, and keeps uncertain ones', function () {
      const range = { range: { min: -20, max: 200 } };
      assert.equal(readingExclusion({ quality: 'bad', value: 50 }, range), 'bad-quality');
      assert.equal(readingExclusion({ quality: 'good', value: 50, historical: true }, range), 'replayed');
      assert.equal(readingExclusion({ quality: 'good', value: 250 }, range), 'out-of-range');
      assert.equal(readingExclusion({ quality: 'good', value: -21 }, range), 'out-of-range');
      assert.equal(readingExclusion({ quality: 'uncertain', value: 50 }, range), undefined);
      assert.equal(readingExclusion({ quality: 'good', value: 1e6 }), undefined, 'a sensor without a range has no range to leave');
    });

    it('counts what it left out by reason and keeps it out of the buckets', function () {
      const history = new OperatingHistory(resolveRoles(SPINDLE_ASSET, {}, 1), undefined, SPINDLE_ASSET.ratings.nominalRpm, SPINDLE_ASSET.sensors);
      const range = SPINDLE_ASSET.sensors.find((s) => s.id === 'bearingTemp')?.range;
      assert.ok(range, 'the preset bearing temperature has a physical range');
      const used = history.add([
        reading('bearingTemp', START, 40),
        reading('bearingTemp', START + 1000, 45, { quality: 'bad' }),
        reading('bearingTemp', START + 2000, 46, { historical: true }),
        reading('bearingTemp', START + 3000, range.max + 10),
        reading('speed', START + 3000, 12_000),
      ], 'spindle-1');
      assert.equal(used, 2);
      assert.deepEqual(history.buckets().map((b) => b.values.bearingTemp), [40]);
      const data = history.dataBehind(['bearingTemp', 'speed']);
      assert.equal(data.used, 2);
      assert.deepEqual(data.excluded, { 'bad-quality': 1, replayed: 1, 'out-of-range': 1 });
    });
  });

  describe('alert windows', function () {
    it('open while a sensor is alerted, close when none is, and reach back 3 minutes', function () {
      const windows = new AlertWindows();
      windows.observe(START, []);
      windows.observe(START + 10 * MINUTE, ['bearingTemp']);
      windows.observe(START + 11 * MINUTE, ['bearingTemp', 'vibration']);
      const temperature = new Set(['bearingTemp']);
      assert.ok(windows.excludes(START + 20 * MINUTE, START + 21 * MINUTE, temperature), 'an open window reaches to now');
      windows.observe(START + 12 * MINUTE, []);
      assert.deepEqual(windows.windows, [{ from: START + 10 * MINUTE, to: START + 12 * MINUTE, sensors: ['bearingTemp', 'vibration'] }]);
      const start = START + 10 * MINUTE - ALERT_MARGIN_MS;
      assert.ok(windows.excludes(start, start + 10_000, temperature), 'the 3 minutes before the alert');
      assert.ok(!windows.excludes(start - 10_000, start, temperature), 'nothing before them');
      assert.ok(!windows.excludes(START + 12 * MINUTE + 1, START + 13 * MINUTE, temperature), 'nothing after the clear');
      assert.ok(!windows.excludes(START + 11 * MINUTE, START + 11 * MINUTE + 10_000, new Set(['motorPower'])), 'only for models of the alerted sensors');
      windows.forgetBefore(START + 13 * MINUTE);
      assert.deepEqual(windows.windows, []);
    });

    it('take the whole window out of the fine buckets, and a value seen in it is not held past it', function () {
      const history = new OperatingHistory(resolveRoles(SPINDLE_ASSET, {}, 1), undefined, SPINDLE_ASSET.ratings.nominalRpm, SPINDLE_ASSET.sensors);
      const windows = new AlertWindows();
      for (let minute = 0; minute < 20; minute++) {
        const ts = START + minute * MINUTE;
        const faulty = minute >= 8 && minute < 10;
        history.add([reading('speed', ts, 12_000), ...(minute === 15 ? [] : [reading('bearingTemp', ts, faulty ? 150 : 40)])], 'spindle-1');
        windows.observe(ts, faulty ? ['bearingTemp'] : []);
      }
      const sensors = new Set(['bearingTemp']);
      const excluded = (start: number, end: number): boolean => windows.excludes(start, end, sensors);
      const kept = history.buckets(excluded);
      const minutes = kept.map((b) => (b.start - START) / MINUTE);
      assert.deepEqual(minutes, [0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19], 'minutes 5 to 9 (3 before the alert at 8, to its clear at 10) are left out');
      assert.ok(kept.every((b) => b.values.bearingTemp === 40), 'the faulty 150 °C is never held into a kept bucket');
      const data = history.dataBehind(['bearingTemp', 'speed'], excluded);
      assert.equal(data.excluded.alert, 10, 'five buckets of speed and bearing temperature');
      assert.equal(data.used, 19 + 20 - 10);
      assert.deepEqual(data.window, { from: START, to: START + 19 * MINUTE + 10_000 });
    });
  });

  describe('the README\'s bearing-temperature fault during the warm-up', function () {
    /** The reference plant's start of shift (85, 100, 115 %, five minutes each, no cutting), then 12 minutes of production. */
    function startOfShift(onBatch: (batch: Reading[]) => void): void {
      const machine = spindle(0);
      const warmUpEnd = runProgram(machine, [10_200, 12_000, 13_800].map((rpm) => ({ minutes: 5, rpm, cutting: false })), { startTs: START, seed: 5, batchSeconds: 10 }, onBatch);
      runProgram(machine, [{ minutes: 12, rpm: 12_000 }], { startTs: warmUpEnd, seed: 7, batchSeconds: 10 }, onBatch);
    }

    /** `fault spindle-1 bearingTemp drift 30` from minute 7 to its clear at minute 8.5; the alert from 7.5 until the clear. */
    const FAULT = { from: START + 7 * MINUTE, to: START + 8.5 * MINUTE };
    const ALERT = { from: START + 7.5 * MINUTE, to: START + 8.5 * MINUTE };
    function drifted(batch: Reading[]): Reading[] {
      return batch.map((r) => (r.sensor === 'bearingTemp' && 'value' in r && r.ts >= FAULT.from && r.ts < FAULT.to ? { ...r, value: r.value + 30 * (r.ts - FAULT.from) / MINUTE } : r));
    }
    const twin = (): ScenarioTwin => new ScenarioTwin(SPINDLE_ASSET, { settings: DEFAULT_SCENARIO_SETTINGS, identification: { minThermalMinutes: 15 }, ambientC: AMBIENT_C });

    it('is left out: the thermal model is identified from the clean rest, as without the fault, and the data behind it says so', function () {
      const clean = twin();
      startOfShift((batch) => clean.addReadings(batch));
      const reference = clean.identify().thermal;
      assert.ok(reference.ok, reference.ok ? '' : reference.error);

      const faulted = twin();
      startOfShift((batch) => {
        const ts = Math.max(...batch.map((r) => r.ts));
        faulted.observeAlerts(ts, ts >= ALERT.from && ts < ALERT.to ? ['bearingTemp'] : []);
        faulted.addReadings(drifted(batch));
      });
      const models = faulted.identify();
      const thermal = models.thermal;
      assert.ok(thermal.ok, thermal.ok ? '' : thermal.error);
      const tau = thermal.fit.parameters.timeConstantS;
      assert.ok(Math.abs(tau / reference.fit.parameters.timeConstantS - 1) < 0.1, `tau ${tau.toFixed(0)} s against ${reference.fit.parameters.timeConstantS.toFixed(0)} s without the fault`);
      assert.ok(Math.abs(thermal.fit.parameters.speedExponent - reference.fit.parameters.speedExponent) < 0.2, `exponent ${thermal.fit.parameters.speedExponent.toFixed(2)}`);
      const data = models.data?.thermal;
      assert.ok(data, 'the data behind the thermal model');
      // From 3 minutes before the alert (4.5) to its clear (8.5): 24 ten-second buckets of bearing temperature and speed (and load).
      assert.ok((data.excluded.alert ?? 0) >= 2 * 24, JSON.stringify(data));
      assert.match(data.summary, /^used [\d,]+ readings; left out [\d,]+: [\d,]+ during an alert on the model's sensors \(from 3 min before it\)$/);
      assert.equal(data.samples, thermal.fit.quality.samples);
      assert.equal(models.data?.power.excluded.alert, undefined, 'the power model has no alerted sensor');
    });

    it('spoils the thermal model when it is not left out (what the exclusion is for)', function () {
      const blind = twin();
      startOfShift((batch) => blind.addReadings(drifted(batch)));
      const reference = twin();
      startOfShift((batch) => reference.addReadings(batch));
      const clean = reference.identify().thermal;
      const thermal = blind.identify().thermal;
      assert.ok(clean.ok);
      const off = !thermal.ok || Math.abs(thermal.fit.parameters.timeConstantS / clean.fit.parameters.timeConstantS - 1) > 0.1
        || Math.abs(thermal.fit.parameters.speedExponent - clean.fit.parameters.speedExponent) > 0.2;
      assert.ok(off, `the fault taken in: ${JSON.stringify(thermal).slice(0, 300)}`);
    });
  });
});
