import { LEVEL_STYLE, TABLE_STYLE } from './maintenance-widgets';

/**
 * The central Fleet overview table: twin-sparkplug-host's `sparkplug/fleet` as it comes (lib/sparkplug/fleet-view.ts
 * orders it and computes every figure), one row per edge node and one per device under it. No code: display only.
 */
export const FLEET_SITES_TEMPLATE = `<style>
${TABLE_STYLE('twin-sites')}
${LEVEL_STYLE}
.twin-sites .edge td { font-weight: bold; border-top: 2px solid rgba(128,128,128,0.5); }
.twin-sites .device td:first-child { padding-left: 24px; }
.twin-sites .state { display: inline-block; min-width: 64px; text-align: center; padding: 2px 8px; border-radius: 4px; color: #fff; }
.twin-sites .state-online { background: #2e7d32; } .twin-sites .state-offline { background: #616161; }
.twin-sites .offline td { opacity: 0.75; }
</style>
<div class="twin-sites">
  <div class="none" ng-if="!msg.payload || msg.payload.length === 0">Waiting for the first edge node's birth certificate…</div>
  <table ng-if="msg.payload && msg.payload.length > 0">
    <tr><th>Site / edge node · device</th><th>Line / cell</th><th>State</th><th>Since</th><th>Last data</th><th>Urgency</th><th>Remaining life</th><th>Model</th></tr>
    <tbody ng-repeat="e in msg.payload track by (e.group + '/' + e.edge)">
      <tr class="edge" data-twin="site" data-edge="{{e.edge}}" ng-class="{offline: !e.online}">
        <td data-twin="site-name">{{e.site}} · {{e.group}}/{{e.edge}}</td>
        <td>{{e.devicesOnline}}/{{e.devices.length}} devices online</td>
        <td><span class="state state-{{e.online ? 'online' : 'offline'}}" data-twin="state">{{e.online ? 'online' : 'OFFLINE'}}</span></td>
        <td data-twin="since" data-since="{{e.since}}">{{e.since | date:'dd MMM HH:mm:ss'}}</td>
        <td class="num"><span ng-if="e.lastDataAgeS !== undefined && e.lastDataAgeS !== null">{{e.lastDataAgeS}} s ago</span><span ng-if="e.lastDataAgeS === undefined || e.lastDataAgeS === null">none yet</span></td>
        <td><span ng-if="e.level" class="twin-level twin-level-{{e.level}}">{{e.level}}</span></td>
        <td></td>
        <td><span ng-repeat="m in e.models">{{m.type}} {{m.version}} </span></td>
      </tr>
      <tr ng-repeat="d in e.devices track by d.device" class="device" data-twin="device" data-device="{{d.device}}" ng-class="{offline: !d.online}">
        <td>{{d.device}}</td>
        <td data-twin="place">{{d.line}}<span ng-if="d.cell"> / {{d.cell}}</span></td>
        <td><span class="state state-{{d.online ? 'online' : 'offline'}}" data-twin="state">{{d.online ? 'online' : 'OFFLINE'}}</span></td>
        <td data-twin="since" data-since="{{d.since}}">{{d.since | date:'dd MMM HH:mm:ss'}}</td>
        <td class="num"><span ng-if="d.lastDataAgeS !== undefined && d.lastDataAgeS !== null">{{d.lastDataAgeS}} s ago</span></td>
        <td data-twin="urgency"><span ng-if="d.urgency" class="twin-level twin-level-{{d.urgency.level}}">{{d.urgency.level}}</span></td>
        <td class="num"><span ng-if="d.urgency">{{d.urgency.rulHours | number:0}} h</span></td>
        <td>{{d.urgency.modelVersion}}</td>
      </tr>
    </tbody>
  </table>
</div>`;
