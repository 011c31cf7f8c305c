import type { AssetDefinition } from '../../lib/asset/asset-model';
import { DEFAULT_COOLING, DEFAULT_CURRENT_COOLING } from '../../lib/scenario/cooling';
import { SPINDLE_NOMINAL_LIFE_H } from '../../plant/physics/spindle';
import { DEFAULT_PLANT_OPTIONS } from '../../plant/plant';
import type { FlowBuilder } from './builder';
import { storeAndForward } from './historian-nodes';
import { FULL_WIDTH, TAB_ORDER, uiGroup, uiTab, uiTemplate } from './dashboard';
import { APPROVAL_TEMPLATE, KPI_BOARD_CODE, KPI_TEMPLATE, SETPOINT_BOARD_CODE, WHATIF_RESULT_TEMPLATE, WHATIF_STATE_CODE, whatIfFormTemplate } from './prescribe-widgets';

/** The simulated machine hall's air temperature: the spindle's ambient, as a plant engineer would enter it. */
const SIMULATED_HALL_C = DEFAULT_PLANT_OPTIONS.ambientC;

/** What the prescriptive tab takes from the asset and maintenance tabs. */
export interface PrescribedAsset {
  asset: AssetDefinition;
  /** The twin-asset config node. */
  config: string;
  /** twin-drift, whose first output carries the asset's readings, quality-marked. */
  readings: string;
  features: string;
}

export interface PrescribeInputs {
  db: string;
  opcuaEndpoint: string;
  modbusClient: string;
  /** The RUL model config node, twin-rul and twin-urgency of the maintenance tab. */
  model: string;
  rul: string;
  urgency: string;
  spindle: PrescribedAsset;
  assets: PrescribedAsset[];
}

/**
 * Example costs of the demo plant; every plant sets its own in the nodes. The KPI baseline is what an engineer
 * enters for the time before the twin: here 6,000 production hours with 120 h of unplanned downtime in 15
 * breakdowns (MTTR 8 h), 0.3 kWh and a 3 % scrap share per part (360,000 parts); a machine without a part counter (the
 * pump) has no parts or scrap figure. The figures are marked as examples, so the KPI tab says so until an engineer
 * enters the plant's own.
 */
const KPI_COSTS = { currency: 'EUR', downtimePerHour: '400', energyPerKWh: '0.25', scrapPerPart: '20', labourPerHour: '55', crewSize: '2' };
const KPI_BASELINE = { baselineHours: '6000', baselineDowntimeHours: '120', baselineRepairHours: '120', baselineMttrHours: '8', baselineEnergyKWh: '108000',
  baselineExample: true };
const KPI_BASELINE_PARTS = { baselineParts: '360000', baselineScrap: '10800' };

/**
 * The prescriptive tab of the reference flow: the spindle's what-if twin (twin-scenario) answering the What-if
 * dashboard, its speed setpoint guarded by twin-setpoint (manual approval, interlocked on CRITICAL and alarms, a
 * watchdog) and written through node-red-contrib-opcua and node-red-contrib-modbus, and each machine's KPIs
 * (twin-kpi) with the savings report on the KPI dashboard. Setpoint audits and KPI periods are stored through the
 * store-and-forward buffer like every other record.
 */
