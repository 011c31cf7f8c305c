import { STATE_STYLE } from './condition-widgets';
import { ATTENTION_COLOUR } from './dashboard';
import { LEVEL_STYLE, stateWord, TABLE_STYLE } from './maintenance-widgets';

/**
 * The plant's two pages, fed by twin-plant-view (which decides what they show): the Fleet overview, grouped by site and
 * line, and the one machine page, whose machine each browser chooses. Dense and grey as an ISA-101 overview: colour
 * only on CRITICAL and WARNING and on a value past its limit.
 */

/** Dense rows, group headers in a darker grey, a row that can be clicked. */
const FLEET_STYLE = `${TABLE_STYLE('twin-fleet')}
${LEVEL_STYLE}
${STATE_STYLE}
.twin-fleet { font-size: 13px; }
.twin-fleet th, .twin-fleet td { padding: 2px 6px; }
.twin-fleet th { background: #eeeeee; font-weight: 600; white-space: nowrap; }
.twin-fleet .twin-level { min-width: 70px; padding: 0 6px; }
.twin-fleet .twin-machine-state { display: inline-block; margin: 0; padding: 0 6px; }
.twin-fleet tr.twin-fleet-line td { background: #d6d6d6; font-weight: 600; padding: 3px 6px; }
.twin-fleet tr.twin-fleet-line .twin-fleet-line-counts { font-weight: normal; margin-left: 12px; }
.twin-fleet tr.twin-fleet-row { cursor: pointer; }
.twin-fleet tr.twin-fleet-row:hover td { background: #f3f3f3; }
.twin-fleet td.id { white-space: nowrap; }
.twin-fleet .twin-fleet-id { color: #757575; font-size: 11px; margin-left: 6px; }
.twin-fleet .twin-fleet-summary { padding: 2px 0 6px; display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.twin-fleet .twin-fleet-pager { margin-left: auto; white-space: nowrap; }
.twin-fleet .twin-fleet-pager .md-button { min-width: 0; margin: 0 4px; padding: 0 8px; line-height: 28px; min-height: 28px; }
.twin-fleet .twin-fleet-ladder, .twin-fleet .twin-fleet-held { color: #616161; font-size: 11px; }`;

/**
 * A line's header above the first row of each line on the page (and on top of each page): the names of its site and
 * line, its machines and how many need attention. It starts the rows' repeat (\`repeat\`), which the machine row ends.
 */
const lineHeader = (repeat: string) => `<tr ng-repeat-start="${repeat}" class="twin-fleet-line" data-twin="fleet-line" ng-if="$first || shown[$index - 1].lineKey !== a.lineKey">
      <td colspan="7"><span class="twin-fleet-site">{{a.siteName}}</span> › <span class="twin-fleet-line-name">{{a.lineName}}</span>
        <span class="twin-fleet-line-counts">{{msg.payload.lines[a.lineIndex].machines}} machine{{msg.payload.lines[a.lineIndex].machines === 1 ? "" : "s"}}<span ng-if="msg.payload.lines[a.lineIndex].counts.DOWN"> · <span class="twin-machine-state state-down">{{msg.payload.lines[a.lineIndex].counts.DOWN}} DOWN</span></span><span ng-if="msg.payload.lines[a.lineIndex].counts.CRITICAL"> · <span class="twin-level twin-level-CRITICAL">{{msg.payload.lines[a.lineIndex].counts.CRITICAL}} CRITICAL</span></span><span ng-if="msg.payload.lines[a.lineIndex].counts.WARNING"> · <span class="twin-level twin-level-WARNING">{{msg.payload.lines[a.lineIndex].counts.WARNING}} WARNING</span></span></span></td>
    </tr>`;

