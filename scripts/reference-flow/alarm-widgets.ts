/**
 * node-red-dashboard (v1) templates of the alarm pages, fed by twin-alarms as it sends: the alarm summary (output 1),
 * the journal (twin-historian's answer to `{alarmJournal: 'recent'}`) and the alarm load (output 3). In the spirit of
 * ISA-101: neutral greys, colour only for alarm priorities and abnormal states. Every action a template sends goes
 * back to twin-alarms, which finds the person from the dashboard session; refusals come back as a toast.
 */

/** Shared look: priority colours (the only colours on the page), dense tables, tabular figures. */
const ALARM_STYLE = `<style>
.twin-alarm { font-size: 13px; }
.twin-alarm table { width: 100%; border-collapse: collapse; margin-bottom: 8px; }
.twin-alarm th, .twin-alarm td { text-align: left; padding: 3px 6px; border-bottom: 1px solid rgba(128,128,128,0.3); vertical-align: middle; }
.twin-alarm th { font-weight: 600; opacity: 0.75; }
.twin-alarm td.num { text-align: right; font-variant-numeric: tabular-nums; }
.twin-alarm .bar { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; margin: 2px 0 6px; }
.twin-alarm .prio { display: inline-block; min-width: 58px; padding: 1px 6px; border-radius: 3px; text-align: center; font-weight: 600; color: #fff; }
.twin-alarm .prio-urgent { background: #b71c1c; } .twin-alarm .prio-high { background: #e65100; }
.twin-alarm .prio-medium { background: #f9a825; color: #000; } .twin-alarm .prio-low { background: #3f51b5; }
.twin-alarm tr.unacknowledged td { font-weight: 600; }
.twin-alarm tr.returned-unacknowledged td { font-style: italic; }
.twin-alarm .flag { padding: 1px 6px; border-radius: 3px; background: #b71c1c; color: #fff; font-weight: 600; }
.twin-alarm .muted { opacity: 0.7; }
.twin-alarm select, .twin-alarm input { font-size: 13px; padding: 2px 4px; }
.twin-alarm input.reason { min-width: 260px; }
.twin-alarm .md-button { min-height: 26px; line-height: 26px; margin: 0 4px 0 0; padding: 0 8px; font-size: 12px; }
.twin-alarm h4 { margin: 10px 0 4px; font-size: 14px; }
.twin-alarm td.actions { white-space: nowrap; min-width: 220px; }
</style>`;

