/**
 * Condition-monitoring throughput: the full waveform feature set (statistics, FFT spectrum, velocity RMS with ISO
 * zone, bands, envelope spectrum and bearing defect lines) as channels of 25.6 kHz kept up with in real time per
 * core, beside fft.js's bare transform of the same block; scalar readings/s through twin-features inside a real Node-RED runtime, batched as twin-ingest sends them;
 * memory of one asset's 7-day windows after a week of readings at two very different rates.
 */
import FFT from 'fft.js';
import helper from 'node-red-node-test-helper';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import { DEFAULT_FEATURE_OPTIONS, FeatureEngine } from '../lib/features/feature-engine';
import type { FeatureVector } from '../lib/features/feature-vector';
import { nextPowerOfTwo } from '../lib/features/spectrum';
import { DEFAULT_WAVEFORM_OPTIONS, waveformFeatures } from '../lib/features/waveform-features';
import type { Reading } from '../lib/reading/reading';
import { Random } from '../lib/math/random';
import { accelerationBlock } from '../plant/physics/waveform';
import assetNode = require('../nodes/twin-asset/twin-asset');
import featuresNode = require('../nodes/twin-features/twin-features');
import { definedFeatures } from '../test/support/waveform-definitions';
import { alternate, formatRate, printAgainstGoal, printBeside, printFigure } from './print-figure';

helper.init(require.resolve('node-red'));

const SAMPLE_RATE = 25_600;
const DAY_MS = 86_400_000;

/**
 * Channels of 25.6 kHz kept up with per core: the feature set with and without the envelope, the definitions it
 * replaced (each transform on its own, new arrays), and fft.js's bare real transform of the same block size, timed in
 * alternating slices. The bare transform gets Float64Array buffers as the library does: fed plain arrays too, fft.js's
 * code would turn polymorphic and slow every transform in the process down.
 */
async function waveformChannels(): Promise<void> {
  const blocks = Array.from({ length: 4 }, (_, i) =>
    accelerationBlock({ rpm: 6000, velocityMmS: 2.5, wear: 0.2 * i }, SPINDLE_ASSET.bearing, SAMPLE_RATE, SAMPLE_RATE, new Random(i + 1)));
  const options = {
    ...DEFAULT_WAVEFORM_OPTIONS, shaftRpm: 6000, bearing: SPINDLE_ASSET.bearing,
    machineGroup: SPINDLE_ASSET.ratings.machineGroup, mounting: SPINDLE_ASSET.ratings.mounting,
    bands: [{ name: 'shaft', fromHz: 80, toHz: 120 }], chartPoints: 256, chartMaxHz: 2000,
  };
  const withoutEnvelope = { ...options, shaftRpm: undefined };
  const size = nextPowerOfTwo(SAMPLE_RATE);
  const fft = new FFT(size);
  const input = new Float64Array(size);
  const output = new Float64Array(2 * size);
  let next = 0;
  const block = () => blocks[next++ % blocks.length];
  const seconds = await alternate({
    bare: () => {
      const samples = block();
      for (let i = 0; i < samples.length; i++) input[i] = samples[i];
      fft.realTransform(output, input);
    },
    withEnvelope: () => waveformFeatures(block(), SAMPLE_RATE, options),
    withoutEnvelope: () => waveformFeatures(block(), SAMPLE_RATE, withoutEnvelope),
    definitions: () => definedFeatures(block(), SAMPLE_RATE, options),
  }, 300);
  const channels = (s: number) => 1 / s;
  printFigure(`bare fft.js real transform, ${size.toLocaleString('en-US')} points`, `${(seconds.bare * 1000).toFixed(3)} ms = ${Math.floor(channels(seconds.bare))} channels per core`);
  printFigure('waveform feature set with envelope, 1-s block', `${(seconds.withEnvelope * 1000).toFixed(3)} ms per block`);
  printBeside('  25.6 kHz channels in real time per core, vs bare FFT', channels(seconds.withEnvelope), channels(seconds.bare), 'channels');
  printAgainstGoal('  against the goal', channels(seconds.withEnvelope), 500, 'channels');
  printFigure('  = samples/s per core', formatRate(SAMPLE_RATE * channels(seconds.withEnvelope)));
  printBeside('without the envelope (no shaft speed), vs bare FFT', channels(seconds.withoutEnvelope), channels(seconds.bare), 'channels');
  printBeside('the definitions (two real FFTs, new arrays), vs bare FFT', channels(seconds.definitions), channels(seconds.bare), 'channels');
  printFigure('  one pass against the definitions', `${(seconds.definitions / seconds.withEnvelope).toFixed(2)}× the channels`);
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
  await waveformChannels();
  await scalarThroughput(1000, 500);
  await scalarThroughput(100, 2000);
  const slow = weekMemory(0.1);
  const fast = weekMemory(10);
  printFigure('  memory independent of the rate', slow === fast ? 'yes' : `no (${slow} vs ${fast} bytes)`);
}
