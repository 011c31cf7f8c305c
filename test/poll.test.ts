/**
 * Polling a plant's Modbus devices from its catalogue through the real node-red-contrib-modbus nodes against the real
 * simulator, with one device that never answers and a 30 s outage of the Modbus server: the scheduler's rules in isolation, then the whole chain.
 */
import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import { catalogueToJson } from '../lib/catalogue/catalogue-json';
import { PollScheduler } from '../lib/catalogue/poll-scheduler';
import { modbusReadBlocks, type ModbusReadBlock } from '../lib/catalogue/source-messages';
import { parseMachineMix } from '../plant/machine-mix';
import { startPlant, type Plant } from '../plant/plant';
import { contribNode } from './support/core-nodes';
import { testNode } from './support/test-node';
import catalogueNode = require('../nodes/twin-catalogue/twin-catalogue');
import pollNode = require('../nodes/twin-poll/twin-poll');
import { testRuntime } from './support/node-red-process';
import { portAnswers } from './support/port-answers';
import { until } from './support/until';

helper.init(testRuntime.resolve('node-red'));


function block(asset: string, unitId: number, address = 0): ModbusReadBlock {
  return { asset, unitId, address, quantity: 10, sensors: ['speed'] };
}

describe('poll scheduler', function () {
  const options = { periodMs: 1000, timeoutMs: 1500, backoffMaxMs: 8000 };

  it('spreads the first polls over one period and keeps one request per device outstanding', function () {
    const scheduler = new PollScheduler([block('a', 1), block('b', 1, 100), block('c', 2), block('d', 3)], options, 0);
    assert.deepEqual(scheduler.due(0).map((r) => r.block.asset), ['a']);
    // b is due at 250 ms on the same device as a, whose reply has not come: it waits, c and d go on time.
    assert.deepEqual(scheduler.due(500).map((r) => r.block.asset), ['c']);
    assert.deepEqual(scheduler.due(750).map((r) => r.block.asset), ['d']);
    const a = scheduler.match({ asset: 'a' })!;
    scheduler.settle(a.id, { ok: true }, 800);
    assert.deepEqual(scheduler.due(800).map((r) => r.block.asset), ['b'], 'the device is free: its waiting block goes');
  });

  it('backs a silent device off exponentially while the others keep their period, and takes it back when it answers', function () {
    const scheduler = new PollScheduler([block('dead', 5), block('live', 6)], options, 0);
    const sentTo: Record<string, number[]> = { dead: [], live: [] };
    const events: string[] = [];
    for (let now = 0; now <= 30_000; now += 50) {
      for (const event of scheduler.expire(now)) events.push(`${event.assets[0]} ${event.state} @${now}`);
      for (const request of scheduler.due(now)) {
        sentTo[request.block.asset].push(now);
        if (request.block.asset === 'live') scheduler.settle(request.id, { ok: true }, now + 20);
      }
    }
    const gaps = sentTo.live.slice(1).map((t, i) => t - sentTo.live[i]);
    assert.ok(gaps.every((g) => g === 1000), `the live device every second: ${gaps.join(',')}`);
    assert.equal(sentTo.live.length, 30);
    // Polled on its period until the second failure (deadline 1.5 s each), then retried 1, 2, 4, 8 s after each failure.
    assert.deepEqual(sentTo.dead, [0, 2000, 4500, 8000, 13500, 23000], `the dead device tried at ${sentTo.dead.join(', ')}`);
    assert.deepEqual(events, ['dead not answering @3500']);
    const status = scheduler.statuses().find((s) => s.assets.includes('dead'))!;
    assert.equal(status.state, 'not answering');
    assert.match(status.lastError ?? '', /no answer within 1500 ms/);
    const retry = scheduler.due(status.retryAt!).filter((r) => r.block.asset === 'dead');
    assert.equal(retry.length, 1);
    const back = scheduler.settle(retry[0].id, { ok: true }, status.retryAt! + 10);
    assert.equal(back?.state, 'answering');
    assert.equal(back?.previous, 'not answering');
  });

  it('skips a poll whose previous request is unanswered instead of queueing it', function () {
    const scheduler = new PollScheduler([block('slow', 1)], { ...options, timeoutMs: 5000 }, 0);
    const first = scheduler.due(0);
    assert.equal(first.length, 1);
    assert.deepEqual(scheduler.due(1000), []);
    assert.deepEqual(scheduler.due(2000), []);
    scheduler.settle(first[0].id, { ok: true }, 2500);
    assert.equal(scheduler.statuses()[0].skipped, 2);
    assert.equal(scheduler.due(2500).length, 0, 'the next poll keeps its own time');
    assert.equal(scheduler.due(3000).length, 1);
    assert.equal(scheduler.settle(first[0].id, { ok: true }, 3100), undefined, 'a second reply to a settled request is ignored');
    assert.equal(scheduler.lateReplies, 1);
  });
});

