/**
 * Live before late, in a real Node-RED on the real PostgreSQL: the reference flow's wiring (readings to the dashboard
 * directly and to the historian through twin-buffer) and its settings, a 10-minute outage's backlog at 1,000
 * readings/s, then the database back while live readings keep coming.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { coreNode } from './support/core-nodes';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema, withClient } from './support/database';
import { TcpProxy } from './support/tcp-proxy';
import { testNode } from './support/test-node';
import bufferNode = require('../nodes/twin-buffer/twin-buffer');
import dbNode = require('../nodes/twin-db/twin-db');
import historianNode = require('../nodes/twin-historian/twin-historian');

helper.init(require.resolve('node-red'));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const READINGS_PER_MESSAGE = 10;
const MESSAGES_PER_S = 100;
const OUTAGE_S = 600;
const LIVE_S = 15;

describe('twin-buffer live lane after a 10-minute outage', function () {
  this.timeout(600000);
  let proxy: TcpProxy;
  let schema: string;
  let userDir: string;
  const savedUrl = process.env.DATABASE_URL;

  before(async function () {
    if (!(await postgresAnswers())) this.skip();
    const target = new URL(LOCAL_POSTGRES_URL);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const url = new URL(LOCAL_POSTGRES_URL);
    url.port = String(proxy.port);
    process.env.DATABASE_URL = url.toString();
    schema = uniqueSchema('twin_lanes');
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-lanes-'));
    helper.settings({ userDir });
    await new Promise<void>((resolve) => helper.startServer(resolve));
  });
  after(async function () {
    await helper.unload().catch(() => undefined);
    await new Promise<void>((resolve) => helper.stopServer(() => resolve()));
    if (savedUrl === undefined) delete process.env.DATABASE_URL; else process.env.DATABASE_URL = savedUrl;
    helper.settings({});
    await proxy?.stop();
    if (schema) await withClient(LOCAL_POSTGRES_URL, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('shows live readings on the dashboard at once and stores them ahead of the replayed backlog, marked live, the backlog historical', async function () {
    // The reference flow's buffer and historian settings (scripts/reference-flow/reference-twin.ts).
    const flow = [
      { id: 'db', type: 'twin-db', mode: 'auto', schema, poolMax: '4' },
      { id: 'ingest', type: 'junction', wires: [['buffer', 'dashboard']] },
      { id: 'buffer', type: 'twin-buffer', maxDiskMB: '512', maxAgeHours: '168', fullPolicy: 'drop-oldest', durability: 'sync', fsyncMs: '200',
        maxReplayRate: '0', ackTimeoutS: '30', maxInFlight: '1000', wires: [['historian'], []] },
      { id: 'historian', type: 'twin-historian', db: 'db', batchSize: '1000', batchMs: '1000', maxQueuedRows: '100000', wires: [['buffer']] },
      { id: 'dashboard', type: 'helper' },
    ];
    await helper.load([dbNode, historianNode, bufferNode, coreNode('common/05-junction.js')], flow as never);
    const ingest = testNode('ingest');
    const dashboardLatency: number[] = [];
    testNode('dashboard').on('input', (msg: { sentAt?: number }) => { if (msg.sentAt) dashboardLatency.push(Date.now() - msg.sentAt); });
    const message = (sensor: string, i: number, ts: number): Record<string, unknown> => ({
      payload: Array.from({ length: READINGS_PER_MESSAGE }, (_, k) => ({ asset: 'm1', sensor: `${sensor}${k}`, unit: '°C', value: i, ts, quality: 'good' })),
    });
    await sleep(2000);

    // The database goes away for ten minutes of readings (sent faster than real time: the backlog is what counts).
    proxy.cut();
    const outageStart = Date.now() - OUTAGE_S * 1000;
    const backlogMessages = OUTAGE_S * MESSAGES_PER_S;
    const generating = Date.now();
    for (let i = 0; i < backlogMessages; i++) {
      ingest.receive(message('backlog', i, outageStart + i * (1000 / MESSAGES_PER_S)));
      if (i % 500 === 499) await sleep(0);
    }
    await sleep(1000);
    process.stdout.write(`      (backlog of ${(backlogMessages * READINGS_PER_MESSAGE).toLocaleString('en-US')} readings built in ${((Date.now() - generating) / 1000).toFixed(1)} s)\n`);

    // The database is back; live readings keep coming at 1,000/s.
    proxy.restore();
    const restoredAt = Date.now();
    const liveSent: number[] = [];
    const liveStored = new Map<number, number>();
    let backlogDoneAt: number | undefined;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const counts = await withClient(LOCAL_POSTGRES_URL, async (c) => (await c.query(
          `SELECT max(value) FILTER (WHERE sensor = 'live0') AS live, count(*) FILTER (WHERE sensor LIKE 'backlog%')::int AS backlog FROM "${schema}".twin_readings`).catch(() => ({ rows: [{ live: null, backlog: 0 }] }))).rows[0] as { live: number | null; backlog: number });
        const now = Date.now();
        if (counts.live !== null) for (let i = 0; i <= counts.live; i++) if (!liveStored.has(i)) liveStored.set(i, now);
        if (backlogDoneAt === undefined && counts.backlog >= backlogMessages * READINGS_PER_MESSAGE) backlogDoneAt = now;
        await sleep(100);
      }
    })();
    for (let i = 0; i < LIVE_S * MESSAGES_PER_S; i++) {
      const sentAt = Date.now();
      liveSent.push(sentAt);
      ingest.receive({ ...message('live', i, sentAt), sentAt });
      await sleep(1000 / MESSAGES_PER_S);
    }
    const drainDeadline = Date.now() + 300000;
    while (backlogDoneAt === undefined && Date.now() < drainDeadline) await sleep(500);
    polling = false;
    await poller;

    const liveLatencies = [...liveStored.entries()].map(([i, at]) => at - liveSent[i]);
    const firstLive = Math.min(...liveStored.values()) - restoredAt;
    const storedWhileReplaying = [...liveStored.values()].filter((at) => backlogDoneAt !== undefined && at < backlogDoneAt).length;
    const steady = [...liveStored.entries()].filter(([i]) => liveSent[i] - restoredAt > 6000).map(([i, at]) => at - liveSent[i]);
    const maxDashboard = Math.max(...dashboardLatency.slice(-LIVE_S * MESSAGES_PER_S));
    process.stdout.write(`      (dashboard: live readings at most ${maxDashboard} ms after they were sent; historian: first live row ${(firstLive / 1000).toFixed(1)} s after the restore, ` +
      `live rows sent 6 s or more after it stored within ${Math.max(...steady)} ms, ${storedWhileReplaying} of ${liveStored.size} live messages stored while the backlog was replaying; ` +
      `backlog of ${(backlogMessages * READINGS_PER_MESSAGE).toLocaleString('en-US')} readings drained ${backlogDoneAt ? ((backlogDoneAt - restoredAt) / 1000).toFixed(1) : '>300'} s after the restore)\n`);
    assert.ok(maxDashboard < 2000, `dashboard latency ${maxDashboard} ms`);
    assert.equal(liveStored.size, LIVE_S * MESSAGES_PER_S, 'every live message stored');
    assert.ok(backlogDoneAt !== undefined, 'the backlog drained');
    assert.ok(storedWhileReplaying > 0, 'live rows were stored before the backlog had drained');
    // The historian holds live rows up to its batch time (1 s here) by design; beyond that, they wait for nothing.
    assert.ok(Math.max(...steady) < 1000 + 2000, `live rows stored within the batch time + 2 s once the historian was writing again: ${Math.max(...steady)} ms`);
    assert.ok(Math.max(...liveLatencies) < 15000, `no live row waited for the backlog: ${Math.max(...liveLatencies)} ms at most`);
    // Historical = reached the historian more than 10 s after it reached the buffer: the backlog, and live readings
    // only if they had to wait that long (those sent before the historian saw the database again).
    const flags = await withClient(LOCAL_POSTGRES_URL, async (c) => (await c.query(
      `SELECT value::int AS i, bool_or(historical) AS historical FROM "${schema}".twin_readings WHERE sensor LIKE 'live%' GROUP BY 1`)).rows as Array<{ i: number; historical: boolean }>);
    const lateLive = flags.filter((f) => f.historical && liveSent[f.i] - restoredAt > 6000);
    assert.deepEqual(lateLive, [], 'live readings stored promptly are not historical');
    const backlogFlags = await withClient(LOCAL_POSTGRES_URL, async (c) => (await c.query(
      `SELECT count(*) FILTER (WHERE historical)::int AS historical, count(*)::int AS n FROM "${schema}".twin_readings WHERE sensor LIKE 'backlog%'`)).rows[0] as { historical: number; n: number });
    assert.ok(backlogFlags.historical > backlogFlags.n * 0.5, `most of the backlog is stored as historical: ${JSON.stringify(backlogFlags)}`);
  });
});