/** The alarm summary: counts, the alarm rate against the target, filters, each alarm with acknowledge and shelve. */
export const ALARM_SUMMARY_TEMPLATE = `${ALARM_STYLE}
<div class="twin-alarm" data-twin="alarm-summary">
  <div ng-if="!s" class="muted">Waiting for the alarm system…</div>
  <div ng-if="s">
    <div class="bar" data-twin="alarm-counts">
      <span><b>{{s.counts.unacknowledged}}</b> unacknowledged</span><span>{{s.alarms.length}} shown</span>
      <span>{{s.counts.shelved}} shelved</span><span>{{s.counts.suppressed}} suppressed</span><span>{{s.counts.outOfService}} out of service</span>
    </div>
    <div class="bar" data-twin="alarm-rate">
      <span>Alarm rate: {{s.load.last10Min}} in the last 10 min, {{s.load.averagePer10Min | number:2}} per 10 min over {{s.load.windowHours | number:1}} h
        (target about 1, flood above 10) — {{s.load.rating}}</span>
      <span class="flag" ng-if="s.load.flooding">ALARM FLOOD</span>
    </div>
    <div class="bar">
      <select ng-model="f.priority" data-twin="filter-priority"><option value="">every priority</option>
        <option ng-repeat="p in priorities" value="{{p}}">{{p}}</option></select>
      <select ng-model="f.asset" data-twin="filter-asset"><option value="">every asset</option>
        <option ng-repeat="a in assets" value="{{a}}">{{a}}</option></select>
      <select ng-model="f.state" data-twin="filter-state"><option value="">every state</option>
        <option value="unacknowledged">unacknowledged</option><option value="acknowledged">acknowledged</option>
        <option value="returned-unacknowledged">returned, unacknowledged</option></select>
      <span class="muted" ng-if="s.loginRequired && s.dashboardLogin" data-twin="login-note">Shelving and out of service are recorded under your dashboard login.</span>
      <span class="flag" ng-if="s.loginRequired && !s.dashboardLogin" data-twin="login-note">This dashboard has no login: shelving and out of service are refused
        until dashboard users are added (README "Dashboard logins").</span>
    </div>
    <div ng-if="s.alarms.length === 0" class="muted" data-twin="no-alarms">No alarms</div>
    <table ng-if="s.alarms.length > 0">
      <tr><th>Priority</th><th>Raised</th><th>Asset</th><th>Sensor</th><th>State</th><th>Value</th><th>Message</th><th></th></tr>
      <tr ng-repeat="a in s.alarms | filter:matches track by a.key" ng-class="a.state" data-twin="alarm" data-key="{{a.key}}">
        <td><span class="prio prio-{{a.priority}}">{{a.priority}}</span></td>
        <td>{{a.raisedAt | date:'dd MMM HH:mm:ss'}}</td>
        <td>{{a.asset}}</td><td>{{a.sensor}}</td>
        <td data-twin="state">{{labels[a.state]}}<span ng-if="a.acknowledgedBy" class="muted"> by {{a.acknowledgedBy}}</span></td>
        <td class="num">{{a.value === null || a.limit === null ? '' : (a.value | number:2) + ' ' + a.unit}}</td>
        <td>{{a.message}}</td>
        <td class="actions">
          <md-button class="md-raised" data-twin="ack" ng-if="a.state === 'unacknowledged' || a.state === 'returned-unacknowledged'"
            ng-click="send({topic: 'ack', payload: {key: a.key}})">Acknowledge</md-button>
          <md-button class="md-raised" data-twin="open-shelve" ng-disabled="s.loginRequired && !s.dashboardLogin" ng-click="openShelve(a)">Shelve…</md-button>
        </td>
      </tr>
    </table>
    <div class="bar" ng-if="shelving" data-twin="shelve-form">
      <span>Shelve <b>{{shelving.asset}} {{shelving.sensor}} {{shelving.level}}</b> for</span>
      <select ng-model="form.seconds" data-twin="shelve-duration" ng-options="c.seconds as c.label for c in s.shelveChoices"></select>
      <input class="reason" type="text" ng-model="form.reason" placeholder="reason (required)" data-twin="shelve-reason">
      <md-button class="md-raised md-primary" data-twin="shelve" ng-disabled="!form.reason" ng-click="shelve()">Shelve</md-button>
      <md-button class="md-raised" ng-click="cancelShelve()">Cancel</md-button>
    </div>
  </div>
</div>
<script>
(function (scope) {
  scope.priorities = ['urgent', 'high', 'medium', 'low'];
  scope.labels = { unacknowledged: 'unacknowledged', acknowledged: 'acknowledged', 'returned-unacknowledged': 'returned, unacknowledged' };
  scope.f = { priority: '', asset: '', state: '' };
  scope.form = { seconds: null, reason: '' };
  scope.$watch('msg', function (msg) {
    if (!msg || !msg.payload || !Array.isArray(msg.payload.alarms)) return;
    scope.s = msg.payload;
    var assets = {};
    msg.payload.alarms.forEach(function (a) { assets[a.asset] = true; });
    scope.assets = Object.keys(assets).sort();
  });
  scope.matches = function (a) {
    return (!scope.f.priority || a.priority === scope.f.priority) && (!scope.f.asset || a.asset === scope.f.asset) && (!scope.f.state || a.state === scope.f.state);
  };
  scope.openShelve = function (a) {
    scope.shelving = a;
    var hour = scope.s.shelveChoices.filter(function (c) { return c.seconds === 3600; })[0];
    if (!scope.form.seconds) scope.form.seconds = (hour || scope.s.shelveChoices[0]).seconds;
    scope.form.reason = '';
  };
  scope.cancelShelve = function () { scope.shelving = null; };
  scope.shelve = function () {
    scope.send({ topic: 'shelve', payload: { key: scope.shelving.key, seconds: Number(scope.form.seconds), reason: scope.form.reason } });
    scope.shelving = null;
  };
})(scope);
</script>`;

