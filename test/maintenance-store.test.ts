/**
 * The maintenance records in the historian's database, on the local PostgreSQL server and on the embedded
 * TimescaleDB: RUL estimates, failure events and work orders filed by their kind and read back by the dashboards'
 * queries; the model registry keeping a model of several hundred kB (over the embedded server's 64 KiB message
 * limit) bit-exact, with one promoted model at a time; and the feature history read back as training vectors.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classifyPayload } from '../lib/historian/classify';
import { HistorianConnection, type ConnectionTarget } from '../lib/historian/connection';
import { answerQuery } from '../lib/historian/query-request';
import { featuresTable } from '../lib/historian/tables/features';
import type { ModelEntry } from '../lib/historian/tables/models';
import { BatchWriter, type TableRow } from '../lib/historian/writer';
import { loadFailureEvents, loadFeatureHistory } from '../lib/rul/feature-history';
import type { FailureEvent, RulRecord, UrgencyRecord, WorkOrderUpdate } from '../lib/rul/records';
import { listModels, modelBytes, promoteModel, promotedModel, registerModel } from '../lib/rul/registry';
import { UrgencyTracker } from '../lib/rul/urgency';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema } from './support/database';

const T0 = Date.UTC(2026, 5, 1, 6, 0, 0);

async function store(writer: BatchWriter, payload: unknown): Promise<void> {
  const { rows, problems } = classifyPayload(payload);
  assert.deepEqual(problems, []);
  await writer.write(rows);
}

function entry(version: string, status: ModelEntry['status'], onnx: Uint8Array): ModelEntry {
  return { version, createdAt: T0, trainedAt: T0, dataFrom: T0 - 86_400_000, dataTo: T0, trainingRows: 1234, trainingUnits: 7,
    validationUnits: ['spindle-1#3'], metrics: { candidateRmse: 12.5, currentRmse: 19.25 }, featureNames: ['a', 'b'], status, note: 'test', onnx };
}

function suite(name: string, makeTarget: () => Promise<ConnectionTarget | undefined>): void {
  describe(`maintenance records on ${name}`, function () {
    this.timeout(120000);
    let connection: HistorianConnection;
    let writer: BatchWriter;
    let schema: string;
    let cleanup: () => void = () => undefined;

    before(async function () {
      const target = await makeTarget();
      if (!target) this.skip();
      schema = uniqueSchema('twin_maint');
      connection = new HistorianConnection({ target: target!, poolMax: 2, schema, compressAfterDays: 7, retentionDays: undefined });
      if (target!.kind === 'embedded') cleanup = () => fs.rmSync(target!.dataDir, { recursive: true, force: true });
      await connection.ready();
      writer = new BatchWriter(connection, { batchSize: 1000, batchMs: 10, maxQueuedRows: 10000 }, () => undefined);
    });

    after(async function () {
      if (!connection) return;
      await writer.close(2000);
      const pool = await connection.getPool();
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await connection.close();
      cleanup();
    });

    it('keeps the RUL trend of each asset and reads it back as rows and as a three-series chart', async function () {
      const estimates: RulRecord[] = [0, 1, 2].map((i) => ({ kind: 'rul', asset: 'spindle-1', ts: T0 + i * 60_000, rulHours: 200 - 10 * i,
        lowerHours: 180 - 10 * i, upperHours: 230 - 10 * i, capped: false, confidence: 'normal', modelVersion: 'v1' }));
      await store(writer, estimates);
      await store(writer, estimates);
      const ctx = await connection.ready();
      const pool = await connection.getPool();
      const rows = await answerQuery(pool, ctx, { rul: 'spindle-1', from: T0 - 1, to: T0 + 3_600_000 }, 'rows');
      assert.deepEqual((rows.payload as Array<{ rulHours: number }>).map((r) => r.rulHours), [200, 190, 180], 'a replay stores nothing twice');
      const chart = await answerQuery(pool, ctx, { rul: 'spindle-1', from: T0 - 1, to: T0 + 3_600_000 }, 'chart');
      const [data] = chart.payload as Array<{ series: string[]; data: Array<Array<{ x: number; y: number }>> }>;
      assert.deepEqual(data.series, ['RUL', 'lower', 'upper']);
      assert.deepEqual(data.data[1].map((p) => p.y), [180, 170, 160]);
      assert.equal(data.data[0][2].x, T0 + 120_000);
    });

    it('says since when a machine has been down, for the failure form to propose', async function () {
      const ctx = await connection.ready();
      const pool = await connection.getPool();
      const state = (ts: number, value: number) => ({ asset: 'spindle-1', sensor: 'state', unit: 'state', ts: T0 + ts, value, quality: 'good' });
      const ask = async () => (await answerQuery(pool, ctx, { heldSince: 'spindle-1', sensor: 'state', value: 2 }, 'rows')).payload as { since: number | null };
      await store(writer, [state(0, 1), state(1000, 2), state(2000, 1)]);
      assert.equal((await ask()).since, null, 'running again: not down now');
      await store(writer, [state(5000, 2), state(6000, 2)]);
      assert.equal((await ask()).since, T0 + 5000);
    });

    it('opens and escalates a work order from urgency decisions, keeps it open back at NORMAL; maintenance acknowledges and completes it', async function () {
      const tracker = new UrgencyTracker();
      const decisions: UrgencyRecord[] = [150, 40, 300].map((rulHours, i) => ({ kind: 'urgency', ...tracker.update({ asset: 'pump-1', ts: T0 + i * 1000, rulHours }) }));
      assert.deepEqual(decisions.map((d) => d.workOrder?.action), ['open', 'escalate', 'de-escalate']);
      const ctx = await connection.ready();
      const pool = await connection.getPool();
      await store(writer, decisions.slice(0, 2));
      let open = (await answerQuery(pool, ctx, { workOrders: 'open' }, 'rows')).payload as Array<{ id: string; level: string; state: string }>;
      assert.deepEqual(open.map((w) => [w.level, w.state]), [['CRITICAL', 'open']]);
      const update: WorkOrderUpdate = { kind: 'work-order', id: open[0].id, asset: 'pump-1', action: 'acknowledge', by: 'j.smith', ts: T0 + 1500 };
      await store(writer, update);
      open = (await answerQuery(pool, ctx, { workOrders: 'open', asset: 'pump-1' }, 'rows')).payload as typeof open;
      assert.deepEqual(open.map((w) => w.state), ['acknowledged']);
      await store(writer, decisions[2]);
      open = (await answerQuery(pool, ctx, { workOrders: 'open', asset: 'pump-1' }, 'rows')).payload as typeof open;
      assert.deepEqual(open.map((w) => [w.level, w.state]), [['NORMAL', 'acknowledged']], 'back to NORMAL, the order stays open: only a person closes it');
      await store(writer, { kind: 'work-order', id: open[0].id, asset: 'pump-1', action: 'complete', by: 'j.smith', ts: T0 + 2500, note: 'inspected' });
      assert.deepEqual((await answerQuery(pool, ctx, { workOrders: 'open' }, 'rows')).payload, []);
      const recent = (await answerQuery(pool, ctx, { workOrders: 'recent' }, 'rows')).payload as Array<{ state: string; acknowledgedBy: string; level: string }>;
      assert.deepEqual(recent.map((w) => [w.state, w.acknowledgedBy]), [['closed', 'j.smith']]);
      // A decision that changes nothing carries no work order: recognised, nothing stored, nothing refused.
      assert.deepEqual(classifyPayload({ kind: 'urgency', ...tracker.update({ asset: 'pump-1', ts: T0 + 5000, rulHours: 320 }) }), { rows: [], problems: [] });
      const second = { kind: 'urgency', ...new UrgencyTracker().update({ asset: 'spindle-1', ts: T0 + 6000, rulHours: 100 }) } as UrgencyRecord;
      await store(writer, second);
      await store(writer, { kind: 'work-order', id: second.workOrder!.id, asset: 'spindle-1', action: 'complete', by: 'crew B', ts: T0 + 7000, note: 'bearing replaced' });
      const done = (await answerQuery(pool, ctx, { workOrders: 'recent', asset: 'spindle-1' }, 'rows')).payload as Array<{ state: string; closeNote: string }>;
      assert.deepEqual(done.map((w) => [w.state, w.closeNote]), [['closed', 'bearing replaced']]);
    });

    it('keeps confirmed failures and false alarms as ground truth', async function () {
      const events: FailureEvent[] = [
        { kind: 'failure-event', id: 'f1', asset: 'spindle-1', component: 'front bearing', outcome: 'failure', failedAt: T0 + 3_600_000, confirmedBy: 'j.smith', notes: 'outer race spall', ts: T0 + 3_700_000 },
        { kind: 'failure-event', id: 'f2', asset: 'pump-1', component: 'bearing', outcome: 'false-alarm', failedAt: T0 + 1_800_000, confirmedBy: 'a.lee', notes: '', ts: T0 + 1_900_000 },
      ];
      await store(writer, events);
      await store(writer, { ...events[0], notes: 'outer race spall, confirmed by lab' });
      const ctx = await connection.ready();
      const pool = await connection.getPool();
      const loaded = await loadFailureEvents(pool, ctx);
      assert.deepEqual(loaded.map((e) => [e.id, e.outcome, e.failedAt, e.notes]), [['f1', 'failure', T0 + 3_600_000, 'outer race spall, confirmed by lab'], ['f2', 'false-alarm', T0 + 1_800_000, '']]);
      assert.match(classifyPayload({ kind: 'failure-event', id: 'x', asset: 'a', ts: 1 }).problems[0], /says it is a "failure-event" record but lacks fields/);
    });

    it('stores a model larger than one protocol message bit-exact and keeps exactly one promoted', async function () {
      const ctx = await connection.ready();
      const pool = await connection.getPool();
      const big = Uint8Array.from({ length: 300_001 }, (_, i) => (i * 7919) % 251);
      assert.equal(await promotedModel(pool, ctx), undefined);
      await registerModel(pool, ctx, entry('v1', 'promoted', big));
      await registerModel(pool, ctx, entry('v2', 'candidate', big.subarray(1000)));
      assert.equal((await promotedModel(pool, ctx))?.version, 'v1');
      assert.deepEqual(await modelBytes(pool, ctx, 'v1'), big);
      await promoteModel(pool, ctx, 'v2');
      const models = await listModels(pool, ctx);
      assert.deepEqual(models.map((m) => [m.version, m.status]).sort(), [['v1', 'retired'], ['v2', 'promoted']]);
      assert.deepEqual(models.find((m) => m.version === 'v2')?.metrics, { candidateRmse: 12.5, currentRmse: 19.25 });
      assert.deepEqual(await modelBytes(pool, ctx, 'v2'), big.subarray(1000));
      await assert.rejects(promoteModel(pool, ctx, 'v9'), /no model "v9" in the registry/);
      await assert.rejects(registerModel(pool, ctx, entry('v1', 'candidate', big)), /duplicate key|unique/);
    });

    it('reads the feature history back one vector per step, leaving out steps that lack a feature', async function () {
      const vectors = Array.from({ length: 12 }, (_, i) => ({
        asset: i % 2 === 0 ? 'spindle-1' : 'pump-1', ts: T0 + Math.floor(i / 2) * 5000,
        features: i === 10 ? { a: i } : { a: i, b: 100 + i, c: -1 }, units: {}, windows: {}, quality: {},
      }));
      await writer.write(vectors.map((row): TableRow => ({ table: featuresTable as TableRow['table'], row })));
      const ctx = await connection.ready();
      const pool = await connection.getPool();
      const history = await loadFeatureHistory(pool, ctx, { featureNames: ['a', 'b'], from: T0, to: T0 + 60_000, stepMs: 10_000, maxVectors: 100 });
      // 10 s steps hold two 5 s vectors each, averaged; spindle's last step lost its b (vector 10) and keeps vector 8's.
      assert.deepEqual(history.vectors.get('spindle-1')?.map((v) => [v.ts - T0, v.features.a, v.features.b]), [[0, 1, 101], [10_000, 5, 105], [20_000, 9, 108]]);
      assert.deepEqual(history.vectors.get('pump-1')?.map((v) => [v.ts - T0, v.features.a]), [[0, 2], [10_000, 6], [20_000, 10]]);
      assert.equal(history.incomplete, 0);
      const narrow = await loadFeatureHistory(pool, ctx, { featureNames: ['a', 'b'], from: T0, to: T0 + 60_000, stepMs: 5000, maxVectors: 100, assets: ['spindle-1'] });
      assert.equal(narrow.vectors.get('spindle-1')?.length, 5);
      assert.equal(narrow.incomplete, 1, 'the step whose vector lacks b');
      await assert.rejects(loadFeatureHistory(pool, ctx, { featureNames: ['a'], from: T0, to: T0 + 60_000, stepMs: 5000, maxVectors: 3 }), /holds 12 steps, more than the 3 allowed/);
    });
  });
}

suite('the local PostgreSQL server', async () => (await postgresAnswers() ? { kind: 'url', url: LOCAL_POSTGRES_URL, ssl: false } : undefined));
suite('the embedded TimescaleDB', async () => ({ kind: 'embedded', dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'twin-embedded-maint-')) }));