export function prescribeFlow(flow: FlowBuilder, inputs: PrescribeInputs): void {
  const tab = flow.add('tab:prescribe', { type: 'tab', label: 'What-if, setpoints, KPIs', disabled: false,
    info: 'What-if scenarios for the spindle, its guarded speed setpoint, and the plant\'s KPIs and savings.' });
  flow.place('prescribe:comment', tab, 0, 0, { type: 'comment', name: 'What-if → approval → guarded setpoint write; KPIs and savings', outputs: 0,
    info: [
      'twin-scenario learns the spindle\'s thermal, power, vibration and scrap behaviour from its own readings (the start-of-shift',
      'program runs it at three speeds) and answers the What-if tab. "Apply" sends the proposed speed to twin-setpoint, which waits',
      'for the approval of another logged-in person on the same tab, refuses what is out of bounds, too fast, outside hours or',
      'interlocked (CRITICAL urgency, an alarm: read from twin-urgency, twin-threshold and twin-drift themselves, never from a',
      'message), writes it through OPC UA and Modbus, and writes the last safe value back if the twin stops confirming.',
      'twin-kpi computes OEE, downtime, MTBF/MTTR and energy per machine; the savings compare with the baseline entered in it.',
    ].join('\n') });
  const { buffer } = storeAndForward(flow, 'prescribe', tab, inputs.db, 'audits and KPIs');
  const spindle = inputs.spindle;

  const readings = flow.placeLinkIn('prescribe:spindle-readings', tab, 0, 2, 'spindle readings');
  flow.linkFrom(readings, spindle.readings, 0);
  const features = flow.placeLinkIn('prescribe:spindle-features', tab, 0, 3, 'spindle features');
  flow.linkFrom(features, spindle.features, 0);
  const estimates = flow.placeLinkIn('prescribe:rul', tab, 0, 4, 'RUL estimates');
  flow.linkFrom(estimates, inputs.rul, 0);
  const decisions = flow.placeLinkIn('prescribe:urgency', tab, 0, 5, 'urgency decisions');
  for (let port = 0; port < 3; port++) flow.linkFrom(decisions, inputs.urgency, port);

  const scenario = flow.place('prescribe:scenario', tab, 2, 3, { type: 'twin-scenario', name: '', asset: spindle.config, model: inputs.model,
    minThermalMinutes: '15', ambientC: String(SIMULATED_HALL_C), historyHours: '6', reidentifyMinutes: '10', objective: 'roi', market: 'capacity', limitLevel: 'warning', maxZone: 'B',
    // The bearing life at today's conditions, as an engineer enters it from maintenance records or the bearing
    // calculation (here the simulated spindle's): without it the ROI has no maintenance term and so no total.
    bearingLifeHours: String(SPINDLE_NOMINAL_LIFE_H), costsExample: true, outputs: 3 });
  for (const source of [readings, features, estimates]) flow.wire(source, scenario);
  const setpoint = flow.place('prescribe:setpoint', tab, 3, 4, { type: 'twin-setpoint', name: '', asset: spindle.config, sensor: 'speedSetpoint', protocol: 'both',
    opcuaDataType: 'Double', unitId: '1', min: '6000', max: '14400', maxStep: '2400', maxRatePerMinute: '6000', allowedHours: '', timeZone: '',
    interlockUrgency: 'CRITICAL', interlockAlerts: 'alarm', mode: 'manual', approver: 'four-eyes', approvalTimeoutS: '600', watchdogS: '60', confirmOnReadings: true,
    readback: true, readbackSensor: 'speedSetpoint', readbackTolerance: '', safeValue: '', outputs: 3 });
  // Requests and decisions only: the guard reads the read-back from twin-ingest and its interlocks from twin-urgency,
  // twin-threshold and twin-drift itself, so nothing wired to it (the approval panel) can forge them.
  flow.wire(scenario, setpoint, 1);
  flow.wire(setpoint, buffer, 1);
  plcWrites(flow, tab, setpoint, inputs);

  const whatIfTab = uiTab(flow, 'whatif:ui-tab', 'What-if', TAB_ORDER.whatIf, 'fa-flask');
  const formGroup = uiGroup(flow, 'whatif:ui-form', whatIfTab, 'Spindle 1: what if…', 1, 8);
  const resultGroup = uiGroup(flow, 'whatif:ui-result', whatIfTab, 'Quantified impact and the data behind it', 2, 16);
  const approvalGroup = uiGroup(flow, 'whatif:ui-approval', whatIfTab, 'Setpoint approval', 3, 8);
  const form = uiTemplate(flow, 'whatif:form', tab, 1, 8, formGroup, 1, 'what-if form',
    whatIfFormTemplate(DEFAULT_COOLING.map((c) => c.name), DEFAULT_CURRENT_COOLING), { width: 8, height: 10 });
  flow.wire(form, scenario);
  // Results, refusals (output 3) and the models' data meet in one state, so a later browser sees all of it.
  const panel = flow.placeFunction('whatif:panel-state', tab, 3, 9, 'results, refusal, models', WHATIF_STATE_CODE);
  const result = uiTemplate(flow, 'whatif:result', tab, 3, 8, resultGroup, 1, 'what-if result', WHATIF_RESULT_TEMPLATE, { width: 16, height: 26 });
  flow.wire(scenario, panel, 0);
  flow.wire(scenario, panel, 2);
  flow.wire(form, panel);
  flow.wire(panel, result);
  const approval = uiTemplate(flow, 'whatif:approval', tab, 4, 8, approvalGroup, 1, 'setpoint approval', APPROVAL_TEMPLATE, { width: 8, height: 8 });
  const board = flow.placeFunction('whatif:setpoint-board', tab, 4, 6, 'state + audits', SETPOINT_BOARD_CODE);
  flow.wire(setpoint, board, 2);
  flow.wire(setpoint, board, 1);
  flow.wire(board, approval);
  flow.wire(approval, setpoint);
  // A request the twin cannot answer (a malformed one) is explained on the result panel, beside the last results.
  const failed = flow.place('whatif:catch', tab, 2, 9, { type: 'catch', name: 'what-if not answered', scope: [scenario], uncaught: false, outputs: 1 });
  flow.wire(failed, panel);

  kpis(flow, tab, inputs, buffer, decisions);
}

