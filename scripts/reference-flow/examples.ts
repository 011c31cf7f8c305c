/**
 * Generates the flows under examples/ (Import > Examples in the editor): short, opening with a comment node,
 * using only core nodes and the pack's. `npm run flows` regenerates them; a test loads each one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { modbusBlock, SPINDLE_ASSET } from '../../lib/asset/presets';
import { encodeRegisters } from '../../lib/modbus/register-codec';
import { FlowBuilder, type FlowNode } from './builder';
import { alarmExample } from './alarm-example';
import { catalogueExample } from './catalogue-example';
import { debug, embeddedDb, inject, spindleAsset } from './example-nodes';
import { healthExample } from './health-example';
import { kpiExample, setpointExample } from './kpi-setpoint-examples';
import { retrainExample, rulUrgencyExample } from './maintenance-examples';
import { scenarioExample } from './scenario-example';
import { sparkplugExample } from './sparkplug-example';

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', '..', 'examples');

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
    durability: 'sync', fsyncMs: '200', maxReplayRate: '0', ackTimeoutS: '10', maxInFlight: '1000', maxMessageMB: '16', order: 'live-first', outputs: 2 });
  const out = flow.place('mqtt', tab, 3, 2, { type: 'mqtt out', name: '', topic: 'plant/spindle-1/readings', qos: '1', retain: 'false', broker, outputs: 0 });
  const complete = flow.place('complete', tab, 3, 3, { type: 'complete', name: 'published', scope: [out], uncaught: false, outputs: 1 });
  flow.wire(inject(flow, 'reading', tab, 0, 2, 'reading', '', '', 'date'), stamp);
  flow.wire(stamp, buffer);
  flow.wire(buffer, out, 0);
  flow.wire(complete, buffer);
  flow.wire(buffer, debug(flow, 'metrics', tab, 3, 4, 'buffer metrics'), 1);
  return flow.nodes;
}

/** Function code making one second of bearing-housing acceleration: shaft tones, an outer-race defect, noise. */
const VIBRATION_BLOCK_CODE = `// One second at 12.8 kHz of a spindle at 6000 rpm with an outer-race defect (BPFO of the asset's bearing).
const sampleRate = 12800, rpm = 6000, shaftHz = rpm / 60;
const n = 18, d = 11.1, D = 92.5, angle = 15 * Math.PI / 180;
const bpfo = n * shaftHz / 2 * (1 - d / D * Math.cos(angle));
const defect = Number(msg.payload) || 0;
const samples = new Float32Array(sampleRate);
for (let i = 0; i < samples.length; i++) {
    const t = i / sampleRate;
    samples[i] = 0.08 * Math.sin(2 * Math.PI * shaftHz * t) + 0.03 * (Math.random() - 0.5);
    const sinceImpact = t % (1 / bpfo);
    samples[i] += defect * Math.exp(-900 * sinceImpact) * Math.sin(2 * Math.PI * 3000 * sinceImpact);
}
const ts = Date.now();
msg.payload = [
    { asset: 'spindle-1', sensor: 'speed', unit: 'rpm', value: rpm, ts, quality: 'good' },
    { asset: 'spindle-1', sensor: 'acceleration', unit: 'g', samples, sampleRate, ts, quality: 'good' },
];
return msg;`;

function vibrationExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('tab', { type: 'tab', label: 'Vibration features', disabled: false, info: '' });
  flow.place('comment', tab, 0, 0, { type: 'comment', name: 'twin-features: vibration RMS, kurtosis, ISO 10816-3 zone, bearing defects', outputs: 0,
    info: 'Each button sends a speed reading and one second of acceleration (g) as twin-ingest would. twin-features computes\n' +
      'the waveform features; the debug sidebar shows the vector: acceleration.velocityRms with isoZones, kurtosis, crest factor,\n' +
      'and acceleration.bpfoEnvelope, which grows with the outer-race defect while bpfiEnvelope stays small.' });
  const asset = spindleAsset(flow);
  const make = flow.place('make', tab, 1, 2, { type: 'function', name: 'speed + acceleration block', outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
    func: VIBRATION_BLOCK_CODE });
  const features = flow.place('features', tab, 2, 2, {
    type: 'twin-features', name: '', asset, periodS: '1', windows: '1h', statistics: 'mean,max', scalarSensors: 'speed', waveformSensors: 'acceleration',
    speedSensor: 'speed', runningSensor: '', runningTest: 'equals', runningValue: '1', downValue: '', warmUpS: '0', bands: 'shaft:80-120, resonance:2000-5000',
    envelopeLowHz: '2000', envelopeHighHz: '5000', excludeQuality: 'bad', includeSpectrum: false,
  });
  flow.wire(inject(flow, 'healthy', tab, 0, 2, 'healthy bearing', '', '0', 'num'), make);
  flow.wire(inject(flow, 'worn', tab, 0, 3, 'outer-race defect', '', '0.5', 'num'), make);
  flow.wire(make, features);
  flow.wire(features, debug(flow, 'vector', tab, 3, 2, 'feature vector'));
  return flow.nodes;
}

