import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import type { AssetDefinition } from '../lib/asset/asset-model';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import type { ScalarReading } from '../lib/reading/reading';
import type { MachineStateFact } from '../lib/facts/plant-facts';
import type { AlertEvent } from '../lib/threshold/alert';
import { ThresholdMonitor } from '../lib/threshold/threshold-monitor';
import { Random } from '../lib/math/random';
import { testNode } from './support/test-node';
import assetNode = require('../nodes/twin-asset/twin-asset');
import thresholdNode = require('../nodes/twin-threshold/twin-threshold');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const ASSET: AssetDefinition = {
  id: 'm1', name: 'Machine', type: 'test', ratings: {},
  sensors: [
    { id: 'temp', name: 'Temperature', unit: '°C', kind: 'scalar', warning: { high: 65 }, alarm: { high: 80 }, hysteresis: 2, minDurationMs: 5000 },
    { id: 'flow', name: 'Flow', unit: 'm³/h', kind: 'scalar', warning: { low: 150 }, hysteresis: 10, minDurationMs: 0 },
    { id: 'speed', name: 'Speed', unit: 'rpm', kind: 'scalar' },
  ],
};

const T0 = Date.UTC(2026, 0, 1);

function reading(sensor: string, value: number, second: number, extra: Partial<ScalarReading> = {}): ScalarReading {
  return { asset: 'm1', sensor, unit: '', value, ts: T0 + second * 1000, quality: 'good', ...extra };
}

function monitor(staleAfterMs = 0): ThresholdMonitor {
  return new ThresholdMonitor(ASSET, { sensors: [], staleAfterMs, ignoreHistorical: true }, T0);
}

describe('threshold monitor', function () {
  it('raises once for a noisy signal hovering around a limit, and clears only past the hysteresis', function () {
    const m = monitor();
    const random = new Random(3);
    const events: AlertEvent[] = [];
    // 10 minutes at 1 Hz of 66 ± 1.5 °C: above the 65 °C warning most of the time, crossing it often.
    for (let s = 0; s < 600; s++) events.push(...m.process([reading('temp', 66 + 1.5 * random.gaussian(), s)]));
    assert.deepEqual(events.map((e) => `${e.level}:${e.state}`), ['warning:raised']);
    // Back to 64 °C: inside the limit but not by the 2 °C hysteresis, so the alert holds.
    for (let s = 600; s < 620; s++) events.push(...m.process([reading('temp', 64, s)]));
    assert.equal(events.length, 1);
    for (let s = 620; s < 640; s++) events.push(...m.process([reading('temp', 60, s)]));
    assert.deepEqual(events.map((e) => `${e.level}:${e.state}`), ['warning:raised', 'warning:cleared']);
    assert.equal(events[1].id, events[0].id, 'the clear refers to the alert it ends');
  });

  it('needs the minimum duration before raising, and escalates then de-escalates', function () {
    const m = monitor();
    assert.deepEqual(m.process([reading('temp', 90, 0), reading('temp', 90, 3), reading('temp', 60, 4)]), [], 'a 4 s excursion is ignored');
    const events = m.process([10, 11, 12, 13, 14, 15, 16].map((s) => reading('temp', 70, s)));
    assert.deepEqual(events.map((e) => `${e.level}:${e.state}`), ['warning:raised']);
    assert.match(events[0].message, /Temperature 70 °C is above the warning limit 65 °C/);
    const escalation = m.process([20, 23, 26].map((s) => reading('temp', 85, s)));
    assert.deepEqual(escalation.map((e) => `${e.level}:${e.state}`), ['warning:cleared', 'alarm:raised']);
    const deescalation = m.process([30, 33, 36].map((s) => reading('temp', 70, s)));
    assert.deepEqual(deescalation.map((e) => `${e.level}:${e.state}`), ['alarm:cleared', 'warning:raised']);
    assert.deepEqual(m.activeAlerts().map((a) => a.level), ['warning']);
  });

  it('handles low limits and ignores bad-quality and replayed readings', function () {
    const m = monitor();
    assert.deepEqual(m.process([reading('flow', 100, 0, { quality: 'bad' })]), []);
    assert.deepEqual(m.process([reading('flow', 100, 1, { historical: true })]), []);
    const events = m.process([reading('flow', 100, 2)]);
    assert.deepEqual(events.map((e) => `${e.level}:${e.direction}:${e.state}`), ['warning:low:raised']);
  });

  it('clears a value back within its limit because the machine stopped or failed saying so, not as if the fault had gone', function () {
    let machine: MachineStateFact | null = { state: 'running', since: T0 };
    const m = new ThresholdMonitor(ASSET, { sensors: [], staleAfterMs: 0, ignoreHistorical: true, machineState: () => machine }, T0);
    const cleared = (from: number): AlertEvent | undefined => {
      m.process([reading('flow', 100, from)]);
      return m.process([reading('flow', 200, from + 1)]).find((e) => e.state === 'cleared');
    };
    assert.match(cleared(0)?.message ?? '', /: back within the warning limit$/);
    machine = { state: 'down', since: T0 + 5000 };
    assert.match(cleared(10)?.message ?? '', /within the warning limit because the machine is DOWN, not because the fault is gone/);
    machine = null;
    assert.match(cleared(20)?.message ?? '', /: back within the warning limit$/, 'no state published: nothing claimed about it');
  });

  it('raises a stale alert when a sensor goes quiet and clears it when data returns', function () {
    const m = monitor(10000);
    assert.deepEqual(m.checkStale(T0 + 5000), []);
    const stale = m.checkStale(T0 + 11000);
    assert.deepEqual(stale.map((e) => `${e.sensor}:${e.level}`).sort(), ['flow:stale', 'temp:stale']);
    assert.deepEqual(m.checkStale(T0 + 12000), [], 'raised once');
    const back = m.process([reading('temp', 20, 13)], T0 + 13000);
    assert.deepEqual(back.map((e) => `${e.sensor}:${e.level}:${e.state}`), ['temp:stale:cleared']);
  });

  it('acknowledges by id or by sensor, and restores active alerts after a redeploy', function () {
    const m = monitor();
    const [raised] = m.process([reading('flow', 90, 0)]);
    const acks = m.acknowledge({ id: raised.id }, 'jane');
    assert.deepEqual(acks.map((a) => [a.state, a.acknowledgedBy]), [['acknowledged', 'jane']]);
    assert.deepEqual(m.acknowledge({ sensor: 'flow' }, 'jane'), [], 'already acknowledged');
    const restored = monitor();
    restored.restore(m.snapshot());
    assert.deepEqual(restored.activeAlerts().map((a) => a.id), [raised.id]);
    assert.deepEqual(restored.process([reading('flow', 90, 5)]), [], 'no second raise after the restore');
    assert.deepEqual(restored.process([reading('flow', 200, 6)]).map((e) => e.state), ['cleared']);
  });
});

