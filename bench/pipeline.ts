/**
 * The reference flow's chain inside a real Node-RED runtime against the real PostgreSQL: readings into twin-ingest,
 * through twin-buffer (on disk) into twin-historian, whose batch results come back to the buffer as its
 * acknowledgements, and from twin-ingest into twin-features, whose vectors go through the same buffer. The nodes
 * carry the spindle's settings from flows/reference-twin.json, so the bench measures what the shipped flow runs.
 *
 * Each hop is also measured alone in the same run (its own runtime, its own schema), and inside the whole chain
 * each node's share is timed through Node-RED's message hooks: the synchronous time its input handler took per
 * message (its rate if it had a core to itself), and the database's, as the historian's sequential batches took
 * it. The rest of the wall time is Node-RED's own delivery (message clones on fan-out, scheduling) and waiting.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { MACHINE_STATE, SPINDLE_ASSET } from '../lib/asset/presets';
import type { FeatureVector } from '../lib/features/feature-vector';
import { HistorianConnection } from '../lib/historian/connection';
import { copyRows } from '../lib/historian/copy';
import { readingsTable } from '../lib/historian/tables/readings';
import type { BatchResult } from '../lib/historian/writer';
import type { ScalarReading } from '../lib/reading/reading';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema, withClient } from '../test/support/database';
import assetNode = require('../nodes/twin-asset/twin-asset');
import bufferNode = require('../nodes/twin-buffer/twin-buffer');
import dbNode = require('../nodes/twin-db/twin-db');
import featuresNode = require('../nodes/twin-features/twin-features');
import historianNode = require('../nodes/twin-historian/twin-historian');
import ingestNode = require('../nodes/twin-ingest/twin-ingest');
import { formatRate, printAgainstGoal, printFigure } from './print-figure';

helper.init(require.resolve('node-red'));

const GOAL_READINGS_PER_S = 100_000;
const READINGS = 200_000;
const STALL_MS = 120_000;
const REFERENCE_FLOW = path.resolve(__dirname, '..', '..', 'flows', 'reference-twin.json');

type FlowNode = Record<string, unknown> & { id: string; type: string };
type Message = Record<string, unknown>;
interface RuntimeNode {
  receive(msg: Message): void;
  on(event: 'input', listener: (msg: Message) => void): void;
}
interface Hooks {
  add(name: string, hook: (event: { msg: unknown; destination: { id: string } }) => void): void;
  remove(name: string): void;
}

/** The spindle's asset, ingest, buffer, historian and features nodes as the reference flow configures them. */
function referenceNodes(): Record<'asset' | 'ingest' | 'buffer' | 'historian' | 'features', FlowNode> {
  const flow = JSON.parse(fs.readFileSync(REFERENCE_FLOW, 'utf8')) as FlowNode[];
  const asset = flow.find((n) => n.type === 'twin-asset' && n.assetId === SPINDLE_ASSET.id);
  const ingest = flow.find((n) => n.type === 'twin-ingest' && n.asset === asset?.id);
  const wiredFrom = (node: FlowNode | undefined, type: string, port = 0) => {
    const targets = ((node?.wires as string[][] | undefined)?.[port] ?? []);
    return flow.find((n) => n.type === type && targets.includes(n.id));
  };
  const buffer = wiredFrom(ingest, 'twin-buffer');
  const historian = wiredFrom(buffer, 'twin-historian');
  const features = flow.find((n) => n.type === 'twin-features' && n.asset === asset?.id);
  if (!asset || !ingest || !buffer || !historian || !features) throw new Error(`${REFERENCE_FLOW} has no spindle chain ingest → buffer → historian and features`);
  const bare = (node: FlowNode, id: string): FlowNode => {
    const { x: _x, y: _y, z: _z, wires: _wires, ...rest } = node;
    return { ...rest, id };
  };
  return {
    asset: bare(asset, 'asset'), ingest: { ...bare(ingest, 'ingest'), asset: 'asset' }, buffer: bare(buffer, 'buffer'),
    historian: { ...bare(historian, 'historian'), db: 'db' }, features: { ...bare(features, 'features'), asset: 'asset' },
  };
}

