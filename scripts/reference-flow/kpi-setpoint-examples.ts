/**
 * Examples of the production nodes: OEE and savings from a shift of readings (twin-kpi), and guarded setpoint
 * writes with bounds, watchdog, interlock and audit (twin-setpoint).
 */
import { FlowBuilder, type FlowNode } from './builder';
import { debug, errorsOf, inject, spindleAsset } from './example-nodes';

/** Function code sending one shift of readings; the plan in its comment is what the OEE can be worked out from by hand. */
const SHIFT_CODE = `// Stands in for the PLC: one 8-hour shift of spindle readings, a set every minute, ending now.
//   minute   0-240 running
//   minute 240-285 a bearing failure stops the spindle (state 2, down): 45 min of unplanned downtime
//   minute 285-360 running
//   minute 360-390 the break (state 0, idle: a planned stop)
//   minute 390-480 running
// A part every 75 s of running (the asset's ideal cycle time is 60 s), every 27th part scrap;
// motor power 9 kW while running, 0.4 kW while stopped.
const minute = 60000, end = Math.floor(Date.now() / minute) * minute, start = end - 480 * minute;
function stateAt(m) { return m >= 240 && m < 285 ? 2 : m >= 360 && m < 390 ? 0 : 1; }
const readings = [];
let runningS = 0;
for (let m = 0; m <= 480; m++) {
    const ts = start + m * minute, state = stateAt(m);
    const parts = Math.floor(runningS / 75), scrap = Math.floor(parts / 27);
    const values = { state, partCount: 5000 + parts, goodCount: 4900 + parts - scrap, scrapCount: 100 + scrap, motorPower: state === 1 ? 9 : 0.4 };
    const units = { state: 'state', partCount: 'count', goodCount: 'count', scrapCount: 'count', motorPower: 'kW' };
    for (const sensor of Object.keys(values)) readings.push({ asset: 'spindle-1', sensor, value: values[sensor], unit: units[sensor], ts, quality: 'good' });
    if (state === 1) runningS += 60;
}
msg.payload = readings;
return msg;`;

/** The shift before the twin, as an engineer would enter it from the old plant's records. */
export const KPI_EXAMPLE_BASELINE = { hours: 8, downtimeHours: 2.5, repairHours: 2.5, mttrHours: 2.5, energyKWh: 68, parts: 300, scrap: 20 };

export function kpiExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('kpi:tab', { type: 'tab', label: 'OEE and savings', disabled: false, info: '' });
  flow.place('kpi:comment', tab, 0, 0, { type: 'comment', name: 'twin-kpi: OEE, downtime, MTBF/MTTR, energy and savings from a shift of readings', outputs: 0,
    info: 'Press "a shift of readings" (8 hours, ending now, with a 45-minute failure stop and a 30-minute break: see the function),\n' +
      'then "report": output 1 sends one record per hour and the rolling 24-hour window, where availability = 6.75 h running /\n' +
      '7.5 h planned = 90 %, performance = 60 s × 324 parts / 6.75 h = 80 %, quality = 312 / 324 good, OEE = 69 %, with downtime,\n' +
      'MTBF, MTTR and energy per part. "savings" compares the shift with the same shift before the twin (the baseline in the\n' +
      'button) and prices the difference with the costs set in the node: downtime and repair labour saved in as long, energy and\n' +
      'scrap saved per part made.' });
  const asset = spindleAsset(flow, 'kpi:asset');
  const shift = flow.placeFunction('kpi:shift', tab, 1, 2, 'PLC: one shift', SHIFT_CODE);
  const kpi = flow.place('kpi:kpi', tab, 2, 3, { type: 'twin-kpi', name: '', asset, stateSensor: 'state', partsSensor: 'partCount', goodSensor: 'goodCount',
    scrapSensor: 'scrapCount', powerSensor: 'motorPower', idealCycleTimeS: '', schedule: '', timeZone: '', idle: 'planned-stop', maxGapMinutes: '10',
    bucketMinutes: '60', rollingHours: '24', keepDays: '7', reportS: '60', currency: 'EUR', downtimePerHour: '400', energyPerKWh: '0.25', scrapPerPart: '20',
    labourPerHour: '55', crewSize: '2', baselineHours: '', baselineDowntimeHours: '', baselineRepairHours: '', baselineMttrHours: '', baselineEnergyKWh: '',
    baselineScrap: '', outputs: 2 });
  flow.wire(inject(flow, 'kpi:readings', tab, 0, 2, 'a shift of readings', '', '', 'date'), shift);
  flow.wire(shift, kpi);
  flow.wire(inject(flow, 'kpi:report', tab, 0, 3, 'report', 'report', '', 'date'), kpi);
  flow.wire(inject(flow, 'kpi:savings', tab, 0, 4, 'savings against the shift before', 'savings', JSON.stringify({ baseline: KPI_EXAMPLE_BASELINE }), 'json'), kpi);
  flow.wire(kpi, debug(flow, 'kpi:periods', tab, 3, 2, 'KPI periods'), 0);
  flow.wire(kpi, debug(flow, 'kpi:money', tab, 3, 4, 'savings report'), 1);
  errorsOf(flow, 'kpi', tab, 2, 5, [kpi]);
  return flow.nodes;
}

