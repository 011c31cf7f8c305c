import type { AssetDefinition } from '../../lib/asset/asset-model';
import { DEFAULT_TREND_POINTS, MIN_TREND_SPAN_MS, TREND_RANGES } from '../../lib/historian/trend-plan';

/**
 * The Trends tab's node-red-dashboard (v1) template: an asset and its sensors, a range picker, a chart drawn as SVG
 * with drag-to-zoom and "Zoom out". Each change sends one `{trend: …}` query to twin-historian, whose answer (or the
 * error the flow's catch node turns into `{kind: 'trend-error'}`) comes back to this browser only (msg.socketid). The
 * chart says what it shows: the range, the table that answered (raw readings or the 1-minute rollup), the bucket
 * width and the number of points. An answer that never comes is an error too, after ANSWER_TIMEOUT_S.
 */

/** What the picker offers of an asset: its scalar sensors, with their units for the axis. */
export interface TrendAsset {
  id: string;
  name: string;
  sensors: Array<{ id: string; name: string; unit: string }>;
}

/** Long enough for a 90-day query on a busy database, short enough that nobody waits on a dead connection. */
const ANSWER_TIMEOUT_S = 30;

export function trendAssets(assets: AssetDefinition[]): TrendAsset[] {
  return assets.map((a) => ({ id: a.id, name: a.name, sensors: a.sensors.filter((s) => s.kind === 'scalar').map((s) => ({ id: s.id, name: s.name, unit: s.unit })) }));
}

