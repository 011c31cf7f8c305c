/**
 * A database outage and its replay in a real Node-RED (node-red-node-test-helper) on the real PostgreSQL, wired as
 * the reference flow wires a machine (readings to the dashboard directly, to the historian through twin-buffer)
 * with its buffer and historian settings: an outage's backlog is built (faster than real time: the backlog is what
 * counts), the database comes back, live readings keep coming, and what reached the dashboard and the database
 * when is measured. Shared by the live-lane test and the replay bench.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { coreNode } from './core-nodes';
import { LOCAL_POSTGRES_URL, proxiedPostgres, uniqueSchema, withClient } from './database';
import { testNode } from './test-node';
import bufferNode = require('../../nodes/twin-buffer/twin-buffer');
import { HISTORICAL_AFTER_MS } from '../../nodes/twin-buffer/options';
import dbNode = require('../../nodes/twin-db/twin-db');
import historianNode = require('../../nodes/twin-historian/twin-historian');
import { testRuntime } from './node-red-process';

helper.init(testRuntime.resolve('node-red'));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface OutageScenario {
  readingsPerMessage: number;
  liveReadingsPerS: number;
  outageS: number;
  /** How long live readings are sent after the restore (they go on until the backlog drained, at least this). */
  liveS: number;
}

export interface OutageOutcome {
  backlogReadings: number;
  buildS: number;
  /** ms from sending each live message to the dashboard (the live path), and to its rows being in the database. */
  dashboardMs: number[];
  storedMs: Array<{ sentAfterRestoreMs: number; latencyMs: number }>;
  liveMessages: number;
  /** Live messages stored before the backlog had drained. */
  storedWhileReplaying: number;
  /** Seconds from the restore until the backlog was in the database, if it got there. */
  drainS: number | undefined;
  liveHistorical: Array<{ sentAfterRestoreMs: number; historical: boolean }>;
  backlogHistorical: number;
}

/** The reference flow's twin-buffer and twin-historian settings (scripts/reference-flow/reference-twin.ts). */
const BUFFER = { maxDiskMB: '512', maxAgeHours: '168', fullPolicy: 'drop-oldest', durability: 'sync', fsyncMs: '200', maxReplayRate: '0', ackTimeoutS: '30', maxInFlight: '1000' };
const HISTORIAN = { batchSize: '1000', batchMs: '1000', maxQueuedRows: '100000', replaySharePct: '50' };

