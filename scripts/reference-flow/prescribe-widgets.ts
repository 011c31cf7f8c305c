/**
 * Dashboard widgets of the prescriptive part of the reference flow: the what-if form and its results (table,
 * change chart, grid ranking and Pareto front), the setpoint approval panel, and the KPI and savings panel. Each
 * takes the pack's messages as they are: ScenarioReport from twin-scenario, the state of twin-setpoint, KPI records
 * and savings reports of twin-kpi.
 */

const TABLE_STYLE = (cls: string) => `.${cls} table { width: 100%; border-collapse: collapse; }
.${cls} th, .${cls} td { text-align: left; padding: 3px 6px; border-bottom: 1px solid rgba(128,128,128,0.3); vertical-align: top; }
.${cls} td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.${cls} .model { font-size: 11px; opacity: 0.7; }
.${cls} .none { padding: 8px; opacity: 0.7; }`;

/**
 * The what-if inputs. Only a speed change is a PLC setpoint here, so "Apply" proposes the speed alone; who applies is
 * the user logged in to the dashboard, taken from the session by twin-scenario and twin-setpoint, never typed in.
 */
export function whatIfFormTemplate(coolingNames: string[], currentCooling: string): string {
  return `<style>
.twin-whatif-form .row { display: flex; align-items: center; margin: 3px 0; }
.twin-whatif-form label { width: 150px; }
.twin-whatif-form input[type=range] { flex: 1; }
.twin-whatif-form .value { width: 70px; text-align: right; font-variant-numeric: tabular-nums; }
.twin-whatif-form select, .twin-whatif-form input[type=text], .twin-whatif-form input[type=number] { flex: 1; }
.twin-whatif-form .actions { flex-wrap: wrap; align-items: flex-start; gap: 6px; margin-top: 8px; }
.twin-whatif-form .actions .md-button { flex: 0 0 auto; margin: 0; }
</style>
<div class="twin-whatif-form">
  <div class="row"><label>Spindle speed</label><input type="range" min="-30" max="30" step="1" ng-model="c.speedPercent"><span class="value">{{c.speedPercent > 0 ? '+' : ''}}{{c.speedPercent}} %</span></div>
  <div class="row"><label>Feed (load)</label><input type="range" min="-30" max="30" step="1" ng-model="c.feedPercent"><span class="value">{{c.feedPercent > 0 ? '+' : ''}}{{c.feedPercent}} %</span></div>
  <div class="row"><label>Cooling</label><select ng-model="c.cooling" ng-options="n for n in coolings"></select></div>
  <div class="row"><label>Coolant flow</label><input type="range" min="-50" max="100" step="5" ng-model="c.coolantFlowPercent"><span class="value">{{c.coolantFlowPercent > 0 ? '+' : ''}}{{c.coolantFlowPercent}} %</span></div>
  <div class="row"><label>Ambient</label><input type="number" ng-model="c.ambientC" placeholder="today's"><span class="value">°C</span></div>
  <div class="row"><label>Duty cycle</label><input type="range" min="-50" max="50" step="5" ng-model="c.dutyCyclePercent"><span class="value">{{c.dutyCyclePercent > 0 ? '+' : ''}}{{c.dutyCyclePercent}} %</span></div>
  <div class="row actions">
    <md-button class="md-raised md-primary" ng-click="send({topic: 'scenario', payload: {changes: changes()}})">Evaluate</md-button>
    <md-button class="md-raised" ng-click="send({topic: 'scenario', payload: {grid: {cooling: 'all', speedPercent: [-10, 0, 5, 10, 15]}}})">Grid: cooling × speed</md-button>
    <md-button class="md-raised md-warn" ng-disabled="!c.speedPercent" ng-click="send({topic: 'apply', payload: {changes: {speedPercent: c.speedPercent}}})">Apply {{c.speedPercent > 0 ? '+' : ''}}{{c.speedPercent}} % speed</md-button>
    <md-button class="md-raised" ng-click="send({topic: 'identify'})">Identify the models again</md-button>
  </div>
</div>
<script>
(function (scope) {
  scope.coolings = ${JSON.stringify(coolingNames)};
  scope.c = scope.c || { speedPercent: 15, feedPercent: 0, cooling: ${JSON.stringify(currentCooling)}, coolantFlowPercent: 0, ambientC: null, dutyCyclePercent: 0 };
  scope.changes = function () {
    var c = scope.c, out = {};
    ['speedPercent', 'feedPercent', 'coolantFlowPercent', 'dutyCyclePercent'].forEach(function (k) { if (Number(c[k])) out[k] = Number(c[k]); });
    if (c.cooling !== ${JSON.stringify(currentCooling)}) out.cooling = c.cooling;
    if (c.ambientC !== null && c.ambientC !== undefined && c.ambientC !== '') out.ambientC = Number(c.ambientC);
    return out;
  };
})(scope);
</script>`;
}

