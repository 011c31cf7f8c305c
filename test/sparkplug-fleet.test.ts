/**
 * A fleet on the real broker: two edge Node-RED processes and one central one, as separate processes. Edge A
 * reaches Mosquitto through a TCP proxy whose link the test silences (no reset: only keep-alives can tell), is
 * killed with SIGKILL mid-outage and restarted while the link is still down; edge B runs on. The central host stores
 * into the real PostgreSQL through twin-buffer and twin-historian. Checked: every reading an edge accepted is
 * stored once, replayed ones arrive flagged historical and in order after live data resumed, the site is shown
 * offline within the keep-alive and online again after, a rebirth, a model delivered to both edges, each site's
 * failure confirmation in the central database, and an independent decoder reads every Sparkplug message without error.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { Pool } from 'pg';
import { registerModel } from '../lib/rul/registry';
import { runningVersion } from '../lib/sparkplug/host-client';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema, withClient } from './support/database';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';
import { SpecChecker } from './support/sparkplug-wire';
import { TcpProxy } from './support/tcp-proxy';
import { tinyRulModel } from './support/tiny-model';

const root = path.resolve(__dirname, '..', '..');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const BROKER = 'mqtt://127.0.0.1:1883';
const KEEPALIVE_S = 5;
const T0 = Date.UTC(2026, 6, 1);

function request(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.setTimeout(15000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const getJson = async <T>(url: string): Promise<T> => JSON.parse((await request('GET', url)).body) as T;

/** HTTP endpoints a test flow exposes: GET /state answers with flow context `state`. */
const stateEndpoint = (z: string) => [
  { id: `${z}-get`, type: 'http in', z, url: '/state', method: 'get', wires: [[`${z}-read`]] },
  { id: `${z}-read`, type: 'function', z, func: "msg.payload = flow.get('state', 'memory') || {};\nreturn msg;", outputs: 1, wires: [[`${z}-reply`]] },
  { id: `${z}-reply`, type: 'http response', z, statusCode: '200', wires: [] },
];

/** The central catalogue: where each site's press sits, for the Fleet overview. */
const FLEET_CATALOGUE = {
  format: 'digital-twin-asset-catalogue', version: 1,
  assets: [['press-a1', 'plant-a', 'pressing'], ['press-b1', 'plant-b', 'stamping']].map(([id, site, line]) =>
    ({ id, name: id, type: 'press', site, line, ratings: {}, sensors: [{ id: 'seq', unit: '' }] })),
};

function centralFlow(hostId: string, group: string, schema: string): unknown[] {
  const z = 'central';
  return [
    { id: z, type: 'tab', label: 'central' },
    { id: 'db', type: 'twin-db', mode: 'auto', schema, poolMax: '2' },
    { id: 'catalogue', type: 'twin-catalogue', name: 'fleet', source: 'inline', catalogue: JSON.stringify(FLEET_CATALOGUE) },
    { id: 'host', type: 'twin-sparkplug-host', z, url: BROKER, hostId, groups: group, keepaliveS: String(KEEPALIVE_S), assetIds: 'device', db: 'db', catalogue: 'catalogue', modelType: 'RUL', modelPollS: '5', wires: [['buffer', 'record'], ['fleet']] },
    { id: 'buffer', type: 'twin-buffer', z, maxReplayRate: '0', ackTimeoutS: '5', maxInFlight: '200', wires: [['historian'], []] },
    { id: 'historian', type: 'twin-historian', z, db: 'db', batchMs: '100', wires: [['buffer']] },
    {
      id: 'record', type: 'function', z, outputs: 0,
      func: "const s = flow.get('state', 'memory') || { got: [], fleet: [], changes: [] };\nfor (const e of msg.payload) if (e.sensor === 'seq') s.got.push([e.asset, e.value, e.historical === true, Date.now()]);\nflow.set('state', s, 'memory');\nreturn null;",
    },
    {
      id: 'fleet', type: 'function', z, outputs: 0,
      func: "const s = flow.get('state', 'memory') || { got: [], fleet: [], changes: [] };\nif (msg.topic === 'sparkplug/fleet') { s.fleet = msg.payload; for (const c of msg.changes) s.changes.push({ ...c, at: Date.now() }); }\nflow.set('state', s, 'memory');\nreturn null;",
    },
    { id: 'cmd', type: 'http in', z, url: '/command', method: 'post', wires: [['split']] },
    { id: 'split', type: 'function', z, outputs: 2, func: "return [{ topic: msg.payload.topic, payload: msg.payload.payload }, msg];", wires: [['host'], ['cmd-ok']] },
    { id: 'cmd-ok', type: 'http response', z, statusCode: '200', wires: [] },
    ...stateEndpoint(z),
  ];
}

