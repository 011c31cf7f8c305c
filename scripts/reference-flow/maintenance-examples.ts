/**
 * Examples of the remaining-useful-life nodes: scoring feature vectors with the shipped model into maintenance
 * urgency, and retraining the model on the plant's confirmed failures.
 */
import { SPINDLE_ASSET } from '../../lib/asset/presets';
import { FlowBuilder, type FlowNode } from './builder';
import { bearingStageVectors } from './example-spindle-vectors';
import { debug, embeddedDb, errorsOf, inject } from './example-nodes';

/** The twin-model config node for the model shipped in the package. */
export function defaultModel(flow: FlowBuilder, key: string): string {
  return flow.add(key, { type: 'twin-model', name: 'shipped RUL model', source: 'default', file: '', db: '', pollS: '60' });
}

export function rulUrgencyExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('rul:tab', { type: 'tab', label: 'Remaining useful life and urgency', disabled: false, info: '' });
  const stages = bearingStageVectors();
  flow.place('rul:comment', tab, 0, 0, { type: 'comment', name: 'twin-rul + twin-urgency: feature vectors → remaining life → CRITICAL / WARNING / NORMAL', outputs: 0,
    info: 'Press the three buttons in order. Each sends a feature vector of the simulated spindle at 12,000 rpm, as twin-features\n' +
      `sends it, taken from a simulated run to failure with about ${stages.map((s) => `${s.targetRulHours} h`).join(', ')} of life really left.\n` +
      'twin-rul scores it with the model shipped in the package (models/default-rul.onnx) and twin-urgency judges the lower end of\n' +
      'its interval: the debug sidebar shows a NORMAL decision, then WARNING (below 168 h: plan this week, a work order opens), then\n' +
      'CRITICAL (below 48 h: schedule now, the work order escalates), with rulHours, lowerHours and upperHours. A vector the model\n' +
      'cannot read (a feature missing) is reported under "errors".' });
  const stamp = flow.place('rul:stamp', tab, 1, 3, { type: 'change', name: 'time: now', outputs: 1,
    rules: [{ t: 'set', p: 'payload.ts', pt: 'msg', to: '$millis()', tot: 'jsonata' }] });
  stages.forEach((stage, row) => {
    const vector = { asset: SPINDLE_ASSET.id, features: stage.features, quality: { speed: 'good', vibration: 'good', acceleration: 'good' } };
    flow.wire(inject(flow, `rul:${stage.key}`, tab, 0, 2 + row, `${stage.label} (${stage.targetRulHours} h left)`, `features/${SPINDLE_ASSET.id}`, JSON.stringify(vector), 'json'), stamp);
  });
  const model = defaultModel(flow, 'rul:model');
  const rul = flow.place('rul:rul', tab, 2, 3, { type: 'twin-rul', name: '', model, periodS: '0', unhealthy: 'widen', unhealthyQuality: 'uncertain',
    runningFeature: 'speed.last', runningAbove: '0' });
  // "every estimate", not "changes": the level starts NORMAL, so a first NORMAL would otherwise send nothing.
  const urgency = flow.place('rul:urgency', tab, 3, 3, { type: 'twin-urgency', name: '', criticalHours: '48', warningHours: '168', hysteresisHours: '12',
    send: 'every', outputs: 3 });
  flow.wire(stamp, rul);
  flow.wire(rul, urgency);
  ['CRITICAL', 'WARNING', 'NORMAL'].forEach((level, port) => flow.wire(urgency, debug(flow, `rul:${level.toLowerCase()}`, tab, 4, 2 + port, level), port));
  errorsOf(flow, 'rul', tab, 3, 5, [rul, urgency]);
  return flow.nodes;
}

/** Function code building a failure event as the maintenance dashboard records it. */
const FAILURE_EVENT_CODE = `// A failure confirmed by maintenance: it ends one life of the machine, and twin-train counts the time left down to it.
const now = Date.now();
msg.payload = {
    kind: 'failure-event',
    id: 'spindle-1:failure:' + now,
    asset: 'spindle-1',
    component: 'spindle bearing',
    outcome: 'failure',            // or 'false-alarm': inspected after a warning, found sound
    failedAt: now - 2 * 3600000,   // when it failed (here: two hours ago)
    confirmedBy: 'example user',
    notes: 'outer race spalled; bearing replaced',
    ts: now,                       // when it was recorded
};
return msg;`;

export function retrainExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('retrain:tab', { type: 'tab', label: 'Retrain on confirmed failures', disabled: false, info: '' });
  flow.place('retrain:comment', tab, 0, 0, { type: 'comment', name: 'twin-train: retrain the RUL model on the plant\'s own failures', outputs: 0,
    info: 'Uses DATABASE_URL when set, else the embedded TimescaleDB in the Node-RED user directory.\n' +
      'A retrain needs history in that database: the feature vectors twin-features stored (table twin_features) and confirmed\n' +
      'failures (twin_failure_events), each ending one life of its machine; twin-train labels each vector with the time left to\n' +
      'the next failure (its help explains the labelling) and promotes the new model only if it beats the one in use. The reference\n' +
      'flow (npm start) collects both. Here, on an empty database, "retrain now" ends under "errors" saying what is missing.\n' +
      '"record a failure" shows the shape of a failure event and stores it through twin-historian; "stored" shows the batch result.\n' +
      'On a dashboard form, twin-user puts the logged-in user into confirmedBy (README "Dashboard logins").\n' +
      'Time scale: 1 for a real machine; the simulator\'s speed-up (1440) for the simulated plant.' });
  const db = embeddedDb(flow, 'retrain:db');
  const event = flow.placeFunction('retrain:event', tab, 1, 2, 'a confirmed bearing failure', FAILURE_EVENT_CODE);
  // From a dashboard form, twin-user writes the logged-in user over confirmedBy; from the flow it keeps the name given.
  const confirmer = flow.place('retrain:confirmer', tab, 1, 3, { type: 'twin-user', name: '', property: 'payload.confirmedBy', requireLogin: false });
  const historian = flow.place('retrain:historian', tab, 2, 2, { type: 'twin-historian', name: '', db, mode: 'write', batchSize: '1000', batchMs: '1000',
    maxQueuedRows: '100000', waveformIntervalS: '60', output: 'rows' });
  flow.wire(inject(flow, 'retrain:record', tab, 0, 2, 'record a failure', '', '', 'date'), event);
  flow.wire(event, confirmer);
  flow.wire(confirmer, historian);
  flow.wire(historian, debug(flow, 'retrain:stored', tab, 3, 2, 'stored'));
  const train = flow.place('retrain:train', tab, 2, 4, { type: 'twin-train', name: '', db, windowDays: '365', timeScale: '1', stepLifeHours: '1',
    validationPercent: '20', minImprovementPercent: '0', runningFeature: 'speed.last', runningAbove: '100', outputs: 2 });
  flow.wire(inject(flow, 'retrain:now', tab, 0, 4, 'retrain now', '', '', 'date'), train);
  flow.wire(train, debug(flow, 'retrain:result', tab, 3, 4, 'retrain result'), 0);
  flow.wire(train, debug(flow, 'retrain:progress', tab, 3, 5, 'progress'), 1);
  errorsOf(flow, 'retrain', tab, 2, 6, [train, historian]);
  return flow.nodes;
}