/**
 * What the What-if result panel shows, kept as one state so a browser that connects later (the dashboard replays a
 * template's last message) sees the last evaluated table, the models' data and any refusal, never an empty panel or
 * a message left over from before. A refusal (twin-scenario's output 3, or a request it could not answer, from the
 * catch node) goes beside the results, which stay; the operator's next action on the form clears it.
 */
export const WHATIF_STATE_CODE = `var state = context.get('state') || { report: null, models: null, refusal: null };
if (msg.topic === 'scenario' || msg.topic === 'apply' || msg.topic === 'identify') {
  if (!state.refusal) return null;
  state.refusal = null;
} else if (typeof msg.refusal === 'string') {
  state.refusal = { text: msg.refusal, at: Date.now() };
} else if (msg.error) {
  state.refusal = { text: 'Not evaluated: ' + msg.error.message, at: Date.now() };
} else if (msg.payload && Array.isArray(msg.payload.scenarios)) {
  state.report = msg.payload;
  state.models = msg.payload.models;
} else if (msg.payload && typeof msg.payload.asset === 'string' && msg.payload.thermal) {
  state.models = msg.payload;
} else {
  return null;
}
context.set('state', state);
return { topic: 'whatif', payload: state };`;

/**
 * One scenario against today, the change of each figure as a bar, or a grid's ranking and Pareto front; a refusal
 * beside them; and the data behind each model (window, readings used, left out and why).
 */
