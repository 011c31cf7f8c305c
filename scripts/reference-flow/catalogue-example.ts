/**
 * The example "Poll Modbus devices from a catalogue": a three-machine catalogue, twin-poll, and a function node that
 * answers as a Modbus-Flex-Getter would, except for one unit id that never answers; and twin-subscribe's OPC UA
 * subscription of the same catalogue's waveforms; twin-plant-view's Fleet overview of the catalogue, and a machine renamed.
 */
import { catalogueToJson } from '../../lib/catalogue/catalogue-json';
import { parseMachineMix, plantCatalogue, plantMachines } from '../../plant/machine-mix';
import { FlowBuilder, type FlowNode } from './builder';
import { debug } from './example-nodes';

/** The example's plant: spindle-1 and pump-1 on unit 1 (one PLC), pump-2 on unit 2, each with a few of its sensors. */
function exampleCatalogue(): string {
  const kept = new Set(['speed', 'bearingTemp', 'vibration', 'state', 'acceleration']);
  const catalogue = plantCatalogue(plantMachines(parseMachineMix('spindle:1,pump:2')));
  return catalogueToJson({ ...catalogue, name: 'Example plant', assets: catalogue.assets.map((a) => ({ ...a, sensors: a.sensors.filter((s) => kept.has(s.id)) })) });
}

/** Stands in for node-red-contrib-modbus: register values for every unit but 2, whose device is dead and never answers. */
const GETTER_STAND_IN = `// A Modbus-Flex-Getter answers with the register values and keeps the request as msg.modbusRequest.
if (msg.payload.unitid === 2) return null; // pump-2's device is dead: no reply at all
msg.modbusRequest = msg.payload;
msg.payload = new Array(msg.payload.quantity).fill(0);
return msg;`;

export function catalogueExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('tab', { type: 'tab', label: 'Poll Modbus devices', disabled: false, info: '' });
  flow.place('comment', tab, 0, 0, { type: 'comment', name: 'twin-catalogue + twin-poll: every Modbus device of a plant, a dead one never stalls the others', outputs: 0,
    info: 'The catalogue holds three machines (open it: import a JSON catalogue or a CSV tag list there, and press "check").\n' +
      'twin-poll sends one read per asset block and device every second. The function node stands in for a Modbus-Flex-Getter:\n' +
      'it answers for unit 1 and never for unit 2. After two unanswered reads pump-2 is reported "not answering" on output 2 and\n' +
      'retried with backoff, while spindle-1 and pump-1 keep their one-second polls (see the node status).\n' +
      'On a real PLC: replace the function by a Modbus-Flex-Getter with "Keep Msg Properties" and "Empty msg on Modbus fail",\n' +
      'its modbus-client without "Reconnect on timeout" and "Queue commands", and wire the getter to twin-ingest too.\n' +
      'twin-subscribe turns the catalogue\'s waveform node ids into the OpcUa-Client\'s subscribe message; on a real PLC wire the client\'s\n' +
      '"session active" status into it and it into the client (the reference flow\'s Plant tab does).\n' +
      'twin-plant-view groups the catalogue by site and line for a Fleet overview (the reference flow\'s dashboard); the inject gives\n' +
      'pump-2 a name of the plant\'s own, kept in twin-display-names.json in the Node-RED user directory, outside the flow.' });
  const catalogue = flow.add('catalogue', { type: 'twin-catalogue', name: 'Example plant', source: 'inline', file: '', catalogue: exampleCatalogue() });
  const poll = flow.place('poll', tab, 0, 2, { type: 'twin-poll', name: '', catalogue, filter: '', periodS: '1', timeoutS: '3', backoffMaxS: '10', outputs: 2 });
  const getter = flow.placeFunction('getter', tab, 1, 2, 'as a Modbus-Flex-Getter answers', GETTER_STAND_IN);
  flow.wire(poll, getter, 0);
  flow.wire(getter, poll);
  flow.wire(getter, debug(flow, 'replies', tab, 2, 2, 'register blocks', 'message'));
  flow.wire(poll, debug(flow, 'events', tab, 1, 3, 'device answers / stops answering'), 1);
  // Accelerometer waveforms cannot travel in Modbus registers: they come over OPC UA, subscribed from the same catalogue.
  const session = flow.place('session', tab, 0, 5, { type: 'inject', name: 'a new OPC UA session', props: [{ p: 'status', v: 'session active', vt: 'str' }],
    repeat: '', crontab: '', once: false, onceDelay: '0.1', topic: '' });
  const subscribe = flow.place('subscribe', tab, 1, 5, { type: 'twin-subscribe', name: '', catalogue, filter: '', kind: 'waveform' });
  flow.wire(session, subscribe);
  flow.wire(subscribe, debug(flow, 'subscriptions', tab, 2, 5, 'OpcUa-Client subscribe messages', 'message'));
  // The plant on a dashboard: the same catalogue grouped by site and line; a name the plant gives is kept outside the flow.
  const rename = flow.place('rename', tab, 0, 7, { type: 'inject', name: 'call pump-2 "Cooling water pump"', topic: 'rename',
    props: [{ p: 'payload', v: '{"kind":"machine","key":"pump-2","name":"Cooling water pump"}', vt: 'json' }, { p: 'topic', vt: 'str' }],
    payload: '{"kind":"machine","key":"pump-2","name":"Cooling water pump"}', payloadType: 'json', repeat: '', crontab: '', once: false, onceDelay: '0.1' });
  const view = flow.place('plant-view', tab, 1, 7, { type: 'twin-plant-view', name: '', catalogue, namesFile: 'twin-display-names.json', pageRows: '15',
    machineTab: 'Machine', outputs: 4 });
  flow.wire(rename, view);
  flow.wire(view, debug(flow, 'fleet', tab, 2, 7, 'Fleet overview: rows by site and line', 'message'));
  return flow.nodes;
}
