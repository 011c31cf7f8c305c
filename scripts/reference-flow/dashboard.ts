import type { FlowBuilder } from './builder';

/**
 * node-red-dashboard (v1) widgets of the reference flow. Kept apart from the twin's processing nodes so a
 * @flowfuse/node-red-dashboard (2.0) set can be added beside it later without touching the pipeline.
 */

const CHART_COLOURS = ['#1F77B4', '#FF7F0E', '#2CA02C', '#D62728', '#9467BD', '#8C564B', '#E377C2', '#7F7F7F', '#BCBD22'];

/**
 * Where each dashboard tab sits in the menu (node-red-dashboard sorts by it; 0 would mean "unordered"). The
 * Sparkplug example's "Fleet of sites" comes after the reference flow's tabs, so both can run in one Node-RED.
 */
export const TAB_ORDER = { fleet: 1, spindle: 2, pump: 3, whatIf: 4, maintenance: 5, kpis: 6, alarms: 7, trends: 8, machine: 9, fleetOfSites: 10 } as const;

/**
 * The widest a group may be, in dashboard units (48 px and a 6 px gap each): 22 units take 1,182 px, which leaves a
 * 1280-px window room for its scroll bar and the card margins; 24 would run past its right edge.
 */
export const FULL_WIDTH = 22;

export function uiTab(flow: FlowBuilder, key: string, name: string, order: number, icon: string): string {
  return flow.add(key, { type: 'ui_tab', name, icon, order, disabled: false, hidden: false });
}

export function uiGroup(flow: FlowBuilder, key: string, tab: string, name: string, order: number, width: number): string {
  return flow.add(key, { type: 'ui_group', name, tab, order, disp: true, width: String(width), collapse: false, className: '' });
}

export interface GaugeSpec {
  title: string;
  unit: string;
  min: number;
  max: number;
  /** Warning and alarm limits colour the gauge segments. */
  warning?: number;
  alarm?: number;
  decimals: number;
}

/**
 * node-red-dashboard sends a gauge's or text's msg properties to the browser only where its format names them. This
 * names msg.ts and shows nothing: the page then ages the value, replayed to it on opening too, by its reading's time.
 */
const READING_TIME = "{{msg.ts ? '' : ''}}";

export function uiGauge(flow: FlowBuilder, key: string, tab: string, column: number, row: number, group: string, order: number, spec: GaugeSpec,
  freshness: string): string {
  return flow.place(key, tab, column, row, {
    type: 'ui_gauge', name: spec.title, group, order, width: 3, height: 3, gtype: 'gage', title: spec.title,
    label: spec.unit, format: `{{value | number:${spec.decimals}}}${READING_TIME}`, min: spec.min, max: spec.max,
    // Green/amber/red only where the sensor has limits; a plain measurement gets one neutral colour.
    colors: spec.warning === undefined ? ['#2b83ba', '#2b83ba', '#2b83ba'] : ['#00b500', '#e6a800', '#ca3838'],
    seg1: spec.warning === undefined ? '' : String(spec.warning), seg2: spec.alarm === undefined ? '' : String(spec.alarm),
    diff: false, className: freshness, outputs: 0,
  });
}

export function uiText(flow: FlowBuilder, key: string, tab: string, column: number, row: number, group: string, order: number, label: string, format: string,
  freshness: string): string {
  return flow.place(key, tab, column, row, {
    type: 'ui_text', name: label, group, order, width: 6, height: 1, label, format: `${format}${READING_TIME}`, layout: 'row-spread',
    className: freshness, style: false, font: '', fontSize: '', color: '#000000', outputs: 0,
  });
}

export function uiChart(flow: FlowBuilder, key: string, tab: string, column: number, row: number, group: string, order: number, label: string, unit: string,
  freshness: string): string {
  return flow.place(key, tab, column, row, {
    type: 'ui_chart', name: label, group, order, width: 12, height: 5, label: `${label} (${unit})`, chartType: 'line',
    legend: 'true', xformat: 'HH:mm', interpolate: 'linear', nodata: 'waiting for data', dot: false, ymin: '', ymax: '',
    removeOlder: 1, removeOlderPoints: '', removeOlderUnit: '3600', cutout: 0, useOneColor: false, useUTC: false,
    colors: CHART_COLOURS, outputs: 1, useDifferentColor: false, className: freshness,
  });
}

