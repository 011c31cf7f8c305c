import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import type { KpiRecord } from '../lib/kpi/kpi-record';
import type { SavingsReport } from '../lib/kpi/savings';
import type { ScalarReading } from '../lib/reading/reading';
import { testNode } from './support/test-node';
import assetNode = require('../nodes/twin-asset/twin-asset');
import kpiNode = require('../nodes/twin-kpi/twin-kpi');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const ASSET_CONFIG = { id: 'a1', type: 'twin-asset', assetId: 'spindle-1', maxRpm: '15000', idealCycleTimeS: '60', sensors: SPINDLE_ASSET.sensors };
const HOUR = 3_600_000;
const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 5, 6);

function reading(sensor: string, ts: number, value: number): ScalarReading {
  return { asset: 'spindle-1', sensor, unit: '', ts, value, quality: 'good' };
}

describe('twin-kpi node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('loads with defaults', async function () {
    await helper.load([assetNode, kpiNode], [ASSET_CONFIG, { id: 'n1', type: 'twin-kpi', asset: 'a1' }] as never);
    assert.ok(helper.getNode('n1'));
  });

  it('reports KPI periods with OEE on "report", keeps them in context, and prices savings on "savings"', function (done) {
    const flow = [ASSET_CONFIG, { id: 'n1', type: 'twin-kpi', asset: 'a1', reportS: '3600', downtimePerHour: '500', energyPerKWh: '0.2', wires: [['kpi'], ['savings']] },
      { id: 'kpi', type: 'helper' }, { id: 'savings', type: 'helper' }];
    helper.load([assetNode, kpiNode], flow as never, () => {
      const n1 = testNode('n1');
      testNode('kpi').on('input', (msg: { topic: string; payload: KpiRecord[] }) => {
        try {
          assert.equal(msg.topic, 'kpi/spindle-1');
          const hour = msg.payload.find((r) => r.period === '1h' && r.periodStart === START) as KpiRecord;
          // Two hours: running but for a 30-minute failure in the first; 60 parts per running hour at the ideal 60 s.
          assert.ok(Math.abs((hour.availability ?? 0) - 0.5) < 1e-9, `availability ${hour.availability}`);
          assert.ok(Math.abs((hour.performance ?? 0) - 1) < 1e-9, `performance ${hour.performance}`);
          assert.equal(hour.workOrdersOpened, 1);
          assert.ok(msg.payload.some((r) => r.period === 'rolling-24h'));
          const saved = helper.getNode('n1').context().get('twinKpi') as { cursor: number };
          assert.equal(saved.cursor, START + 2 * HOUR);
          n1.receive({ topic: 'savings', payload: { baseline: { hours: 20, downtimeHours: 5, energyKWh: 100, parts: 1000, scrap: 0 } } });
        } catch (err) { done(err); }
      });
      testNode('savings').on('input', (msg: { payload: SavingsReport }) => {
        try {
          // Baseline 5 h downtime in 20 h = 0.5 h expected in the 2 twin hours, where the failure took 0.5 h: nothing saved.
          assert.ok(Math.abs(msg.payload.saved.downtimeHours) < 1e-9, `downtime saved ${msg.payload.saved.downtimeHours}`);
          // Energy per part: 0.1 kWh a part before, so 9 kWh expected for the 90 parts made; 1.5 h × 4 kW = 6 kWh used: 3 kWh × 0.2 saved.
          assert.ok(Math.abs((msg.payload.money.energy ?? NaN) - 0.6) < 1e-9, `energy money ${msg.payload.money.energy}`);
          assert.deepEqual(msg.payload.notCompared, []);
          done();
        } catch (err) { done(err); }
      });
      // A part per running minute: 30 by 06:30, none while down until 07:00, then one a minute again.
      const parts = (minute: number): number => (minute < 30 ? minute : minute < 60 ? 30 : minute - 30);
      const readings: ScalarReading[] = [reading('state', START, 1)];
      for (let minute = 0; minute <= 120; minute++) {
        const ts = START + minute * MINUTE;
        if (minute === 30) readings.push(reading('state', ts, 2));
        if (minute === 60) readings.push(reading('state', ts, 1));
        const running = minute < 30 || minute >= 60;
        readings.push(reading('motorPower', ts, running ? 4 : 0), reading('partCount', ts, parts(minute)));
      }
      n1.receive({ payload: readings });
      n1.receive({ payload: { asset: 'spindle-1', level: 'WARNING', workOrder: { id: 'wo-1', asset: 'spindle-1', action: 'open', level: 'WARNING', ts: START + 10 * MINUTE, rulHours: 100, message: '' } } });
      n1.receive({ topic: 'report' });
    });
  });

  it('rejects input it cannot use and a configuration naming a missing sensor, with done(err)', function (done) {
    const flow = [ASSET_CONFIG, { id: 'n1', type: 'twin-kpi', asset: 'a1' }, { id: 'n2', type: 'twin-kpi', asset: 'a1', stateSensor: 'nope' }];
    helper.load([assetNode, kpiNode], flow as never, () => {
      const errors: string[] = [];
      const check = (call: { firstArg: Error | string }): void => {
        errors.push(String(call.firstArg instanceof Error ? call.firstArg.message : call.firstArg));
        if (errors.length < 3) return;
        try {
          assert.ok(errors.some((e) => /expected msg.payload to be an array of readings/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /no baseline to compare with/.test(e)), errors.join(' | '));
          assert.ok(errors.some((e) => /has no state sensor "nope"/.test(e)), errors.join(' | '));
          done();
        } catch (err) { done(err); }
      };
      testNode('n1').on('call:error', check);
      testNode('n2').on('call:error', check);
      testNode('n1').receive({ payload: 'hello' });
      testNode('n1').receive({ topic: 'savings' });
      testNode('n2').receive({ payload: [] });
    });
  });
});