export function trendTemplate(assets: TrendAsset[]): string {
  const setup = JSON.stringify({ assets, ranges: TREND_RANGES, maxPoints: DEFAULT_TREND_POINTS, minSpanMs: MIN_TREND_SPAN_MS, timeoutMs: ANSWER_TIMEOUT_S * 1000 });
  return `<style>
.twin-trend { font-size: 13px; }
.twin-trend .bar { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; margin: 2px 0 6px; }
.twin-trend select { font-size: 13px; padding: 2px 4px; }
.twin-trend label.sensor { white-space: nowrap; cursor: pointer; }
/* As specific as node-red-dashboard's own margins for a template's buttons, which would stagger a row of them. */
.nr-dashboard-theme .nr-dashboard-template .twin-trend .bar .md-button { min-width: 52px; min-height: 26px; line-height: 26px; margin: 0; padding: 0 8px; font-size: 12px; }
.twin-trend .muted { opacity: 0.7; }
.twin-trend .chart { position: relative; height: 330px; user-select: none; }
.twin-trend .chart svg { width: 100%; height: 330px; cursor: crosshair; }
.twin-trend .chart text { font-size: 11px; fill: currentColor; }
.twin-trend .chart .grid { stroke: rgba(128,128,128,0.25); }
.twin-trend .chart .axis { stroke: rgba(128,128,128,0.8); }
.twin-trend .chart .zoom { fill: rgba(63,81,181,0.15); stroke: rgba(63,81,181,0.6); }
.twin-trend .overlay { position: absolute; left: 70px; top: 40px; right: 20px; padding: 8px 12px; border-radius: 3px; }
.twin-trend .overlay.error { background: #b71c1c; color: #fff; font-weight: 600; }
.twin-trend .legend span { margin-right: 14px; white-space: nowrap; }
.twin-trend .legend i { display: inline-block; width: 14px; height: 3px; margin-right: 4px; vertical-align: middle; }
</style>
<div class="twin-trend" data-twin="trend">
  <div class="bar">
    <select ng-model="q.asset" ng-change="assetChanged()" data-twin="trend-asset" ng-options="a.id as a.name for a in setup.assets"></select>
    <label class="sensor" ng-repeat="s in sensorsOf(q.asset) track by s.id">
      <input type="checkbox" ng-model="picked[s.id]" ng-change="load()" data-twin="trend-sensor" data-sensor="{{s.id}}"> {{s.name}}</label>
  </div>
  <div class="bar">
    <md-button ng-repeat="r in setup.ranges track by r.label" class="md-raised" ng-class="{'md-primary': rangeLabel === r.label}"
      data-twin="trend-range" data-range="{{r.label}}" ng-click="pick(r)">{{r.label}}</md-button>
    <md-button class="md-raised" data-twin="trend-zoom-out" ng-disabled="zooms.length === 0" ng-click="zoomOut()">Zoom out</md-button>
    <span class="muted" data-twin="trend-info" ng-if="shown">{{shown.from | date:'dd MMM HH:mm'}} – {{shown.to | date:'dd MMM HH:mm'}} ·
      {{shown.source === 'twin_readings' ? 'raw readings' : '1-minute rollup'}}, {{bucketText(shown.bucketS)}} averages · {{shown.points | number}} of at most {{shown.maxPoints | number}} points</span>
  </div>
  <div class="legend" ng-if="shown"><span ng-repeat="s in shown.series"><i ng-style="{background: colour($index)}"></i>{{nameOf(s.sensor)}} ({{unitOf(s.sensor)}})</span></div>
  <div class="chart" data-twin="trend-chart">
    <div class="overlay muted" data-twin="trend-loading" ng-if="loading && !error">Loading…</div>
    <div class="overlay muted" ng-if="!loading && !error && shown && shown.points === 0" data-twin="trend-empty">No readings stored in this range.</div>
    <div class="overlay muted" ng-if="!loading && !error && noSensor" data-twin="trend-no-sensor">Pick a sensor.</div>
    <div class="overlay error" data-twin="trend-error" ng-if="error">Trend not available: {{error}}</div>
  </div>
  <div class="muted">Drag across the chart to zoom in; "Zoom out" goes back.</div>
</div>
<script>
(function (scope) {
  var setup = ${setup};
  var SVG = 'http://www.w3.org/2000/svg';
  var COLOURS = ['#1f4e79', '#c55a11', '#548235', '#7030a0', '#806000', '#2f5597', '#a50021', '#3b3838'];
  var M = { left: 64, right: 16, top: 10, bottom: 28 };
  /** Pixels between points from which a series is drawn as a line only. */
  var SPARSE_POINT_SPACING = 6;
  var sequence = 0, pending = null, timer = null, last = null;
  scope.setup = setup;
  scope.q = { asset: setup.assets.length ? setup.assets[0].id : null, from: 0, to: 0 };
  scope.picked = {};
  scope.zooms = [];
  scope.rangeLabel = '24 h';
  scope.colour = function (i) { return COLOURS[i % COLOURS.length]; };
  scope.sensorsOf = function (asset) {
    var a = setup.assets.filter(function (x) { return x.id === asset; })[0];
    return a ? a.sensors : [];
  };
  var sensorOf = function (id) { return scope.sensorsOf(scope.q.asset).filter(function (s) { return s.id === id; })[0]; };
  scope.nameOf = function (id) { var s = sensorOf(id); return s ? s.name : id; };
  scope.unitOf = function (id) { var s = sensorOf(id); return s ? s.unit : ''; };
  scope.bucketText = function (s) {
    if (s < 60) return s + ' s';
    if (s < 3600) return (s / 60) + ' min';
    if (s < 86400) return (s / 3600) + ' h';
    return (s / 86400) + ' d';
  };
  var chart = function () { return document.querySelector('[data-twin=trend-chart]'); };

  scope.assetChanged = function () {
    scope.picked = {};
    var first = scope.sensorsOf(scope.q.asset)[0];
    if (first) scope.picked[first.id] = true;
    scope.load();
  };
  scope.pick = function (r) {
    scope.rangeLabel = r.label;
    scope.zooms = [];
    scope.q.to = Date.now();
    scope.q.from = scope.q.to - r.ms;
    scope.load();
  };
  scope.zoomOut = function () {
    var back = scope.zooms.pop();
    if (!back) return;
    scope.q.from = back.from; scope.q.to = back.to;
    if (scope.zooms.length === 0) scope.rangeLabel = back.label;
    scope.load();
  };
  var zoomTo = function (from, to) {
    if (to - from < setup.minSpanMs) { var middle = (from + to) / 2; from = middle - setup.minSpanMs / 2; to = middle + setup.minSpanMs / 2; }
    scope.zooms.push({ from: scope.q.from, to: scope.q.to, label: scope.rangeLabel });
    scope.rangeLabel = null;
    scope.q.from = Math.round(from); scope.q.to = Math.round(to);
    scope.load();
  };

  scope.load = function () {
    var sensors = scope.sensorsOf(scope.q.asset).map(function (s) { return s.id; }).filter(function (id) { return scope.picked[id]; });
    scope.noSensor = sensors.length === 0;
    if (scope.noSensor) { pending = null; scope.loading = false; draw(null); return; }
    pending = String(++sequence);
    scope.loading = true;
    scope.error = null;
    clearTimeout(timer);
    var waiting = pending;
    timer = setTimeout(function () {
      if (pending !== waiting) return;
      scope.$apply(function () { scope.loading = false; scope.error = 'no answer from the historian within ' + (setup.timeoutMs / 1000) + ' s'; draw(null); });
    }, setup.timeoutMs);
    scope.send({ topic: 'trend', payload: { trend: { asset: scope.q.asset, sensors: sensors, from: scope.q.from, to: scope.q.to, maxPoints: setup.maxPoints, requestId: pending } } });
  };

  scope.$watch('msg', function (msg) {
    var p = msg && msg.payload;
    if (!p || (p.kind !== 'trend' && p.kind !== 'trend-error') || p.requestId !== pending) return;
    clearTimeout(timer);
    pending = null;
    scope.loading = false;
    if (p.kind === 'trend-error') { scope.error = p.error || 'the query failed'; scope.shown = null; draw(null); return; }
    scope.shown = p;
    draw(p);
  });

  var el = function (name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  };
  var pad = function (n) { return (n < 10 ? '0' : '') + n; };
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  var timeLabel = function (t, span) {
    var d = new Date(t);
    var hm = pad(d.getHours()) + ':' + pad(d.getMinutes());
    if (span <= 2 * 3600000) return hm + ':' + pad(d.getSeconds());
    if (span <= 2 * 86400000) return hm;
    return pad(d.getDate()) + ' ' + MONTHS[d.getMonth()] + (span <= 14 * 86400000 ? ' ' + hm : '');
  };
  var niceStep = function (range, count) {
    var raw = range / count, power = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / power;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
  };

  function draw(answer) {
    var box = chart();
    if (!box) return;
    var old = box.querySelector('svg');
    if (old) box.removeChild(old);
    last = answer;
    if (!answer) return;
    var width = box.clientWidth || 800, height = 330;
    var svg = el('svg', { viewBox: '0 0 ' + width + ' ' + height, 'data-twin': 'trend-svg', 'data-from': answer.from, 'data-to': answer.to,
      'data-source': answer.source, 'data-bucket-s': answer.bucketS, 'data-points': answer.points }, null);
    var plotW = width - M.left - M.right, plotH = height - M.top - M.bottom;
    var values = [];
    answer.series.forEach(function (s) { s.points.forEach(function (p) { values.push(p[1]); }); });
    var lo = values.length ? Math.min.apply(null, values) : 0, hi = values.length ? Math.max.apply(null, values) : 1;
    if (hi === lo) { hi += 1; lo -= 1; }
    var step = niceStep(hi - lo, 5);
    lo = Math.floor(lo / step) * step; hi = Math.ceil(hi / step) * step;
    var x = function (t) { return M.left + (t - answer.from) / (answer.to - answer.from) * plotW; };
    var y = function (v) { return M.top + (hi - v) / (hi - lo) * plotH; };
    for (var v = lo; v <= hi + step / 2; v += step) {
      el('line', { x1: M.left, x2: M.left + plotW, y1: y(v), y2: y(v), 'class': 'grid' }, svg);
      el('text', { x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, svg).textContent = Number(v.toPrecision(6)).toLocaleString();
    }
    var span = answer.to - answer.from;
    for (var i = 0; i <= 6; i++) {
      var t = answer.from + span * i / 6;
      el('line', { x1: x(t), x2: x(t), y1: M.top, y2: M.top + plotH, 'class': 'grid' }, svg);
      el('text', { x: x(t), y: height - 8, 'text-anchor': i === 0 ? 'start' : i === 6 ? 'end' : 'middle' }, svg).textContent = timeLabel(t, span);
    }
    el('rect', { x: M.left, y: M.top, width: plotW, height: plotH, fill: 'none', 'class': 'axis' }, svg);
    var units = answer.series.map(function (s) { return scope.unitOf(s.sensor); }).filter(function (u, k, all) { return all.indexOf(u) === k; });
    el('text', { x: 12, y: M.top + plotH / 2, transform: 'rotate(-90 12 ' + (M.top + plotH / 2) + ')', 'text-anchor': 'middle' }, svg).textContent = units.join(', ');
    answer.series.forEach(function (s, k) {
      if (s.points.length === 0) return;
      el('polyline', { fill: 'none', stroke: COLOURS[k % COLOURS.length], 'stroke-width': 1.5, 'data-sensor': s.sensor, 'data-points': s.points.length,
        points: s.points.map(function (p) { return x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1); }).join(' ') }, svg);
      // A series of a few buckets across a long range (a plant started an hour ago, seen over 90 days) is a line a pixel
      // long or a lone point a polyline does not draw: each point gets a dot while there is room between them.
      if (s.points.length > plotW / SPARSE_POINT_SPACING) return;
      s.points.forEach(function (p) {
        el('circle', { cx: x(p[0]).toFixed(1), cy: y(p[1]).toFixed(1), r: 3, fill: COLOURS[k % COLOURS.length], 'data-sensor': s.sensor }, svg);
      });
    });
    var band = el('rect', { y: M.top, height: plotH, width: 0, 'class': 'zoom', visibility: 'hidden' }, svg);
    var start = null;
    var at = function (event) {
      var r = svg.getBoundingClientRect();
      return Math.max(M.left, Math.min(M.left + plotW, (event.clientX - r.left) * width / r.width));
    };
    svg.addEventListener('mousedown', function (event) { start = at(event); band.setAttribute('x', start); band.setAttribute('width', 0); band.setAttribute('visibility', 'visible'); event.preventDefault(); });
    svg.addEventListener('mousemove', function (event) {
      if (start === null) return;
      var now = at(event);
      band.setAttribute('x', Math.min(start, now)); band.setAttribute('width', Math.abs(now - start));
    });
    var finish = function (event) {
      if (start === null) return;
      var end = at(event), a = Math.min(start, end), b = Math.max(start, end);
      start = null;
      band.setAttribute('visibility', 'hidden');
      if (b - a < 4) return;
      var time = function (px) { return answer.from + (px - M.left) / plotW * span; };
      scope.$apply(function () { zoomTo(time(a), time(b)); });
    };
    svg.addEventListener('mouseup', finish);
    svg.addEventListener('mouseleave', finish);
    box.insertBefore(svg, box.firstChild);
  }

  var redraw = function () { if (last) draw(last); };
  window.addEventListener('resize', redraw);
  scope.$on('$destroy', function () { window.removeEventListener('resize', redraw); clearTimeout(timer); });
  (function start() {
    var first = scope.sensorsOf(scope.q.asset)[0];
    if (first) scope.picked[first.id] = true;
    scope.pick(setup.ranges.filter(function (r) { return r.label === '24 h'; })[0]);
  })();
})(scope);
</script>`;
}