function edgeFlow(edge: string, asset: string, url: string, hostId: string, group: string): unknown[] {
  const z = 'edge';
  return [
    { id: z, type: 'tab', label: edge },
    { id: 'model', type: 'twin-model', source: 'file', file: 'models/rul.onnx' },
    { id: 'in', type: 'http in', z, url: '/produce', method: 'post', wires: [['reading']] },
    { id: 'reading', type: 'function', z, outputs: 1, func: `msg.payload = [{ asset: '${asset}', sensor: 'seq', value: msg.payload.i, unit: '', ts: ${T0} + msg.payload.i * 1000, quality: 'good' }];\nreturn msg;`, wires: [['spb']] },
    // A failure the site's maintenance team confirms, as the Maintenance form records it.
    { id: 'failure-in', type: 'http in', z, url: '/failure', method: 'post', wires: [['failure']] },
    { id: 'failure', type: 'function', z, outputs: 1, func: `msg.payload = { kind: 'failure-event', id: '${asset}:' + msg.payload.at, asset: '${asset}', component: 'ram bearing', outcome: 'failure', failedAt: msg.payload.at, confirmedBy: '${edge} maintenance', notes: '', ts: msg.payload.at };\nreturn msg;`, wires: [['spb']] },
    { id: 'spb', type: 'twin-sparkplug-edge', z, url, group, edge, primaryHostId: hostId, keepaliveS: String(KEEPALIVE_S), dataQos: '1', ackTimeoutS: '4', model: 'model', modelType: 'RUL', modelFile: 'models/rul.onnx', wires: [['buffer'], ['events']] },
    { id: 'buffer', type: 'twin-buffer', z, maxReplayRate: '200', ackTimeoutS: '5', maxInFlight: '50', wires: [['spb'], []] },
    // The producer's answer: 200 only once the edge published the reading or handed it to the buffer.
    { id: 'done', type: 'complete', z, scope: ['spb'], uncaught: false, wires: [['has-res']] },
    { id: 'has-res', type: 'function', z, outputs: 1, func: 'return msg.res ? msg : null;', wires: [['ok']] },
    { id: 'ok', type: 'http response', z, statusCode: '200', wires: [] },
    { id: 'events', type: 'function', z, outputs: 0, func: "const s = flow.get('state', 'memory') || { events: [] };\ns.events.push({ topic: msg.topic, ...msg.payload, at: Date.now() });\nflow.set('state', s, 'memory');\nreturn null;" },
    ...stateEndpoint(z),
  ];
}

interface FleetEntry {
  edge: string; site: string; online: boolean; since: number; lastDataAt?: number; nodeMetrics: Record<string, unknown>; models: Array<{ type: string; version: string }>;
  devices: Array<{ device: string; site?: string; line?: string; online: boolean; since: number; lastDataAt?: number }>;
}
interface CentralState { got: Array<[string, number, boolean, number]>; fleet: FleetEntry[]; changes: Array<{ edge: string; device?: string; online: boolean; at: number; reason: string }> }