export const FLEET_TEMPLATE = `<style>
${FLEET_STYLE}
</style>
<div class="twin-fleet" ng-init="pager = { page: 0 }">
  <div class="none" ng-if="!msg.payload || msg.payload.rows.length === 0">Waiting for the catalogue's machines and their first remaining-life estimates…</div>
  <div class="twin-fleet-summary" data-twin="fleet-counts" ng-if="msg.payload && msg.payload.rows.length > 0">{{msg.payload.rows.length}} machines on {{msg.payload.lines.length}} lines ·
    <span class="twin-machine-state state-down" ng-if="msg.payload.counts.DOWN">{{msg.payload.counts.DOWN}} DOWN</span>
    <span class="twin-level twin-level-CRITICAL" ng-if="msg.payload.counts.CRITICAL">{{msg.payload.counts.CRITICAL}} CRITICAL</span>
    <span class="twin-level twin-level-WARNING" ng-if="msg.payload.counts.WARNING">{{msg.payload.counts.WARNING}} WARNING</span>
    <span class="twin-level twin-level-NORMAL">{{msg.payload.counts.NORMAL}} NORMAL</span>
    <span ng-if="msg.payload.counts.waiting">· {{msg.payload.counts.waiting}} without an estimate yet</span>
    <span>· a row opens its machine page</span>
    <span class="twin-fleet-pager" ng-if="msg.payload.pages > 1">
      <button class="md-button" ng-click="pager.page = pager.page - 1" ng-disabled="pager.page === 0">‹ more urgent</button>
      page {{pager.page + 1}} of {{msg.payload.pages}}
      <button class="md-button" ng-click="pager.page = pager.page + 1" ng-disabled="pager.page + 1 >= msg.payload.pages">less urgent ›</button>
    </span>
  </div>
  <table ng-if="msg.payload && msg.payload.rows.length > 0">
    <tr><th>Machine</th><th>Urgency</th><th>Remaining life</th><th>Interval (80 %)</th><th>Recommended actions</th><th>Estimated</th><th>Model</th></tr>
    ${lineHeader('a in msg.payload.rows.slice(pager.page * msg.payload.pageRows, (pager.page + 1) * msg.payload.pageRows) as shown track by a.asset')}
    <tr ng-repeat-end class="twin-fleet-row" data-asset="{{a.asset}}" ng-click="send({topic: 'open', payload: a.asset})" title="Open the machine page of {{a.name}}">
      <td class="id">{{a.name}}<span class="twin-fleet-id">{{a.asset}}</span></td>
      <td><span class="twin-level twin-level-{{a.level}}" ng-if="a.level">{{a.level}}</span><span ng-if="!a.level" class="twin-fleet-held">no estimate yet</span></td>
      <td class="num" ng-if="a.machineState"><span class="twin-machine-state state-{{a.machineState.state}}">${stateWord('a.machineState.state')} since {{a.machineState.since | date:'dd MMM HH:mm:ss'}}</span>
        <div class="twin-fleet-held">last valid estimate {{a.capped ? '≥ ' : ''}}{{a.rulHours | number:0}} h at {{a.ts | date:'HH:mm:ss'}}, held</div></td>
      <td class="num" ng-if="!a.machineState"><span ng-if="a.level">{{a.capped ? '≥ ' : ''}}{{a.rulHours | number:0}} h</span></td>
      <td class="num"><span ng-if="!a.machineState && a.lowerHours !== undefined && a.lowerHours !== null">{{a.capped && (a.upperHours | number:0) === (a.lowerHours | number:0) ? '≥ ' : ''}}{{a.lowerHours | number:0}}<span ng-if="a.upperHours !== undefined && a.upperHours !== null && (a.upperHours | number:0) !== (a.lowerHours | number:0)">–{{a.upperHours | number:0}}</span> h</span>
        <span ng-if="a.confidence === 'reduced'" title="a sensor the estimate depends on is not healthy"> (reduced confidence)</span></td>
      <td>{{a.actions.join('; ')}}</td>
      <td>{{a.ts | date:'HH:mm:ss'}}</td>
      <td class="twin-fleet-model">{{a.modelVersion}}<div ng-if="a.ladder" class="twin-fleet-ladder" title="twin-health: the RUL ladder from the machine's own normal">ladder {{a.ladder.model}} {{a.ladder.rulHours | number:0}} h · health index {{a.ladder.health | number:2}}<span ng-if="a.machineState"> at {{a.ladder.ts | date:'HH:mm:ss'}}, held</span></div></td>
    </tr>
  </table>
</div>`;

const MACHINE_STYLE = `${TABLE_STYLE('twin-machine')}
${LEVEL_STYLE}
${STATE_STYLE}
.twin-machine { font-size: 13px; }
.twin-machine th, .twin-machine td { padding: 2px 6px; }
.twin-machine th { background: #eeeeee; font-weight: 600; }
.twin-machine .twin-machine-pick { display: flex; align-items: center; gap: 8px; padding-bottom: 6px; }
.twin-machine .twin-machine-pick select { font-size: 14px; padding: 2px 4px; max-width: 520px; }
.twin-machine .twin-machine-title { font-size: 18px; font-weight: 600; }
.twin-machine .twin-machine-place { color: #616161; }
/* The normal states in neutral grey (ISA-101): colour only for DOWN, as everywhere else. */
.twin-machine .twin-machine-state { display: inline-block; margin: 0 8px; padding: 0 6px; font-size: 12px; }
.twin-machine .twin-machine-state.state-running, .twin-machine .twin-machine-state.state-unknown { background: #e0e0e0; color: #424242; }
.twin-machine .twin-machine-columns { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; }
.twin-machine tr.limit-alarm td:first-child { border-left: 6px solid ${ATTENTION_COLOUR.high}; }
.twin-machine tr.limit-warning td:first-child { border-left: 6px solid ${ATTENTION_COLOUR.medium}; }
.twin-machine tr.limit-alarm td.value { color: ${ATTENTION_COLOUR.high}; font-weight: 600; }
.twin-machine td.limits, .twin-machine td.at { color: #616161; white-space: nowrap; }
.twin-machine .twin-machine-names label { display: inline-block; width: 90px; }
.twin-machine .twin-machine-names input { width: calc(100% - 200px); font-size: 13px; padding: 2px 4px; }
.twin-machine .twin-machine-names .md-button { min-width: 0; margin: 2px 0 2px 6px; padding: 0 8px; line-height: 26px; min-height: 26px; }
.twin-machine .twin-machine-names div { margin: 3px 0; white-space: nowrap; }
.twin-machine .twin-machine-error { color: ${ATTENTION_COLOUR.high}; }
.twin-machine h4 { margin: 10px 0 4px; font-size: 13px; }`;

