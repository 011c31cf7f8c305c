/**
 * Retraining on the plant's own confirmed failures, with the real pieces: lives of the simulated spindle at a site
 * where its bearings last 70 % of the fleet's nominal life, their feature vectors stored by the historian, the
 * failures confirmed as failure events, the shipped default model in the registry, and twin-train in a Node-RED
 * runtime. The default model, trained on the fleet, is optimistic about this spindle; the challenger continues from
 * it, learns the site from the older lives, and must beat it on the newest life it did not train on to be promoted —
 * after which twin-model switches every scoring node to it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { HistorianConnection, type ConnectionTarget } from '../lib/historian/connection';
import { featuresTable } from '../lib/historian/tables/features';
import { failureEventsTable } from '../lib/historian/tables/failure-events';
import { BatchWriter, type TableRow } from '../lib/historian/writer';
import type { FeatureVector } from '../lib/features/feature-vector';
import type { FailureEvent, RulRecord } from '../lib/rul/records';
import { listModels } from '../lib/rul/registry';
import type { RetrainResult } from '../lib/rul/retrain';
import { runToFailure, SIMULATION_START_MS } from '../plant/run-to-failure';
import { SITE_SPINDLE_LIFE_FACTOR } from '../plant/plant';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema } from './support/database';
import { testNode } from './support/test-node';
import dbNode = require('../nodes/twin-db/twin-db');
import modelNode = require('../nodes/twin-model/twin-model');
import rulNode = require('../nodes/twin-rul/twin-rul');
import trainNode = require('../nodes/twin-train/twin-train');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const SPEEDUP = 1440;

/** Three lives of the site's spindle, one after the other, and the failures that ended them. */
function siteHistory(): { vectors: FeatureVector[]; failures: FailureEvent[]; end: number } {
  const vectors: FeatureVector[] = [];
  const failures: FailureEvent[] = [];
  let start = SIMULATION_START_MS;
  for (let life = 1; life <= 3; life++) {
    const run = runToFailure({ id: `life-${life}`, assetId: 'spindle-1', seed: 500 + life, ambientC: 22, setpointRpm: 12000, lifeFactor: SITE_SPINDLE_LIFE_FACTOR },
      { startMs: start });
    for (const v of run.vectors) vectors.push({ asset: 'spindle-1', ts: v.ts, features: v.features, units: {}, windows: {}, quality: {} });
    const failedAt = start + (run.lifeHours / SPEEDUP) * 3_600_000;
    failures.push({ kind: 'failure-event', id: `f${life}`, asset: 'spindle-1', component: 'spindle bearing', outcome: 'failure', failedAt, confirmedBy: 'test', notes: '', ts: failedAt });
    start = failedAt + 60_000;
  }
  return { vectors, failures, end: start };
}

async function databaseTarget(dir: string): Promise<{ config: Record<string, unknown>; target: ConnectionTarget }> {
  if (await postgresAnswers()) {
    const url = new URL(LOCAL_POSTGRES_URL);
    return { config: { mode: 'server', host: url.hostname, port: url.port || '5432', database: url.pathname.slice(1), user: url.username || 'postgres' },
      target: { kind: 'url', url: LOCAL_POSTGRES_URL, ssl: false } };
  }
  return { config: { mode: 'embedded', embeddedDir: path.join(dir, 'db') }, target: { kind: 'embedded', dataDir: path.join(dir, 'db') } };
}

