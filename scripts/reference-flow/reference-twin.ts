/**
 * Generates flows/reference-twin.json, the flow `npm start` deploys: the simulated plant read over OPC UA
 * (spindle, and the pump's vibration waveform) and Modbus TCP (pump) → twin-ingest → twin-historian, twin-threshold,
 * twin-drift and twin-features → a "Live" dashboard tab per asset; the maintenance tab (RUL, urgency, work orders,
 * retraining: maintenance-flow.ts), the prescriptive tab (what-if, guarded setpoints, KPIs: prescribe-flow.ts) and the
 * alarm system (twin-alarms, the Alarms tab: alarms-flow.ts).
 * `npm run flows` regenerates it; a test checks the shipped file matches.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AssetDefinition } from '../../lib/asset/asset-model';
import { MACHINE_STATE, modbusBlock, PLANT_UNIT_ID, PUMP_ASSET, SPINDLE_ASSET } from '../../lib/asset/presets';
import { PLANT_FEATURE_PERIOD_S, plantFeatureSettings } from '../../plant/feature-settings';
import { FlowBuilder, type FlowNode } from './builder';
import { featureTableTemplate, HEALTH_TEMPLATE, spectrumTemplate, type ShownFeature } from './condition-widgets';
import { alarmsFlow, type AlarmSource } from './alarms-flow';
import { trendsFlow } from './trends-flow';
import { ALERT_LIST_TEMPLATE, TAB_ORDER, uiChart, uiGauge, uiGroup, uiTab, uiTemplate, uiText, uiToast, TOAST_COLOUR_BY_LEVEL, type GaugeSpec } from './dashboard';
import { freshnessClass, LIVE_STALE_AFTER_S, uiHead } from './hmi-head';
import { BUFFER_METRICS_CODE, historyQueryCode, liveFanOutCode } from './live-functions';
import { maintenanceFlow, type MaintainedAsset } from './maintenance-flow';
import { plantFlow } from './plant-flow';
import { prescribeFlow, type PrescribedAsset } from './prescribe-flow';

interface AssetLayout {
  asset: AssetDefinition;
  label: string;
  gauges: Array<{ sensor: string; spec: GaugeSpec }>;
  texts: Array<{ sensor: string; label: string; format: string }>;
  charts: string[];
  /** Sensor-health checks: sensor, drift reference (`baseline`, `none` or a sensor id). */
  health: Array<{ sensor: string; reference: string }>;
  features: { shown: ShownFeature[] };
  /** The component whose remaining life the twin predicts. */
  component: string;
  /** Font Awesome icon of its dashboard tab. */
  icon: string;
}

/** twin-buffer reports its metrics every 5 s: three reports missed make them stale. */
const BUFFER_STALE_AFTER_S = 15;
/** The condition figures and the spectrum come once per feature period; three periods missed make them stale. */
const FEATURE_STALE_PERIODS = 3;

/** The vibration analyst's key figures of the bearing-housing accelerometer, shown on both asset tabs. */
const VIBRATION_FEATURES: ShownFeature[] = [
  { name: 'acceleration.velocityRms', label: 'Velocity RMS (10 Hz–1 kHz)', decimals: 2 },
  { name: 'acceleration.rms', label: 'Acceleration RMS', decimals: 3 },
  { name: 'acceleration.kurtosis', label: 'Kurtosis', decimals: 2 },
  { name: 'acceleration.crestFactor', label: 'Crest factor', decimals: 2 },
  { name: 'acceleration.bpfoEnvelope', label: 'Envelope at BPFO', decimals: 4 },
  { name: 'acceleration.bpfiEnvelope', label: 'Envelope at BPFI', decimals: 4 },
];