describe('twin-threshold node', function () {
  const asset = { id: 'a1', type: 'twin-asset', assetId: 'spindle-1', sensors: SPINDLE_ASSET.sensors };
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('loads with defaults', async function () {
    const flow = [asset, { id: 'n1', type: 'twin-threshold', asset: 'a1' }];
    await helper.load([assetNode, thresholdNode], flow);
    assert.ok(helper.getNode('n1'));
  });

  it('emits the alert event and the active list, and takes an acknowledgement', function (done) {
    const flow = [asset, { id: 'n1', type: 'twin-threshold', asset: 'a1', sensors: 'vibration', wires: [['events'], ['active']] },
      { id: 'events', type: 'helper' }, { id: 'active', type: 'helper' }];
    helper.load([assetNode, thresholdNode], flow, () => {
      const n1 = testNode('n1');
      const events: AlertEvent[] = [];
      const lists: AlertEvent[][] = [];
      testNode('events').on('input', (msg: { payload: AlertEvent; topic: string }) => {
        events.push(msg.payload);
        if (msg.payload.state === 'raised') {
          try { assert.equal(msg.topic, 'alert/spindle-1/vibration'); } catch (err) { done(err); return; }
          n1.receive({ topic: 'ack', payload: { id: msg.payload.id, by: 'tester' } });
        }
      });
      testNode('active').on('input', (msg: { payload: AlertEvent[] }) => {
        lists.push(msg.payload);
        if (lists.length < 2) return;
        try {
          assert.deepEqual(events.map((e) => `${e.level}:${e.state}`), ['alarm:raised', 'alarm:acknowledged']);
          assert.equal(events[1].acknowledgedBy, 'tester');
          assert.deepEqual(lists.map((l) => l.map((a) => a.state)), [['raised'], ['acknowledged']]);
          done();
        } catch (err) { done(err); }
      });
      const now = Date.now();
      n1.receive({ payload: [0, 2, 4, 6].map((s) => ({ asset: 'spindle-1', sensor: 'vibration', unit: 'mm/s', value: 6, quality: 'good', ts: now - 6000 + s * 1000 })) });
    });
  });

  it('rejects input that is not a batch of readings, with a clear error', function (done) {
    const flow = [asset, { id: 'n1', type: 'twin-threshold', asset: 'a1' }];
    helper.load([assetNode, thresholdNode], flow, () => {
      const n1 = testNode('n1');
      n1.on('call:error', (call: { firstArg: Error }) => {
        try {
          assert.match(call.firstArg.message, /expected msg.payload to be an array of readings/);
          done();
        } catch (err) { done(err); }
      });
      n1.receive({ payload: 42 });
    });
  });

  it('refuses a sensor list naming sensors the asset does not have', function (done) {
    const flow = [asset, { id: 'n1', type: 'twin-threshold', asset: 'a1', sensors: 'vibration, nonsense' }];
    helper.load([assetNode, thresholdNode], flow, () => {
      const n1 = testNode('n1');
      n1.on('call:error', (call: { firstArg: Error }) => {
        try {
          assert.match(call.firstArg.message, /has no sensor "nonsense"/);
          done();
        } catch (err) { done(err); }
      });
      n1.receive({ payload: [] });
    });
  });
});
