/**
 * Issue 16's sizing: the reference flow as `npm start` runs it (the plant CLI as a process of its own, Node-RED with
 * the pack and flows/reference-twin.json) against the local PostgreSQL, for 2, 10 and 50 machines of 20 scalar
 * sensors at 1 Hz and one continuous 25.6 kHz vibration channel each. Per size: the Node-RED process's CPU share of
 * one core and its RSS from /proc over a window after a warm-up, the rows/s the historian stored, and how long the
 * alert of a bearing-temperature fault injected on every machine takes. The plant process is measured in the same
 * window: on a machine shared with other jobs the ratio to it holds where absolute figures swing.
 *
 * The database is TWIN_TEST_DATABASE_URL (default the local `test` database), in a schema of each run's own that
 * is dropped afterwards. TWIN_BENCH_PORT names the first of three ports to use (OPC UA, Modbus, Node-RED); without
 * it the system picks free ones.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from 'pg';
import { parseCatalogueJson } from '../lib/catalogue/catalogue-json';
import { PLANT_CATALOGUE_FILE } from '../plant/machine-mix';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema, withClient } from '../test/support/database';
import { freePort, startNodeRed, type NodeRedProcess } from '../test/support/node-red-process';
import { loadAverage, printFigure } from './print-figure';
import { cpuSeconds, mainThreadSchedule, rssMb } from './support/proc-stats';

const root = path.resolve(__dirname, '..', '..');

const WARM_UP_S = 20;
const MEASURE_S = 30;
/** How long the bench waits for every machine's alert after the fault. */
const ALERT_WAIT_S = 45;
const ALERT_POLL_MS = 200;
/**
 * 10 °C a second: over the warning limit within a few seconds and still inside the sensor's range (at most 200 °C,
 * beyond it a reading is bad and raises nothing) when the limit's 10 s minimum duration has passed.
 */
const FAULT_DRIFT_PER_MINUTE = 600;
const SIZING = ['--sensors', '20', '--waveform-rate', '25600', '--waveform-samples', '25600'];
const HISTORIAN_TABLES = ['twin_readings', 'twin_features', 'twin_waveforms', 'twin_rul'];

interface FlowNode { id: string; type: string; [key: string]: unknown }

interface PlantProcess {
  child: ChildProcess;
  output: () => string;
  machines: string[];
  command(line: string): void;
  stop(): Promise<void>;
}

async function startPlantProcess(mix: string, dataDir: string, ports: { opcua: number; modbus: number }): Promise<PlantProcess & { endpoint: string; modbusPort: number }> {
  const child = spawn(process.execPath, [path.join(root, 'dist', 'plant', 'cli.js'), '--host', '127.0.0.1', '--opcua-port', String(ports.opcua),
    '--modbus-port', String(ports.modbus), '--data-dir', dataDir, '--machines', mix, ...SIZING], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); if (/type "help"/.test(output)) resolve(); });
    child.once('exit', (code) => reject(new Error(`the plant exited (${code}): ${output}`)));
  });
  const catalogue = parseCatalogueJson(fs.readFileSync(path.join(dataDir, PLANT_CATALOGUE_FILE), 'utf8')).catalogue;
  return {
    child,
    output: () => output,
    endpoint: /OPC UA server (\S+)/.exec(output)![1],
    modbusPort: Number(/Modbus TCP server [\d.]+:(\d+)/.exec(output)![1]),
    machines: catalogue.assets.map((a) => a.id),
    command: (line) => { child.stdin!.write(`${line}\n`); },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** The ports of one size: three from TWIN_BENCH_PORT on, else the plant's chosen by the system and a free one for Node-RED. */
async function benchPorts(): Promise<{ opcua: number; modbus: number; nodeRed: number }> {
  const first = Number(process.env.TWIN_BENCH_PORT);
  if (first > 0) return { opcua: first, modbus: first + 1, nodeRed: first + 2 };
  return { opcua: 0, modbus: 0, nodeRed: await freePort() };
}

async function historianRows(client: Client, schema: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of HISTORIAN_TABLES) {
    // A table the flow has not created yet holds no rows.
    counts[table] = await client.query(`SELECT count(*)::bigint AS n FROM "${schema}".${table}`).then((r) => Number(r.rows[0].n), () => 0);
  }
  return counts;
}

