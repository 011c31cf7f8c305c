import { MACHINE_STATE } from '../../lib/asset/presets';
import { STATE_LABELS } from '../../lib/machine-state/machine-state';
import { STATE_STYLE } from './condition-widgets';

/** The state code of a machine that has stopped on a failure. */
const MACHINE_DOWN = MACHINE_STATE.down;

/**
 * Dashboard widgets and function-node code of the predictive-maintenance part of the reference flow: the fleet
 * overview, the work-order list, the failure confirmation form and the model registry. Templates take the pack's
 * messages as they are; the little code in between is commented for the integrators who extend it.
 */

/** CRITICAL and WARNING in colour, NORMAL in the neutral grey (ISA-101: colour only where something needs attention). */
export const LEVEL_STYLE = `.twin-level { display: inline-block; min-width: 74px; text-align: center; padding: 2px 8px; border-radius: 4px; color: #fff; font-weight: bold; }
.twin-level-CRITICAL { background: #ca3838; } .twin-level-WARNING { background: #e6a800; } .twin-level-NORMAL { background: #e0e0e0; color: #333; font-weight: normal; }`;

export const TABLE_STYLE = (cls: string) => `.${cls} table { width: 100%; border-collapse: collapse; }
.${cls} th, .${cls} td { text-align: left; padding: 4px 6px; border-bottom: 1px solid rgba(128,128,128,0.3); vertical-align: top; }
.${cls} td.num { text-align: right; font-variant-numeric: tabular-nums; }
.${cls} .none { padding: 8px; opacity: 0.7; }`;

/** A template expression naming a machine state as lib/machine-state does. */
export function stateWord(expression: string): string {
  return `{{(${JSON.stringify(STATE_LABELS).replace(/"/g, "'")})[${expression}] || ${expression}}}`;
}

/**
 * twin-rul batches → the RUL, lower and upper series of each asset's trend chart, one output per asset, then one per
 * asset's state line above its chart. A held estimate (machine not running) adds no point: the trend stops where
 * the machine did, and the state line says why and since when.
 */
export function rulChartPointsCode(assets: string[]): string {
  return `// One output per asset chart (the estimate and its interval as three series), then one per asset's state line.
const assets = ${JSON.stringify(assets)};
const out = assets.map(() => []);
const states = assets.map(() => null);
for (const e of msg.payload) {
    const i = assets.indexOf(e.asset);
    if (i < 0) continue;
    states[i] = { topic: 'rul-state', payload: e };
    if (e.held) continue;
    out[i].push({ topic: 'RUL', payload: e.rulHours, timestamp: e.ts });
    if (typeof e.lowerHours === 'number') out[i].push({ topic: 'lower', payload: e.lowerHours, timestamp: e.ts }, { topic: 'upper', payload: e.upperHours, timestamp: e.ts });
}
return [...out, ...states];`;
}

/** The line above an asset's RUL trend: the newest estimate, or the machine's state and the estimate held. */
export const RUL_STATE_TEMPLATE = `<style>
${STATE_STYLE}
</style>
<div class="twin-rul-state">
  <div ng-if="!msg.payload">Waiting for the first remaining-life estimate…</div>
  <div ng-if="msg.payload && msg.payload.held" class="twin-machine-state state-{{msg.payload.held.state}}">${stateWord('msg.payload.held.state')}
    since {{msg.payload.held.since | date:'dd MMM HH:mm:ss'}} · last valid estimate {{msg.payload.capped ? '≥ ' : ''}}{{msg.payload.rulHours | number:0}} h
    at {{msg.payload.ts | date:'HH:mm:ss'}}, held</div>
  <div ng-if="msg.payload && !msg.payload.held">Running · {{msg.payload.capped ? '≥ ' : ''}}{{msg.payload.rulHours | number:0}} h at {{msg.payload.ts | date:'HH:mm:ss'}}</div>
</div>`;