const SPINDLE_LAYOUT: AssetLayout = {
  asset: SPINDLE_ASSET,
  label: 'Spindle 1',
  gauges: [
    { sensor: 'speed', spec: { title: 'Speed', unit: 'rpm', min: 0, max: 15000, decimals: 0 } },
    { sensor: 'load', spec: { title: 'Load', unit: '%', min: 0, max: 150, warning: 95, alarm: 110, decimals: 0 } },
    { sensor: 'bearingTemp', spec: { title: 'Bearing temperature', unit: '°C', min: 0, max: 100, warning: 65, alarm: 80, decimals: 1 } },
    { sensor: 'vibration', spec: { title: 'Vibration', unit: 'mm/s', min: 0, max: 8, warning: 2.8, alarm: 4.5, decimals: 2 } },
    { sensor: 'motorPower', spec: { title: 'Motor power', unit: 'kW', min: 0, max: 20, decimals: 1 } },
    { sensor: 'motorCurrent', spec: { title: 'Motor current', unit: 'A', min: 0, max: 40, decimals: 1 } },
  ],
  texts: [
    { sensor: 'state', label: 'State', format: '{{msg.payload}}' },
    { sensor: 'partCount', label: 'Parts', format: '{{msg.payload}}' },
    { sensor: 'goodCount', label: 'Good', format: '{{msg.payload}}' },
    { sensor: 'scrapCount', label: 'Scrap', format: '{{msg.payload}}' },
  ],
  charts: ['bearingTemp', 'vibration'],
  // Motor current is tied to motor power by physics (P = √3·U·I·cos φ); bearing temperature rises as the bearing
  // wears, so a baseline would mistake wear for drift: it is checked for stuck, spikes and range only.
  health: [{ sensor: 'motorCurrent', reference: 'motorPower' }, { sensor: 'bearingTemp', reference: 'none' }, { sensor: 'load', reference: 'none' }],
  component: 'spindle bearing',
  icon: 'fa-cogs',
  features: {
    shown: [
      ...VIBRATION_FEATURES,
      { name: 'bearingTemp.mean.24h', label: 'Bearing temperature, 24 h mean', decimals: 1 },
      { name: 'bearingTemp.slope.1h', label: 'Bearing temperature trend, 1 h', decimals: 2 },
      { name: 'load.mean.1h', label: 'Load, 1 h mean', decimals: 1 },
      { name: 'load.variance.1h', label: 'Load, 1 h variance', decimals: 1 },
      { name: 'operatingHours', label: 'Operating hours', decimals: 2 },
    ],
  },
};

const PUMP_LAYOUT: AssetLayout = {
  asset: PUMP_ASSET,
  label: 'Pump 1',
  gauges: [
    { sensor: 'flow', spec: { title: 'Flow', unit: 'm³/h', min: 0, max: 500, decimals: 0 } },
    { sensor: 'dischargePressure', spec: { title: 'Discharge pressure', unit: 'bar', min: 0, max: 12, warning: 7.5, alarm: 9, decimals: 2 } },
    { sensor: 'bearingTemp', spec: { title: 'Bearing temperature', unit: '°C', min: 0, max: 110, warning: 75, alarm: 90, decimals: 1 } },
    { sensor: 'vibration', spec: { title: 'Vibration', unit: 'mm/s', min: 0, max: 11, warning: 4.5, alarm: 7.1, decimals: 2 } },
    { sensor: 'motorPower', spec: { title: 'Motor power', unit: 'kW', min: 0, max: 60, decimals: 1 } },
    { sensor: 'speed', spec: { title: 'Speed', unit: 'rpm', min: 0, max: 3600, decimals: 0 } },
  ],
  texts: [{ sensor: 'state', label: 'State', format: '{{msg.payload}}' }],
  charts: ['bearingTemp', 'vibration'],
  health: [{ sensor: 'motorCurrent', reference: 'motorPower' }, { sensor: 'dischargePressure', reference: 'none' }, { sensor: 'bearingTemp', reference: 'none' }],
  component: 'pump bearing',
  icon: 'fa-tint',
  features: {
    shown: [
      ...VIBRATION_FEATURES,
      { name: 'bearingTemp.mean.24h', label: 'Bearing temperature, 24 h mean', decimals: 1 },
      { name: 'bearingTemp.slope.1h', label: 'Bearing temperature trend, 1 h', decimals: 2 },
      { name: 'flow.mean.1h', label: 'Flow, 1 h mean', decimals: 1 },
      { name: 'operatingHours', label: 'Operating hours', decimals: 2 },
    ],
  },
};

/** Seconds after a start before the machine's readings feed its features again. */
const WARM_UP_S = '15';