/** What is kept off the summary and why: shelved (with who, why, until), suppressed by design, out of service. */
export const ALARM_HIDDEN_TEMPLATE = `${ALARM_STYLE}
<div class="twin-alarm" data-twin="alarm-hidden">
  <div ng-if="!s" class="muted">Waiting for the alarm system…</div>
  <div ng-if="s">
    <h4>Shelved</h4>
    <div ng-if="s.shelved.length === 0" class="muted">No shelved alarm</div>
    <table ng-if="s.shelved.length > 0">
      <tr><th>Priority</th><th>Alarm</th><th>Shelved by</th><th>Reason</th><th>Until</th><th>Condition</th><th></th></tr>
      <tr ng-repeat="a in s.shelved track by a.key" data-twin="shelved" data-key="{{a.key}}" data-until="{{a.shelve.until}}">
        <td><span class="prio prio-{{a.priority}}">{{a.priority}}</span></td>
        <td>{{a.asset}} {{a.sensor}} {{a.level}}</td>
        <td data-twin="shelved-by">{{a.shelve.by}}</td><td>{{a.shelve.reason}}</td>
        <td data-twin="shelved-until">{{a.shelve.until | date:'HH:mm:ss'}}</td>
        <td>{{a.active ? 'active' : 'normal'}}</td>
        <td><md-button class="md-raised" data-twin="unshelve" ng-click="send({topic: 'unshelve', payload: {key: a.key}})">Unshelve</md-button></td>
      </tr>
    </table>
    <h4>Suppressed by design</h4>
    <div ng-if="s.suppressed.length === 0" class="muted">No active alarm suppressed</div>
    <table ng-if="s.suppressed.length > 0">
      <tr><th>Priority</th><th>Alarm</th><th>Machine</th><th>Since</th><th>Message</th></tr>
      <tr ng-repeat="a in s.suppressed track by a.key" data-twin="suppressed">
        <td><span class="prio prio-{{a.priority}}">{{a.priority}}</span></td>
        <td>{{a.asset}} {{a.sensor}} {{a.level}}</td><td>{{a.suppressed.state}}</td>
        <td>{{a.suppressed.since | date:'dd MMM HH:mm:ss'}}</td><td>{{a.message}}</td>
      </tr>
    </table>
    <h4>Out of service</h4>
    <div ng-if="s.outOfService.length === 0" class="muted">No sensor out of service</div>
    <table ng-if="s.outOfService.length > 0">
      <tr><th>Asset</th><th>Sensor</th><th>By</th><th>Reason</th><th>Since</th><th>Active alarms</th><th></th></tr>
      <tr ng-repeat="o in s.outOfService" data-twin="out-of-service">
        <td>{{o.asset}}</td><td>{{o.sensor}}</td><td>{{o.by}}</td><td>{{o.reason}}</td><td>{{o.at | date:'dd MMM HH:mm'}}</td>
        <td class="num">{{o.activeAlarms}}</td>
        <td><md-button class="md-raised" data-twin="return-to-service"
          ng-click="send({topic: 'return-to-service', payload: {asset: o.asset, sensor: o.sensor}})">Return to service</md-button></td>
      </tr>
    </table>
    <div class="bar" data-twin="oos-form">
      <span>Take out of service</span>
      <select ng-model="form.sensor" data-twin="oos-sensor" ng-options="x as (x.asset + ' · ' + x.name) for x in s.sensors track by (x.asset + ':' + x.sensor)">
        <option value="">sensor…</option></select>
      <input class="reason" type="text" ng-model="form.reason" placeholder="reason: work order, maintenance done (required)" data-twin="oos-reason">
      <md-button class="md-raised" data-twin="oos" ng-disabled="!form.sensor || !form.reason || (s.loginRequired && !s.dashboardLogin)" ng-click="outOfService()">Take out of service</md-button>
    </div>
  </div>
</div>
<script>
(function (scope) {
  scope.form = { sensor: null, reason: '' };
  scope.$watch('msg', function (msg) {
    if (msg && msg.payload && Array.isArray(msg.payload.shelved)) scope.s = msg.payload;
  });
  scope.outOfService = function () {
    scope.send({ topic: 'out-of-service', payload: { asset: scope.form.sensor.asset, sensor: scope.form.sensor.sensor, reason: scope.form.reason } });
    scope.form = { sensor: null, reason: '' };
  };
})(scope);
</script>`;