/** Asks the historian for the last hour of each asset's RUL trend, so the charts survive a restart. */
export function rulHistoryCode(assets: string[]): string {
  return `// Last hour of remaining-life estimates for each asset's chart.
const to = Date.now();
return [${JSON.stringify(assets)}.map((asset) => ({ topic: 'rul-history', asset, payload: { rul: asset, from: to - 3600 * 1000, to } }))];`;
}

/**
 * Open work orders with Acknowledge and Complete buttons; each sends a work-order update for the historian, in the
 * name of the logged-in user (a twin-user node after the template puts it in).
 */
export const WORK_ORDERS_TEMPLATE = `<style>
${TABLE_STYLE('twin-orders')}
${LEVEL_STYLE}
.twin-orders td.id { white-space: nowrap; }
.twin-orders td.actions { white-space: nowrap; text-align: right; }
.twin-orders td.actions .md-button { margin: 0 0 0 6px; vertical-align: top; }
</style>
<div class="twin-orders">
  <div class="none" ng-if="!msg.payload || msg.payload.length === 0">No open work orders</div>
  <table ng-if="msg.payload && msg.payload.length > 0">
    <tr><th>Opened</th><th>Asset</th><th>Level</th><th>State</th><th>Work order</th><th></th></tr>
    <tr ng-repeat="w in msg.payload track by w.id" class="twin-order-row">
      <td class="id">{{w.openedAt | date:'dd MMM HH:mm'}}</td>
      <td class="id">{{w.asset}}</td>
      <td><span class="twin-level twin-level-{{w.level}}">{{w.level}}</span></td>
      <td>{{w.state}}<span ng-if="w.acknowledgedBy"> by {{w.acknowledgedBy}}</span></td>
      <td>{{w.message}}</td>
      <td class="actions">
        <md-button class="md-raised" ng-if="w.state === 'open'" ng-click="act(w, 'acknowledge')">Acknowledge</md-button>
        <md-button class="md-raised" ng-click="act(w, 'complete')">Complete</md-button>
      </td>
    </tr>
  </table>
</div>
<script>
(function (scope) {
  // A script, not the template: template expressions cannot reach Date.
  scope.act = function (w, action) {
    scope.send({ topic: 'work-order', payload: { kind: 'work-order', id: w.id, asset: w.asset, action: action, ts: Date.now(),
      note: action === 'complete' ? 'completed from the dashboard' : undefined } });
  };
})(scope);
</script>`;

/** What a toast says once a work-order action is on its way to the historian (a JSONata expression of a change node). */
export const WORK_ORDER_DONE_TEXT = "(payload.action = 'complete' ? 'Completed' : 'Acknowledged') & ' work order ' & payload.id & ' (' & payload.asset & ') as ' & payload.by";