function assetConfig(flow: FlowBuilder, asset: AssetDefinition): string {
  const r = asset.ratings;
  const b = asset.bearing;
  const text = (v: number | undefined): string => (v === undefined ? '' : String(v));
  return flow.add(`asset:${asset.id}`, {
    type: 'twin-asset', name: asset.name, assetId: asset.id, assetType: asset.type,
    nominalRpm: text(r.nominalRpm), maxRpm: text(r.maxRpm), ratedPowerKw: text(r.ratedPowerKw), ratedVoltageV: text(r.ratedVoltageV),
    machineGroup: text(r.machineGroup), mounting: r.mounting ?? '', idealCycleTimeS: text(r.idealCycleTimeS),
    bearingElements: text(b?.rollingElements), bearingRollerMm: text(b?.rollerDiameterMm), bearingPitchMm: text(b?.pitchDiameterMm),
    bearingAngleDeg: text(b?.contactAngleDeg), sensors: asset.sensors,
  });
}

function comment(flow: FlowBuilder, key: string, tab: string, column: number, row: number, name: string, info: string): void {
  flow.place(key, tab, column, row, { type: 'comment', name, info, outputs: 0 });
}

export interface SharedConfig {
  db: string;
  opcuaEndpoint: string;
  modbusClient: string;
}