/** The alarm journal as the historian holds it, newest first, with filters. */
export const ALARM_JOURNAL_TEMPLATE = `${ALARM_STYLE}
<div class="twin-alarm" data-twin="alarm-journal">
  <div class="bar">
    <select ng-model="f.asset"><option value="">every asset</option><option ng-repeat="a in assets" value="{{a}}">{{a}}</option></select>
    <select ng-model="f.action" data-twin="journal-action"><option value="">every action</option><option ng-repeat="a in actions" value="{{a}}">{{a}}</option></select>
    <input type="text" ng-model="f.text" placeholder="person, reason or message" data-twin="journal-text">
    <span class="muted">{{rows.length}} most recent entries</span>
  </div>
  <div ng-if="!rows" class="muted">Waiting for the journal…</div>
  <table ng-if="rows">
    <tr><th>Time</th><th>Asset</th><th>Sensor</th><th>Action</th><th>State after</th><th>Priority</th><th>By</th><th>Reason</th><th>Message</th></tr>
    <tr ng-repeat="r in rows | filter:matches track by r.id" data-twin="journal-row">
      <td>{{r.ts | date:'dd MMM HH:mm:ss'}}</td><td>{{r.asset}}</td><td>{{r.sensor}}</td><td data-twin="journal-row-action">{{r.action}}</td>
      <td>{{r.state}}</td><td><span ng-if="r.priority" class="prio prio-{{r.priority}}">{{r.priority}}</span></td>
      <td data-twin="journal-row-by">{{r.by}}</td><td>{{r.reason}}<span ng-if="r.until" class="muted"> (until {{r.until | date:'HH:mm:ss'}})</span></td>
      <td>{{r.message}}</td>
    </tr>
  </table>
</div>
<script>
(function (scope) {
  scope.f = { asset: '', action: '', text: '' };
  scope.actions = ['raised', 'returned', 'acknowledged', 'shelved', 'unshelved', 'shelve-expired', 'out-of-service', 'returned-to-service', 'suppressed',
    'unsuppressed', 'refused'];
  scope.$watch('msg', function (msg) {
    if (!msg || !Array.isArray(msg.payload)) return;
    scope.rows = msg.payload;
    var assets = {};
    msg.payload.forEach(function (r) { assets[r.asset] = true; });
    scope.assets = Object.keys(assets).sort();
  });
  scope.matches = function (r) {
    var text = (scope.f.text || '').toLowerCase();
    return (!scope.f.asset || r.asset === scope.f.asset) && (!scope.f.action || r.action === scope.f.action)
      && (!text || [r.by, r.reason, r.message].some(function (x) { return x && x.toLowerCase().indexOf(text) >= 0; }));
  };
})(scope);
</script>`;

/** The alarm load of the position and each asset (ISA-18.2 / EEMUA 191), with the bad actors. */
export const ALARM_LOAD_TEMPLATE = `${ALARM_STYLE}
<div class="twin-alarm" data-twin="alarm-load">
  <div ng-if="!r" class="muted">The alarm load is reported every minute…</div>
  <div ng-if="r">
    <div class="bar" data-twin="alarm-load-overall">
      <span><b>{{r.position}}</b>: {{r.overall.last10Min}} alarms in the last 10 min, {{r.overall.lastHour}} in the last hour,
        {{r.overall.inWindow}} in {{r.overall.windowHours | number:1}} h</span>
      <span>average {{r.overall.averagePer10Min | number:2}} per 10 min (target about {{r.targetPer10Min}}) — {{r.overall.rating}}</span>
      <span>peak {{r.overall.peak10Min}} in 10 min; {{r.overall.floodPeriods}} of {{r.overall.periods}} periods in flood (&gt; {{r.floodAbove}})</span>
      <span class="flag" ng-if="r.overall.flooding">ALARM FLOOD</span>
    </div>
    <table ng-if="r.assets.length > 0">
      <tr><th>Asset</th><th>Last 10 min</th><th>Last hour</th><th>In window</th><th>Per 10 min</th><th>Peak 10 min</th><th>Flood periods</th><th>Rating</th></tr>
      <tr ng-repeat="a in r.assets" data-twin="alarm-load-asset">
        <td>{{a.asset}}</td><td class="num">{{a.last10Min}}</td><td class="num">{{a.lastHour}}</td><td class="num">{{a.inWindow}}</td>
        <td class="num">{{a.averagePer10Min | number:2}}</td><td class="num">{{a.peak10Min}}</td><td class="num">{{a.floodPeriods}}</td><td>{{a.rating}}</td>
      </tr>
    </table>
    <h4>Bad actors (most frequent alarms)</h4>
    <div ng-if="r.overall.badActors.length === 0" class="muted">No alarm in the window</div>
    <table ng-if="r.overall.badActors.length > 0">
      <tr><th>Alarm</th><th>Count</th><th>Share</th><th>Chattering</th></tr>
      <tr ng-repeat="b in r.overall.badActors" data-twin="bad-actor">
        <td>{{b.alarm}}</td><td class="num">{{b.count}}</td><td class="num">{{b.sharePct | number:1}} %</td><td>{{b.chattering ? 'yes' : ''}}</td>
      </tr>
    </table>
  </div>
</div>
<script>
(function (scope) {
  scope.$watch('msg', function (msg) {
    if (msg && msg.payload && msg.payload.kind === 'alarm-load') scope.r = msg.payload;
  });
})(scope);
</script>`;