describe('retraining on confirmed failures (twin-train)', function () {
  this.timeout(180000);
  let dir: string;
  let schema: string;
  let target: ConnectionTarget;
  let dbConfig: Record<string, unknown>;
  let history: ReturnType<typeof siteHistory>;

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-retrain-'));
    schema = uniqueSchema('twin_retrain');
    ({ config: dbConfig, target } = await databaseTarget(dir));
    history = siteHistory();
    // The history as the historian stores it, written before the runtime starts (the embedded server takes one user at a time).
    const connection = new HistorianConnection({ target, poolMax: 1, schema, compressAfterDays: 7, retentionDays: undefined });
    const writer = new BatchWriter(connection, { batchSize: 1000, batchMs: 10, maxQueuedRows: 100_000 }, () => undefined);
    await writer.write([...history.vectors.map((row): TableRow => ({ table: featuresTable as TableRow['table'], row })),
      ...history.failures.map((row): TableRow => ({ table: failureEventsTable as TableRow['table'], row }))]);
    await writer.close(10000);
    await connection.close();
    helper.settings({ userDir: dir });
  });

  after(async function () {
    helper.settings({});
    const connection = new HistorianConnection({ target, poolMax: 1, schema, compressAfterDays: 7, retentionDays: undefined });
    const pool = await connection.getPool();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await connection.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach((done) => { helper.startServer(done); });
  afterEach((done) => { helper.unload().then(() => helper.stopServer(done)); });

  it('promotes a challenger that beats the default model on the newest life, and every scoring node switches to it', async function () {
    const flow = [
      { id: 'db', type: 'twin-db', schema, ...dbConfig },
      { id: 'model', type: 'twin-model', source: 'registry', db: 'db', pollS: '60' },
      { id: 'train', type: 'twin-train', db: 'db', windowDays: '3650', timeScale: String(SPEEDUP), stepLifeHours: '1', validationPercent: '20',
        minImprovementPercent: '0', runningFeature: 'speed.last', runningAbove: '100', wires: [['result'], ['progress']] },
      { id: 'rul', type: 'twin-rul', model: 'model', periodS: '0', runningFeature: 'speed.last', runningAbove: '100', wires: [['scored']] },
      { id: 'result', type: 'helper' }, { id: 'progress', type: 'helper' }, { id: 'scored', type: 'helper' },
    ];
    await helper.load([dbNode, modelNode, trainNode, rulNode], flow as never);
    const score = async (): Promise<RulRecord & { version: string }> => {
      const reply = new Promise<{ payload: RulRecord[]; modelVersion: string }>((resolve) => testNode('scored').once('input', resolve));
      const worn = history.vectors[history.vectors.length - 20];
      testNode('rul').receive({ payload: worn });
      const msg = await reply;
      return { ...msg.payload[0], version: msg.modelVersion };
    };
    const before = await score();
    assert.match(before.version, /^default-/, 'an empty registry starts with the shipped model, promoted');

    const progress: string[] = [];
    testNode('progress').on('input', (msg: { payload: { text: string } }) => progress.push(msg.payload.text));
    const done = new Promise<{ payload: RetrainResult }>((resolve) => testNode('result').once('input', resolve));
    testNode('train').receive({ payload: { from: SIMULATION_START_MS - 1, to: history.end } });
    const { payload: result } = await done;
    assert.deepEqual(result.lives.map((l) => [l.unit, l.failureId]), [['spindle-1#1', 'f1'], ['spindle-1#2', 'f2'], ['spindle-1#3', 'f3']]);
    assert.deepEqual(result.validationUnits, ['spindle-1#3'], 'the newest life that ended in a failure is held out');
    assert.equal(result.current.version, before.version);
    assert.ok(result.promoted, result.reason);
    assert.ok(result.candidate.rmse < 0.7 * result.current.rmse, `the challenger learned the site: ${result.reason}`);
    assert.ok(progress.some((t) => /training the estimate: round \d+/.test(t)), progress.join('\n'));

    // twin-model hears of the promotion at once: the same worn vector now scores with the challenger, and lower
    // (this site's bearings have less life left than the fleet's at the same vibration).
    let after = await score();
    for (const deadline = Date.now() + 10000; after.version !== result.version && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await score();
    }
    assert.equal(after.version, result.version, 'switched within 10 s');
    assert.ok(after.rulHours < before.rulHours, `${after.rulHours} h with the retrained model against ${before.rulHours} h`);
    const connection = new HistorianConnection({ target, poolMax: 1, schema, compressAfterDays: 7, retentionDays: undefined });
    try {
      const pool = await connection.getPool();
      const models = await listModels(pool, await connection.ready());
      assert.deepEqual(models.map((m) => m.status).sort(), ['promoted', 'retired']);
      assert.equal(models.find((m) => m.status === 'promoted')?.version, result.version);
    } finally {
      await connection.close();
    }
  });

  it('says what ground truth is missing when there is no confirmed failure in the window', async function () {
    const flow = [
      { id: 'db', type: 'twin-db', schema, ...dbConfig },
      { id: 'train', type: 'twin-train', db: 'db', timeScale: String(SPEEDUP), wires: [[], []] },
    ];
    await helper.load([dbNode, trainNode], flow as never);
    const error = new Promise<Error>((resolve) => testNode('train').once('call:error', (call: { firstArg: Error }) => resolve(call.firstArg)));
    testNode('train').receive({ payload: { from: SIMULATION_START_MS - 10 * 86_400_000, to: SIMULATION_START_MS - 1 } });
    assert.match((await error).message, /no confirmed failure in the history: confirm failures on the maintenance tab/);
  });
});