/** The processing chain of one asset: ingest → historian + threshold, and the dashboard tab that shows it. */
function assetPipeline(flow: FlowBuilder, tab: string, layout: AssetLayout, shared: SharedConfig, order: number):
  { ingest: string; maintained: MaintainedAsset; prescribed: PrescribedAsset; alarms: AlarmSource } {
  const id = layout.asset.id;
  const asset = assetConfig(flow, layout.asset);
  const ingest = flow.place(`${id}:ingest`, tab, 2, 2, { type: 'twin-ingest', name: '', asset, source: 'auto', missingTimestamp: 'arrival', property: 'payload' });
  const buffer = flow.place(`${id}:buffer`, tab, 3, 0, { type: 'twin-buffer', name: '', directory: '', maxDiskMB: '512', maxAgeHours: '168',
    fullPolicy: 'drop-oldest', durability: 'sync', fsyncMs: '200', maxReplayRate: '0', ackTimeoutS: '30', maxInFlight: '1000', maxMessageMB: '16', order: 'live-first', outputs: 2 });
  const historian = flow.place(`${id}:historian`, tab, 4, 0, { type: 'twin-historian', name: '', db: shared.db, mode: 'write', batchSize: '1000', batchMs: '1000', maxQueuedRows: '100000', replaySharePct: '50', waveformIntervalS: '60', output: 'rows' });
  const threshold = flow.place(`${id}:threshold`, tab, 3, 3, { type: 'twin-threshold', name: '', asset, sensors: '', staleAfterS: '15', ignoreHistorical: true, outputs: 2 });
  // Readings and alert events reach the database through the store-and-forward buffer; the historian's batch
  // results go back to the buffer as its acknowledgements.
  flow.wire(ingest, buffer);
  flow.wire(buffer, historian, 0);
  flow.wire(historian, buffer);
  flow.wire(ingest, threshold);
  flow.wire(threshold, buffer, 0);

  const uiTabId = uiTab(flow, `${id}:ui-tab`, `${layout.label} · Live`, order, layout.icon);
  const nowGroup = uiGroup(flow, `${id}:ui-now`, uiTabId, 'Now', 1, 18);
  const trendGroup = uiGroup(flow, `${id}:ui-trend`, uiTabId, 'Trends (last hour)', 2, 12);
  const alertGroup = uiGroup(flow, `${id}:ui-alerts`, uiTabId, 'Alerts', 3, 12);
  const bufferGroup = uiGroup(flow, `${id}:ui-buffer`, uiTabId, 'Store & forward', 4, 6);
  const bufferFormat = flow.place(`${id}:buffer-format`, tab, 4, 14, {
    type: 'function', name: 'buffer metrics → widgets', func: BUFFER_METRICS_CODE, outputs: 4, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
  });
  flow.wire(buffer, bufferFormat, 1);
  ['State', 'Backlog', 'Oldest waiting', 'Disk'].forEach((label, i) =>
    flow.wire(bufferFormat, uiText(flow, `${id}:buffer-text:${i}`, tab, 5, 14 + i, bufferGroup, i + 1, label, '{{msg.payload}}',
      freshnessClass(BUFFER_STALE_AFTER_S, `${id}-buffer`)), i));

  const outputs = layout.gauges.length + layout.texts.length + layout.charts.length;
  const fanOut = flow.place(`${id}:fan-out`, tab, 3, 5, {
    type: 'function', name: 'latest values → widgets', func: liveFanOutCode(layout.gauges.map((g) => g.sensor), layout.texts.map((t) => t.sensor), layout.charts),
    outputs, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
  });
  flow.wire(ingest, fanOut);
  const live = freshnessClass(LIVE_STALE_AFTER_S, id);
  let port = 0;
  layout.gauges.forEach((g, i) => flow.wire(fanOut, uiGauge(flow, `${id}:gauge:${g.sensor}`, tab, 4, 5 + i, nowGroup, i + 1, g.spec, live), port++));
  layout.texts.forEach((t, i) => flow.wire(fanOut, uiText(flow, `${id}:text:${t.sensor}`, tab, 5, 5 + i, nowGroup, layout.gauges.length + i + 1, t.label, t.format, live), port++));
  const charts = layout.charts.map((sensor, i) => {
    const sensorDef = layout.asset.sensors.find((s) => s.id === sensor)!;
    return uiChart(flow, `${id}:chart:${sensor}`, tab, 6, 5 + i * 2, trendGroup, i + 1, sensorDef.name, sensorDef.unit, live);
  });
  charts.forEach((chart) => flow.wire(fanOut, chart, port++));

  const historyTrigger = flow.place(`${id}:history-inject`, tab, 0, 12, {
    type: 'inject', name: 'load history on start', props: [], repeat: '', crontab: '', once: true, onceDelay: '5', topic: '',
  });
  const historyQuery = flow.place(`${id}:history-query`, tab, 1, 12, {
    type: 'function', name: 'last hour per chart', func: historyQueryCode(id, layout.charts), outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
  });
  const historyReader = flow.place(`${id}:history-reader`, tab, 2, 12, { type: 'twin-historian', name: 'history', db: shared.db, mode: 'query', batchSize: '1000', batchMs: '1000', maxQueuedRows: '100000', waveformIntervalS: '60', output: 'chart' });
  const chartSwitch = flow.place(`${id}:history-switch`, tab, 3, 12, {
    type: 'switch', name: 'to its chart', property: 'chart', propertyType: 'msg', checkall: 'false', repair: false,
    rules: layout.charts.map((sensor) => ({ t: 'eq', v: sensor, vt: 'str' })), outputs: layout.charts.length,
  });
  flow.wire(historyTrigger, historyQuery);
  flow.wire(historyQuery, historyReader);
  flow.wire(historyReader, chartSwitch);
  charts.forEach((chart, i) => flow.wire(chartSwitch, chart, i));

  const alertList = uiTemplate(flow, `${id}:alert-list`, tab, 4, 3, alertGroup, 1, 'alert list', ALERT_LIST_TEMPLATE, undefined, freshnessClass(null));
  flow.wire(threshold, alertList, 1);
  flow.wire(alertList, threshold);
  const toast = uiToast(flow, `${id}:toast`, tab, 4, 2, 'alert pop-up', true);
  const toastText = flow.place(`${id}:toast-text`, tab, 4, 1, {
    type: 'change', name: 'alert text', rules: [{ t: 'set', p: 'highlight', pt: 'msg', to: TOAST_COLOUR_BY_LEVEL, tot: 'jsonata' },
      { t: 'set', p: 'payload', pt: 'msg', to: 'payload.message', tot: 'msg' },
      { t: 'set', p: 'topic', pt: 'msg', to: `${layout.label}`, tot: 'str' }],
  });
  flow.wire(threshold, toastText, 0);
  flow.wire(toastText, toast);
  const { features, drift } = conditionMonitoring(flow, tab, layout, asset, { ingest, buffer, toastText }, uiTabId);
  return {
    ingest,
    maintained: { asset: layout.asset, features, liveTab: uiTabId, component: layout.component },
    prescribed: { asset: layout.asset, config: asset, readings: drift, features },
    alarms: { asset: id, tab, threshold, drift, features },
  };
}