/** The approved setpoint goes to the PLC both ways it can be reached: node-red-contrib-opcua and node-red-contrib-modbus. */
function plcWrites(flow: FlowBuilder, tab: string, setpoint: string, inputs: PrescribeInputs): void {
  const route = flow.place('prescribe:route', tab, 4, 3, { type: 'switch', name: 'by protocol', property: 'protocol', propertyType: 'msg', checkall: 'false',
    repair: false, rules: [{ t: 'eq', v: 'opcua', vt: 'str' }, { t: 'eq', v: 'modbus', vt: 'str' }], outputs: 2 });
  flow.wire(setpoint, route, 0);
  const opcua = flow.place('prescribe:opcua-write', tab, 5, 3, {
    type: 'OpcUa-Client', name: 'write spindle setpoint', endpoint: inputs.opcuaEndpoint, action: 'write', deadbandtype: 'a', deadbandvalue: 1, time: 1,
    timeUnit: 's', certificate: 'n', localfile: '', localkeyfile: '', securitymode: 'None', securitypolicy: 'None', useTransport: false, maxChunkCount: 1,
    maxMessageSize: 8192, receiveBufferSize: 8192, sendBufferSize: 8192, setstatusandtime: false, keepsessionalive: true, applicationName: '', applicationUri: '',
    outputs: 3,
  });
  const modbus = flow.place('prescribe:modbus-write', tab, 5, 4, { type: 'modbus-flex-write', name: 'write spindle setpoint', server: inputs.modbusClient,
    showStatusActivities: false, showErrors: true, showWarnings: true, emptyMsgOnFail: false, keepMsgProperties: false, delayOnStart: false, startDelayTime: '', outputs: 2 });
  flow.wire(route, opcua, 0);
  flow.wire(route, modbus, 1);
}

function kpis(flow: FlowBuilder, tab: string, inputs: PrescribeInputs, buffer: string, decisions: string): void {
  const kpiTab = uiTab(flow, 'kpi:ui-tab', 'KPIs & ROI', TAB_ORDER.kpis, 'fa-line-chart');
  const group = uiGroup(flow, 'kpi:ui-group', kpiTab, 'OEE, downtime, MTTR, energy and savings (last 24 h)', 1, FULL_WIDTH);
  const table = uiTemplate(flow, 'kpi:table', tab, 4, 12, group, 1, 'KPIs and savings', KPI_TEMPLATE, { width: FULL_WIDTH, height: 12 });
  const board = flow.placeFunction('kpi:board', tab, 3, 11, 'every asset\'s KPIs', KPI_BOARD_CODE);
  flow.wire(board, table);
  const savings = flow.place('kpi:savings-inject', tab, 1, 14, { type: 'inject', name: 'savings every minute', props: [{ p: 'topic', vt: 'str' }], topic: 'savings',
    repeat: '60', crontab: '', once: true, onceDelay: '90' });
  inputs.assets.forEach((a, i) => {
    const source = flow.placeLinkIn(`kpi:${a.asset.id}:readings`, tab, 1, 12 + i, `${a.asset.id} readings`);
    flow.linkFrom(source, a.readings, 0);
    const counters = a.asset.sensors.some((s) => s.id === 'partCount');
    const kpi = flow.place(`kpi:${a.asset.id}`, tab, 2, 12 + i, { type: 'twin-kpi', name: '', asset: a.config, stateSensor: 'state',
      partsSensor: counters ? 'partCount' : '', goodSensor: counters ? 'goodCount' : '', scrapSensor: counters ? 'scrapCount' : '', powerSensor: 'motorPower',
      idealCycleTimeS: '', schedule: '', timeZone: '', idle: 'planned-stop', maxGapMinutes: '10', bucketMinutes: '60', rollingHours: '24', keepDays: '7',
      reportS: '30', ...KPI_COSTS, ...KPI_BASELINE, ...(counters ? KPI_BASELINE_PARTS : {}), outputs: 2 });
    flow.wire(source, kpi);
    flow.wire(decisions, kpi);
    flow.wire(savings, kpi);
    flow.wire(kpi, buffer, 0);
    flow.wire(kpi, board, 0);
    flow.wire(kpi, board, 1);
  });
}