/** The form maintenance fills in after an inspection: a confirmed failure or a false alarm. */
export function failureFormTemplate(assets: Array<{ id: string; name: string; component: string }>): string {
  return `<style>
.twin-confirm .row { display: flex; align-items: center; margin: 4px 0; }
.twin-confirm label { width: 120px; }
.twin-confirm input, .twin-confirm select, .twin-confirm textarea { flex: 1; }
.twin-confirm .error { color: #ca3838; }
.twin-confirm .done { border-left: 6px solid #2e7d32; padding: 4px 8px; margin: 4px 0; }
</style>
<div class="twin-confirm">
  <div class="row"><label>Asset</label><select ng-model="f.asset" ng-change="chooseAsset()" ng-options="a.id as a.name for a in assets"></select></div>
  <div class="row"><label>Component</label><input type="text" ng-model="f.component"></div>
  <div class="row"><label>Outcome</label><select ng-model="f.outcome">
    <option value="failure">Failure confirmed</option><option value="false-alarm">False alarm (inspected, sound)</option></select></div>
  <div class="row"><label>When</label><input type="datetime-local" step="1" ng-model="f.when"></div>
  <div class="row" ng-if="stoppedAt"><label></label><span>{{f.asset}} went down at {{stoppedAt | date:'dd MMM HH:mm:ss'}} (its state history)</span></div>
  <div class="row"><label>Work order</label><select ng-model="f.workOrderId" ng-options="w.id as (w.asset + ' · ' + w.level + ' · ' + (w.openedAt | date:'dd MMM HH:mm')) for w in orders | filter:{asset: f.asset}">
    <option value="">none</option></select></div>
  <div class="row"><label>Notes</label><textarea rows="2" ng-model="f.notes"></textarea></div>
  <div class="row"><label></label><md-button class="md-raised md-primary" ng-click="submit()">Record</md-button>
    <span class="error" ng-if="problem">{{problem}}</span></div>
  <div class="done" ng-if="recorded">Recorded: {{recorded.outcome === 'failure' ? 'failure' : 'false alarm'}} of {{recorded.asset}} ({{recorded.component}})
    at {{recorded.failedAt | date:'dd MMM HH:mm:ss'}}, confirmed by {{recorded.confirmedBy}}<span ng-if="recorded.workOrderId">; work order {{recorded.workOrderId}} completed</span>.</div>
  <div class="row" ng-if="!recorded || problem"><label></label><span class="model">Recorded in the name of the user logged in to the dashboard.</span></div>
</div>
<script>
(function (scope) {
  scope.assets = ${JSON.stringify(assets.map((a) => ({ id: a.id, name: a.name })))};
  scope.components = ${JSON.stringify(Object.fromEntries(assets.map((a) => [a.id, a.component])))};
  scope.orders = [];
  var fresh = function () {
    var when = new Date();
    when.setSeconds(0, 0);
    return { asset: scope.assets[0].id, component: scope.components[scope.assets[0].id], outcome: 'failure', when: when, notes: '', workOrderId: '' };
  };
  // A failure's time matters: the retrain counts each machine life down to it. The machine's own state history says
  // when it went down, so that time is proposed instead of the moment the form is filled in.
  var askStoppedSince = function () {
    scope.send({ topic: 'stopped-since', payload: { heldSince: scope.f.asset, sensor: 'state', value: ${MACHINE_DOWN} } });
  };
  // The confirmation answers the asset's open work order: the newest one is proposed.
  var proposeOrder = function () {
    var open = scope.orders.filter(function (w) { return w.asset === scope.f.asset; });
    if (!open.some(function (w) { return w.id === scope.f.workOrderId; })) scope.f.workOrderId = open.length > 0 ? open[0].id : '';
  };
  scope.chooseAsset = function () {
    scope.f.component = scope.components[scope.f.asset];
    scope.stoppedAt = null;
    proposeOrder();
    askStoppedSince();
  };
  scope.f = fresh();
  scope.$watch('msg', function (msg) {
    if (!msg) return;
    if (msg.topic === 'orders') {
      scope.orders = msg.payload || [];
      proposeOrder();
      // The machine may have gone down since the form was opened: ask again with each refresh until it is known.
      if (!scope.stoppedAt) askStoppedSince();
    }
    if (msg.topic === 'recorded') { scope.recorded = msg.payload; scope.f = fresh(); scope.problem = ''; scope.chooseAsset(); }
    if (msg.topic === 'refused') { scope.recorded = null; scope.problem = msg.payload; }
    if (msg.topic === 'stopped-since' && msg.payload && msg.payload.asset === scope.f.asset && msg.payload.since) {
      scope.stoppedAt = msg.payload.since;
      scope.f.when = new Date(msg.payload.since);
    }
  });
  scope.chooseAsset();
  scope.submit = function () {
    scope.recorded = null;
    if (!scope.f.when || isNaN(new Date(scope.f.when).getTime())) { scope.problem = 'say when it happened'; return; }
    scope.send({ topic: 'failure-event', payload: { asset: scope.f.asset, component: scope.f.component, outcome: scope.f.outcome,
      failedAt: new Date(scope.f.when).getTime(), notes: scope.f.notes, workOrderId: scope.f.workOrderId || undefined } });
  };
})(scope);
</script>`;
}

/**
 * The form's entry → a failure event for the historian, checked here so a bad entry is explained on the dashboard.
 * `confirmedBy` is the logged-in user, put in by the twin-user node before this one.
 */