/**
 * Keeps the list's choice and the rename form in step with the page the node sent: the choice follows the page; the
 * form is filled from the operators' names when another machine is shown or a name changed. After Node-RED restarted,
 * the new connection has no choice on the node's side: the page says so (\`chosen\` false) and the choice is sent again.
 */
const MACHINE_SCRIPT = `<script>
(function (scope) {
  scope.pick = {};
  scope.edit = {};
  var filled = '';
  scope.$watch('msg', function (msg) {
    if (!msg || !msg.payload || !msg.payload.page) return;
    var page = msg.payload.page;
    if (scope.mine && !msg.payload.chosen && scope.mine !== page.asset) { scope.send({ topic: 'machine', payload: scope.mine }); return; }
    scope.pick.asset = page.asset;
    var names = JSON.stringify([page.asset, page.ownNames]);
    if (names !== filled) {
      filled = names;
      scope.edit = { machine: page.ownNames.machine, line: page.ownNames.line, site: page.ownNames.site };
    }
  });
  scope.choose = function () {
    scope.mine = scope.pick.asset;
    scope.send({ topic: 'machine', payload: scope.pick.asset });
  };
  scope.rename = function (kind, key) {
    scope.send({ topic: 'rename', payload: { kind: kind, key: key, name: scope.edit[kind] || '' } });
  };
})(scope);
</script>`;

export const MACHINE_TEMPLATE = `<style>
${MACHINE_STYLE}
</style>
${MACHINE_SCRIPT}
<div class="twin-machine" data-twin="machine-page">
  <div class="twin-machine-pick">
    <label for="twin-machine-select">Machine</label>
    <select id="twin-machine-select" data-twin="machine-select" ng-model="pick.asset" ng-change="choose()"
      ng-options="m.asset as (m.name + ' (' + m.asset + ')' + (m.level && m.level !== 'NORMAL' ? ' · ' + m.level : '')) group by m.group for m in msg.payload.machines"></select>
    <span class="twin-machine-place" ng-if="msg.payload.machines">{{msg.payload.machines.length}} machines, most urgent first</span>
  </div>
  <div class="none" ng-if="!msg.payload.page">Waiting for the catalogue's machines…</div>
  <div ng-if="msg.payload.page" ng-init="p = msg.payload.page">
    <div><span class="twin-machine-title" data-twin="machine-title">{{msg.payload.page.name}}</span>
      <span ng-if="msg.payload.page.state" class="twin-machine-state state-{{msg.payload.page.state.state}}" data-twin="machine-state">${stateWord('msg.payload.page.state.state')}<span ng-if="msg.payload.page.state.since"> since {{msg.payload.page.state.since | date:'dd MMM HH:mm:ss'}}</span></span>
      <span class="twin-machine-place">{{msg.payload.page.asset}} · {{msg.payload.page.type}} · {{msg.payload.page.siteName}} › {{msg.payload.page.lineName}}<span ng-if="msg.payload.page.cell"> › {{msg.payload.page.cell}}</span></span></div>
    <div class="twin-machine-columns">
      <div>
        <h4>Readings</h4>
        <table data-twin="machine-sensors">
          <tr><th>Sensor</th><th class="num">Value</th><th>Unit</th><th>Limits</th><th>At</th></tr>
          <tr ng-repeat="s in msg.payload.page.sensors track by s.id" class="limit-{{s.limit}}" data-sensor="{{s.id}}">
            <td>{{s.name}}</td>
            <td class="num value"><span ng-if="s.value !== undefined && s.value !== null">{{s.value | number:(s.whole || s.value >= 1000 || s.value <= -1000 ? 0 : s.value >= 100 || s.value <= -100 ? 1 : 2)}}</span><span ng-if="s.sampleRate">waveform, {{s.sampleRate | number:0}} Hz</span><span ng-if="s.ts === undefined || s.ts === null">–</span></td>
            <td>{{s.unit}}</td>
            <td class="limits">{{s.limits}}</td>
            <td class="at">{{s.ts | date:'HH:mm:ss'}}<span ng-if="s.quality && s.quality !== 'good'"> · {{s.quality}}</span></td>
          </tr>
        </table>
      </div>
      <div>
        <h4>Maintenance urgency</h4>
        <div ng-if="!msg.payload.page.row">No remaining-life estimate yet.</div>
        <div ng-if="msg.payload.page.row" data-twin="machine-urgency">
          <span class="twin-level twin-level-{{msg.payload.page.row.level}}">{{msg.payload.page.row.level}}</span>
          <span ng-if="msg.payload.page.row.machineState" class="twin-machine-state state-{{msg.payload.page.row.machineState.state}}">${stateWord('msg.payload.page.row.machineState.state')}</span>
          remaining life {{msg.payload.page.row.capped ? '≥ ' : ''}}{{msg.payload.page.row.rulHours | number:0}} h<span ng-if="msg.payload.page.row.machineState"> (held)</span>
          at {{msg.payload.page.row.ts | date:'HH:mm:ss'}}
          <div>{{msg.payload.page.row.actions.join('; ')}}</div>
        </div>
        <h4>Names the plant gives (empty: the catalogue's)</h4>
        <div class="twin-machine-names" data-twin="machine-names">
          <div><label>Machine</label><input type="text" data-twin="name-machine" ng-model="edit.machine" placeholder="{{msg.payload.page.catalogueName || msg.payload.page.asset}}" maxlength="60">
            <button class="md-button md-raised" data-twin="rename-machine" ng-click="rename('machine', msg.payload.page.asset)">Rename</button></div>
          <div><label>Line</label><input type="text" data-twin="name-line" ng-model="edit.line" placeholder="{{msg.payload.page.line}}" maxlength="60">
            <button class="md-button md-raised" data-twin="rename-line" ng-click="rename('line', msg.payload.page.lineKey)">Rename</button></div>
          <div><label>Site</label><input type="text" data-twin="name-site" ng-model="edit.site" placeholder="{{msg.payload.page.site}}" maxlength="60">
            <button class="md-button md-raised" data-twin="rename-site" ng-click="rename('site', msg.payload.page.site)">Rename</button></div>
          <div class="twin-machine-error" ng-if="msg.payload.error">{{msg.payload.error}}</div>
        </div>
      </div>
    </div>
  </div>
</div>`;


