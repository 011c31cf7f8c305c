/** The alarm-management example: twin-threshold's alerts through twin-alarms, with the actions an operator takes. */
import { FlowBuilder, type FlowNode } from './builder';
import { debug, inject, spindleAsset } from './example-nodes';

/** Twelve seconds of bearing-temperature readings ending now, so the limit's minimum duration (10 s) is met at once. */
const READINGS_CODE = `const now = Date.now();
msg.payload = Array.from({ length: 13 }, (_, i) => ({ asset: 'spindle-1', sensor: 'bearingTemp', unit: '°C', value: msg.payload, ts: now - (12 - i) * 1000, quality: 'good' }));
return msg;`;

export function alarmExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('tab', { type: 'tab', label: 'Alarm management (ISA-18.2)', disabled: false, info: '' });
  flow.place('comment', tab, 0, 0, { type: 'comment', name: 'twin-threshold → twin-alarms: acknowledge, shelve, out of service, journal, alarm rate', outputs: 0,
    info: '"hot bearing" raises the bearing-temperature alarm (priority high); the summary (debug "summary") shows it unacknowledged.\n' +
      '"acknowledge" acknowledges it, "cool bearing" returns it to normal. Raise it again and "shelve 30 s": it leaves the summary and\n' +
      'comes back by itself 30 s later if still hot. "out of service" hides every alarm of the sensor until "return to service".\n' +
      'Each step is a journal record (debug "journal"): wire that output through twin-buffer to twin-historian to keep it.\n' +
      'Actions sent by an inject name the person in payload.by; from a dashboard it is the logged-in user.' });
  const asset = spindleAsset(flow);
  const readings = flow.placeFunction('readings', tab, 1, 2, '12 s of readings', READINGS_CODE);
  const threshold = flow.place('threshold', tab, 2, 2, { type: 'twin-threshold', name: '', asset, sensors: 'bearingTemp', staleAfterS: '0', ignoreHistorical: true, outputs: 2 });
  const alarms = flow.place('alarms', tab, 3, 3, { type: 'twin-alarms', name: '', position: 'Control room', assets: '', shelveDurations: '30 s, 1 h, 8 h',
    requireLogin: true, windowHours: '24', reportS: '60', outputs: 5 });
  flow.wire(inject(flow, 'hot', tab, 0, 2, 'hot bearing (85 °C)', '', '85', 'num'), readings);
  flow.wire(inject(flow, 'cool', tab, 0, 3, 'cool bearing (50 °C)', '', '50', 'num'), readings);
  flow.wire(readings, threshold);
  flow.wire(threshold, alarms, 0);
  const key = 'spindle-1:bearingTemp:alarm';
  const actions: Array<[string, string, string, Record<string, unknown>]> = [
    ['ack', 'acknowledge', 'ack', { key, by: 'example user' }],
    ['shelve', 'shelve 30 s', 'shelve', { key, seconds: 30, reason: 'trying the example', by: 'example user' }],
    ['unshelve', 'unshelve', 'unshelve', { key, by: 'example user' }],
    ['oos', 'out of service', 'out-of-service', { asset: 'spindle-1', sensor: 'bearingTemp', reason: 'RTD replaced', by: 'example user' }],
    ['rts', 'return to service', 'return-to-service', { asset: 'spindle-1', sensor: 'bearingTemp', by: 'example user' }],
  ];
  actions.forEach(([k, name, topic, payload], i) => flow.wire(inject(flow, k, tab, 2, 5 + i, name, topic, JSON.stringify(payload), 'json'), alarms));
  flow.wire(alarms, threshold, 3);
  flow.wire(alarms, debug(flow, 'summary', tab, 4, 2, 'summary'), 0);
  flow.wire(alarms, debug(flow, 'journal', tab, 4, 3, 'journal'), 1);
  flow.wire(alarms, debug(flow, 'load', tab, 4, 4, 'alarm load'), 2);
  flow.wire(alarms, debug(flow, 'annunciations', tab, 4, 5, 'newly shown'), 4);
  return flow.nodes;
}
