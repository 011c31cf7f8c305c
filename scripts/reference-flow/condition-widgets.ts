import { slopeUnitOfFeature } from '../../lib/features/slope-unit';
import { parseDuration } from '../../lib/features/window-stats';
import { STATE_LABELS } from '../../lib/machine-state/machine-state';

/**
 * Dashboard templates of the condition-monitoring group on each asset tab: the key features with the ISO 10816-3
 * zone, the vibration spectrum with the bearing defect frequencies marked, and the sensor-health table. They
 * take twin-features and twin-drift messages as they are, so no function node sits in between.
 */

export interface ShownFeature {
  name: string;
  label: string;
  decimals: number;
}

/** A shown feature with the slope unit that fits its window (lib/features/slope-unit), for the template's script. */
interface ShownFeatureScaled extends ShownFeature {
  factor: number;
  per?: 'h' | 'd';
  /** The window the feature is computed over (its name's last part, `1h` in `load.mean.1h`), if it has one. */
  window?: { name: string; ms: number };
}

function windowOf(feature: string): ShownFeatureScaled['window'] {
  const name = feature.split('.').pop() ?? '';
  try {
    return { name, ms: parseDuration(name) };
  } catch {
    return undefined;
  }
}

export const STATE_STYLE = `.twin-machine-state { padding: 4px 8px; margin-bottom: 6px; border-radius: 4px; color: #fff; font-weight: bold; }
.twin-machine-state.state-down { background: #ca3838; } .twin-machine-state.state-stopped, .twin-machine-state.state-warming-up { background: #6d6d6d; }`;

/**
 * Key features of a feature vector as a table, the ISO zone as a coloured badge. While the machine does not run
 * (twin-features' machine-state records), the panel says so and since when; the figures are the last valid ones,
 * labelled as held, and no ISO zone is claimed for a machine that does not turn.
 */
export function featureTableTemplate(waveformSensor: string | undefined, shown: ShownFeature[]): string {
  const scaled: ShownFeatureScaled[] = shown.map((f) => {
    const slope = slopeUnitOfFeature(f.name);
    const scaledFeature: ShownFeatureScaled = slope ? { ...f, factor: slope.factor, per: slope.per } : { ...f, factor: 1 };
    const window = windowOf(f.name);
    return window ? { ...scaledFeature, window } : scaledFeature;
  });
  return `<style>
.twin-features table { width: 100%; border-collapse: collapse; }
.twin-features td { padding: 3px 6px; border-bottom: 1px solid rgba(128,128,128,0.25); }
.twin-features td.value { text-align: right; font-variant-numeric: tabular-nums; }
.twin-features .held td { opacity: 0.55; }
.twin-features .zone { display: inline-block; padding: 2px 10px; border-radius: 4px; color: #fff; font-weight: bold; }
.twin-features .zone-A { background: #2e7d32; } .twin-features .zone-B { background: #7cb342; }
.twin-features .zone-C { background: #e6a800; } .twin-features .zone-D { background: #ca3838; }
${STATE_STYLE}
</style>
<div class="twin-features">
  <div class="twin-machine-state state-{{state.state}}" ng-if="held">{{stateWord}} since {{state.since | date:'dd MMM HH:mm:ss'}}
    <span ng-if="state.validUntil"> · figures held from {{state.validUntil | date:'HH:mm:ss'}}, when it last ran</span></div>
  <div ng-if="!rows && !held">Waiting for the first feature vector…</div>
  <div ng-if="!rows && held">No figures while the machine does not run: they come back once it runs again.</div>
  <div ng-if="rows && zone && !held" style="margin-bottom:6px">ISO 10816-3 zone <span class="zone zone-{{zone}}">{{zone}}</span> {{zoneText}}</div>
  <table ng-if="rows" ng-class="{held: held}"><tr ng-repeat="row in rows"><td>{{row.label}}</td><td class="value">{{row.value}}</td><td>{{row.unit}}</td></tr></table>
</div>
<script>
(function (scope) {
  var shown = ${JSON.stringify(scaled)};
  var words = ${JSON.stringify(STATE_LABELS)};
  var meaning = { A: 'new machine condition', B: 'unrestricted operation', C: 'restricted: plan action', D: 'damage likely' };
  // A window not yet filled says how much data it holds: "24 h mean" over 3 minutes is not a day's mean.
  function soFar(window, spans) {
    var span = window && spans && spans[window.name];
    if (!span || span.to - span.from >= 0.9 * window.ms) return '';
    var s = Math.max(1, Math.round((span.to - span.from) / 1000));
    return ' (' + (s < 120 ? s + ' s' : s < 7200 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h') + ' of data so far)';
  }
  scope.$watch('msg', function (msg) {
    if (!msg || !msg.payload) return;
    var v = msg.payload;
    if (v.kind === 'machine-state') {
      scope.state = v;
      scope.stateWord = words[v.state] || v.state;
      scope.held = v.state !== 'running' && v.state !== 'unknown';
      return;
    }
    if (!v.features) return;
    if (v.machineState) { scope.state = v.machineState; scope.held = false; }
    scope.zone = ${waveformSensor ? `v.isoZones && v.isoZones[${JSON.stringify(waveformSensor)}]` : 'undefined'};
    scope.zoneText = scope.zone ? meaning[scope.zone] : '';
    scope.rows = shown.filter(function (f) { return typeof v.features[f.name] === 'number'; }).map(function (f) {
      // A slope comes per day from twin-features; it is shown in the unit that fits its window (°C/h over an hour).
      var unit = v.units[f.name] === '1' ? '' : v.units[f.name] || '';
      if (f.per && unit.slice(-2) === '/d') unit = unit.slice(0, -2) + '/' + f.per;
      return { label: f.label + soFar(f.window, v.windows), value: (v.features[f.name] * f.factor).toFixed(f.decimals), unit: unit };
    });
  });
})(scope);
</script>`;
}