describe('Sparkplug B fleet: two edge Node-RED processes and a central one on the real broker', function () {
  this.timeout(420000);
  let workDir: string;
  let proxy: TcpProxy;
  let spy: MqttClient | undefined;
  let schema: string;
  const processes: NodeRedProcess[] = [];

  before(async function () {
    const probe = mqtt.connect(BROKER, { connectTimeout: 2000, reconnectPeriod: 0 });
    const reachable = await new Promise<boolean>((resolve) => { probe.once('connect', () => resolve(true)); probe.once('error', () => resolve(false)); setTimeout(() => resolve(false), 2500); });
    probe.end(true);
    if (!reachable || !(await postgresAnswers())) this.skip();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-fleet-'));
    fs.writeFileSync(path.join(workDir, 'settings.js'), `module.exports = Object.assign({}, require(${JSON.stringify(path.join(root, 'scripts', 'node-red-settings.js'))}), {
      contextStorage: { default: { module: 'memory' }, memory: { module: 'memory' } } });\n`);
    proxy = new TcpProxy('127.0.0.1', 1883);
    await proxy.start();
    schema = uniqueSchema('twin_spb');
  });
  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const p of processes) process.stdout.write(`--- ${p.baseUrl}\n${p.output().slice(-2500)}\n`);
  });
  after(async function () {
    spy?.end(true);
    for (const p of processes) await p.stop().catch(() => undefined);
    await proxy?.stop();
    if (schema) await withClient(LOCAL_POSTGRES_URL, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  const start = async (name: string, flow: unknown[], env: NodeJS.ProcessEnv = {}): Promise<NodeRedProcess> => {
    const userDir = path.join(workDir, name);
    if (!fs.existsSync(path.join(userDir, 'flows.json'))) {
      fs.mkdirSync(path.join(userDir, 'models'), { recursive: true });
      fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flow));
      fs.writeFileSync(path.join(userDir, 'models', 'rul.onnx'), tinyRulModel(50));
    }
    const p = await startNodeRed(['--settings', path.join(workDir, 'settings.js'), '--userDir', userDir], { DATABASE_URL: LOCAL_POSTGRES_URL, ...env });
    processes.push(p);
    return p;
  };

  it('loses nothing across a silent WAN cut and a SIGKILL of the edge, replays late data flagged and in order, shows the site offline and back', async function () {
    const run = `${process.pid}-${Date.now().toString(36)}`;
    const group = `fleet-${run}`;
    const hostId = `central-${run}`;
    const checker = new SpecChecker();
    spy = mqtt.connect(BROKER);
    await new Promise<void>((resolve) => spy!.on('connect', () => spy!.subscribe(`spBv1.0/${group}/#`, { qos: 1 }, () => resolve())));
    const deaths: number[] = [];
    spy.on('message', (topic, payload) => {
      checker.read(topic, payload);
      if (topic === `spBv1.0/${group}/NDEATH/edge-a`) deaths.push(Date.now());
    });

    const central = await start('central', centralFlow(hostId, group, schema));
    const edgeAFlow = edgeFlow('edge-a', 'press-a1', `mqtt://127.0.0.1:${proxy.port}`, hostId, group);
    let edgeA = await start('edge-a', edgeAFlow);
    const edgeB = await start('edge-b', edgeFlow('edge-b', 'press-b1', BROKER, hostId, group));
    const centralState = (): Promise<CentralState> => getJson<CentralState>(`${central.baseUrl}/state`);
    const entryOf = async (edge: string): Promise<FleetEntry | undefined> => (await centralState()).fleet?.find((e) => e.edge === edge);
    const edgeOnline = async (edge: string): Promise<boolean> => (await entryOf(edge))?.online ?? false;
    const waitFor = async (what: string, test: () => Promise<boolean>, ms: number): Promise<number> => {
      const from = Date.now();
      while (!(await test())) { if (Date.now() - from > ms) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`); await sleep(200); }
      return Date.now() - from;
    };
    await waitFor('both edges online at the centre', async () => (await edgeOnline('edge-a')) && (await edgeOnline('edge-b')), 60000)
      .catch(async (err: Error) => { throw new Error(`${err.message}: centre ${JSON.stringify(await centralState())}, messages ${JSON.stringify(checker.counts)}\n${central.output().slice(-1500)}`); });

    // Producers: one reading per request; a 200 means the edge published it or its buffer holds it.
    const accepted: Record<string, number[]> = { 'press-a1': [], 'press-b1': [] };
    const acceptedAt: Record<string, Map<number, number>> = { 'press-a1': new Map(), 'press-b1': new Map() };
    let producing = true;
    let nextA = 0;
    const produce = async (asset: string, base: () => string, counter: () => number): Promise<void> => {
      while (producing) {
        const i = counter();
        try {
          if ((await request('POST', `${base()}/produce`, { i })).status === 200) { accepted[asset].push(i); acceptedAt[asset].set(i, Date.now()); }
        } catch {
          await sleep(200); // the edge process is down (killed) or restarting
        }
        await sleep(40);
      }
    };
    let nextB = 0;
    const producers = [
      produce('press-a1', () => edgeA.baseUrl, () => nextA++),
      produce('press-b1', () => edgeB.baseUrl, () => nextB++),
    ];
    await sleep(4000);

    // The WAN link of edge A goes silent.
    const cutAt = Date.now();
    proxy.blackhole();
    const offlineAfterMs = await waitFor('edge A offline at the centre', async () => !(await edgeOnline('edge-a')), 30000);
    const offlineEntry = (await entryOf('edge-a'))!;
    const otherSite = (await entryOf('edge-b'))!;
    const edgeState = async (): Promise<string | undefined> => {
      const s = await getJson<{ events?: Array<{ topic: string; state?: string }> }>(`${edgeA.baseUrl}/state`);
      return s.events?.filter((e) => e.topic === 'sparkplug/edge').pop()?.state;
    };
    await waitFor('edge A to notice', async () => (await edgeState()) === 'offline' || (await edgeState()) === 'connecting', 30000);
    await sleep(3000);

    // Killed mid-outage, restarted on the same user directory while the link is still down.
    const acceptedBeforeKill = accepted['press-a1'].length;
    edgeA.child.kill('SIGKILL');
    await new Promise((resolve) => edgeA.child.once('exit', resolve));
    const restartedAt = Date.now();
    edgeA = await start('edge-a', edgeAFlow);
    await sleep(6000);
    const restoredAt = Date.now();
    const acceptedWhileDown = accepted['press-a1'].filter((i) => acceptedAt['press-a1'].get(i)! > restartedAt && acceptedAt['press-a1'].get(i)! < restoredAt);
    proxy.restore();
    const onlineAfterMs = await waitFor('edge A online again at the centre', () => edgeOnline('edge-a'), 60000);
    // The overview is sent on every birth and death and every 5 s: live data of edge A shows there within that.
    const liveInOverviewMs = await waitFor('live data of edge A in the Fleet overview', async () => ((await entryOf('edge-a'))?.lastDataAt ?? 0) >= restoredAt, 15000);
    const backEntry = (await entryOf('edge-a'))!;
    await sleep(Math.max(0, 3000 - liveInOverviewMs));

    // Rebirth on request from the centre, while data flows.
    const birthsBefore = checker.counts.NBIRTH ?? 0;
    await request('POST', `${central.baseUrl}/command`, { topic: 'rebirth', payload: { group, edge: 'edge-b' } });
    await waitFor('edge B reborn', async () => (checker.counts.NBIRTH ?? 0) > birthsBefore, 15000);
    await sleep(2000);
    producing = false;
    await Promise.all(producers);

    // A model promoted in the central registry (as twin-train promotes one) reaches both edges and is what they run.
    const model = tinyRulModel(80);
    const expected = runningVersion(createHash('sha256').update(model).digest('hex'));
    const pool = new Pool({ connectionString: LOCAL_POSTGRES_URL });
    try {
      const ctx = { schema: `"${schema}"`, timescale: false, compressAfterDays: 7, retentionDays: undefined, maxStatementBytes: Infinity };
      await registerModel(pool, ctx, {
        version: 'fleet-v2', createdAt: Date.now(), trainedAt: Date.now(), dataFrom: null, dataTo: null, trainingRows: 606, trainingUnits: 6,
        validationUnits: [], metrics: {}, featureNames: ['vibration.rms', 'speed.last'], status: 'promoted', note: 'promoted by the fleet test', onnx: model,
      });
    } finally {
      await pool.end();
    }
    const modelAfterMs = await waitFor('both edges running the new model', async () => {
      const fleet = (await centralState()).fleet;
      return ['edge-a', 'edge-b'].every((edge) => fleet.find((e) => e.edge === edge)?.nodeMetrics['Models/RUL/Version'] === expected);
    }, 60000).catch(async (err: Error) => {
      const events = await getJson<{ events?: Array<{ topic: string }> }>(`${edgeB.baseUrl}/state`);
      throw new Error(`${err.message}: expected ${expected}; fleet ${JSON.stringify((await centralState()).fleet)}; edge B model events ${JSON.stringify(events.events?.filter((e) => e.topic === 'sparkplug/model'))}\n${edgeB.output().slice(-3000)}`);
    });

    // A failure confirmed at each site reaches the central database, where the central twin-train retrains on it.
    const failedAt = Date.now();
    for (const edge of [edgeA, edgeB]) assert.equal((await request('POST', `${edge.baseUrl}/failure`, { at: failedAt })).status, 200, 'the failure event accepted by the edge');
    const failureRows = async (): Promise<Array<{ asset: string; confirmed_by: string }>> => withClient(LOCAL_POSTGRES_URL, async (c) =>
      (await c.query(`SELECT asset, confirmed_by FROM "${schema}".twin_failure_events ORDER BY asset`).catch(() => ({ rows: [] }))).rows as Array<{ asset: string; confirmed_by: string }>);
    await waitFor('both sites\' failure confirmations in the central database', async () => (await failureRows()).length === 2, 60000);
    assert.deepEqual((await failureRows()).map((r) => [r.asset, r.confirmed_by]), [['press-a1', 'edge-a maintenance'], ['press-b1', 'edge-b maintenance']]);

    // Everything accepted reaches the central database once.
    const stored = async (): Promise<Map<string, number[]>> => {
      const rows = await withClient(LOCAL_POSTGRES_URL, async (c) =>
        (await c.query(`SELECT asset, value FROM "${schema}".twin_readings WHERE sensor = 'seq' ORDER BY asset, ts`).catch(() => ({ rows: [] }))).rows as Array<{ asset: string; value: number }>);
      const byAsset = new Map<string, number[]>();
      for (const r of rows) byAsset.set(r.asset, [...(byAsset.get(r.asset) ?? []), r.value]);
      return byAsset;
    };
    const drainMs = await waitFor('every accepted reading stored', async () => {
      const s = await stored();
      return Object.entries(accepted).every(([asset, list]) => { const have = new Set(s.get(asset) ?? []); return list.every((i) => have.has(i)); });
    }, 180000).catch(async (err: Error) => {
      const s = await stored();
      const got = (await centralState()).got;
      const missing = Object.fromEntries(Object.entries(accepted).map(([asset, list]) => {
        const have = new Set(s.get(asset) ?? []);
        return [asset, list.filter((i) => !have.has(i)).map((i) => [i, acceptedAt[asset].get(i)! - restoredAt, got.filter(([a, v]) => a === asset && v === i).length])];
      }));
      const events = await getJson<{ events?: unknown[] }>(`${edgeA.baseUrl}/state`);
      throw new Error(`${err.message}: missing [i, accepted ms after the restore, times received] ${JSON.stringify(missing).slice(0, 1500)}; kill at ${restartedAt - restoredAt} ms; edge A events ${JSON.stringify(events.events).slice(0, 3000)}`);
    });
    const rows = await stored();
    const state = await centralState();

    for (const [asset, list] of Object.entries(accepted)) {
      const have = rows.get(asset) ?? [];
      assert.deepEqual(list.filter((i) => !have.includes(i)), [], `${asset}: nothing accepted is missing`);
      assert.equal(new Set(have).size, have.length, `${asset}: no reading stored twice`);
      assert.deepEqual(have, [...have].sort((a, b) => a - b), `${asset}: stored in time order`);
    }
    const arrivals = state.got.filter(([asset]) => asset === 'press-a1');
    const historical = arrivals.filter(([, , h]) => h).map(([, i]) => i);
    assert.ok(acceptedWhileDown.length > 10, `readings accepted while edge A was restarted and cut off: ${acceptedWhileDown.length}`);
    const firstArrival = new Map<number, boolean>();
    for (const [, i, h] of arrivals) if (!firstArrival.has(i)) firstArrival.set(i, h);
    assert.deepEqual(acceptedWhileDown.filter((i) => firstArrival.get(i) !== true), [], 'every reading stored during the outage arrives flagged historical');
    assert.deepEqual(historical, [...historical].sort((a, b) => a - b), 'the backlog replays in order');
    const restoreIndex = arrivals.findIndex(([, , , at]) => at >= restoredAt);
    const lastHistoricalAt = Math.max(...arrivals.filter(([, , h]) => h).map(([, , , at]) => at));
    const firstLiveAfter = arrivals.slice(restoreIndex).find(([, , h]) => !h);
    assert.ok(firstLiveAfter, 'live data after the restore');
    const liveFirstMs = lastHistoricalAt - firstLiveAfter[3];
    const duplicates = state.got.length - new Set(state.got.map(([a, i]) => `${a}/${i}`)).size;

    // The broker declares a silent client dead after 1.5 keep-alives; its check loop, a loaded machine and this test's
    // polling add seconds, hence the margin. The figures printed below are what a run measured.
    const deathAfterMs = (deaths.find((t) => t > cutAt) ?? Infinity) - cutAt;
    assert.ok(deathAfterMs <= 3 * KEEPALIVE_S * 1000, `the broker published edge A's NDEATH ${deathAfterMs} ms after the cut (keep-alive ${KEEPALIVE_S} s)`);
    assert.ok(offlineAfterMs <= 3 * KEEPALIVE_S * 1000, `edge A shown offline ${offlineAfterMs} ms after the cut`);
    const offlineChange = state.changes.find((c) => c.edge === 'edge-a' && !c.device && !c.online);
    assert.equal(offlineChange?.reason, 'NDEATH', 'the death certificate marked it');
    // The Fleet overview at that moment: edge A and its press offline since the death, after the cut; its last live
    // data from before the cut; the other site online; sites and lines from the central catalogue.
    assert.ok(offlineEntry.since >= cutAt && offlineEntry.since <= cutAt + offlineAfterMs, `edge A offline since ${offlineEntry.since - cutAt} ms after the cut`);
    assert.deepEqual(offlineEntry.devices.map((d) => [d.device, d.site, d.line, d.online, d.since]), [['press-a1', 'plant-a', 'pressing', false, offlineEntry.since]]);
    assert.equal(offlineEntry.site, 'plant-a');
    assert.ok(offlineEntry.lastDataAt !== undefined && offlineEntry.lastDataAt < cutAt + 1000, 'the last data edge A sent came before the cut');
    assert.deepEqual([otherSite.site, otherSite.online, otherSite.devices[0].online], ['plant-b', true, true]);
    assert.ok(backEntry.online && backEntry.since >= restoredAt && backEntry.since <= restoredAt + onlineAfterMs + 1000, `edge A online since ${backEntry.since - restoredAt} ms after the restore`);
    assert.ok(backEntry.devices.every((d) => d.online && d.since >= restoredAt), 'its press born again after the restore');
    assert.ok((checker.counts.NDEATH ?? 0) >= 1, 'the broker published the NDEATH will');
    assert.deepEqual(checker.errors, [], 'the independent decoder read every message without error');
    assert.ok(modelAfterMs < 60000);

    process.stdout.write([
      `      accepted: edge A ${accepted['press-a1'].length} (${acceptedBeforeKill} before the kill, ${acceptedWhileDown.length} while restarted and cut off), edge B ${accepted['press-b1'].length}`,
      `      silent cut → NDEATH from the broker ${(deathAfterMs / 1000).toFixed(1)} s, edge A offline at the centre ${(offlineAfterMs / 1000).toFixed(1)} s (keep-alive ${KEEPALIVE_S} s); online ${(onlineAfterMs / 1000).toFixed(1)} s after the restore`,
      `      Fleet overview: edge A offline since ${((offlineEntry.since - cutAt) / 1000).toFixed(1)} s after the cut, its last data ${((cutAt - offlineEntry.lastDataAt!) / 1000).toFixed(1)} s before it; online since ${((backEntry.since - restoredAt) / 1000).toFixed(1)} s after the restore, its live data shown ${((onlineAfterMs + liveInOverviewMs) / 1000).toFixed(1)} s after`,
      `      ${historical.length} readings replayed flagged historical; live data arrived ${(liveFirstMs / 1000).toFixed(1)} s before the backlog finished; the last historical reading arrived ${((lastHistoricalAt - restoredAt) / 1000).toFixed(1)} s after the restore`,
      `      ${duplicates} reading(s) received twice by the host (at least once; stored once); model promoted in the central registry and running at both edges in ${(modelAfterMs / 1000).toFixed(1)} s`,
      `      Sparkplug messages read by the independent decoder: ${JSON.stringify(checker.counts)}; every accepted reading stored ${(drainMs / 1000).toFixed(1)} s after the model check`,
      '',
    ].join('\n'));
  });
});
