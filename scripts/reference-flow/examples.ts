/**
 * Generates the flows under examples/ (Import > Examples in the editor): short, opening with a comment node,
 * using only core nodes and the pack's. `npm run flows` regenerates them; a test loads each one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { modbusBlock, SPINDLE_ASSET } from '../../lib/asset/presets';
import { encodeRegisters } from '../../lib/modbus/register-codec';
import { FlowBuilder, type FlowNode } from './builder';

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', '..', 'examples');

function spindleAsset(flow: FlowBuilder): string {
  return flow.add('asset', {
    type: 'twin-asset', name: SPINDLE_ASSET.name, assetId: SPINDLE_ASSET.id, assetType: SPINDLE_ASSET.type, nominalRpm: '12000', maxRpm: '15000',
    ratedPowerKw: '15', ratedVoltageV: '400', machineGroup: '2', mounting: 'rigid', idealCycleTimeS: '60', bearingElements: '18',
    bearingRollerMm: '11.1', bearingPitchMm: '92.5', bearingAngleDeg: '15', sensors: SPINDLE_ASSET.sensors,
  });
}

function embeddedDb(flow: FlowBuilder): string {
  return flow.add('db', { type: 'twin-db', name: 'Historian database', mode: 'auto', host: '127.0.0.1', port: '5432', database: 'postgres',
    user: 'postgres', ssl: false, schema: 'public', poolMax: '4', compressAfterDays: '7', retentionDays: '', embeddedDir: '' });
}

function inject(flow: FlowBuilder, key: string, tab: string, column: number, row: number, name: string, topic: string, payload: string, payloadType: string): string {
  return flow.place(key, tab, column, row, {
    type: 'inject', name, props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], repeat: '', crontab: '', once: false, onceDelay: 0.1,
    topic, payload, payloadType,
  });
}

function debug(flow: FlowBuilder, key: string, tab: string, column: number, row: number, name: string): string {
  return flow.place(key, tab, column, row, { type: 'debug', name, active: true, tosidebar: true, console: false, tostatus: false,
    complete: 'payload', targetType: 'msg', statusVal: '', statusType: 'auto', outputs: 0 });
}

/** The spindle's register block as the simulated PLC would serve it for a few plausible values. */
function spindleRegisterBlock(): number[] {
  const values: Record<string, number> = { speed: 12000, speedSetpoint: 12000, load: 61.2, motorCurrent: 22.13, motorPower: 12.4,
    bearingTemp: 41.7, vibration: 0.62, partCount: 120, goodCount: 118, scrapCount: 2, state: 1 };
  const block = modbusBlock(SPINDLE_ASSET);
  const registers = new Array<number>(block.quantity).fill(0);
  for (const sensor of SPINDLE_ASSET.sensors) {
    if (!sensor.modbus) continue;
    encodeRegisters(sensor.modbus, values[sensor.id]).forEach((word, i) => { registers[sensor.modbus!.address - block.start + i] = word; });
  }
  return registers;
}

function ingestExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('tab', { type: 'tab', label: 'Ingest PLC values', disabled: false, info: '' });
  flow.place('comment', tab, 0, 0, { type: 'comment', name: 'twin-ingest: PLC values → canonical readings', outputs: 0,
    info: 'Each inject imitates what node-red-contrib-opcua or node-red-contrib-modbus emits. Open the debug sidebar:\n' +
      'valid values come out as canonical readings; the bad one is reported as an error naming the element and why.' });
  const asset = spindleAsset(flow);
  const ingest = flow.place('ingest', tab, 2, 3, { type: 'twin-ingest', name: '', asset, source: 'auto', missingTimestamp: 'arrival', property: 'payload' });
  const sources = [
    inject(flow, 'opcua', tab, 0, 2, 'OPC UA value', 'ns=1;s=Spindle.BearingTemp', '41.7', 'num'),
    inject(flow, 'modbus', tab, 0, 3, 'Modbus block (registers 0-15)', '', JSON.stringify(spindleRegisterBlock()), 'json'),
    inject(flow, 'canonical', tab, 0, 4, 'readings, one bad', '', '[{"sensor":"load","value":55.5},{"sensor":"load","value":"high"}]', 'json'),
  ];
  const modbusAddress = flow.place('modbus-address', tab, 1, 3, { type: 'change', name: 'as Modbus-Read sends it', outputs: 1,
    rules: [{ t: 'set', p: 'input', pt: 'msg', to: '{"payload":{"address":0,"quantity":16}}', tot: 'json' }] });
  flow.wire(sources[0], ingest);
  flow.wire(sources[1], modbusAddress);
  flow.wire(modbusAddress, ingest);
  flow.wire(sources[2], ingest);
  flow.wire(ingest, debug(flow, 'debug', tab, 3, 3, 'canonical readings'));
  const catcher = flow.place('catch', tab, 2, 5, { type: 'catch', name: 'refused input', scope: [ingest], uncaught: false, outputs: 1 });
  flow.wire(catcher, debug(flow, 'debug-errors', tab, 3, 5, 'errors'));
  return flow.nodes;
}

function thresholdExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('tab', { type: 'tab', label: 'Threshold alerts', disabled: false, info: '' });
  flow.place('comment', tab, 0, 0, { type: 'comment', name: 'twin-threshold: alerts with hysteresis, minimum duration and acknowledge', outputs: 0,
    info: 'Press "hot bearing" a few times over 10 s: the bearing temperature stays above its 80 °C alarm limit long enough\n' +
      '(minimum duration 10 s) and one alarm is raised. "acknowledge" acknowledges it; "cool bearing" clears it.' });
  const asset = spindleAsset(flow);
  const threshold = flow.place('threshold', tab, 2, 3, { type: 'twin-threshold', name: '', asset, sensors: 'bearingTemp', staleAfterS: '0', ignoreHistorical: true, outputs: 2 });
  const stamp = flow.place('stamp', tab, 1, 2, { type: 'function', name: 'as twin-ingest sends it', outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
    func: "msg.payload = [{ asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', value: msg.payload, ts: Date.now(), quality: 'good' }];\nreturn msg;" });
  flow.wire(inject(flow, 'hot', tab, 0, 2, 'hot bearing (85 °C)', '', '85', 'num'), stamp);
  flow.wire(inject(flow, 'cool', tab, 0, 3, 'cool bearing (50 °C)', '', '50', 'num'), stamp);
  flow.wire(stamp, threshold);
  flow.wire(inject(flow, 'ack', tab, 0, 4, 'acknowledge', 'ack', '{"sensor":"bearingTemp","by":"example user"}', 'json'), threshold);
  flow.wire(threshold, debug(flow, 'events', tab, 3, 2, 'alert events'), 0);
  flow.wire(threshold, debug(flow, 'active', tab, 3, 4, 'active alerts'), 1);
  return flow.nodes;
}

function historianExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('tab', { type: 'tab', label: 'Historian', disabled: false, info: '' });
  flow.place('comment', tab, 0, 0, { type: 'comment', name: 'twin-historian: store readings, query history', outputs: 0,
    info: 'Uses DATABASE_URL when set, else starts the embedded TimescaleDB in the Node-RED user directory.\n' +
      '"write readings" stores a few seconds of readings; "last 10 minutes" reads them back in 10 s buckets.' });
  const db = embeddedDb(flow);
  const make = flow.place('make', tab, 1, 2, { type: 'function', name: '10 readings', outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
    func: "const now = Date.now();\nmsg.payload = Array.from({ length: 10 }, (_, i) => ({ asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', value: 40 + i / 10, ts: now - (10 - i) * 1000, quality: 'good' }));\nreturn msg;" });
  const writer = flow.place('writer', tab, 2, 2, { type: 'twin-historian', name: '', db, mode: 'write', batchSize: '1000', batchMs: '1000', maxQueuedRows: '100000', waveformIntervalS: '60', output: 'rows' });
  flow.wire(inject(flow, 'write', tab, 0, 2, 'write readings', '', '', 'date'), make);
  flow.wire(make, writer);
  flow.wire(writer, debug(flow, 'batches', tab, 3, 2, 'batch results'));
  const query = flow.place('query', tab, 1, 4, { type: 'change', name: 'last 10 minutes', outputs: 1,
    rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"asset":"spindle-1","sensor":"bearingTemp","from":$millis()-600000,"to":$millis(),"bucketS":10}', tot: 'jsonata' }] });
  const reader = flow.place('reader', tab, 2, 4, { type: 'twin-historian', name: '', db, mode: 'query', batchSize: '1000', batchMs: '1000', maxQueuedRows: '100000', waveformIntervalS: '60', output: 'rows' });
  flow.wire(inject(flow, 'read', tab, 0, 4, 'query', '', '', 'date'), query);
  flow.wire(query, reader);
  flow.wire(reader, debug(flow, 'history', tab, 3, 4, 'history'));
  return flow.nodes;
}

function bufferExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('tab', { type: 'tab', label: 'Store and forward to MQTT', disabled: false, info: '' });
  flow.place('comment', tab, 0, 0, { type: 'comment', name: 'twin-buffer: never lose a message while the broker is away', outputs: 0,
    info: 'Messages wait on disk in twin-buffer until the MQTT out node has really published them: the Complete node\n' +
      'scoped to "mqtt out" confirms each one back to the buffer. Stop the broker, press "reading" a few times, start it\n' +
      'again: every message arrives, in order. Output 2 reports backlog, state and disk use.' });
  const broker = flow.add('broker', { type: 'mqtt-broker', name: 'local broker', broker: '127.0.0.1', port: '1883', clientid: '', autoConnect: true,
    usetls: false, protocolVersion: '4', keepalive: '60', cleansession: true, autoUnsubscribe: true, birthTopic: '', closeTopic: '', willTopic: '' });
  const stamp = flow.place('stamp', tab, 1, 2, { type: 'function', name: 'a reading', outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
    func: "msg.payload = [{ asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', value: 40 + Math.random(), ts: Date.now(), quality: 'good' }];\nreturn msg;" });
  const buffer = flow.place('buffer', tab, 2, 2, { type: 'twin-buffer', name: '', directory: '', maxDiskMB: '512', maxAgeHours: '168', fullPolicy: 'drop-oldest',
    durability: 'batch', fsyncMs: '200', maxReplayRate: '500', ackTimeoutS: '10', maxInFlight: '100', outputs: 2 });
  const out = flow.place('mqtt', tab, 3, 2, { type: 'mqtt out', name: '', topic: 'plant/spindle-1/readings', qos: '1', retain: 'false', broker, outputs: 0 });
  const complete = flow.place('complete', tab, 3, 3, { type: 'complete', name: 'published', scope: [out], uncaught: false, outputs: 1 });
  flow.wire(inject(flow, 'reading', tab, 0, 2, 'reading', '', '', 'date'), stamp);
  flow.wire(stamp, buffer);
  flow.wire(buffer, out, 0);
  flow.wire(complete, buffer);
  flow.wire(buffer, debug(flow, 'metrics', tab, 3, 4, 'buffer metrics'), 1);
  return flow.nodes;
}

export const EXAMPLES: Record<string, () => FlowNode[]> = {
  'Store and forward to MQTT': bufferExample,
  'Ingest OPC UA and Modbus values': ingestExample,
  'Threshold alerts with acknowledge': thresholdExample,
  'Historian write and query': historianExample,
};

export function exampleFile(name: string): string {
  return path.join(EXAMPLES_DIR, `${name}.json`);
}

if (require.main === module) {
  fs.mkdirSync(EXAMPLES_DIR, { recursive: true });
  for (const [name, build] of Object.entries(EXAMPLES)) fs.writeFileSync(exampleFile(name), `${JSON.stringify(build(), null, 2)}\n`);
  process.stdout.write(`wrote ${Object.keys(EXAMPLES).length} examples\n`);
}