interface Window {
  seconds: number;
  nodeRedCpu: number;
  /** Shares of the window Node-RED's event loop ran, and waited runnable for a CPU the machine's other jobs held. */
  eventLoop: { running: number; waiting: number };
  plantCpu: number;
  nodeRedRssPeak: number;
  plantRssPeak: number;
  rowsPerSecond: Record<string, number>;
  /** Machines with readings stored by the window's end. */
  machinesStored: number;
}

async function measureWindow(nodeRedPid: number, plantPid: number, client: Client, schema: string): Promise<Window> {
  const rowsBefore = await historianRows(client, schema);
  const started = Date.now();
  const nodeRedCpuBefore = cpuSeconds(nodeRedPid);
  const plantCpuBefore = cpuSeconds(plantPid);
  const scheduleBefore = mainThreadSchedule(nodeRedPid);
  const nodeRedRss: number[] = [];
  const plantRss: number[] = [];
  for (let i = 0; i < MEASURE_S; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    nodeRedRss.push(rssMb(nodeRedPid));
    plantRss.push(rssMb(plantPid));
  }
  const seconds = (Date.now() - started) / 1000;
  const nodeRedCpu = (cpuSeconds(nodeRedPid) - nodeRedCpuBefore) / seconds;
  const plantCpu = (cpuSeconds(plantPid) - plantCpuBefore) / seconds;
  const scheduleAfter = mainThreadSchedule(nodeRedPid);
  const eventLoop = { running: (scheduleAfter.running - scheduleBefore.running) / seconds, waiting: (scheduleAfter.waiting - scheduleBefore.waiting) / seconds };
  const rowsAfter = await historianRows(client, schema);
  const machinesStored = await client.query(`SELECT count(DISTINCT asset)::int AS n FROM "${schema}".twin_readings`).then((r) => Number(r.rows[0].n), () => 0);
  const rowsPerSecond = Object.fromEntries(HISTORIAN_TABLES.map((t) => [t, (rowsAfter[t] - rowsBefore[t]) / seconds]));
  return { seconds, nodeRedCpu, eventLoop, plantCpu, nodeRedRssPeak: Math.max(...nodeRedRss), plantRssPeak: Math.max(...plantRss), rowsPerSecond, machinesStored };
}

interface AlertTiming {
  /** Machines whose bearing temperature already had an open alert, so the fault could raise none to time. */
  alreadyAlerting: string[];
  /** Per machine: seconds from the fault to the alert row, and from the reading that made it due to the row. */
  timed: Map<string, { afterFault: number; afterDue: number }>;
  missing: string[];
}

/**
 * Drifts every machine's bearing temperature up at once and watches twin_alerts for each machine's first alert of
 * it. An alert is due at the timestamp of the reading that completed the limit's minimum duration (its raised_at);
 * the time from there to the row is what the twin adds, the rest is the drift and the limit's configured delay.
 */
