/**
 * Examples of the production nodes: OEE and savings from a shift of readings (twin-kpi), and guarded setpoint
 * writes with approval, watchdog, interlock and audit (twin-setpoint).
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
export const KPI_EXAMPLE_BASELINE = { hours: 8, downtimeHours: 2.5, repairHours: 2.5, mttrHours: 2.5, energyKWh: 68, scrap: 20 };

export function kpiExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('kpi:tab', { type: 'tab', label: 'OEE and savings', disabled: false, info: '' });
  flow.place('kpi:comment', tab, 0, 0, { type: 'comment', name: 'twin-kpi: OEE, downtime, MTBF/MTTR, energy and savings from a shift of readings', outputs: 0,
    info: 'Press "a shift of readings" (8 hours, ending now, with a 45-minute failure stop and a 30-minute break: see the function),\n' +
      'then "report": output 1 sends one record per hour and the rolling 24-hour window, where availability = 6.75 h running /\n' +
      '7.5 h planned = 90 %, performance = 60 s × 324 parts / 6.75 h = 80 %, quality = 312 / 324 good, OEE = 69 %, with downtime,\n' +
      'MTBF, MTTR and energy per part. "savings" compares the shift with the same shift before the twin (the baseline in the\n' +
      'button) and prices the difference with the costs set in the node: downtime, energy, scrap and repair labour saved.' });
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

/** Keeps the id of the request waiting for approval, from the state output, for the approve button. */
const REMEMBER_PENDING_CODE = `// The state output names the request waiting for approval; "approve" needs its id.
flow.set('pendingSetpointRequest', msg.payload.pending ? msg.payload.pending.id : null);
return msg;`;

const APPROVE_PENDING_CODE = `const id = flow.get('pendingSetpointRequest');
if (!id) {
    node.warn('no request is waiting for approval: press "request 13,000 rpm" first');
    return null;
}
msg.topic = 'approve';
msg.payload = { id, by: 'example supervisor' };
return msg;`;

export function setpointExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('setpoint:tab', { type: 'tab', label: 'Guarded setpoint writes', disabled: false, info: '' });
  flow.place('setpoint:comment', tab, 0, 0, { type: 'comment', name: 'twin-setpoint: range, step, approval, watchdog, interlock, audit', outputs: 0,
    info: 'The spindle\'s speed setpoint may move between 6,000 and 15,000 rpm, by 2,000 rpm at most, from 12,000 rpm (its safe value).\n' +
      '"request 16,000 rpm" is refused: the audit output says why. "request 13,000 rpm" waits for approval (state: pending);\n' +
      '"approve" approves the pending one and output 1 sends the OPC UA write for an OpcUa-Client node. Press "confirm" within\n' +
      '30 s, or watch the watchdog write 12,000 rpm back. "urgency CRITICAL" interlocks the guard: every request is refused until\n' +
      '"urgency NORMAL". Every step is an audit record (wire output 2 to twin-historian to keep them).' });
  const asset = spindleAsset(flow, 'setpoint:asset');
  const setpoint = flow.place('setpoint:guard', tab, 2, 4, { type: 'twin-setpoint', name: '', asset, sensor: 'speedSetpoint', protocol: 'opcua',
    opcuaDataType: 'Double', unitId: '1', min: '6000', max: '15000', maxStep: '2000', maxRatePerMinute: '', allowedHours: '', timeZone: '',
    interlockUrgency: 'CRITICAL', interlockAlerts: 'alarm', mode: 'manual', approvalTimeoutS: '300', watchdogS: '30', confirmOnReadings: true,
    readback: true, readbackSensor: 'speedSetpoint', readbackTolerance: '', safeValue: '12000', outputs: 3 });
  const buttons: Array<[string, string, string, object]> = [
    ['setpoint:within', 'request 13,000 rpm', 'request', { value: 13000, requestedBy: 'example user', reason: 'more throughput' }],
    ['setpoint:beyond', 'request 16,000 rpm', 'request', { value: 16000, requestedBy: 'example user', reason: 'even more throughput' }],
    ['setpoint:confirm', 'confirm', 'confirm', { by: 'example user' }],
    ['setpoint:critical', 'urgency CRITICAL', '', { asset: 'spindle-1', level: 'CRITICAL' }],
    ['setpoint:normal', 'urgency NORMAL', '', { asset: 'spindle-1', level: 'NORMAL' }],
  ];
  buttons.forEach(([key, name, topic, payload], i) => flow.wire(inject(flow, key, tab, 0, 2 + i + (i >= 2 ? 1 : 0), name, topic, JSON.stringify(payload), 'json'), setpoint));
  const approve = flow.placeFunction('setpoint:approve-pending', tab, 1, 4, 'approve the pending request', APPROVE_PENDING_CODE);
  flow.wire(inject(flow, 'setpoint:approve', tab, 0, 4, 'approve', '', '', 'date'), approve);
  flow.wire(approve, setpoint);
  const remember = flow.placeFunction('setpoint:remember-pending', tab, 3, 6, 'remember the pending request', REMEMBER_PENDING_CODE);
  flow.wire(setpoint, debug(flow, 'setpoint:plc', tab, 3, 2, 'PLC write', 'message'), 0);
  flow.wire(setpoint, debug(flow, 'setpoint:audit', tab, 3, 4, 'audit'), 1);
  flow.wire(setpoint, remember, 2);
  flow.wire(remember, debug(flow, 'setpoint:state', tab, 4, 6, 'state'));
  errorsOf(flow, 'setpoint', tab, 2, 8, [setpoint, approve]);
  return flow.nodes;
}