/** Sensor health and features of one asset, their vectors and health alerts stored through the buffer, their dashboard groups. */
function conditionMonitoring(flow: FlowBuilder, tab: string, layout: AssetLayout, asset: string,
  pipeline: { ingest: string; buffer: string; toastText: string }, uiTabId: string): { features: string; drift: string } {
  const id = layout.asset.id;
  const { ingest, buffer } = pipeline;
  const drift = flow.place(`${id}:drift`, tab, 3, 19, {
    type: 'twin-drift', name: '', asset, checks: layout.health.map((h) => ({ ...h, tolerance: '' })), method: 'cusum', threshold: '8',
    allowance: '0.5', intervalS: '60', learnMinutes: '30', stuckMinutes: '10', spikeZ: '6', dropoutFactor: '5',
    runningSensor: 'state', runningTest: 'equals', runningValue: String(MACHINE_STATE.running), reportS: '30', outputs: 3,
  });
  // The same settings the shipped RUL model's training data was computed with; live, the run-up after a start (the
  // spindle and pump reach speed in under 15 s) is left out too.
  const features = flow.place(`${id}:features`, tab, 4, 19, { type: 'twin-features', name: '', asset, periodS: PLANT_FEATURE_PERIOD_S,
    ...plantFeatureSettings(id), warmUpS: WARM_UP_S, outputs: 2 });
  // Features see the readings after twin-drift has marked the doubtful ones, so a bad sensor cannot skew them.
  flow.wire(ingest, drift);
  flow.wire(drift, features, 0);
  flow.wire(features, buffer);
  // The machine-down alarm: stored through the buffer and popped up (the Alarms tab hears it through alarms-flow).
  flow.wire(features, buffer, 1);
  flow.wire(features, pipeline.toastText, 1);
  // A suspect or faulty sensor is an alert like any other: stored through the buffer and popped up.
  flow.wire(drift, buffer, 2);
  flow.wire(drift, pipeline.toastText, 2);

  const conditionGroup = uiGroup(flow, `${id}:ui-condition`, uiTabId, 'Condition', 5, 12);
  const healthGroup = uiGroup(flow, `${id}:ui-health`, uiTabId, 'Sensor health', 6, 12);
  const table = uiTemplate(flow, `${id}:feature-table`, tab, 5, 19, conditionGroup, 1, 'key features', featureTableTemplate('acceleration', layout.features.shown), undefined,
    freshnessClass(FEATURE_STALE_PERIODS * Number(PLANT_FEATURE_PERIOD_S)));
  const spectrum = uiTemplate(flow, `${id}:spectrum`, tab, 5, 20, conditionGroup, 2, 'vibration spectrum', spectrumTemplate('acceleration'), undefined,
    freshnessClass(FEATURE_STALE_PERIODS * Number(PLANT_FEATURE_PERIOD_S)));
  flow.wire(features, table);
  flow.wire(features, spectrum);
  const health = uiTemplate(flow, `${id}:health`, tab, 5, 21, healthGroup, 1, 'sensor health', HEALTH_TEMPLATE, undefined, freshnessClass(null));
  flow.wire(drift, health, 1);
  flow.wire(health, drift);
  return { features, drift };
}

/** An OPC UA client subscribing, every second, to the node ids it is sent with topic "multiple". */
const OPCUA_SUBSCRIBER = {
  type: 'OpcUa-Client', action: 'subscribe', deadbandtype: 'a', deadbandvalue: 1,
  time: 1, timeUnit: 's', certificate: 'n', localfile: '', localkeyfile: '', securitymode: 'None', securitypolicy: 'None', useTransport: false,
  maxChunkCount: 1, maxMessageSize: 8192, receiveBufferSize: 8192, sendBufferSize: 8192, setstatusandtime: false, keepsessionalive: true,
  applicationName: '', applicationUri: '', outputs: 3,
};

/** Seconds without a word from an OPC UA client (a value, a keep-alive, a status) before it is made to reconnect. */
const RECONNECT_AFTER_S = 20;