interface Reply { topic: string; payload: unknown; error?: unknown }

describe('twin-poll with node-red-contrib-modbus against the simulated plant', function () {
  this.timeout(90_000);
  let plant: Plant;
  const DEAD = 'pump-3';

  before(async function () {
    plant = await startPlant({ opcuaPort: 0, modbusPort: 0, machines: parseMachineMix('spindle:6,pump:4'), startProgram: {} });
  });
  after(async function () {
    await plant?.stop();
  });
  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  /**
   * Loads catalogue, client and getter. twin-poll's settings: the client neither queues (twin-poll keeps one request
   * per device in flight itself; the client's queue holds every unit's requests back while a dead unit's request
   * waits for its timeout) nor reconnects on a timeout. The comparison uses the contrib's defaults for both.
   */
  async function load(poller: Record<string, unknown>[], client: { reconnectOnTimeout: boolean; bufferCommands: boolean }): Promise<void> {
    const { reconnectOnTimeout, bufferCommands } = client;
    const flow = [
      { id: 'catalogue', type: 'twin-catalogue', source: 'inline', catalogue: catalogueToJson(plant.catalogue) },
      { id: 'client', type: 'modbus-client', clienttype: 'tcp', bufferCommands, stateLogEnabled: false, queueLogEnabled: false,
        failureLogEnabled: false, tcpHost: '127.0.0.1', tcpPort: String(plant.modbusPort), tcpType: 'DEFAULT', unit_id: '1',
        commandDelay: '1', clientTimeout: '1000', reconnectOnTimeout, reconnectTimeout: '2000', parallelUnitIdsAllowed: true,
        showErrors: false, showWarnings: false, showLogs: false },
      { id: 'getter', type: 'modbus-flex-getter', server: 'client', showStatusActivities: false, showErrors: false, showWarnings: false,
        logIOActivities: false, useIOFile: false, ioFile: '', useIOForPayload: false, emptyMsgOnFail: true, keepMsgProperties: true,
        delayOnStart: false, startDelayTime: '', wires: [['replies', ...poller.filter((n) => n.type === 'twin-poll').map((n) => n.id as string)], []] },
      { id: 'replies', type: 'helper' },
      { id: 'events', type: 'helper' },
      ...poller,
    ];
    await helper.load([catalogueNode, pollNode, contribNode('node-red-contrib-modbus/modbus/modbus-client.js'),
      contribNode('node-red-contrib-modbus/modbus/modbus-flex-getter.js')], flow as never);
  }

  /** Successful replies per asset over `seconds`, as arrival times (ms). */
  async function record(seconds: number): Promise<Map<string, number[]>> {
    const answers = new Map<string, number[]>();
    testNode('replies').on('input', (msg: Reply) => {
      if (!Array.isArray(msg.payload)) return;
      answers.set(msg.topic, [...(answers.get(msg.topic) ?? []), Date.now()]);
    });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return answers;
  }

  function longestGapS(times: number[]): number {
    return Math.max(...times.slice(1).map((t, i) => t - times[i])) / 1000;
  }

  const live = (): string[] => plant.catalogue.assets.map((a) => a.id).filter((id) => id !== DEAD);

  it('polls every device each second from the catalogue while one unit id never answers', async function () {
    assert.match(plant.command(`fault ${DEAD} offline`), /^ok/);
    const events: Array<{ assets: string[]; state: string }> = [];
    await load([{ id: 'poll', type: 'twin-poll', catalogue: 'catalogue', filter: '', periodS: '1', timeoutS: '3', backoffMaxS: '10', wires: [['getter'], ['events']] }], { reconnectOnTimeout: false, bufferCommands: false });
    testNode('events').on('input', (msg: { payload: { assets: string[]; state: string } }) => events.push(msg.payload));
    const requests: Array<{ topic: string }> = [];
    testNode('poll').on('call:send', (call: { firstArg: [{ topic: string } | null, unknown] }) => { if (call.firstArg[0]) requests.push(call.firstArg[0]); });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const answers = await record(20);
    for (const id of live()) {
      const times = answers.get(id) ?? [];
      assert.ok(times.length >= 18, `${id}: ${times.length} answers in 20 s`);
      assert.ok(longestGapS(times) < 1.6, `${id}: longest gap ${longestGapS(times)} s`);
    }
    assert.equal(answers.get(DEAD), undefined, 'the dead unit never answers');
    assert.ok(events.some((e) => e.assets.includes(DEAD) && e.state === 'not answering'), 'the dead device is reported');
    assert.ok(!events.some((e) => !e.assets.includes(DEAD) && e.state === 'not answering'), 'no live device is reported silent');
    const deadRequests = requests.filter((r) => r.topic === DEAD).length;
    assert.ok(deadRequests <= 6, `the dead device is backed off: ${deadRequests} requests in 23 s`);
    // It answers again: polled within the backoff limit, reported back.
    assert.match(plant.command(`clear ${DEAD}`), /^ok/);
    const again = await record(12);
    assert.ok((again.get(DEAD) ?? []).length >= 1, 'the device is polled again once it answers');
    assert.ok(events.some((e) => e.assets.includes(DEAD) && e.state === 'answering'));
  });

  it('polls every device again soon after the Modbus server is back from a 30 s outage, without a restart', async function () {
    this.timeout(120_000);
    await load([{ id: 'poll', type: 'twin-poll', catalogue: 'catalogue', filter: '', periodS: '1', timeoutS: '3', backoffMaxS: '10', wires: [['getter'], ['events']] }], { reconnectOnTimeout: false, bufferCommands: false });
    const answeredAt = new Map<string, number>();
    testNode('replies').on('input', (msg: Reply) => { if (Array.isArray(msg.payload)) answeredAt.set(msg.topic, Date.now()); });
    const assets = plant.catalogue.assets.map((a) => a.id);
    await until('every device answering', () => assets.every((id) => answeredAt.has(id)), 10_000);
    assert.match(plant.command('fault network 30'), /^ok/);
    await until('the Modbus port closed', async () => !(await portAnswers(plant.modbusPort)), 5000);
    await until('the Modbus port back', () => portAnswers(plant.modbusPort), 40_000, 250);
    const back = Date.now();
    await until('every device answering again', () => assets.every((id) => (answeredAt.get(id) ?? 0) > back), 30_000, 100);
    const resumedS = (Math.max(...assets.map((id) => answeredAt.get(id)!)) - back) / 1000;
    process.stdout.write(`      every device answered again ${resumedS.toFixed(1)} s after the Modbus server's return\n`);
    // At worst a device's retry comes backoffMaxS (10 s) after its last failure, waits out the client's reconnect (2 s)
    // and one deadline (3 s): 15 s, and a second of scheduling on a busy machine.
    assert.ok(resumedS <= 16, `all ${assets.length} devices answered again within ${resumedS.toFixed(1)} s`);
  });

  it('the same dead unit stalls the other devices when the client reconnects on timeout (node-red-contrib-modbus #409)', async function () {
    assert.match(plant.command(`fault ${DEAD} offline`), /^ok/);
    // Every block each second, as a plain inject would send them, through a client that reconnects on a timeout.
    const blocks = modbusReadBlocks(plant.catalogue.assets);
    await load([], { reconnectOnTimeout: true, bufferCommands: true });
    const timer = setInterval(() => {
      for (const b of blocks) testNode('getter').receive({ topic: b.asset, payload: { fc: 3, unitid: b.unitId, address: b.address, quantity: b.quantity } });
    }, 1000);
    try {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const answers = await record(20);
      const stalled = live().filter((id) => longestGapS(answers.get(id) ?? [0, 20_000]) >= 2);
      assert.ok(stalled.length >= live().length / 2, `live devices with a gap of 2 s or more: ${stalled.length} of ${live().length}`);
    } finally {
      clearInterval(timer);
      plant.command(`clear ${DEAD}`);
    }
  });
});