/** Stands in for the PLC behind a twin-ingest: the value given, read three times over the last 11 s. */
const PLC_READINGS_CODE = `// What twin-ingest would get from the PLC: msg.payload.value of msg.payload.sensor, 11 s, 6 s and 0 s ago.
const now = Date.now();
msg.payload = [11000, 6000, 0].map((ago) => ({ asset: 'spindle-1', sensor: msg.payload.sensor, value: msg.payload.value, ts: now - ago }));
return msg;`;

export function setpointExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('setpoint:tab', { type: 'tab', label: 'Guarded setpoint writes', disabled: false, info: '' });
  flow.place('setpoint:comment', tab, 0, 0, { type: 'comment', name: 'twin-setpoint: range, step, watchdog, interlock from the twin\'s own facts, audit', outputs: 0,
    info: 'The spindle\'s speed setpoint may move between 6,000 and 15,000 rpm, by 2,000 rpm at most. twin-setpoint reads the PLC\'s\n' +
      'setpoint from the twin-ingest of the same asset and its interlocks from twin-threshold (and twin-urgency, twin-drift) itself:\n' +
      'nothing wired to its input can forge them. Press "PLC reads 12,000 rpm" first (the present value), then "request 13,000 rpm":\n' +
      'automatic mode writes it at once (output 1, for an OpcUa-Client). "PLC reads 13,000 rpm" confirms it; without that, the\n' +
      'watchdog writes 12,000 rpm back after 30 s. "request 16,000 rpm" is refused (the audit output says why). "bearing at 90 °C"\n' +
      'raises twin-threshold\'s alarm and every request is refused until "bearing back to 50 °C". "forged: all clear" shows that a\n' +
      'message cannot lift the interlock. In manual mode a request waits for the approval of another person logged in to the\n' +
      'dashboard (README "Dashboard logins"); an approval from the flow is refused.' });
  const asset = spindleAsset(flow, 'setpoint:asset');
  const plc = flow.placeFunction('setpoint:plc', tab, 1, 2, 'PLC: last 11 s', PLC_READINGS_CODE);
  const ingest = flow.place('setpoint:ingest', tab, 2, 2, { type: 'twin-ingest', name: '', asset, source: 'canonical', missingTimestamp: 'reject', property: 'payload' });
  const threshold = flow.place('setpoint:threshold', tab, 3, 2, { type: 'twin-threshold', name: '', asset, sensors: 'bearingTemp', staleAfterS: '0',
    ignoreHistorical: true, outputs: 2 });
  flow.wire(plc, ingest);
  flow.wire(ingest, threshold);
  const readings: Array<[string, string, object]> = [
    ['setpoint:reads-12000', 'PLC reads 12,000 rpm', { sensor: 'speedSetpoint', value: 12000 }],
    ['setpoint:reads-13000', 'PLC reads 13,000 rpm', { sensor: 'speedSetpoint', value: 13000 }],
    ['setpoint:hot', 'bearing at 90 °C', { sensor: 'bearingTemp', value: 90 }],
    ['setpoint:cool', 'bearing back to 50 °C', { sensor: 'bearingTemp', value: 50 }],
  ];
  readings.forEach(([key, name, payload], i) => flow.wire(inject(flow, key, tab, 0, 1 + i, name, '', JSON.stringify(payload), 'json'), plc));
  const setpoint = flow.place('setpoint:guard', tab, 2, 6, { type: 'twin-setpoint', name: '', asset, sensor: 'speedSetpoint', protocol: 'opcua',
    opcuaDataType: 'Double', unitId: '1', min: '6000', max: '15000', maxStep: '2000', maxRatePerMinute: '', allowedHours: '', timeZone: '',
    interlockUrgency: 'CRITICAL', interlockAlerts: 'alarm', mode: 'automatic', approver: 'four-eyes', approvalTimeoutS: '300', watchdogS: '30',
    confirmOnReadings: true, readback: true, readbackSensor: 'speedSetpoint', readbackTolerance: '', safeValue: '', outputs: 3 });
  const buttons: Array<[string, string, string, object]> = [
    ['setpoint:within', 'request 13,000 rpm', 'request', { value: 13000, requestedBy: 'example user', reason: 'more throughput' }],
    ['setpoint:beyond', 'request 16,000 rpm', 'request', { value: 16000, requestedBy: 'example user', reason: 'even more throughput' }],
    ['setpoint:forged', 'forged: all clear', '', { asset: 'spindle-1', level: 'NORMAL' }],
  ];
  buttons.forEach(([key, name, topic, payload], i) => flow.wire(inject(flow, key, tab, 0, 6 + i, name, topic, JSON.stringify(payload), 'json'), setpoint));
  flow.wire(setpoint, debug(flow, 'setpoint:plc-write', tab, 3, 5, 'PLC write', 'message'), 0);
  flow.wire(setpoint, debug(flow, 'setpoint:audit', tab, 3, 6, 'audit'), 1);
  flow.wire(setpoint, debug(flow, 'setpoint:state', tab, 3, 7, 'state'), 2);
  errorsOf(flow, 'setpoint', tab, 2, 9, [setpoint, ingest, threshold]);
  return flow.nodes;
}