/**
 * Amplitude spectrum of one waveform sensor as an SVG line, with labelled axes (frequency in Hz, amplitude in the
 * sensor's unit, ticks at round values) and the bearing defect frequencies BPFO/BPFI/BSF/FTF of the asset's bearing
 * geometry (twin-features, lib/asset/bearing-frequencies) drawn and named with their frequency.
 */
export function spectrumTemplate(sensor: string): string {
  return `<style>
.twin-spectrum svg { width: 100%; height: 240px; }
.twin-spectrum text { font-size: 10px; fill: currentColor; }
</style>
<div class="twin-spectrum">
  <div ng-if="!points">Waiting for a vibration block…</div>
  <svg ng-if="points" viewBox="0 0 620 240" preserveAspectRatio="none" data-twin="spectrum">
    <g ng-repeat="t in yTicks">
      <line x1="48" ng-attr-y1="{{t.y}}" x2="610" ng-attr-y2="{{t.y}}" stroke="currentColor" stroke-opacity="0.12"/>
      <text x="44" ng-attr-y="{{t.y + 3}}" text-anchor="end" data-twin="spectrum-y-tick">{{t.label}}</text>
    </g>
    <g ng-repeat="t in xTicks">
      <line ng-attr-x1="{{t.x}}" y1="200" ng-attr-x2="{{t.x}}" y2="204" stroke="currentColor" stroke-opacity="0.6"/>
      <text ng-attr-x="{{t.x}}" y="214" ng-attr-text-anchor="{{t.anchor}}" data-twin="spectrum-x-tick">{{t.label}}</text>
    </g>
    <line x1="48" y1="200" x2="610" y2="200" stroke="currentColor" stroke-opacity="0.6"/>
    <line x1="48" y1="8" x2="48" y2="200" stroke="currentColor" stroke-opacity="0.6"/>
    <g ng-repeat="m in markers">
      <line ng-attr-x1="{{m.x}}" y1="8" ng-attr-x2="{{m.x}}" y2="200" stroke="#ca3838" stroke-dasharray="4 3" stroke-opacity="0.8"/>
      <text ng-attr-x="{{m.labelX}}" ng-attr-y="{{18 + 11 * $index}}" ng-attr-text-anchor="{{m.anchor}}" data-twin="spectrum-defect">{{m.name}} {{m.hz}} Hz</text>
    </g>
    <polyline fill="none" stroke="#1f77b4" stroke-width="1.2" ng-attr-points="{{points}}"/>
    <text x="329" y="234" text-anchor="middle" data-twin="spectrum-x-axis">Frequency (Hz)</text>
    <text x="10" y="104" text-anchor="middle" transform="rotate(-90 10 104)" data-twin="spectrum-y-axis">Amplitude ({{unit}})</text>
  </svg>
</div>
<script>
(function (scope) {
  var sensor = ${JSON.stringify(sensor)};
  var LEFT = 48, RIGHT = 610, TOP = 8, BOTTOM = 200;
  var step = function (range, count) {
    var raw = range / count, power = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / power;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
  };
  scope.$watch('msg', function (msg) {
    var spectrum = msg && msg.payload && msg.payload.spectra && msg.payload.spectra[sensor];
    if (!spectrum || spectrum.hz.length === 0) return;
    var maxHz = spectrum.hz[spectrum.hz.length - 1];
    var peak = Math.max.apply(null, spectrum.amplitude) || 1;
    var yStep = step(peak, 4), top = Math.ceil(peak / yStep) * yStep, xStep = step(maxHz, 8);
    var x = function (hz) { return LEFT + (RIGHT - LEFT) * hz / maxHz; };
    var y = function (a) { return BOTTOM - (BOTTOM - TOP) * a / top; };
    scope.points = spectrum.hz.map(function (hz, i) { return x(hz).toFixed(1) + ',' + y(spectrum.amplitude[i]).toFixed(1); }).join(' ');
    scope.unit = spectrum.unit;
    scope.yTicks = [];
    for (var a = 0; a <= top + yStep / 2; a += yStep) scope.yTicks.push({ y: y(a), label: Number(a.toPrecision(3)) });
    scope.xTicks = [];
    for (var hz = 0; hz <= maxHz; hz += xStep) scope.xTicks.push({ x: x(hz), label: Number(hz.toPrecision(4)), anchor: x(hz) > RIGHT - 20 ? 'end' : 'middle' });
    var f = msg.payload.features;
    scope.markers = ['bpfo', 'bpfi', 'bsf', 'ftf'].filter(function (d) { return f[sensor + '.' + d + 'Hz'] < maxHz; }).map(function (d) {
      var at = f[sensor + '.' + d + 'Hz'];
      // A line near the right edge is named on its left, so its label stays inside the chart.
      var nearEnd = x(at) > RIGHT - 90;
      return { name: d.toUpperCase(), hz: at.toFixed(1), x: x(at), labelX: nearEnd ? x(at) - 2 : x(at) + 2, anchor: nearEnd ? 'end' : 'start' };
    });
  });
})(scope);
</script>`;
}