async function timeAlerts(plant: PlantProcess, client: Client, schema: string): Promise<AlertTiming> {
  const open = await client.query(`SELECT DISTINCT asset FROM "${schema}".twin_alerts WHERE sensor = 'bearingTemp' AND level <> 'stale' AND state <> 'cleared'`)
    .then((r) => r.rows.map((row: { asset: string }) => row.asset), () => [] as string[]);
  const alreadyAlerting = plant.machines.filter((id) => open.includes(id));
  const watched = plant.machines.filter((id) => !alreadyAlerting.includes(id));
  const faultedAt = Date.now();
  for (const id of plant.machines) plant.command(`fault ${id} bearingTemp drift ${FAULT_DRIFT_PER_MINUTE}`);
  const timed = new Map<string, { afterFault: number; afterDue: number }>();
  while (timed.size < watched.length && Date.now() - faultedAt < ALERT_WAIT_S * 1000) {
    await new Promise((resolve) => setTimeout(resolve, ALERT_POLL_MS));
    const rows = await client.query(`SELECT asset, extract(epoch FROM min(raised_at)) * 1000 AS raised FROM "${schema}".twin_alerts
      WHERE sensor = 'bearingTemp' AND level <> 'stale' AND raised_at > to_timestamp($1 / 1000.0) GROUP BY asset`, [faultedAt]);
    const seenAt = Date.now();
    for (const row of rows.rows as Array<{ asset: string; raised: string }>) {
      if (timed.has(row.asset) || !watched.includes(row.asset)) continue;
      timed.set(row.asset, { afterFault: (seenAt - faultedAt) / 1000, afterDue: (seenAt - Number(row.raised)) / 1000 });
    }
  }
  return { alreadyAlerting, timed, missing: watched.filter((id) => !timed.has(id)) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Node-RED's [error] lines, each distinct message once with how often it came, the machine's name taken out. */
function errorSummary(output: string): string[] {
  const counts = new Map<string, number>();
  for (const line of output.split('\n').filter((l) => l.includes('[error]'))) {
    const message = line.replace(/^.*?\[error\]\s*/, '').replace(/\b(spindle|pump)-\d+\b/g, '<machine>').slice(0, 160);
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  return [...counts.entries()].map(([message, n]) => `${n}× ${message}`);
}

interface SizeResult { machines: number; window: Window; alertsMissing: number }

/**
 * Why a size's figures do not say what the twin needs, if they do not: a twin that fell behind, or whose event loop
 * waited longer for a CPU than it ran, used what the machine's other jobs left it, not what its work takes.
 */
function notAMeasure(result: SizeResult): string | undefined {
  const { machines, window: w, alertsMissing } = result;
  const reasons = [
    w.machinesStored < machines ? `readings from ${w.machinesStored} of ${machines} machines` : '',
    alertsMissing > 0 ? `${alertsMissing} alerts missing` : '',
    w.eventLoop.waiting > w.eventLoop.running ? `event loop waiting for a CPU ${(w.eventLoop.waiting * 100).toFixed(0)} % of the window` : '',
  ].filter(Boolean);
  return reasons.length ? `${machines} machines: ${reasons.join(', ')}` : undefined;
}

async function measureSize(mix: string): Promise<SizeResult> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-bench-sizing-'));
  const schema = uniqueSchema('twin_sizing');
  const ports = await benchPorts();
  let plant: (PlantProcess & { endpoint: string; modbusPort: number }) | undefined;
  let nodeRed: NodeRedProcess | undefined;
  try {
    plant = await startPlantProcess(mix, workDir, ports);
    const flow = JSON.parse(fs.readFileSync(path.join(root, 'flows', 'reference-twin.json'), 'utf8')) as FlowNode[];
    for (const node of flow) if (node.type === 'twin-db') node.schema = schema;
    const userDir = path.join(workDir, 'node-red');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flow));
    const env = {
      DATABASE_URL: LOCAL_POSTGRES_URL, TWIN_OPCUA_ENDPOINT: plant.endpoint, TWIN_MODBUS_HOST: '127.0.0.1', TWIN_MODBUS_PORT: String(plant.modbusPort),
      TWIN_CATALOGUE_FILE: path.join(workDir, PLANT_CATALOGUE_FILE),
    };
    // As `npm start` does: the OPC UA clients' certificate store made before the flows start.
    await promisify(execFile)(process.execPath, [path.join(root, 'dist', 'scripts', 'opcua-client-pki.js')], { env: { ...process.env, ...env } });
    nodeRed = await startNodeRed(['--settings', path.join(root, 'scripts', 'node-red-settings.js'), '--userDir', userDir], env, 120000, ports.nodeRed);
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_S * 1000));
    const machines = plant.machines.length;
    const label = `${machines} machines`;
    const { window, alerts } = await withClient(LOCAL_POSTGRES_URL, async (client) => {
      const measured = await measureWindow(nodeRed!.child.pid!, plant!.child.pid!, client, schema);
      return { window: measured, alerts: await timeAlerts(plant!, client, schema) };
    });
    const w = window;
    printFigure(`${label}: Node-RED CPU (share of one core)`, `${(w.nodeRedCpu * 100).toFixed(1)} %  (${(w.nodeRedCpu * 100 / machines).toFixed(2)} % per machine; ` +
      `plant ${(w.plantCpu * 100).toFixed(1)} %, ratio ${(w.nodeRedCpu / w.plantCpu).toFixed(2)})`);
    printFigure(`${label}: Node-RED event loop thread`, `running ${(w.eventLoop.running * 100).toFixed(0)} %, waiting for a CPU ${(w.eventLoop.waiting * 100).toFixed(0)} % of the window`);
    printFigure(`${label}: Node-RED RSS (peak over ${MEASURE_S} s)`, `${w.nodeRedRssPeak.toFixed(0)} MB  (plant ${w.plantRssPeak.toFixed(0)} MB, ratio ${(w.nodeRedRssPeak / w.plantRssPeak).toFixed(2)})`);
    const rows = w.rowsPerSecond;
    printFigure(`${label}: historian rows/s`, `${Object.values(rows).reduce((a, b) => a + b, 0).toFixed(0)}  (readings ${rows.twin_readings.toFixed(0)} of ` +
      `${machines * 20} scalars at 1 Hz, features ${rows.twin_features.toFixed(0)}, waveforms ${rows.twin_waveforms.toFixed(1)}, RUL ${rows.twin_rul.toFixed(1)}; ` +
      `readings from ${w.machinesStored} of ${machines} machines)`);
    const timings = [...alerts.timed.values()];
    const worst = (pick: (t: { afterFault: number; afterDue: number }) => number): string =>
      timings.length === 0 ? 'none' : `median ${median(timings.map(pick)).toFixed(1)} s, max ${Math.max(...timings.map(pick)).toFixed(1)} s`;
    printFigure(`${label}: alerts of the bearing-temperature fault`, `${alerts.timed.size} of ${machines - alerts.alreadyAlerting.length} machines within ${ALERT_WAIT_S} s` +
      `${alerts.alreadyAlerting.length ? ` (${alerts.alreadyAlerting.length} already alerting: ${alerts.alreadyAlerting.join(', ')})` : ''}`);
    printFigure(`${label}: alert stored, after the reading that made it due`, `${worst((t) => t.afterDue)} (goal within 2 s)`);
    printFigure(`${label}: alert stored, after the fault`, `${worst((t) => t.afterFault)} (drift of ${FAULT_DRIFT_PER_MINUTE / 60} °C/s, then the limit's 10 s minimum duration)`);
    if (alerts.missing.length) {
      printFigure(`${label}: no alert from`, `${alerts.missing.slice(0, 12).join(', ')}${alerts.missing.length > 12 ? `, … (${alerts.missing.length})` : ''}`);
    }
    for (const line of errorSummary(nodeRed.output()).slice(0, 5)) printFigure(`${label}: Node-RED logged`, line);
    printFigure(`${label}: load average`, loadAverage());
    return { machines, window, alertsMissing: alerts.missing.length };
  } finally {
    await nodeRed?.stop();
    await plant?.stop();
    await withClient(LOCAL_POSTGRES_URL, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  if (!(await postgresAnswers())) {
    printFigure('sizing', 'skipped: no PostgreSQL at TWIN_TEST_DATABASE_URL');
    return;
  }
  const results: SizeResult[] = [];
  for (const mix of ['spindle:1,pump:1', 'spindle:6,pump:4', 'spindle:30,pump:20']) results.push(await measureSize(mix));
  // The cost per machine comes from the smallest plant and the largest one that kept up: a plant that fell behind
  // does not show what its work would cost, only that one Node-RED could not do it.
  const first = results[0];
  const kept = results.filter((r) => !notAMeasure(r));
  const top = kept[kept.length - 1];
  if (notAMeasure(first) || !top || top === first) {
    printFigure('Node-RED per machine and against the goal', `not derived: ${results.map(notAMeasure).filter(Boolean).join('; ')}`);
    return;
  }
  const further = top.machines - first.machines;
  const cpuPerMachine = (top.window.nodeRedCpu - first.window.nodeRedCpu) / further;
  const rssPerMachine = (top.window.nodeRedRssPeak - first.window.nodeRedRssPeak) / further;
  printFigure(`Node-RED per further machine (${first.machines} → ${top.machines})`, `${(cpuPerMachine * 100).toFixed(2)} % of a core, ${rssPerMachine.toFixed(1)} MB`);
  const machinesWithin = (share: number): number => first.machines + Math.floor((share - first.window.nodeRedCpu) / cpuPerMachine);
  printFigure('machines of this sizing one Node-RED holds, from that cost', `${machinesWithin(0.5)} within 50 % of a core (the goal's budget), ${machinesWithin(1)} at a whole core`);
  const last = results[results.length - 1];
  const figures = `${(last.window.nodeRedCpu * 100).toFixed(0)} % of a core (goal ≤ 50 %), ${last.window.nodeRedRssPeak.toFixed(0)} MB (goal ≤ 1024 MB)`;
  const othersHeldIt = last.window.eventLoop.waiting > last.window.eventLoop.running;
  const verdict = last === top ? figures : othersHeldIt ? `not measured (${notAMeasure(last)})` : `not met, it fell behind (${notAMeasure(last)}): ${figures}`;
  printFigure(`Node-RED at ${last.machines} machines against the goal`, verdict);
}