/**
 * The form that renames the dashboard's tabs and groups, fed with twin-plant-view's `dashboard-names` (every tab and
 * group under the name shown). The page's head puts those names in place of the flow's titles; this form only sends
 * the plant's new name, and shows the chosen one's own name again after a rename of it.
 */
export const DASHBOARD_NAMES_TEMPLATE = `<style>
.twin-board-names { display: flex; align-items: center; gap: 8px; font-size: 13px; flex-wrap: wrap; }
.twin-board-names select { font-size: 13px; padding: 2px 4px; max-width: 520px; }
.twin-board-names input { font-size: 13px; padding: 2px 4px; width: 260px; }
.twin-board-names .md-button { min-width: 0; margin: 0; padding: 0 8px; line-height: 26px; min-height: 26px; }
</style>
<script>
(function (scope) {
  scope.board = {};
  var filled = '';
  scope.$watch('msg', function (msg) {
    if (!msg || msg.topic !== 'dashboard-names' || !msg.payload) return;
    scope.elements = msg.payload.tabs.map(function (t) { return angular.extend({ kind: 'tab' }, t); })
      .concat(msg.payload.groups.map(function (g) { return angular.extend({ kind: 'group' }, g); }));
    if (!scope.chosenElement() && scope.elements.length) scope.board.id = scope.elements[0].id;
    scope.fillBoard(false);
  });
  scope.chosenElement = function () {
    return (scope.elements || []).filter(function (e) { return e.id === scope.board.id; })[0];
  };
  scope.fillBoard = function (always) {
    var element = scope.chosenElement();
    if (!element) return;
    var shown = JSON.stringify([element.id, element.own]);
    if (always || shown !== filled) { filled = shown; scope.board.name = element.own; }
  };
  scope.renameElement = function () {
    var element = scope.chosenElement();
    if (element) scope.send({ topic: 'rename', payload: { kind: element.kind, key: element.id, name: scope.board.name || '' } });
  };
})(scope);
</script>
<div class="twin-board-names" data-twin="dashboard-names">
  <span>Names of the dashboard's tabs and groups (empty: the flow's)</span>
  <select data-twin="dashboard-element" ng-model="board.id" ng-change="fillBoard(true)" ng-options="e.id as e.label for e in elements"></select>
  <input type="text" data-twin="name-dashboard" ng-model="board.name" placeholder="{{chosenElement().flowName}}" maxlength="60" aria-label="new name">
  <button class="md-button md-raised" data-twin="rename-dashboard" ng-click="renameElement()">Rename</button>
</div>`;