export async function runOutage(scenario: OutageScenario): Promise<OutageOutcome> {
  const { proxy, url } = await proxiedPostgres();
  const savedUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  const schema = uniqueSchema('twin_outage');
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-outage-'));
  helper.settings({ userDir });
  await new Promise<void>((resolve) => helper.startServer(resolve));
  try {
    const flow = [
      { id: 'db', type: 'twin-db', mode: 'auto', schema, poolMax: '4' },
      { id: 'ingest', type: 'junction', wires: [['buffer', 'dashboard']] },
      { id: 'buffer', type: 'twin-buffer', ...BUFFER, wires: [['historian'], []] },
      { id: 'historian', type: 'twin-historian', db: 'db', ...HISTORIAN, wires: [['buffer']] },
      { id: 'dashboard', type: 'helper' },
    ];
    await helper.load([dbNode, historianNode, bufferNode, coreNode('common/05-junction.js')], flow as never);
    // The helper records every node.send and node.status in sinon spies for its call:* events; with hundreds of
    // thousands of messages that history alone fills the heap. Nothing here listens to them.
    (helper as unknown as { _sandbox: { restore(): void } })._sandbox.restore();
    const ingest = testNode('ingest');
    const dashboardMs: number[] = [];
    testNode('dashboard').on('input', (msg: { sentAt?: number }) => { if (msg.sentAt) dashboardMs.push(Date.now() - msg.sentAt); });
    const n = scenario.readingsPerMessage;
    const messagesPerS = scenario.liveReadingsPerS / n;
    const message = (sensor: string, i: number, ts: number): Record<string, unknown> => ({
      payload: Array.from({ length: n }, (_, k) => ({ asset: 'm1', sensor: `${sensor}${k}`, unit: '°C', value: i, ts, quality: 'good' })),
    });
    await sleep(2000);

    proxy.cut();
    const outageStart = Date.now() - scenario.outageS * 1000;
    const backlogMessages = Math.round(scenario.outageS * messagesPerS);
    const building = Date.now();
    for (let i = 0; i < backlogMessages; i++) {
      ingest.receive(message('backlog', i, outageStart + i * (1000 / messagesPerS)));
      if (i % 500 === 499) await sleep(0);
    }
    const buildS = (Date.now() - building) / 1000;
    // The backlog is built faster than the outage it stands for; a record is historical by the time since it was
    // buffered, so the database stays away until even the last one is that old, as it would be after a real outage.
    await sleep(HISTORICAL_AFTER_MS + 1000);

    proxy.restore();
    const restoredAt = Date.now();
    const liveSent: number[] = [];
    const liveStored = new Map<number, number>();
    let drainedAt: number | undefined;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const counts = await withClient(LOCAL_POSTGRES_URL, async (c) => (await c.query(
          `SELECT max(value) FILTER (WHERE sensor = 'live0') AS live, count(*) FILTER (WHERE sensor LIKE 'backlog%')::int AS backlog FROM "${schema}".twin_readings`)
          .catch(() => ({ rows: [{ live: null, backlog: 0 }] }))).rows[0] as { live: number | null; backlog: number });
        const now = Date.now();
        if (counts.live !== null) for (let i = 0; i <= counts.live; i++) if (!liveStored.has(i)) liveStored.set(i, now);
        if (drainedAt === undefined && counts.backlog >= backlogMessages * n) drainedAt = now;
        await sleep(100);
      }
    })();
    const deadline = restoredAt + 600000;
    for (let i = 0; (Date.now() - restoredAt < scenario.liveS * 1000 || drainedAt === undefined) && Date.now() < deadline; i++) {
      const sentAt = Date.now();
      liveSent.push(sentAt);
      ingest.receive({ ...message('live', i, sentAt), sentAt });
      await sleep(Math.max(0, restoredAt + (i + 1) * (1000 / messagesPerS) - Date.now()));
    }
    const lastDeadline = Date.now() + 20000;
    while (liveStored.size < liveSent.length && Date.now() < lastDeadline) await sleep(200);
    polling = false;
    await poller;

    const liveFlags = await withClient(LOCAL_POSTGRES_URL, async (c) => (await c.query(
      `SELECT value::int AS i, bool_or(historical) AS historical FROM "${schema}".twin_readings WHERE sensor LIKE 'live%' GROUP BY 1`)).rows as Array<{ i: number; historical: boolean }>);
    const backlogHistorical = await withClient(LOCAL_POSTGRES_URL, async (c) => (await c.query(
      `SELECT count(*) FILTER (WHERE historical)::int AS h FROM "${schema}".twin_readings WHERE sensor LIKE 'backlog%'`)).rows[0].h as number);
    return {
      backlogReadings: backlogMessages * n,
      buildS,
      dashboardMs: dashboardMs.slice(-liveSent.length),
      storedMs: [...liveStored.entries()].map(([i, at]) => ({ sentAfterRestoreMs: liveSent[i] - restoredAt, latencyMs: at - liveSent[i] })),
      liveMessages: liveSent.length,
      storedWhileReplaying: [...liveStored.values()].filter((at) => drainedAt !== undefined && at < drainedAt).length,
      drainS: drainedAt === undefined ? undefined : (drainedAt - restoredAt) / 1000,
      liveHistorical: liveFlags.map((f) => ({ sentAfterRestoreMs: liveSent[f.i] - restoredAt, historical: f.historical })),
      backlogHistorical,
    };
  } finally {
    await helper.unload().catch(() => undefined);
    await new Promise<void>((resolve) => helper.stopServer(() => resolve()));
    if (savedUrl === undefined) delete process.env.DATABASE_URL; else process.env.DATABASE_URL = savedUrl;
    helper.settings({});
    await proxy.stop();
    await withClient(LOCAL_POSTGRES_URL, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}
