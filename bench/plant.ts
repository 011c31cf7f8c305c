/**
 * The simulated plant's own cost as it grows: the plant CLI in a child process, read as a twin reads it (one OPC UA
 * client subscribed to every tag of every machine, every Modbus unit polled once a second from a worker thread), its CPU share of one
 * core and resident memory measured from /proc. 2 machines are the bare case the 50 are compared with. The
 * issue's sizing: 20 scalar sensors at 1 Hz and one continuous 25.6 kHz vibration channel per machine; the
 * default plant publishes 11 or 8 scalars and a 4096-sample block at 12.8 kHz once a second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AttributeIds, ClientSubscription, OPCUAClient, TimestampsToReturn, type ClientSession, type DataValue } from 'node-opcua';
import { parseCatalogueJson } from '../lib/catalogue/catalogue-json';
import type { AssetCatalogue } from '../lib/catalogue/catalogue-model';
import { modbusReadBlocks } from '../lib/catalogue/source-messages';
import { printFigure } from './print-figure';
import { cpuSeconds, rssMb } from './support/proc-stats';

const WARM_UP_S = 10;
const MEASURE_S = 30;

interface Scenario {
  label: string;
  args: string[];
}

interface PlantProcess {
  child: ChildProcess;
  endpoint: string;
  modbusPort: number;
  catalogue: AssetCatalogue;
  dataDir: string;
}

async function startPlantProcess(args: string[]): Promise<PlantProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-bench-plant-'));
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'plant', 'cli.js'), '--opcua-port', '0', '--modbus-port', '0', '--data-dir', dataDir,
    '--no-start-program', ...args], { stdio: ['pipe', 'pipe', 'ignore'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); if (/type "help"/.test(output)) resolve(); });
    child.once('exit', (code) => reject(new Error(`the plant exited (${code}): ${output}`)));
  });
  const endpoint = /OPC UA server (\S+)/.exec(output)![1];
  const modbusPort = Number(/Modbus TCP server [\d.]+:(\d+)/.exec(output)![1]);
  const catalogue = parseCatalogueJson(fs.readFileSync(path.join(dataDir, 'catalogue.json'), 'utf8')).catalogue;
  return { child, endpoint, modbusPort, catalogue, dataDir };
}

/** One subscription to every OPC UA tag of the catalogue; counts values and waveform samples received. */
async function subscribeAll(session: ClientSession, catalogue: AssetCatalogue, counts: { values: number; samples: number }): Promise<ClientSubscription> {
  const subscription = await session.createSubscription2({ requestedPublishingInterval: 1000, requestedMaxKeepAliveCount: 20, requestedLifetimeCount: 600,
    maxNotificationsPerPublish: 0, publishingEnabled: true, priority: 1 });
  const items = catalogue.assets.flatMap((a) => a.sensors.filter((s) => s.opcuaNodeId).map((s) => ({ nodeId: s.opcuaNodeId!, attributeId: AttributeIds.Value })));
  const group = await subscription.monitorItems(items, { samplingInterval: 1000, queueSize: 1, discardOldest: true }, TimestampsToReturn.Both);
  group.on('changed', (_item: unknown, dataValue: DataValue) => {
    const value: unknown = dataValue.value.value;
    if (value instanceof Float32Array) counts.samples += value.length;
    else counts.values++;
  });
  return subscription;
}

/** The Modbus poller of support/modbus-poller.ts in a worker thread. */
function startPoller(port: number, catalogue: AssetCatalogue): { counts(): Promise<{ reads: number; failures: number }>; stop(): Promise<void> } {
  const worker = new Worker(path.join(__dirname, 'support', 'modbus-poller.js'), { workerData: { port, blocks: modbusReadBlocks(catalogue.assets) } });
  return {
    counts: () => new Promise((resolve) => { worker.once('message', resolve); worker.postMessage('counts'); }),
    stop: async () => { worker.postMessage('stop'); await worker.terminate(); },
  };
}

async function measure(scenario: Scenario): Promise<void> {
  const plant = await startPlantProcess(scenario.args);
  const pid = plant.child.pid!;
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 1 } });
  const received = { values: 0, samples: 0 };
  const poller = startPoller(plant.modbusPort, plant.catalogue);
  try {
    await client.connect(plant.endpoint);
    const session = await client.createSession();
    await subscribeAll(session, plant.catalogue, received);
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_S * 1000));
    const cpuBefore = cpuSeconds(pid);
    const start = { ...received, ...(await poller.counts()), at: Date.now() };
    const rss: number[] = [];
    for (let i = 0; i < MEASURE_S; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rss.push(rssMb(pid));
    }
    const polled = await poller.counts();
    const seconds = (Date.now() - start.at) / 1000;
    const cpu = (cpuSeconds(pid) - cpuBefore) / seconds;
    const machines = plant.catalogue.assets.length;
    const scalars = plant.catalogue.assets.reduce((n, a) => n + a.sensors.filter((s) => s.kind === 'scalar').length, 0);
    const samplesPublished = Number(scenario.args[scenario.args.indexOf('--waveform-samples') + 1]) || 4096;
    const peak = Math.max(...rss);
    printFigure(`${scenario.label}: simulator CPU (share of one core)`, `${(cpu * 100).toFixed(1)} %  (${((cpu * 100) / machines).toFixed(2)} % per machine)`);
    printFigure(`${scenario.label}: simulator RSS (peak over ${MEASURE_S} s)`, `${peak.toFixed(0)} MB  (${(peak / machines).toFixed(1)} MB per machine)`);
    // OPC UA sends a value only when it changed: counters and states that stand still send nothing.
    printFigure(`${scenario.label}: OPC UA scalar value changes received`, `${((received.values - start.values) / seconds).toFixed(0)} /s (${scalars} tags published at 1 Hz)`);
    printFigure(`${scenario.label}: OPC UA waveform samples received`,
      `${Math.round((received.samples - start.samples) / seconds).toLocaleString('en-US')} /s of ${(samplesPublished * machines).toLocaleString('en-US')} published /s`);
    printFigure(`${scenario.label}: Modbus block reads answered`, `${((polled.reads - start.reads) / seconds).toFixed(1)} /s, ${polled.failures - start.failures} failed`);
  } finally {
    await poller.stop();
    await client.disconnect().catch(() => undefined);
    plant.child.kill('SIGINT');
    await new Promise((resolve) => plant.child.once('exit', resolve));
    fs.rmSync(plant.dataDir, { recursive: true, force: true });
  }
}

const SIZING = ['--sensors', '20', '--waveform-rate', '25600', '--waveform-samples', '25600'];

export async function run(): Promise<void> {
  await measure({ label: '2 machines, today\'s tags', args: [] });
  await measure({ label: '50 machines, today\'s tags', args: ['--machines', 'spindle:30,pump:20'] });
  await measure({ label: '2 machines, issue sizing', args: ['--machines', 'spindle:1,pump:1', ...SIZING] });
  await measure({ label: '50 machines, issue sizing', args: ['--machines', 'spindle:30,pump:20', ...SIZING] });
}
