/**
 * The Sparkplug B example: an edge node and the central host on one local broker, so both ends can be watched in one
 * editor. In a plant they run in different Node-RED instances (see README "A fleet of sites").
 */
import { FlowBuilder, type FlowNode } from './builder';
import { debug, inject } from './example-nodes';

const BROKER_URL = 'mqtt://127.0.0.1:1883';

export function sparkplugExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('tab', { type: 'tab', label: 'Sparkplug B edge and central host', disabled: false, info: '' });
  flow.place('comment', tab, 0, 0, { type: 'comment', name: 'twin-sparkplug-edge → broker → twin-sparkplug-host', outputs: 0,
    info: 'Needs an MQTT broker on 127.0.0.1:1883 (e.g. Mosquitto). "reading" publishes a bearing temperature as a Sparkplug B\n' +
      'edge node (group "plant", edge node "edge-1", device = the asset id); the central host turns it back into a reading\n' +
      'with its origin. Stop the broker, press "reading" a few times, start it again: the readings wait in twin-buffer and\n' +
      'arrive flagged historical. "rebirth" asks the edge node for its births again; "fleet" shows who is online since when.\n' +
      'At the centre, wire the host\'s first output to twin-buffer → twin-historian as the reference flow does.' });
  const stamp = flow.place('stamp', tab, 1, 2, { type: 'function', name: 'a reading', outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
    func: "msg.payload = [{ asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', value: 40 + Math.random(), ts: Date.now(), quality: 'good' }];\nreturn msg;" });
  const edge = flow.place('edge', tab, 2, 2, { type: 'twin-sparkplug-edge', name: '', url: BROKER_URL, clientId: '', caFile: '', keepaliveS: '15', group: 'plant',
    edge: 'edge-1', primaryHostId: 'twin-central', dataQos: '1', ackTimeoutS: '10', model: '', modelType: 'RUL', modelFile: '', outputs: 2 });
  const buffer = flow.place('buffer', tab, 3, 3, { type: 'twin-buffer', name: 'kept while the host is away', directory: '', maxDiskMB: '512', maxAgeHours: '168',
    fullPolicy: 'drop-oldest', durability: 'batch', fsyncMs: '200', maxReplayRate: '500', ackTimeoutS: '10', maxInFlight: '100', outputs: 2 });
  const host = flow.place('host', tab, 2, 5, { type: 'twin-sparkplug-host', name: '', url: BROKER_URL, clientId: '', caFile: '', keepaliveS: '15',
    hostId: 'twin-central', groups: 'plant', assetIds: 'device', outputs: 2 });
  flow.wire(inject(flow, 'reading', tab, 0, 2, 'reading', '', '', 'date'), stamp);
  flow.wire(stamp, edge);
  flow.wire(edge, buffer, 0);
  flow.wire(buffer, edge, 0);
  flow.wire(edge, debug(flow, 'edge-events', tab, 3, 1, 'edge session events'), 1);
  flow.wire(inject(flow, 'rebirth', tab, 0, 5, 'rebirth', 'rebirth', '{"group":"plant","edge":"edge-1"}', 'json'), host);
  flow.wire(inject(flow, 'fleet', tab, 0, 6, 'fleet', 'fleet', '', 'date'), host);
  flow.wire(host, debug(flow, 'central', tab, 3, 5, 'central: readings with origin'), 0);
  flow.wire(host, debug(flow, 'fleet-state', tab, 3, 6, 'fleet: online / offline since'), 1);
  return flow.nodes;
}
