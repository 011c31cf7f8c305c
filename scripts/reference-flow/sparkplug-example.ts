/**
 * The Sparkplug B example: an edge node and the central host on one local broker, so both ends can be watched in one
 * editor, and the central Fleet overview on a dashboard tab. In a plant they run in different Node-RED instances
 * (see README "A fleet of sites").
 */
import { FlowBuilder, type FlowNode } from './builder';
import { FULL_WIDTH, TAB_ORDER, uiGroup, uiTab, uiTemplate } from './dashboard';
import { debug, inject } from './example-nodes';
import { FLEET_SITES_TEMPLATE } from './sparkplug-widgets';

const BROKER_URL = 'mqtt://127.0.0.1:1883';

/** The central catalogue: where the edge's asset sits, for the Fleet overview's site and line. */
function centralCatalogue(): string {
  return JSON.stringify({
    format: 'digital-twin-asset-catalogue', version: 1, name: 'Central catalogue',
    assets: [{ id: 'spindle-1', name: 'Spindle 1', type: 'cnc-spindle', site: 'north-plant', line: 'machining', cell: 'cell-1', ratings: {}, sensors: [{ id: 'bearingTemp', unit: '°C' }] }],
  }, null, 2);
}

/** An urgency record as twin-urgency sends one at the edge; the central overview orders the sites by it. */
const URGENCY_CODE = `msg.payload = [{ kind: 'urgency', asset: 'spindle-1', ts: Date.now(), level: 'WARNING', previous: 'NORMAL', changed: true,
    rulHours: 130, lowerHours: 110, upperHours: 150, basisHours: 110, actions: ['Plan maintenance this week'], modelVersion: 'example' }];
return msg;`;

export function sparkplugExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('tab', { type: 'tab', label: 'Sparkplug B edge and central host', disabled: false, info: '' });
  flow.place('comment', tab, 0, 0, { type: 'comment', name: 'twin-sparkplug-edge → broker → twin-sparkplug-host', outputs: 0,
    info: 'Needs an MQTT broker on 127.0.0.1:1883 (e.g. Mosquitto). "reading" publishes a bearing temperature as a Sparkplug B\n' +
      'edge node (group "plant", edge node "edge-1", device = the asset id); the central host turns it back into a reading\n' +
      'with its origin. Stop the broker, press "reading" a few times, start it again: the readings wait in twin-buffer and\n' +
      'arrive flagged historical. "rebirth" asks the edge node for its births again; "fleet" shows who is online since when.\n' +
      '"urgency estimate" sends a WARNING as twin-urgency would. The dashboard tab "Fleet of sites" (/ui) is the central Fleet\n' +
      'overview: every edge node and device, online or OFFLINE since when, last data age, model, urgency, most urgent first;\n' +
      'site, line and cell come from the host\'s catalogue. Stop the broker: the edge shows OFFLINE since the moment it died.\n' +
      'At the centre, wire the host\'s first output to twin-buffer → twin-historian as the reference flow does.' });
  const stamp = flow.place('stamp', tab, 1, 2, { type: 'function', name: 'a reading', outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
    func: "msg.payload = [{ asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', value: 40 + Math.random(), ts: Date.now(), quality: 'good' }];\nreturn msg;" });
  const edge = flow.place('edge', tab, 2, 2, { type: 'twin-sparkplug-edge', name: '', url: BROKER_URL, clientId: '', caFile: '', keepaliveS: '15', group: 'plant',
    edge: 'edge-1', primaryHostId: 'twin-central', dataQos: '1', ackTimeoutS: '10', model: '', modelType: 'RUL', modelFile: '', outputs: 2 });
  const buffer = flow.place('buffer', tab, 3, 3, { type: 'twin-buffer', name: 'kept while the host is away', directory: '', maxDiskMB: '512', maxAgeHours: '168',
    fullPolicy: 'drop-oldest', durability: 'batch', fsyncMs: '200', maxReplayRate: '500', ackTimeoutS: '10', maxInFlight: '100', maxMessageMB: '16',
    order: 'live-first', outputs: 2 });
  const catalogue = flow.add('catalogue', { type: 'twin-catalogue', name: 'Central catalogue', source: 'inline', file: '', catalogue: centralCatalogue() });
  const host = flow.place('host', tab, 2, 5, { type: 'twin-sparkplug-host', name: '', url: BROKER_URL, clientId: '', caFile: '', keepaliveS: '15',
    hostId: 'twin-central', groups: 'plant', assetIds: 'device', db: '', modelType: 'RUL', modelPollS: '60', catalogue, outputs: 2 });
  flow.wire(inject(flow, 'reading', tab, 0, 2, 'reading', '', '', 'date'), stamp);
  flow.wire(stamp, edge);
  const estimate = flow.placeFunction('estimate', tab, 1, 3, 'an urgency record', URGENCY_CODE);
  flow.wire(inject(flow, 'urgency', tab, 0, 3, 'urgency estimate', '', '', 'date'), estimate);
  flow.wire(estimate, edge);
  flow.wire(edge, buffer, 0);
  flow.wire(buffer, edge, 0);
  flow.wire(edge, debug(flow, 'edge-events', tab, 3, 1, 'edge session events'), 1);
  flow.wire(inject(flow, 'rebirth', tab, 0, 5, 'rebirth', 'rebirth', '{"group":"plant","edge":"edge-1"}', 'json'), host);
  flow.wire(inject(flow, 'fleet', tab, 0, 6, 'fleet', 'fleet', '', 'date'), host);
  flow.wire(host, debug(flow, 'central', tab, 3, 5, 'central: readings with origin'), 0);
  flow.wire(host, debug(flow, 'fleet-state', tab, 3, 6, 'fleet: online / offline since'), 1);
  fleetOfSites(flow, tab, host);
  return flow.nodes;
}

/** The central Fleet overview: the host's sparkplug/fleet (not its rebirth and model notices) into one table. */
function fleetOfSites(flow: FlowBuilder, tab: string, host: string): void {
  const dashboardTab = uiTab(flow, 'sites:ui-tab', 'Fleet of sites', TAB_ORDER.fleetOfSites, 'fa-globe');
  const group = uiGroup(flow, 'sites:ui-group', dashboardTab, 'Sites and devices, most urgent first', 1, FULL_WIDTH);
  const overview = flow.place('sites:overview', tab, 3, 7, { type: 'switch', name: 'Fleet overview', property: 'topic', propertyType: 'msg',
    rules: [{ t: 'eq', v: 'sparkplug/fleet', vt: 'str' }], checkall: 'true', repair: false, outputs: 1 });
  flow.wire(host, overview, 1);
  flow.wire(overview, uiTemplate(flow, 'sites:table', tab, 4, 7, group, 1, 'Fleet overview table', FLEET_SITES_TEMPLATE, { width: FULL_WIDTH, height: 10 }));
}
