/**
 * Readings per second through twin-ingest inside a real Node-RED runtime (node-red-node-test-helper),
 * batched as the reference flow sends them, for canonical batches and for Modbus register blocks.
 */
import helper from 'node-red-node-test-helper';
import { modbusBlock, PUMP_ASSET, SPINDLE_ASSET } from '../lib/asset/presets';
import assetNode = require('../nodes/twin-asset/twin-asset');
import ingestNode = require('../nodes/twin-ingest/twin-ingest');

helper.init(require.resolve('node-red'));

type Receiver = { receive(msg: Record<string, unknown>): void; on(event: string, listener: (msg: { payload: unknown[] }) => void): void };

async function measure(name: string, makeMsg: (i: number) => Record<string, unknown>, messages: number, assetSensors: unknown): Promise<void> {
  await new Promise<void>((resolve) => helper.startServer(resolve));
  const flow = [{ id: 'a1', type: 'twin-asset', assetId: name.startsWith('Modbus') ? 'pump-1' : 'spindle-1', sensors: assetSensors },
    { id: 'n1', type: 'twin-ingest', asset: 'a1', missingTimestamp: 'arrival', wires: [['out']] }, { id: 'out', type: 'helper' }];
  await helper.load([assetNode, ingestNode], flow as never);
  const input = helper.getNode('n1') as unknown as Receiver;
  const output = helper.getNode('out') as unknown as Receiver;
  let readings = 0;
  let received = 0;
  const finished = new Promise<void>((resolve) => output.on('input', (msg) => {
    readings += msg.payload.length;
    if (++received === messages) resolve();
  }));
  const started = process.hrtime.bigint();
  for (let i = 0; i < messages; i++) input.receive(makeMsg(i));
  await finished;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`${name.padEnd(40)} ${Math.round(readings / seconds).toLocaleString('en-US').padStart(10)} readings/s (${Math.round(messages / seconds).toLocaleString('en-US')} msgs/s)\n`);
  await helper.unload();
  await new Promise<void>((resolve) => helper.stopServer(resolve));
}

export async function run(): Promise<void> {
  const now = Date.now();
  const batch = (size: number) => (i: number) => ({ payload: Array.from({ length: size }, (_, k) => ({ sensor: 'vibration', value: (i + k) % 5, ts: now - k })) });
  await measure('canonical batches of 1 reading', batch(1), 20000, SPINDLE_ASSET.sensors);
  await measure('canonical batches of 100 readings', batch(100), 2000, SPINDLE_ASSET.sensors);
  await measure('canonical batches of 1000 readings', batch(1000), 300, SPINDLE_ASSET.sensors);
  const block = modbusBlock(PUMP_ASSET);
  const registers = new Array<number>(block.quantity).fill(100);
  await measure('Modbus register blocks (8 sensors each)', () => ({ payload: registers, input: { payload: { address: block.start } } }), 20000, PUMP_ASSET.sensors);
}