/**
 * An OPC UA client subscribed to `nodeIds`, whatever becomes of its connection. node-red-contrib-opcua (0.2.354) does
 * not restore a subscription after the PLC restarts, and a subscribe request sent while the connection is down makes
 * it reject a promise nobody handles, which ends Node-RED. So the subscription is asked for only when the client
 * reports "session active" (a new session: at start and after every reconnect), and a watchdog (a trigger that every
 * message of the client extends) sends the client's own "reconnect" action after RECONNECT_AFTER_S seconds of silence,
 * and again every RECONNECT_AFTER_S seconds while the PLC stays away: each reconnect starts a new connection whose
 * retries begin 5 s apart, so the twin is back soon after the PLC, however long it was gone. A live subscription
 * whose values all stay unchanged still reports a keep-alive every three publishing intervals (3 s), so a working
 * connection is never torn down. The watchdog hears the client only once the session asked for a subscription (a flow
 * flag cleared at each "session active" and set by a subscribe request): a client with nothing to subscribe (the Plant
 * tab in the default 2-machine plant) gets no values and no keep-alives, and would otherwise be reconnected every
 * RECONNECT_AFTER_S seconds for nothing. The node ids live in one place: `subscribe` (a change node with fixed node ids,
 * or a twin-subscribe reading them from the catalogue).
 */
export function opcuaSubscription(flow: FlowBuilder, tab: string, key: string, row: number, name: string, shared: SharedConfig, subscribe: Omit<FlowNode, 'id'>): string {
  const sessionActive = flow.place(`${key}:session-active`, tab, 0, row, {
    type: 'switch', name: 'session active?', property: 'status', propertyType: 'msg', checkall: 'true', repair: false,
    rules: [{ t: 'eq', v: 'session active', vt: 'str' }], outputs: 1,
  });
  const asked = `${key}-subscription-asked`;
  const notAskedYet = flow.place(`${key}:not-asked-yet`, tab, 2, row + 1, {
    type: 'change', name: 'no subscription asked yet', action: '', property: '', from: '', to: '', reg: false,
    rules: [{ t: 'set', p: asked, pt: 'flow', to: 'false', tot: 'bool' }],
  });
  const subscriber = flow.place(`${key}:subscribe`, tab, 0, row + 1, subscribe);
  const askedNow = flow.place(`${key}:asked`, tab, 2, row + 2, {
    type: 'change', name: 'subscription asked', action: '', property: '', from: '', to: '', reg: false,
    rules: [{ t: 'set', p: asked, pt: 'flow', to: 'true', tot: 'bool' }],
  });
  const listening = flow.place(`${key}:watchdog-listens`, tab, 2, row + 3, {
    type: 'switch', name: 'subscription asked?', property: asked, propertyType: 'flow', checkall: 'true', repair: false,
    rules: [{ t: 'true' }], outputs: 1,
  });
  const client = flow.place(`${key}:opcua-client`, tab, 1, row, { ...OPCUA_SUBSCRIBER, name: `${name} subscription`, endpoint: shared.opcuaEndpoint });
  const watchdog = flow.place(`${key}:connection-watchdog`, tab, 1, row + 1, {
    type: 'trigger', name: `silent for ${RECONNECT_AFTER_S} s`, op1: '', op2: 'reconnect', op1type: 'nul', op2type: 'str',
    duration: String(RECONNECT_AFTER_S), extend: true, overrideDelay: false, units: 's', reset: '', bytopic: 'all', topic: 'topic', outputs: 1,
  });
  const reconnect = flow.place(`${key}:reconnect`, tab, 0, row + 2, {
    type: 'change', name: 'reconnect', action: '', property: '', from: '', to: '', reg: false,
    rules: [{ t: 'set', p: 'action', pt: 'msg', to: 'reconnect', tot: 'str' }],
  });
  flow.wire(client, sessionActive, 1);
  flow.wire(sessionActive, notAskedYet);
  flow.wire(notAskedYet, subscriber);
  flow.wire(subscriber, askedNow);
  flow.wire(askedNow, client);
  flow.wire(client, listening, 0);
  flow.wire(client, listening, 1);
  flow.wire(listening, watchdog);
  flow.wire(watchdog, reconnect);
  flow.wire(reconnect, client);
  // The reconnect request arms the watchdog again, so a PLC that stays away is retried every RECONNECT_AFTER_S.
  flow.wire(reconnect, watchdog);
  return client;
}