/** Health of each checked sensor, with the recommendation and a reset button for after a calibration. */
export const HEALTH_TEMPLATE = `<style>
.twin-health table { width: 100%; border-collapse: collapse; }
.twin-health th, .twin-health td { text-align: left; padding: 4px 6px; border-bottom: 1px solid rgba(128,128,128,0.3); vertical-align: top; }
.twin-health .faulty td:first-child { border-left: 6px solid #ca3838; }
.twin-health .suspect td:first-child { border-left: 6px solid #e6a800; }
.twin-health .learning td:first-child { border-left: 6px solid #2b83ba; }
.twin-health .healthy td:first-child { border-left: 6px solid #2e7d32; }
</style>
<div class="twin-health">
  <div ng-if="!msg.payload">Waiting for the sensor-health report…</div>
  <table ng-if="msg.payload">
    <tr><th>Sensor</th><th>Health</th><th>Drift</th><th>Recommendation</th><th></th></tr>
    <tr ng-repeat="s in msg.payload.sensors track by s.sensor" ng-class="s.state">
      <td>{{s.sensor}}</td>
      <td>{{s.state}}</td>
      <td ng-if="s.driftBias !== null">{{s.driftBias | number:2}} {{s.unit}}</td>
      <td ng-if="s.driftBias === null" title="No reference sensor or baseline is configured for it in twin-drift">not checked</td>
      <td>{{s.recommendation}}</td>
      <td><md-button class="md-raised" ng-if="s.calibrationDue" ng-click="send({topic: 'reset', payload: {sensor: s.sensor}})">Calibrated</md-button></td>
    </tr>
  </table>
</div>`;