export function uiTemplate(flow: FlowBuilder, key: string, tab: string, column: number, row: number, group: string, order: number, name: string, html: string,
  size: { width: number; height: number } = { width: 12, height: 6 }, className = ''): string {
  return flow.place(key, tab, column, row, {
    type: 'ui_template', name, group, order, width: size.width, height: size.height, format: html, storeOutMessages: true,
    fwdInMessages: false, resendOnRefresh: true, templateScope: 'local', className, outputs: 1,
  });
}

/** The colours of abnormal states (ISA-101: colour only where something needs attention), and the neutral grey. */
export const ATTENTION_COLOUR = { high: '#ca3838', medium: '#e6a800', neutral: '#9e9e9e' } as const;

/**
 * The colour of an alert's or an urgency's pop-up from its level (a JSONata expression on the message before its text
 * replaces the payload): twin-threshold's alarm and twin-urgency's CRITICAL red, their warnings amber, the rest grey.
 */
export const TOAST_COLOUR_BY_LEVEL = `payload.level in ['alarm', 'CRITICAL'] ? '${ATTENTION_COLOUR.high}' : payload.level in ['warning', 'WARNING'] ? '${ATTENTION_COLOUR.medium}' : '${ATTENTION_COLOUR.neutral}'`;

/**
 * A pop-up at the top right, below the page's title bar (see the head's style). Its border (drawn by the dashboard in the
 * highlight colour, see the head's style) is the neutral grey unless `byLevel`: then each message brings its own
 * colour in msg.highlight (TOAST_COLOUR_BY_LEVEL), which the dashboard uses only when the node names none.
 */
export function uiToast(flow: FlowBuilder, key: string, tab: string, column: number, row: number, name: string, byLevel = false): string {
  return flow.place(key, tab, column, row, {
    type: 'ui_toast', name, position: 'top right', displayTime: '6', highlight: byLevel ? '' : ATTENTION_COLOUR.neutral, sendall: true, outputs: 0,
    ok: 'OK', cancel: '', raw: false, className: '', topic: '',
  });
}

/**
 * Alert list with acknowledge buttons; fed with twin-threshold's active-alert list, sends acks back to it. Who
 * acknowledges is the dashboard user twin-threshold finds from the message's session.
 */
export const ALERT_LIST_TEMPLATE = `<style>
.twin-alerts table { width: 100%; border-collapse: collapse; }
.twin-alerts th, .twin-alerts td { text-align: left; padding: 4px 6px; border-bottom: 1px solid rgba(128,128,128,0.3); }
.twin-alerts .alarm td:first-child { border-left: 6px solid #ca3838; }
.twin-alerts .warning td:first-child { border-left: 6px solid #e6a800; }
.twin-alerts .stale td:first-child { border-left: 6px solid #888; }
.twin-alerts .none { padding: 8px; opacity: 0.7; }
</style>
<div class="twin-alerts">
  <div class="none" ng-if="!msg.payload || msg.payload.length === 0">No active alerts</div>
  <table ng-if="msg.payload && msg.payload.length > 0">
    <tr><th>Since</th><th>Sensor</th><th>Level</th><th>Value</th><th>Message</th><th></th></tr>
    <tr ng-repeat="a in msg.payload track by a.id" ng-class="a.level">
      <td>{{a.ts | date:'dd MMM HH:mm:ss'}}</td>
      <td>{{a.sensor}}</td>
      <td>{{a.level}}</td>
      <td>{{a.value | number:2}} {{a.unit}}</td>
      <td>{{a.message}}</td>
      <td>
        <md-button class="md-raised" ng-if="a.state !== 'acknowledged'" ng-click="send({topic: 'ack', payload: {id: a.id}})">Acknowledge</md-button>
        <span ng-if="a.state === 'acknowledged'">acknowledged by {{a.acknowledgedBy}}</span>
      </td>
    </tr>
  </table>
</div>`;