/** A change node subscribing to fixed node ids (a machine configured by hand with its twin-asset). */
function subscribeTo(name: string, nodeIds: string[]): Omit<FlowNode, 'id'> {
  return {
    type: 'change', name: `subscribe to ${name}`, action: '', property: '', from: '', to: '', reg: false,
    rules: [
      { t: 'set', p: 'topic', pt: 'msg', to: 'multiple', tot: 'str' },
      { t: 'set', p: 'payload', pt: 'msg', to: JSON.stringify(nodeIds.map((nodeId) => ({ nodeId }))), tot: 'json' },
    ],
  };
}

/**
 * The PLC connection a real plant uses: Sign & Encrypt with Basic256Sha256 and a user. Shipped beside the demo's
 * anonymous one; switching is enabling it, entering the user and password in it and choosing it in the three OpcUa-Client
 * nodes (README "OPC UA security"). The simulator serves it with `--opcua-user` and `--opcua-pki`.
 */
export const SECURE_OPCUA_ENDPOINT = {
  type: 'OpcUa-Endpoint', name: 'Plant PLC (OPC UA, Sign & Encrypt)', endpoint: '${TWIN_OPCUA_ENDPOINT}', secpol: 'Basic256Sha256', secmode: 'SignAndEncrypt',
  none: false, login: true, usercert: false, usercertificate: '', userprivatekey: '',
};

