/**
 * Condition-monitoring throughput: the full waveform feature set (statistics, FFT spectrum, velocity RMS with ISO
 * zone, bands, envelope spectrum and bearing defect lines) as channels of 25.6 kHz kept up with in real time per
 * core; scalar readings/s through twin-features inside a real Node-RED runtime, batched as twin-ingest sends them;
 * memory of one asset's 7-day windows after a week of readings at two very different rates.
 */
import helper from 'node-red-node-test-helper';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import { DEFAULT_FEATURE_OPTIONS, FeatureEngine } from '../lib/features/feature-engine';
import type { FeatureVector } from '../lib/features/feature-vector';
import { DEFAULT_WAVEFORM_OPTIONS, waveformFeatures } from '../lib/features/waveform-features';
import type { Reading } from '../lib/reading/reading';
import { Random } from '../lib/math/random';
import { accelerationBlock } from '../plant/physics/waveform';
import assetNode = require('../nodes/twin-asset/twin-asset');
import featuresNode = require('../nodes/twin-features/twin-features');
import { printFigure } from './print-figure';

helper.init(require.resolve('node-red'));

const SAMPLE_RATE = 25_600;
const DAY_MS = 86_400_000;

function waveformChannels(): void {
  const blocks = Array.from({ length: 4 }, (_, i) =>
    accelerationBlock({ rpm: 6000, velocityMmS: 2.5, wear: 0.2 * i }, SPINDLE_ASSET.bearing, SAMPLE_RATE, SAMPLE_RATE, new Random(i + 1)));
  const options = {
    ...DEFAULT_WAVEFORM_OPTIONS, shaftRpm: 6000, bearing: SPINDLE_ASSET.bearing,
    machineGroup: SPINDLE_ASSET.ratings.machineGroup, mounting: SPINDLE_ASSET.ratings.mounting,
    bands: [{ name: 'shaft', fromHz: 80, toHz: 120 }], chartPoints: 256, chartMaxHz: 2000,
  };
  for (let i = 0; i < 10; i++) waveformFeatures(blocks[i % blocks.length], SAMPLE_RATE, options);
  const rounds = 300;
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) waveformFeatures(blocks[i % blocks.length], SAMPLE_RATE, options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perBlockMs = (seconds / rounds) * 1000;
  printFigure('waveform feature set, 1-s block of 25.6 kHz', `${perBlockMs.toFixed(2)} ms per block`);
  printFigure('  = samples/s per core', `${Math.round((rounds * SAMPLE_RATE) / seconds).toLocaleString('en-US')}`);
  printFigure('  = 25.6 kHz channels in real time per core', `${Math.floor(1000 / perBlockMs)}`);
}

async function scalarThroughput(batchSize: number, batches: number): Promise<void> {
  await new Promise<void>((resolve) => helper.startServer(resolve));
  const sensors = ['bearingTemp', 'load', 'motorPower', 'vibration'];
  const flow = [
    { id: 'a1', type: 'twin-asset', assetId: SPINDLE_ASSET.id, sensors: SPINDLE_ASSET.sensors },
    { id: 'n1', type: 'twin-features', asset: 'a1', periodS: '3600', windows: '1h, 24h, 7d', statistics: 'mean,max,std,variance,slope,count',
      scalarSensors: sensors.join(', '), waveformSensors: '', wires: [['out']] },
    { id: 'out', type: 'helper' },
  ];
  await helper.load([assetNode, featuresNode], flow as never);
  type Receiver = { receive(msg: Record<string, unknown>): void; on(event: string, listener: (msg: { payload: FeatureVector }) => void): void };
  const input = helper.getNode('n1') as unknown as Receiver;
  const output = helper.getNode('out') as unknown as Receiver;
  const start = Date.now() - DAY_MS;
  const messages: Array<{ payload: Reading[] }> = [];
  for (let b = 0; b < batches; b++) {
    const payload: Reading[] = [];
    for (let k = 0; k < batchSize; k++) {
      const i = b * batchSize + k;
      const sensor = sensors[i % sensors.length];
      payload.push({ asset: SPINDLE_ASSET.id, sensor, unit: '', ts: start + i * 10, value: 40 + (i % 97) / 10, quality: 'good' });
    }
    messages.push({ payload });
  }
  const vector = new Promise<FeatureVector>((resolve) => output.on('input', (msg) => resolve(msg.payload)));
  const started = process.hrtime.bigint();
  for (const msg of messages) input.receive(msg);
  input.receive({ topic: 'emit' });
  const counted = (await vector).features['bearingTemp.count.7d'] * sensors.length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const total = batchSize * batches;
  if (counted !== total) throw new Error(`twin-features counted ${counted} of ${total} readings`);
  printFigure(`twin-features, batches of ${batchSize} (3 windows, 6 stats)`, `${Math.round(total / seconds).toLocaleString('en-US').padStart(10)} readings/s`);
  await helper.unload();
  await new Promise<void>((resolve) => helper.stopServer(resolve));
}

function weekMemory(readingsPerSecond: number): number {
  const engine = new FeatureEngine(SPINDLE_ASSET, { ...DEFAULT_FEATURE_OPTIONS, windows: ['7d'], waveformSensors: [] });
  const scalars = SPINDLE_ASSET.sensors.filter((s) => s.kind === 'scalar').map((s) => s.id);
  const start = Date.UTC(2026, 10, 1);
  const stepMs = 1000 / readingsPerSecond;
  const batch: Reading[] = [];
  for (let ts = start; ts < start + 7 * DAY_MS; ts += stepMs) {
    for (const sensor of scalars) batch.push({ asset: SPINDLE_ASSET.id, sensor, unit: '', ts, value: 50, quality: 'good' });
    if (batch.length >= 10_000) engine.add(batch.splice(0));
  }
  engine.add(batch);
  const saved = Buffer.byteLength(JSON.stringify(engine.toJSON()));
  printFigure(`7-day window, ${scalars.length} sensors at ${readingsPerSecond}/s each`,
    `${(engine.memoryBytes / 1024).toFixed(1)} kB held, ${(saved / 1024).toFixed(1)} kB saved to context`);
  return engine.memoryBytes;
}

export async function run(): Promise<void> {
  waveformChannels();
  await scalarThroughput(1000, 500);
  await scalarThroughput(100, 2000);
  const slow = weekMemory(0.1);
  const fast = weekMemory(10);
  printFigure('  memory independent of the rate', slow === fast ? 'yes' : `no (${slow} vs ${fast} bytes)`);
}