/** Function code of the temperature example: a minute of source time per press, a drift once asked for. */
const TEMPERATURE_MINUTES_CODE = `// Each message is 60 readings (one a second) of the next minute of source time, so windows fill fast.
const start = context.get('next') || Date.now() - 3 * 3600 * 1000;
const drift = flow.get('driftPerMinute') || 0;
const minutes = context.get('minutes') || 0;
const offset = context.get('offset') || 0;
msg.payload = [];
for (let s = 0; s < 60; s++) {
    const ts = start + s * 1000;
    const value = 55 + 0.0002 * minutes + 0.15 * Math.sin(ts / 20000) + offset + drift * s / 60;
    msg.payload.push({ asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', value, ts, quality: 'good' });
}
context.set('next', start + 60000);
context.set('minutes', minutes + 1);
context.set('offset', offset + drift);
return msg;`;

function temperatureExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('tab', { type: 'tab', label: 'Temperature trend and sensor health', disabled: false, info: '' });
  flow.place('comment', tab, 0, 0, { type: 'comment', name: 'twin-drift + twin-features: temperature trend, drift caught', outputs: 0,
    info: 'The ticker sends one minute of bearing-temperature readings every 0.2 s (accelerated source time). twin-drift learns the\n' +
      'sensor for 30 minutes of source time, then watches it; twin-features reports 15 min and 1 h mean, max and slope (°C/day).\n' +
      '"start drift" makes the transmitter drift by 0.05 °C a minute: after a few minutes twin-drift reports it suspect with a\n' +
      'calibration recommendation. "calibrated" resets it, "stop drift" ends the drift.' });
  const asset = spindleAsset(flow);
  const ticker = flow.place('ticker', tab, 0, 2, {
    type: 'inject', name: 'a minute every 0.2 s', props: [{ p: 'payload' }], repeat: '0.2', crontab: '', once: true, onceDelay: 0.5, topic: '', payload: '', payloadType: 'date',
  });
  const make = flow.place('make', tab, 1, 2, { type: 'function', name: 'next minute of readings', outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
    func: TEMPERATURE_MINUTES_CODE });
  const setDrift = flow.place('set-drift', tab, 1, 4, { type: 'change', name: 'drift per minute', outputs: 1,
    rules: [{ t: 'set', p: 'driftPerMinute', pt: 'flow', to: 'payload', tot: 'msg' }] });
  const drift = flow.place('drift', tab, 2, 2, {
    type: 'twin-drift', name: '', asset, checks: [{ sensor: 'bearingTemp', reference: 'baseline', tolerance: '2' }], method: 'cusum', threshold: '8',
    allowance: '0.5', intervalS: '60', learnMinutes: '30', stuckMinutes: '10', spikeZ: '6', dropoutFactor: '5', runningSensor: '', runningTest: 'equals',
    runningValue: '1', reportS: '3600', outputs: 3,
  });
  const features = flow.place('features', tab, 3, 2, {
    type: 'twin-features', name: '', asset, periodS: '2', windows: '15m, 1h', statistics: 'mean,max,slope', scalarSensors: 'bearingTemp', waveformSensors: '',
    speedSensor: '', runningSensor: '', runningTest: 'equals', runningValue: '1', downValue: '', warmUpS: '0', bands: '', envelopeLowHz: '2000', envelopeHighHz: '5000',
    excludeQuality: 'bad', includeSpectrum: false,
  });
  flow.wire(ticker, make);
  flow.wire(make, drift);
  flow.wire(drift, features, 0);
  flow.wire(features, debug(flow, 'vector', tab, 4, 2, 'temperature features'));
  flow.wire(drift, debug(flow, 'health', tab, 3, 4, 'sensor health'), 1);
  flow.wire(drift, debug(flow, 'alerts', tab, 3, 5, 'health alerts'), 2);
  flow.wire(inject(flow, 'start-drift', tab, 0, 4, 'start drift (0.05 °C/min)', '', '0.05', 'num'), setDrift);
  flow.wire(inject(flow, 'stop-drift', tab, 0, 5, 'stop drift', '', '0', 'num'), setDrift);
  flow.wire(inject(flow, 'calibrated', tab, 0, 6, 'calibrated', 'reset', '{"sensor":"bearingTemp"}', 'json'), drift);
  return flow.nodes;
}

export const EXAMPLES: Record<string, () => FlowNode[]> = {
  'Vibration features and ISO zone': vibrationExample,
  'Temperature trend and sensor health': temperatureExample,
  'Store and forward to MQTT': bufferExample,
  'Ingest OPC UA and Modbus values': ingestExample,
  'Threshold alerts with acknowledge': thresholdExample,
  'Alarm management (ISA-18.2)': alarmExample,
  'Historian write and query': historianExample,
  'Remaining useful life and urgency': rulUrgencyExample,
  'Machine health and the RUL ladder': healthExample,
  'Retrain on confirmed failures': retrainExample,
  'What-if scenarios': scenarioExample,
  'OEE and savings': kpiExample,
  'Guarded setpoint writes': setpointExample,
  'Sparkplug B edge and central host': sparkplugExample,
  'Poll Modbus devices from a catalogue': catalogueExample,
};

export function exampleFile(name: string): string {
  return path.join(EXAMPLES_DIR, `${name}.json`);
}

if (require.main === module) {
  fs.mkdirSync(EXAMPLES_DIR, { recursive: true });
  for (const [name, build] of Object.entries(EXAMPLES)) fs.writeFileSync(exampleFile(name), `${JSON.stringify(build(), null, 2)}\n`);
  process.stdout.write(`wrote ${Object.keys(EXAMPLES).length} examples\n`);
}