export const WHATIF_RESULT_TEMPLATE = `<style>
${TABLE_STYLE('twin-whatif')}
.twin-whatif .flag { border-left: 6px solid #ca3838; padding: 4px 8px; margin: 4px 0; }
.twin-whatif .warn { border-left: 6px solid #e6a800; padding: 4px 8px; margin: 4px 0; }
.twin-whatif .ok { border-left: 6px solid #2e7d32; padding: 4px 8px; margin: 4px 0; }
.twin-whatif svg text { font-size: 11px; fill: currentColor; }
.twin-whatif h4 { margin: 10px 0 2px 0; font-size: 14px; }
</style>
<div class="twin-whatif">
  <div class="flag twin-whatif-refusal" ng-if="refusal">{{refusal.at | date:'HH:mm:ss'}} {{refusal.text}}<span ng-if="report"> · the results below are the last evaluation</span></div>
  <div class="none" ng-if="!report">Evaluate a scenario on the left.</div>
  <div ng-if="report">
    <div class="warn" ng-repeat="w in report.warnings">{{w}}</div>
    <div class="warn" ng-repeat="m in missing">{{m}}</div>
    <div ng-if="single">
      <div ng-class="single.feasible ? 'ok' : 'flag'"><b>{{single.label}}</b>:
        <span ng-if="single.feasible">within every limit</span>
        <span ng-repeat="v in single.violations">{{v.reason}}{{$last ? '' : '; '}}</span></div>
      <table>
        <tr><th>Figure</th><th>Today</th><th>Scenario</th><th>Change</th><th>Model</th></tr>
        <tr ng-repeat="r in rows" class="twin-whatif-row">
          <td>{{r.label}}</td>
          <td class="num">{{show(r.today)}}</td>
          <td class="num">{{show(r.scenario)}}</td>
          <td class="num">{{show(r.change)}}</td>
          <td class="model">{{r.scenario.value === null ? r.scenario.unavailable : r.scenario.model}}</td>
        </tr>
      </table>
      <div class="twin-whatif-example" ng-if="single.roi.exampleCosts" style="border-left: 6px solid #e6a800; padding: 2px 8px; margin: 4px 0">
        ROI priced with example costs: enter the plant's own in the twin-scenario node (Costs).</div>
      <div class="model twin-whatif-roi-terms">ROI terms per year: <span ng-repeat="t in roiTerms">{{t.name}} {{t.figure.value === null ? 'unknown' : show(t.figure)}}{{$last ? '' : ' · '}}</span></div>
      <div class="model">Change against today, green where it helps</div>
      <svg ng-attr-view_box="0 0 640 {{20 + 22 * bars.length}}" style="width:100%; max-height:280px">
        <line x1="420" y1="6" x2="420" ng-attr-y2="{{10 + 22 * bars.length}}" stroke="currentColor" stroke-opacity="0.5"/>
        <g ng-repeat="b in bars">
          <text x="4" ng-attr-y="{{22 + 22 * $index}}">{{b.label}}</text>
          <rect ng-attr-x="{{b.value >= 0 ? 420 : 420 - b.width}}" ng-attr-y="{{10 + 22 * $index}}" ng-attr-width="{{b.width}}" height="16" ng-attr-fill="{{b.good ? '#2e7d32' : '#ca3838'}}" fill-opacity="0.75"/>
          <text ng-attr-x="{{b.value >= 0 ? 424 + b.width : 416 - b.width}}" ng-attr-y="{{22 + 22 * $index}}" ng-attr-text-anchor="{{b.value >= 0 ? 'start' : 'end'}}">{{b.value > 0 ? '+' : ''}}{{b.value | number:1}} %</text>
        </g>
      </svg>
    </div>
    <div ng-if="!single">
      <div>{{report.scenarios.length}} scenarios in {{report.evaluationMs | number:0}} ms; {{report.flagged.length}} flagged beyond a limit, never ranked. Ranked by {{report.objective}}; the Pareto front ({{report.pareto.objectives.join(', ')}}) is marked ★.</div>
      <table>
        <tr><th>#</th><th>Scenario</th><th>{{report.objective}}</th><th>Throughput</th><th>Energy / part</th><th>Bearing life</th><th>Zone</th></tr>
        <tr ng-repeat="e in report.ranking | limitTo:12" class="twin-rank-row">
          <td>{{$index + 1}}</td><td>{{pareto[e.id] ? '★ ' : ''}}{{e.label}}</td><td class="num">{{e.value | number:0}} {{e.unit}}</td>
          <td class="num">{{show(byId[e.id].throughput.change)}}</td><td class="num">{{show(byId[e.id].energy.perPart)}}</td>
          <td class="num">{{show(byId[e.id].bearing.adjustedLifeChange)}}</td><td>{{byId[e.id].vibration.zone.value}}</td>
        </tr>
      </table>
    </div>
  </div>
  <div class="twin-whatif-data" ng-if="dataRows.length">
    <h4>Data behind the models</h4>
    <table>
      <tr><th>Model</th><th>Identified</th><th>History window</th><th>Data</th></tr>
      <tr ng-repeat="d in dataRows" class="twin-whatif-data-row">
        <td>{{d.name}}</td>
        <td>{{d.ok ? 'yes' : 'no'}}<span class="model" ng-if="d.note"> · {{d.note}}</span></td>
        <td class="num">{{d.window ? (d.window.from | date:'HH:mm') + '–' + (d.window.to | date:'HH:mm') : '–'}}</td>
        <td>{{d.summary}}<span ng-if="d.samples !== null"> · fit on {{d.samples | number:0}} samples</span></td>
      </tr>
    </table>
  </div>
</div>
<script>
(function (scope) {
  var spec = [
    ['Throughput', 'partsPerHour', function (s) { return s.throughput.partsPerHour; }, function (s) { return s.throughput.change; }, true],
    ['Motor power', 'motorPower', function (s) { return s.energy.motorPower; }, null, false],
    ['Energy per part', null, function (s) { return s.energy.perPart; }, function (s) { return s.energy.perPartChange; }, false],
    ['Bearing temperature, steady', 'bearingSteadyState', function (s) { return s.thermal.bearingSteadyState; }, function (s) { return s.thermal.change; }, false],
    ['Vibration', 'vibration', function (s) { return s.vibration.velocity; }, function (s) { return s.vibration.change; }, false],
    ['ISO 10816-3 zone', null, function (s) { return s.vibration.zone; }, null, false],
    ['Scrap rate', 'scrapShare', function (s) { return s.quality.scrapRate; }, function (s) { return s.quality.change; }, false],
    ['Bearing life (ISO 281, derated)', null, function (s) { return s.bearing.adjustedLifeRatio; }, function (s) { return s.bearing.adjustedLifeChange; }, true],
    ['Remaining useful life', null, function (s) { return s.rul.hours; }, function (s) { return s.rul.change; }, true],
    ['ROI per year', null, function (s) { return s.roi.perYear; }, null, true]
  ];
  var MODELS = ['thermal', 'power', 'vibration', 'scrap'];
  scope.dataRows = [];
  scope.show = function (f) {
    if (!f) return '';
    if (f.value === null || f.value === undefined) return '–';
    if (typeof f.value === 'string') return f.value;
    var digits = Math.abs(f.value) >= 100 ? 0 : Math.abs(f.value) >= 10 ? 1 : 2;
    return f.value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) + ' ' + f.unit;
  };
  function showModels(models) {
    scope.dataRows = !models || !models.data ? [] : MODELS.map(function (k) {
      var m = models[k], d = models.data[k];
      return { name: k, ok: !!(m && m.ok), note: m && m.ok ? m.lastError && 'kept; the newest attempt: ' + m.lastError : m && m.error,
        window: d.window, summary: d.summary, samples: d.samples };
    });
  }
  function showReport(report) {
    scope.report = report;
    scope.missing = MODELS.filter(function (k) { return report.models[k] && !report.models[k].ok; })
      .map(function (k) { return k + ' model not identified: ' + (report.models[k].reason || report.models[k].error || ''); });
    scope.byId = {};
    scope.pareto = {};
    report.scenarios.forEach(function (s) { scope.byId[s.id] = s; });
    report.pareto.ids.forEach(function (id) { scope.pareto[id] = true; });
    scope.single = report.scenarios.length === 1 ? report.scenarios[0] : null;
    if (!scope.single) return;
    var s = scope.single, b = report.baseline;
    var t = s.roi.terms;
    scope.roiTerms = [['good parts', t.goodParts], ['scrap', t.scrap], ['energy', t.energy], ['maintenance', t.maintenance], ['labour', t.labour]]
      .map(function (x) { return { name: x[0], figure: x[1] }; });
    scope.rows = spec.map(function (r) {
      return { label: r[0], today: r[1] && report.today[r[1]] ? report.today[r[1]] : r[2](b), scenario: r[2](s), change: r[3] ? r[3](s) : null };
    });
    // Relative change of every figure both sides have, whatever its unit: one scale for throughput, heat and life.
    var changes = scope.rows.filter(function (r) {
      return typeof r.today.value === 'number' && typeof r.scenario.value === 'number' && r.today.value !== 0 && r.label !== 'ROI per year';
    }).map(function (r) {
      var up = spec.filter(function (x) { return x[0] === r.label; })[0][4];
      return { label: r.label, value: 100 * (r.scenario.value / r.today.value - 1), up: up };
    });
    var largest = Math.max.apply(null, changes.map(function (c) { return Math.abs(c.value); }).concat([1]));
    scope.bars = changes.map(function (c) { return { label: c.label, value: c.value, width: 180 * Math.abs(c.value) / largest, good: (c.value >= 0) === c.up }; });
  }
  scope.$watch('msg', function (msg) {
    if (!msg || !msg.payload || msg.topic !== 'whatif') return;
    var state = msg.payload;
    scope.refusal = state.refusal;
    showModels(state.models);
    if (state.report) showReport(state.report);
  });
})(scope);
</script>`;