export function buildReferenceFlow(): FlowBuilder['nodes'] {
  const flow = new FlowBuilder();
  const spindleTab = flow.add('tab:spindle', { type: 'tab', label: 'Spindle 1 (OPC UA)', disabled: false, info: 'CNC spindle read over OPC UA from the simulated plant.' });
  // Shipped disabled until a client uses it: the editor then neither starts it nor warns of an unused config node on Deploy.
  flow.add('opcua-endpoint-secure', { ...SECURE_OPCUA_ENDPOINT, d: true });
  const pumpTab = flow.add('tab:pump', { type: 'tab', label: 'Pump 1 (Modbus TCP)', disabled: false, info: 'Centrifugal pump read over Modbus TCP from the simulated plant.' });
  const shared: SharedConfig = {
    db: flow.add('db', { type: 'twin-db', name: 'Historian database', mode: 'auto', host: '127.0.0.1', port: '5432', database: 'postgres',
      user: 'postgres', ssl: false, schema: 'public', poolMax: '4', compressAfterDays: '7', retentionDays: '', embeddedDir: '' }),
    opcuaEndpoint: flow.add('opcua-endpoint', { type: 'OpcUa-Endpoint', name: 'Plant PLC (OPC UA)', endpoint: '${TWIN_OPCUA_ENDPOINT}',
      secpol: 'None', secmode: 'None', none: true, login: false, usercert: false, usercertificate: '', userprivatekey: '' }),
    modbusClient: flow.add('modbus-client', { type: 'modbus-client', name: 'Plant PLC (Modbus TCP)', clienttype: 'tcp', bufferCommands: true,
      stateLogEnabled: false, queueLogEnabled: false, failureLogEnabled: true, tcpHost: '${TWIN_MODBUS_HOST}', tcpPort: '${TWIN_MODBUS_PORT}',
      tcpType: 'DEFAULT', serialPort: '/dev/ttyUSB', serialType: 'RTU-BUFFERD', serialBaudrate: '9600', serialDatabits: '8', serialStopbits: '1',
      serialParity: 'none', serialConnectionDelay: '100', serialAsciiResponseStartDelimiter: '0x3A', unit_id: String(PLANT_UNIT_ID),
      commandDelay: '1', clientTimeout: '1000', reconnectOnTimeout: true, reconnectTimeout: '2000', parallelUnitIdsAllowed: true,
      showErrors: false, showWarnings: true, showLogs: true }),
  };

  comment(flow, 'spindle:comment', spindleTab, 0, 0, 'Spindle 1: OPC UA subscription → twin', [
    'Subscribes to every tag of the spindle on the PLC (1 s publishing interval) and feeds the twin:',
    'twin-ingest normalises the values, twin-historian stores them in TimescaleDB, twin-threshold raises alerts',
    '(and a stale alert if the subscription goes quiet), the dashboard tab "Spindle 1 · Live" shows it all.',
    `It subscribes when the client reports a new session; after ${RECONNECT_AFTER_S} s without a word from the PLC it reconnects, and keeps trying until the PLC is back (README "PLC outages").`,
    'To read a real PLC: edit the OPC UA endpoint, and the node ids in the asset definition and in "subscribe to spindle tags".',
  ].join('\n'));
  const opcuaClient = opcuaSubscription(flow, spindleTab, 'spindle', 2, 'spindle tags', shared,
    subscribeTo('spindle tags', SPINDLE_ASSET.sensors.filter((s) => s.opcuaNodeId).map((s) => s.opcuaNodeId as string)));
  const spindle = assetPipeline(flow, spindleTab, SPINDLE_LAYOUT, shared, TAB_ORDER.spindle);
  flow.wire(opcuaClient, spindle.ingest);

  comment(flow, 'pump:comment', pumpTab, 0, 0, 'Pump 1: Modbus TCP polling → twin', [
    `Reads holding registers ${modbusBlock(PUMP_ASSET).start}-${modbusBlock(PUMP_ASSET).start + modbusBlock(PUMP_ASSET).quantity - 1} every second;`,
    'twin-ingest decodes each register with the data type, word order and scaling of the asset definition.',
    'To read a real PLC: edit the Modbus client and the register map in the asset definition.',
  ].join('\n'));
  const block = modbusBlock(PUMP_ASSET);
  const modbusRead = flow.place('pump:modbus-read', pumpTab, 0, 2, {
    type: 'modbus-read', name: 'pump registers', topic: PUMP_ASSET.id, showStatusActivities: false, logIOActivities: false, showErrors: false,
    showWarnings: true, unitid: String(PLANT_UNIT_ID), dataType: 'HoldingRegister', adr: String(block.start), quantity: String(block.quantity),
    rate: '1', rateUnit: 's', delayOnStart: false, enableDeformedMessages: false, startDelayTime: '', server: shared.modbusClient,
    useIOFile: false, ioFile: '', useIOForPayload: false, emptyMsgOnFail: false, outputs: 2,
  });
  const pump = assetPipeline(flow, pumpTab, PUMP_LAYOUT, shared, TAB_ORDER.pump);
  flow.wire(modbusRead, pump.ingest);
  // Modbus registers cannot carry a 12.8 kHz waveform: the pump's accelerometer block comes over OPC UA.
  const pumpOpcua = opcuaSubscription(flow, pumpTab, 'pump', 4, 'pump waveform', shared,
    subscribeTo('pump waveform', PUMP_ASSET.sensors.filter((s) => s.kind === 'waveform' && s.opcuaNodeId).map((s) => s.opcuaNodeId as string)));
  flow.wire(pumpOpcua, pump.ingest);
  const plant = plantFlow(flow, shared);
  const maintenance = maintenanceFlow(flow, shared.db, [spindle.maintained, pump.maintained], plant, [spindle.ingest, pump.ingest]);
  prescribeFlow(flow, { ...shared, ...maintenance, spindle: spindle.prescribed, assets: [spindle.prescribed, pump.prescribed] });
  alarmsFlow(flow, shared.db, [spindle.alarms, pump.alarms]);
  trendsFlow(flow, shared.db, [SPINDLE_LAYOUT.asset, PUMP_LAYOUT.asset]);
  uiHead(flow, spindleTab, 0, 8);
  return flow.nodes;
}

export const REFERENCE_FLOW_FILE = path.resolve(__dirname, '..', '..', '..', 'flows', 'reference-twin.json');

export function referenceFlowJson(): string {
  return `${JSON.stringify(buildReferenceFlow(), null, 2)}\n`;
}

if (require.main === module) {
  fs.writeFileSync(REFERENCE_FLOW_FILE, referenceFlowJson());
  process.stdout.write(`wrote ${path.relative(process.cwd(), REFERENCE_FLOW_FILE)}\n`);
}