export const FAILURE_EVENT_CODE = `// Turns the form's entry into a failure event (the retrain's ground truth), or explains what is wrong with it.
const f = msg.payload || {};
const now = Date.now();
const problem = !f.asset ? 'choose the asset' : !f.confirmedBy ? 'no user: log in to the dashboard'
    : !(f.failedAt > 0) ? 'say when it happened' : f.failedAt > now + 60000 ? 'the time lies in the future' : '';
if (problem) return [null, { topic: 'refused', payload: problem }];
const event = { kind: 'failure-event', id: f.asset + ':' + f.outcome + ':' + f.failedAt, asset: f.asset, component: f.component || 'unspecified',
    outcome: f.outcome === 'false-alarm' ? 'false-alarm' : 'failure', failedAt: f.failedAt, confirmedBy: f.confirmedBy, notes: f.notes || '',
    workOrderId: f.workOrderId, ts: now };
const out = [{ topic: 'failure-event', payload: event }, { topic: 'recorded', payload: event }];
// A confirmation settles the work order it answers.
if (f.workOrderId) out[0] = [out[0], { topic: 'work-order', payload: { kind: 'work-order', id: f.workOrderId, asset: f.asset, action: 'complete',
    by: f.confirmedBy, ts: now, note: event.outcome === 'failure' ? 'failure confirmed: ' + event.component : 'false alarm: inspected, sound' } }];
return out;`;

/** The registry list and what the newest retrain said, kept together so the panel is whole after a page reload. */
export const MODELS_BOARD_CODE = `// The model registry (query results) and the retrain's progress, result or error, for the models panel.
const board = context.get('board') || { models: [], progress: '' };
if (msg.topic === 'models') board.models = msg.payload || [];
else if (msg.topic === 'retrain/progress') board.progress = msg.payload.text;
else if (msg.topic === 'retrain') board.progress = (msg.payload.promoted ? 'promoted ' + msg.payload.version + ': ' : 'kept the model in use: ') + msg.payload.reason;
else if (msg.topic === 'retrain/error') board.progress = 'retrain failed: ' + msg.payload;
context.set('board', board);
return { topic: 'models-board', payload: board };`;

/** The model registry, newest first, with the retrain button and the retrain's progress. */
export const MODELS_TEMPLATE = `<style>
${TABLE_STYLE('twin-models')}
.twin-models .promoted td:first-child { border-left: 6px solid #2e7d32; }
.twin-models .rejected td:first-child { border-left: 6px solid #888; }
.twin-models .progress { margin: 6px 0; opacity: 0.85; }
</style>
<div class="twin-models">
  <md-button class="md-raised md-primary" ng-click="send({topic: 'retrain', payload: {}})">Retrain now</md-button>
  <span class="progress" ng-if="progress">{{progress}}</span>
  <table ng-if="models.length > 0">
    <tr><th>Version</th><th>Status</th><th>Trained</th><th>Held-out RMSE</th><th>vs. model in use</th><th>Interval coverage</th><th>Note</th></tr>
    <tr ng-repeat="m in models track by m.version" ng-class="m.status" class="twin-model-row">
      <td>{{m.version}}</td><td>{{m.status}}</td><td>{{m.createdAt | date:'dd MMM HH:mm'}}</td>
      <td class="num">{{m.metrics.candidateRmse === undefined ? (m.metrics.validationRmse | number:1) : (m.metrics.candidateRmse | number:1)}} h</td>
      <td class="num"><span ng-if="m.metrics.currentRmse !== undefined">{{m.metrics.currentRmse | number:1}} h ({{m.metrics.comparedWith}})</span></td>
      <td class="num"><span ng-if="m.metrics.coverage !== undefined && m.metrics.coverage !== null">{{m.metrics.coverage * 100 | number:0}} %</span></td>
      <td>{{m.note}}</td>
    </tr>
  </table>
</div>
<script>
(function (scope) {
  scope.models = [];
  scope.$watch('msg', function (msg) {
    if (!msg || msg.topic !== 'models-board') return;
    scope.models = msg.payload.models;
    scope.progress = msg.payload.progress;
  });
})(scope);
</script>`;