/**
 * twin-setpoint's state: the pending request with Approve and Reject, the value in force, and the newest audit
 * records, refusals first in red with their reason (a self-approval or an approval without login is one). The
 * buttons send only `{topic: 'approve' | 'reject', payload: {id}}`: who decides comes from the dashboard login.
 */
export const APPROVAL_TEMPLATE = `<style>
${TABLE_STYLE('twin-approval')}
.twin-approval .pending { border-left: 6px solid #e6a800; padding: 6px 8px; margin: 4px 0; }
.twin-approval .refused { border-left: 6px solid #ca3838; padding: 6px 8px; margin: 4px 0; }
.twin-approval .fine { border-left: 6px solid #2e7d32; padding: 6px 8px; margin: 4px 0; }
.twin-approval .who { font-size: 12px; opacity: 0.8; margin: 2px 0; }
</style>
<div class="twin-approval">
  <div class="none" ng-if="!s">Waiting for the setpoint guard…</div>
  <div ng-if="s">
    <table>
      <tr><td>Setpoint in the PLC</td><td class="num">{{s.current === null ? '–' : (s.current | number:0) + ' ' + s.unit}}</td></tr>
      <tr><td>Last safe value</td><td class="num">{{s.lastSafe === null ? '–' : (s.lastSafe | number:0) + ' ' + s.unit}}</td></tr>
      <tr><td>Allowed</td><td class="num">{{s.min | number:0}} – {{s.max | number:0}} {{s.unit}}, {{s.mode}} mode</td></tr>
      <tr ng-if="s.interlock"><td>Interlock</td><td>{{s.interlock}}</td></tr>
      <tr ng-if="s.interlockSources && s.interlockSources.urgency === 0"><td>Interlock</td><td>no twin-urgency reports this machine's urgency yet</td></tr>
    </table>
    <div class="pending" ng-if="s.pending">
      Request {{s.pending.id}}: {{s.pending.value | number:0}} {{s.unit}} asked for by {{s.pending.requestedBy}}<span ng-if="s.pending.reason"> ({{s.pending.reason}})</span>
      <div class="who">{{s.fourEyes ? 'Another person than ' + s.pending.requestedBy + ' must give the approval.' : 'One-person approval: the requester may give it.'}}
        You decide as the user you logged in to the dashboard as.</div>
      <div>
        <md-button class="md-raised md-primary" ng-click="send({topic: 'approve', payload: {id: s.pending.id}})">Approve</md-button>
        <md-button class="md-raised" ng-click="send({topic: 'reject', payload: {id: s.pending.id, reason: 'rejected on the dashboard'}})">Reject</md-button>
      </div>
    </div>
    <div ng-repeat="a in audits" ng-class="a.action === 'refuse' || a.action === 'revert' || a.action === 'reject' || a.action === 'expire' ? 'refused' : 'fine'">
      {{a.ts | date:'HH:mm:ss'}} {{a.action}}<span ng-if="a.after !== null"> {{a.after | number:0}} {{s.unit}}</span><span ng-if="a.action === 'request' && a.requestedBy"> by {{a.requestedBy}}</span><span ng-if="a.action === 'approve' && a.approvedBy"> by {{a.approvedBy}} (asked by {{a.requestedBy}})</span><span ng-if="a.reason">: {{a.reason}}</span><span ng-if="a.detail"> ({{a.detail}})</span>
    </div>
  </div>
</div>
<script>
(function (scope) {
  scope.$watch('msg', function (msg) {
    if (!msg || !msg.payload || msg.topic !== 'setpoint') return;
    scope.s = msg.payload.state;
    scope.audits = msg.payload.audits;
  });
})(scope);
</script>`;

