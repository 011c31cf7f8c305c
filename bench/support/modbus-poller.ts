/**
 * Worker thread of bench/plant.ts: reads every Modbus block once a second, as twin-poll would, in a thread of its
 * own so the OPC UA client decoding waveforms in the main thread cannot hold the polls back. Posts its counts when
 * asked, stops on "stop".
 */
import { parentPort, workerData } from 'node:worker_threads';
import ModbusRTU from 'modbus-serial';
import type { ModbusReadBlock } from '../../lib/catalogue/source-messages';

interface PollerData {
  port: number;
  blocks: ModbusReadBlock[];
}

async function main(): Promise<void> {
  const { port, blocks } = workerData as PollerData;
  const client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port });
  client.setTimeout(2000);
  const counts = { reads: 0, failures: 0 };
  let stopped = false;
  parentPort!.on('message', (message: string) => {
    if (message === 'stop') stopped = true;
    else parentPort!.postMessage(counts);
  });
  while (!stopped) {
    const started = Date.now();
    for (const block of blocks) {
      client.setID(block.unitId);
      try {
        await client.readHoldingRegisters(block.address, block.quantity);
        counts.reads++;
      } catch {
        counts.failures++;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - started))));
  }
  client.close(() => undefined);
  parentPort!.close();
}

void main();