/** Messages of `perMessage` readings of the spindle's scalar sensors, each (sensor, ts) once, in the last minutes. */
function messages(perMessage: number): Message[] {
  const sensors = SPINDLE_ASSET.sensors.filter((s) => s.kind === 'scalar').map((s) => s.id);
  const start = Date.now() - READINGS;
  const out: Message[] = [];
  for (let first = 0; first < READINGS; first += perMessage) {
    const payload = [];
    for (let i = first; i < Math.min(READINGS, first + perMessage); i++) {
      const sensor = sensors[i % sensors.length];
      payload.push({ sensor, value: sensor === 'state' ? MACHINE_STATE.running : 40 + (i % 97) / 10, ts: start + i });
    }
    out.push({ payload });
  }
  return out;
}

interface Runtime {
  node(id: string): RuntimeNode;
  hooks: Hooks;
}

async function withRuntime<T>(flow: FlowNode[], work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-pipeline-bench-'));
  helper.settings({ userDir });
  await new Promise<void>((resolve) => helper.startServer(resolve));
  try {
    await helper.load([assetNode, ingestNode, bufferNode, historianNode, dbNode, featuresNode], flow as never);
    const red = (helper as unknown as { _RED: { hooks: Hooks } })._RED;
    return await work({ node: (id) => helper.getNode(id) as unknown as RuntimeNode, hooks: red.hooks });
  } finally {
    await helper.unload();
    await new Promise<void>((resolve) => helper.stopServer(resolve));
    helper.settings({});
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

function until<T>(label: string, settle: (resolve: (value: T) => void, reject: (err: Error) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stall = setTimeout(() => reject(new Error(`${label}: not finished after ${STALL_MS / 1000} s`)), STALL_MS);
    settle((value) => { clearTimeout(stall); resolve(value); }, (err) => { clearTimeout(stall); reject(err); });
  });
}

const perMessage = (batch: Message[]): number => (batch[0].payload as unknown[]).length;

const seconds = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;

/** Rows of twin_readings the historian reported committed, from its batch results. */
function storedReadings(result: BatchResult): number {
  return result.ok ? result.tables.twin_readings ?? 0 : 0;
}

interface Breakdown {
  handlerSeconds: Map<string, number>;
  databaseSeconds: number;
}

/** Times every node's input handler through the runtime's receive hooks (delivery is asynchronous: never nested). */
function timeHandlers(hooks: Hooks): { breakdown: Breakdown; stop: () => void } {
  const breakdown: Breakdown = { handlerSeconds: new Map(), databaseSeconds: 0 };
  let opened = 0n;
  // A hook of one parameter is called synchronously; with any other number Node-RED waits for it to call back.
  hooks.add('onReceive.twinPipelineBench', (_event) => { opened = process.hrtime.bigint(); });
  hooks.add('postReceive.twinPipelineBench', ({ destination }) => {
    breakdown.handlerSeconds.set(destination.id, (breakdown.handlerSeconds.get(destination.id) ?? 0) + seconds(opened));
  });
  return { breakdown, stop: () => { hooks.remove('*.twinPipelineBench'); } };
}

function countRows(schema: string): Promise<number> {
  return withClient(LOCAL_POSTGRES_URL, async (client) => Number((await client.query(`SELECT count(*) AS n FROM ${schema}.twin_readings`)).rows[0].n));
}

/** The historian creates its tables when it connects: the clock starts once they are there. */
function schemaReady(schema: string): Promise<void> {
  return withClient(LOCAL_POSTGRES_URL, async (client) => {
    for (let waited = 0; waited < 30_000; waited += 100) {
      if ((await client.query('SELECT to_regclass($1) AS t', [`${schema}.twin_readings`])).rows[0].t) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the historian did not create ${schema}.twin_readings within 30 s`);
  });
}

async function dropSchema(schema: string): Promise<void> {
  await withClient(LOCAL_POSTGRES_URL, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

function dbConfig(schema: string, poolMax: unknown): FlowNode {
  const url = new URL(LOCAL_POSTGRES_URL);
  return {
    id: 'db', type: 'twin-db', mode: 'server', host: url.hostname, port: url.port || '5432', database: url.pathname.slice(1),
    user: decodeURIComponent(url.username) || 'postgres', ssl: false, schema, poolMax: String(poolMax ?? '4'), compressAfterDays: '7', retentionDays: '', embeddedDir: '',
  };
}

/** Feeds every message to twin-ingest and resolves with the wall seconds once `finished` says the stage is done. */
async function feed(runtime: Runtime, batch: Message[], finished: Promise<unknown>): Promise<number> {
  const ingest = runtime.node('ingest');
  const started = process.hrtime.bigint();
  for (const msg of batch) ingest.receive(msg);
  await finished;
  return seconds(started);
}

interface TimedStage {
  rate: number;
  breakdown: Breakdown;
  wall: number;
  /** Rows the historian let go past its queue bound (the buffer sent them again). */
  failedRows?: number;
}

type Stage = (batch: Message[], reference: ReturnType<typeof referenceNodes>) => Promise<number>;

const ingestAlone: Stage = (batch, ref) => withRuntime([ref.asset, { ...ref.ingest, wires: [['tap']] }, { id: 'tap', type: 'helper' }], async (runtime) => {
  let readings = 0;
  const done = until<void>('twin-ingest', (resolve) => runtime.node('tap').on('input', (msg) => {
    readings += (msg.payload as unknown[]).length;
    if (readings >= READINGS) resolve();
  }));
  return READINGS / await feed(runtime, batch, done);
});

/** Done when twin-features' handler has taken the last reading (a listener after its own sees each message once it is through). */
function ingestFeatures(batch: Message[], ref: ReturnType<typeof referenceNodes>): Promise<TimedStage> {
  return withRuntime([ref.asset, { ...ref.ingest, wires: [['features']] }, { ...ref.features, wires: [['tap']] }, { id: 'tap', type: 'helper' }], async (runtime) => {
    const { breakdown, stop } = timeHandlers(runtime.hooks);
    let readings = 0;
    const done = until<void>('twin-features', (resolve) => runtime.node('features').on('input', (msg) => {
      if (Array.isArray(msg.payload)) readings += msg.payload.length;
      if (readings >= READINGS) resolve();
    }));
    const wall = await feed(runtime, batch, done);
    stop();
    // twin-features also sends the machine's state changes on its output: the vector is the message so named.
    const vector = until<FeatureVector>('twin-features vector', (resolve) => runtime.node('tap').on('input', (msg) => {
      if (String(msg.topic).startsWith('features/')) resolve(msg.payload as FeatureVector);
    }));
    runtime.node('features').receive({ topic: 'emit' });
    if (!Number.isFinite((await vector).features['vibration.mean.1h'])) throw new Error('twin-features did not use the readings');
    return { rate: READINGS / wall, breakdown, wall };
  });
}

/** twin-buffer with a sink that confirms each message at once: the buffer's own rate, no database behind it. */
const ingestBuffer: Stage = (batch, ref) => withRuntime([ref.asset, { ...ref.ingest, wires: [['buffer']] }, { ...ref.buffer, wires: [['sink'], []] }, { id: 'sink', type: 'helper' }], async (runtime) => {
  let readings = 0;
  const buffer = runtime.node('buffer');
  const done = until<void>('twin-buffer', (resolve) => runtime.node('sink').on('input', (msg) => {
    readings += (msg.payload as unknown[]).length;
    buffer.receive({ ack: msg.ack });
    if (readings >= READINGS) resolve();
  }));
  return READINGS / await feed(runtime, batch, done);
});


/** A chain ending in twin-historian: done when the historian reports every reading committed, checked in the table. */
async function databaseStage(label: string, nodes: (ref: ReturnType<typeof referenceNodes>) => FlowNode[], batch: Message[], ref: ReturnType<typeof referenceNodes>,
  buffered: boolean): Promise<TimedStage> {
  const schema = uniqueSchema('twin_pipeline_bench');
  try {
    return await withRuntime([...nodes(ref), dbConfig(schema, ref.historian.poolMax), { id: 'results', type: 'helper' }], async (runtime) => {
      const { breakdown, stop } = timeHandlers(runtime.hooks);
      let stored = 0;
      let sent = 0;
      let failedRows = 0;
      const ingest = runtime.node('ingest');
      // Without a buffer in front, the historian holds what it is sent in memory up to its bound and fails the
      // oldest rows beyond it: this stage sends no more than half the bound ahead of what is committed.
      const window = buffered ? Infinity : Number(ref.historian.maxQueuedRows) / 2;
      const sendMore = () => {
        while (sent < batch.length && sent * perMessage(batch) - stored < window) ingest.receive(batch[sent++]);
      };
      let checking = false;
      let checkAgain = false;
      // Rows the buffer sent again are counted twice in the batch results: once they add up, the table decides.
      const checkTable = (resolve: () => void, reject: (err: Error) => void): void => {
        if (checking) { checkAgain = true; return; }
        checking = true;
        countRows(schema).then((rows) => {
          checking = false;
          if (rows >= READINGS) resolve();
          else if (checkAgain) { checkAgain = false; checkTable(resolve, reject); }
        }, reject);
      };
      const done = until<void>(label, (resolve, reject) => runtime.node('results').on('input', (msg) => {
        const result = msg.payload as BatchResult;
        if (!result.ok) {
          // Behind a buffer, rows the historian let go are sent again: counted, not fatal.
          if (!buffered || result.acks.length === 0) reject(new Error(`${label}: the historian failed a batch: ${result.error}`));
          failedRows += result.rows;
          return;
        }
        stored += storedReadings(result);
        breakdown.databaseSeconds += result.durationMs / 1000;
        if (stored >= READINGS) checkTable(resolve, reject);
        else sendMore();
      }));
      await schemaReady(schema);
      breakdown.handlerSeconds.clear();
      breakdown.databaseSeconds = 0;
      const started = process.hrtime.bigint();
      sendMore();
      await done;
      const wall = seconds(started);
      stop();
      const rows = await countRows(schema);
      if (rows !== READINGS) throw new Error(`${label}: ${rows} readings in the table, ${READINGS} sent`);
      return { rate: READINGS / wall, breakdown, wall, failedRows };
    });
  } finally {
    await dropSchema(schema);
  }
}

/** Rows per COPY in the bare engine's run: the historian's own batch size for a replayed backlog. */
const RAW_COPY_BATCH = 10_000;

/**
 * The bare engine: the same readings, as the historian would store them, through binary COPY straight into a fresh
 * readings table of the same server, one transaction per 10,000 rows, without Node-RED or the pack's nodes.
 */
async function rawCopy(batch: Message[]): Promise<number> {
  const rows: ScalarReading[] = batch.flatMap((msg) => (msg.payload as Array<{ sensor: string; value: number; ts: number }>)
    .map((r) => ({ asset: SPINDLE_ASSET.id, sensor: r.sensor, value: r.value, ts: r.ts, unit: '', quality: 'good' })));
  const connection = new HistorianConnection({ target: { kind: 'url', url: LOCAL_POSTGRES_URL, ssl: false }, poolMax: 1, schema: uniqueSchema('twin_pipeline_raw'),
    compressAfterDays: 7, retentionDays: undefined });
  try {
    const ctx = await connection.ready();
    const spec = readingsTable.copy;
    if (!spec) throw new Error('the readings table has no COPY path');
    const client = await (await connection.getPool()).connect();
    try {
      const started = process.hrtime.bigint();
      for (let first = 0; first < rows.length; first += RAW_COPY_BATCH) {
        await client.query('BEGIN');
        await copyRows(client, ctx.schema, spec, rows.slice(first, first + RAW_COPY_BATCH), true);
        await client.query('COMMIT');
      }
      const wall = seconds(started);
      await client.query(`DROP SCHEMA ${ctx.schema} CASCADE`);
      return rows.length / wall;
    } finally {
      client.release();
    }
  } finally {
    await connection.close();
  }
}

function printBreakdown(stage: TimedStage, names: Record<string, string>): void {
  let accounted = 0;
  for (const [id, name] of Object.entries(names)) {
    const handler = stage.breakdown.handlerSeconds.get(id) ?? 0;
    accounted += handler;
    printFigure(`    ${name}: input handler`, `${handler.toFixed(2)} s = ${formatRate(READINGS / handler)} readings/s on a core of its own`);
  }
  const database = stage.breakdown.databaseSeconds;
  if (database > 0) printFigure('    database: the historian\'s batches, one at a time', `${database.toFixed(2)} s = ${formatRate(READINGS / database)} readings/s`);
  printFigure('    rest: Node-RED delivery, timers, waiting', `${Math.max(0, stage.wall - accounted).toFixed(2)} s of ${stage.wall.toFixed(2)} s wall`);
  if (stage.failedRows) printFigure('    rows let go past the historian\'s queue bound, sent again', stage.failedRows.toLocaleString('en-US'));
}

export async function run(): Promise<void> {
  if (!(await postgresAnswers())) {
    process.stdout.write(`skipped: no PostgreSQL at ${LOCAL_POSTGRES_URL}\n`);
    return;
  }
  const ref = referenceNodes();
  printFigure('settings: flows/reference-twin.json, spindle', `buffer durability ${ref.buffer.durability}, fsync ${ref.buffer.fsyncMs} ms, ${ref.buffer.maxInFlight} in flight; historian batch ${ref.historian.batchSize} rows / ${ref.historian.batchMs} ms`);
  for (const perMessage of [100, 1000]) {
    const batch = messages(perMessage);
    printFigure(`${READINGS.toLocaleString('en-US')} readings in messages of ${perMessage}`, '');
    printFigure('  twin-ingest alone', `${formatRate(await ingestAlone(batch, ref))} readings/s`);
    const features = await ingestFeatures(batch, ref);
    printFigure('  ingest → features', `${formatRate(features.rate)} readings/s`);
    printBreakdown(features, { ingest: 'twin-ingest', features: 'twin-features' });
    printFigure('  ingest → buffer → instantly confirming sink', `${formatRate(await ingestBuffer(batch, ref))} readings/s`);
    const direct = await databaseStage('ingest → historian', (r) => [r.asset, { ...r.ingest, wires: [['historian']] }, { ...r.historian, wires: [['results']] }], batch, ref, false);
    printFigure('  ingest → historian (PostgreSQL), no buffer, windowed', `${formatRate(direct.rate)} readings/s`);
    printBreakdown(direct, { ingest: 'twin-ingest', historian: 'twin-historian' });
    const stored = await databaseStage('ingest → buffer → historian', (r) => [r.asset, { ...r.ingest, wires: [['buffer']] }, { ...r.buffer, wires: [['historian'], []] },
      { ...r.historian, wires: [['buffer', 'results']] }], batch, ref, true);
    printFigure('  ingest → buffer → historian', `${formatRate(stored.rate)} readings/s`);
    printBreakdown(stored, { ingest: 'twin-ingest', buffer: 'twin-buffer', historian: 'twin-historian' });
    const wholeChain = (historian: FlowNode) => (r: ReturnType<typeof referenceNodes>): FlowNode[] => [r.asset, { ...r.ingest, wires: [['buffer', 'features']] },
      { ...r.features, wires: [['buffer']] }, { ...r.buffer, wires: [['historian'], []] }, { ...historian, wires: [['buffer', 'results']] }];
    const chain = await databaseStage('pipeline', wholeChain(ref.historian), batch, ref, true);
    printAgainstGoal('  whole chain, + ingest → features → buffer', chain.rate, GOAL_READINGS_PER_S, 'readings/s');
    printBreakdown(chain, { ingest: 'twin-ingest', features: 'twin-features', buffer: 'twin-buffer', historian: 'twin-historian' });
    // The reference batch size keeps a live batch to 1,000 rows (UNNEST); at 10,000 a backlog of live rows takes COPY.
    const copyBatches = await databaseStage('pipeline, batch 10,000', wholeChain({ ...ref.historian, batchSize: String(RAW_COPY_BATCH) }), batch, ref, true);
    printAgainstGoal(`  same, historian batch ${RAW_COPY_BATCH.toLocaleString('en-US')} rows`, copyBatches.rate, GOAL_READINGS_PER_S, 'readings/s');
    printBreakdown(copyBatches, { ingest: 'twin-ingest', features: 'twin-features', buffer: 'twin-buffer', historian: 'twin-historian' });
    const bare = await rawCopy(batch);
    printFigure(`  bare engine: raw binary COPY of the same readings, ${RAW_COPY_BATCH.toLocaleString('en-US')} per transaction`, `${formatRate(bare)} readings/s`);
    printFigure('    whole chain / raw COPY', `${(chain.rate / bare).toFixed(2)} (batch ${ref.historian.batchSize}), ${(copyBatches.rate / bare).toFixed(2)} (batch ${RAW_COPY_BATCH.toLocaleString('en-US')})`);
  }
}