/** KPI records (rolling window) and savings reports of every asset, side by side. */
export const KPI_TEMPLATE = `<style>
${TABLE_STYLE('twin-kpis')}
.twin-kpis .big { font-size: 20px; font-weight: bold; }
.twin-kpis td.note { font-size: 12px; opacity: 0.8; white-space: normal; }
</style>
<div class="twin-kpis">
  <div class="none" ng-if="assets.length === 0">Waiting for the first KPI report…</div>
  <table ng-if="assets.length > 0">
    <tr><th></th><th ng-repeat="a in assets">{{a}}</th></tr>
    <tr class="twin-kpi-oee"><td>OEE</td><td class="num big" ng-repeat="a in assets">{{pct(k[a].oee)}}</td></tr>
    <tr><td>Availability × performance × quality</td><td class="num" ng-repeat="a in assets">{{pct(k[a].availability)}} × {{pct(k[a].performance)}} × {{pct(k[a].quality)}}</td></tr>
    <tr class="twin-kpi-performance-note" ng-if="hasPerformanceNote()"><td>Performance not given</td><td class="note" ng-repeat="a in assets">{{k[a].performanceNote}}</td></tr>
    <tr><td>Unplanned downtime</td><td class="num" ng-repeat="a in assets">{{num(k[a].downtimeHours, 2)}} h</td></tr>
    <tr><td>Failures · MTBF</td><td class="num" ng-repeat="a in assets">{{k[a].failures}} · {{hours(k[a].mtbfHours, 2)}}</td></tr>
    <tr class="twin-kpi-mttr"><td>MTTR (down to running · work orders)</td><td class="num" ng-repeat="a in assets">{{hours(k[a].mttrHours, 2)}} · {{hours(k[a].workOrderMttrHours, 2)}}</td></tr>
    <tr><td>Parts · scrap rate</td><td class="num" ng-repeat="a in assets">{{k[a].parts}} · {{pct(k[a].scrapRate)}}</td></tr>
    <tr><td>Energy · per part</td><td class="num" ng-repeat="a in assets">{{num(k[a].energyKWh, 1)}} kWh · {{k[a].energyPerPartKWh === null || k[a].energyPerPartKWh === undefined ? 'no parts' : num(k[a].energyPerPartKWh, 3) + ' kWh'}}</td></tr>
    <tr><td>Window</td><td class="num" ng-repeat="a in assets">{{k[a].period}}, {{num(k[a].knownHours, 2)}} h of data</td></tr>
  </table>
  <h4 ng-if="savingsAssets.length > 0">Savings against the baseline</h4>
  <div class="twin-kpi-example" ng-if="anyExample" style="border-left: 6px solid #e6a800; padding: 4px 8px; margin: 4px 0">
    Example baseline: the figures before the twin are the demo's examples, not this plant's. Enter the plant's own in each
    twin-kpi node (Baseline) before reading these savings as real.</div>
  <table ng-if="savingsAssets.length > 0">
    <tr><th></th><th ng-repeat="a in savingsAssets">{{a}}<span ng-if="s[a].exampleBaseline"> (example baseline)</span></th></tr>
    <tr><td>Downtime saved</td><td class="num" ng-repeat="a in savingsAssets">{{num(s[a].saved.downtimeHours, 2)}} h</td></tr>
    <tr><td>MTTR before → with the twin</td><td class="num" ng-repeat="a in savingsAssets">{{num(s[a].mttr.baselineHours, 1)}} → {{num(s[a].mttr.twinHours, 2)}} h</td></tr>
    <tr class="twin-kpi-energy"><td>Energy</td><td class="num" ng-repeat="a in savingsAssets">{{saving(s[a], 'energy', s[a].saved.energyKWh, 'kWh')}}</td></tr>
    <tr class="twin-kpi-scrap"><td>Scrap</td><td class="num" ng-repeat="a in savingsAssets">{{saving(s[a], 'scrap', s[a].saved.scrap, 'parts')}}</td></tr>
    <tr class="twin-kpi-savings"><td>Saved in this period</td><td class="num big" ng-repeat="a in savingsAssets">{{money(s[a].money.total, s[a].currency)}}</td></tr>
    <tr><td>At this rate, per year</td><td class="num" ng-repeat="a in savingsAssets">{{s[a].twin.hours >= 24 ? money(s[a].money.perYear, s[a].currency) : 'after a day of data'}}</td></tr>
  </table>
</div>
<script>
(function (scope) {
  scope.assets = [];
  scope.savingsAssets = [];
  scope.pct = function (v) { return v === null || v === undefined ? '–' : (100 * v).toFixed(1) + ' %'; };
  scope.hasPerformanceNote = function () { return scope.assets.some(function (a) { return scope.k[a] && scope.k[a].performanceNote; }); };
  scope.num = function (v, d) { return v === null || v === undefined ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }); };
  // Small amounts keep their digits: a few cents or a tenth of a part rounded to 0 would read as nothing at all.
  // A duration with its unit, or "none yet" where there is nothing to measure (no failure, no work order closed).
  scope.hours = function (v, d) { return v === null || v === undefined ? 'none yet' : scope.num(v, d) + ' h'; };
  scope.amount = function (v) { var a = Math.abs(v); return scope.num(v, a >= 100 ? 0 : a >= 10 ? 1 : 2); };
  // A negative total is what the period cost compared with before, not a negative saving.
  scope.money = function (v, currency) { return v < 0 ? 'cost ' + scope.amount(-v) + ' ' + currency : scope.amount(v) + ' ' + currency; };
  // A figure without evidence says why; one worse than before says "more" and what it cost.
  scope.saving = function (report, figure, v, unit) {
    var left = (report.notCompared || []).filter(function (n) { return n.figure === figure; })[0];
    if (v === null || v === undefined) return left ? 'not compared: ' + left.reason : '–';
    var price = report.money[figure];
    var priced = price === null || price === undefined ? '' : ' (' + scope.money(price, report.currency) + ')';
    return v < 0 ? scope.amount(-v) + ' ' + unit + ' more' + priced : scope.amount(v) + ' ' + unit + ' saved' + priced;
  };
  scope.$watch('msg', function (msg) {
    if (!msg || msg.topic !== 'kpis' || !msg.payload) return;
    scope.k = msg.payload.kpis;
    scope.s = msg.payload.savings;
    scope.assets = Object.keys(scope.k).sort();
    scope.savingsAssets = Object.keys(scope.s).sort();
    scope.anyExample = scope.savingsAssets.some(function (a) { return scope.s[a].exampleBaseline; });
  });
})(scope);
</script>`;

/**
 * A dashboard template shows the last message it was sent, also after a page reload; these keep what several
 * messages said, so the panel is whole again after a reload.
 */
export const KPI_BOARD_CODE = `// The newest rolling KPI record and savings report of every asset, sent together to the KPI panel.
const board = context.get('board') || { kpis: {}, savings: {} };
const items = Array.isArray(msg.payload) ? msg.payload : [msg.payload];
for (const item of items) {
    if (item && item.kind === 'kpi' && String(item.period).indexOf('rolling') === 0) board.kpis[item.asset] = item;
    if (item && item.kind === 'kpi-savings') board.savings[item.asset] = item;
}
context.set('board', board);
return { topic: 'kpis', payload: board };`;

export const SETPOINT_BOARD_CODE = `// twin-setpoint's state (output 3) and its newest audit records (output 2), sent together to the approval panel.
const board = context.get('board') || { state: null, audits: [] };
if (Array.isArray(msg.payload)) board.audits = msg.payload.slice().reverse().concat(board.audits).slice(0, 6);
else if (msg.payload && msg.payload.sensor) board.state = msg.payload;
context.set('board', board);
return { topic: 'setpoint', payload: board };`;
