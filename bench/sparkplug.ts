/**
 * Sparkplug B figures: the pack's mapping (readings → metrics → Tahu payload → host tracker → readings) beside the
 * bare Tahu encoder and decoder, measured in the same run; and readings per second from an edge node through the
 * local Mosquitto to a host application (both in this process, QoS 1 confirmed), as machines of 20 sensors at 1 Hz.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { decodePayload, encodePayload, type Metric } from '../lib/sparkplug/codec';
import { EdgeClient } from '../lib/sparkplug/edge-client';
import { EdgeSession } from '../lib/sparkplug/edge-session';
import { HostClient } from '../lib/sparkplug/host-client';
import { HostTracker, type HostUpdate } from '../lib/sparkplug/host-tracker';
import { samplesOfPayload } from '../lib/sparkplug/metrics';
import { parseTopic } from '../lib/sparkplug/topic';
import { printFigure } from './print-figure';

const SENSORS = 20;

function machineSecond(asset: string, second: number): Array<Record<string, unknown>> {
  return Array.from({ length: SENSORS }, (_, s) => ({ asset, sensor: `s${s}`, value: 40 + s + (second % 10) / 10, unit: '°C', ts: 1_780_000_000_000 + second * 1000, quality: 'good' }));
}

const perSecond = (count: number, started: bigint): number => count / (Number(process.hrtime.bigint() - started) / 1e9);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function codecFigures(): void {
  const rounds = 20000;
  const bareMetrics: Metric[] = Array.from({ length: SENSORS }, (_, s) => ({ alias: s + 1, type: 'Double', value: 40 + s, timestamp: 1_780_000_000_000 }));
  let started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) decodePayload(encodePayload({ timestamp: Date.now(), seq: i % 256, metrics: bareMetrics }));
  const bare = perSecond(rounds, started);
  const session = new EdgeSession('bench', 'edge', 0);
  const tracker = new HostTracker();
  for (const m of session.births()) tracker.handle(parseTopic(m.topic)!, decodePayload(m.payload));
  let readings = 0;
  started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    const { devices } = samplesOfPayload(machineSecond('m1', i));
    for (const m of session.data('m1', devices[0].samples, false)) {
      const update: HostUpdate = tracker.handle(parseTopic(m.topic)!, decodePayload(m.payload));
      for (const d of update.data) readings += d.elements.length;
    }
  }
  const ours = perSecond(rounds, started);
  printFigure(`bare Tahu encode + decode, DDATA of ${SENSORS} metrics`, `${fmt(bare)} payloads/s`);
  printFigure(`edge mapping + encode, decode + host tracker, ${SENSORS} readings`, `${fmt(ours)} payloads/s (${(ours / bare).toFixed(2)} of bare), ${fmt(readings / rounds * ours)} readings/s`);
}

async function brokerFigures(): Promise<void> {
  const probe = mqtt.connect('mqtt://127.0.0.1:1883', { connectTimeout: 2000, reconnectPeriod: 0 });
  const reachable = await new Promise<boolean>((resolve) => { probe.once('connect', () => resolve(true)); probe.once('error', () => resolve(false)); setTimeout(() => resolve(false), 2500); });
  probe.end(true);
  if (!reachable) { process.stdout.write('no MQTT broker on 127.0.0.1:1883: broker figures skipped\n'); return; }
  const run = `bench-${process.pid}-${Date.now().toString(36)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-spb-bench-'));
  const host = new HostClient({ url: 'mqtt://127.0.0.1:1883', clientId: `${run}-host`, keepaliveS: 30, hostId: `${run}-host`, groups: [run] });
  const edge = new EdgeClient({ url: 'mqtt://127.0.0.1:1883', clientId: `${run}-edge`, keepaliveS: 30, group: run, edge: 'edge', primaryHostId: `${run}-host`, dataQos: 1, ackTimeoutMs: 30000, bdSeqFile: path.join(dir, 'bdseq') });
  let received = 0;
  host.on('update', (u: HostUpdate) => { for (const d of u.data) received += d.elements.length; });
  try {
    host.start();
    await new Promise<void>((resolve) => host.once('connected', () => resolve()));
    edge.start();
    await new Promise<void>((resolve) => edge.on('state', (s: string) => { if (s === 'online') resolve(); }));
    const machines = 50;
    const seconds = 8;
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    const window: Array<Promise<boolean>> = [];
    let sent = 0;
    for (let second = 0; second < 1_000_000 && Number(process.hrtime.bigint() - started) / 1e9 < seconds; second++) {
      for (let m = 0; m < machines; m++) {
        const { devices } = samplesOfPayload(machineSecond(`m${m}`, second));
        window.push(edge.publish(devices, false));
        sent += SENSORS;
      }
      if (window.length >= 500) { await Promise.all(window.splice(0)); }
    }
    await Promise.all(window);
    const deadline = Date.now() + 10000;
    while (received < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    const rate = received / elapsed;
    printFigure('edge → Mosquitto → host, QoS 1, one DDATA per machine-second', `${fmt(rate)} readings/s (${received === sent ? 'all' : `${received} of ${sent}`} received)`);
    printFigure('  as machines of 20 sensors at 1 Hz; CPU of edge + host', `${fmt(rate / SENSORS)} machines; ${(((used.user + used.system) / 1e6) / elapsed * 100).toFixed(0)} % of a core`);
  } finally {
    await edge.close();
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  codecFigures();
  await brokerFigures();
}
