import { FlowBuilder } from './builder';
import { ALARM_HIDDEN_TEMPLATE, ALARM_JOURNAL_TEMPLATE, ALARM_LOAD_TEMPLATE, ALARM_SUMMARY_TEMPLATE } from './alarm-widgets';
import { FULL_WIDTH, TAB_ORDER, uiGroup, uiTab, uiTemplate, uiToast } from './dashboard';
import { freshnessClass } from './hmi-head';
import { historianQuery, storeAndForward } from './historian-nodes';

/** Where an asset's alerts come from: its flow tab, twin-threshold and twin-drift. */
export interface AlarmSource {
  asset: string;
  tab: string;
  threshold: string;
  drift: string;
  /** twin-features, whose second output is the machine-down alarm. */
  features: string;
}

/** The shelve lengths the reference flow offers (the longest is the longest an alarm may stay shelved: a shift). */
export const REFERENCE_SHELVE_DURATIONS = '15 min, 1 h, 4 h, 8 h';

/** The KPI dashboard tab of the prescriptive flow, where the alarm load is shown beside the plant's other KPIs. */
const KPI_UI_TAB = FlowBuilder.idFor('kpi:ui-tab');

/** A dashboard template whose clicks are actions for a node, never state to replay to every browser. */
function actionTemplate(...args: Parameters<typeof uiTemplate>): string {
  const id = uiTemplate(...args);
  args[0].node(id).storeOutMessages = false;
  return id;
}

/**
 * The alarm system of the reference flow: one twin-alarms for the control room hearing every asset's twin-threshold and
 * twin-drift alerts, its journal and hourly load stored through a store-and-forward buffer, the "Alarms" dashboard tab
 * (summary with filters, shelve, shelved / suppressed / out-of-service, journal) and the alarm load on the KPI tab. A
 * ui_control node tells twin-alarms and the journal when a browser (re)connects, so it gets the whole state at once.
 */
export function alarmsFlow(flow: FlowBuilder, db: string, sources: AlarmSource[]): void {
  const tab = flow.add('tab:alarms', { type: 'tab', label: 'Alarms (ISA-18.2)', disabled: false,
    info: 'Alarm management for the control room: every asset\'s alerts through twin-alarms, the Alarms dashboard tab and the alarm load on the KPI tab.' });
  flow.place('alarms:comment', tab, 0, 0, { type: 'comment', name: 'Alerts → twin-alarms (ISA-18.2) → Alarms tab, journal, alarm load', outputs: 0,
    info: [
      'twin-alarms hears the alerts of every asset\'s twin-threshold and twin-drift and keeps the ISA-18.2 alarm states: unacknowledged,',
      'acknowledged, returned-unacknowledged; shelved (by a logged-in user, with a reason, back by itself), out of service (a sensor under',
      'maintenance), suppressed by design (machine down or warming up). Acknowledgements go back to twin-threshold so the Live tabs agree.',
      'Every transition goes to the journal (twin_alarm_journal) and the hourly alarm load to twin_alarm_kpis, through the buffer.',
      'A browser that (re)connects gets the whole alarm state and the journal at once: nothing stale after a restart.',
    ].join('\n') });
  const { buffer, historian } = storeAndForward(flow, 'alarms', tab, db, 'alarm journal and load');
  const alarms = flow.place('alarms:twin-alarms', tab, 2, 3, { type: 'twin-alarms', name: '', position: 'Control room', assets: '',
    shelveDurations: REFERENCE_SHELVE_DURATIONS, requireLogin: true, windowHours: '24', reportS: '60', outputs: 5 });
  const events = flow.placeLinkIn('alarms:events', tab, 0, 3, 'alerts of every asset');
  for (const source of sources) {
    flow.linkFrom(events, source.threshold, 0);
    flow.linkFrom(events, source.drift, 2);
    flow.linkFrom(events, source.features, 1);
    const acks = flow.placeLinkIn(`alarms:${source.asset}:acks`, source.tab, 2, 4, 'acknowledged on the Alarms tab');
    flow.linkFrom(acks, alarms, 3);
    flow.wire(acks, source.threshold);
  }
  flow.wire(events, alarms);
  flow.wire(alarms, buffer, 1);
  const connects = flow.place('alarms:connects', tab, 0, 5, { type: 'ui_ui_control', name: 'a browser (re)connects', events: 'connect', outputs: 1 });
  flow.wire(connects, alarms);

  const uiAlarms = uiTab(flow, 'alarms:ui-tab', 'Alarms', TAB_ORDER.alarms, 'fa-bell');
  const summaryGroup = uiGroup(flow, 'alarms:ui-summary', uiAlarms, 'Alarm summary', 1, 20);
  const hiddenGroup = uiGroup(flow, 'alarms:ui-hidden', uiAlarms, 'Shelved, suppressed, out of service', 2, 20);
  const journalGroup = uiGroup(flow, 'alarms:ui-journal', uiAlarms, 'Alarm journal', 3, 20);
  const route = flow.place('alarms:route', tab, 3, 2, { type: 'switch', name: 'answer or summary', property: 'topic', propertyType: 'msg', checkall: 'false',
    repair: false, rules: [{ t: 'eq', v: 'notice', vt: 'str' }, { t: 'else' }], outputs: 2 });
  flow.wire(alarms, route, 0);
  // An action's answer pops up in the browser that acted (the toast keeps msg.socketid), never on everybody's screen.
  const answerText = flow.place('alarms:answer-text', tab, 4, 8, { type: 'change', name: 'answer text', rules: [
    { t: 'set', p: 'topic', pt: 'msg', to: 'payload.ok ? "Alarms" : "Refused"', tot: 'jsonata' },
    { t: 'set', p: 'payload', pt: 'msg', to: 'payload.text', tot: 'msg' }] });
  const answer = uiToast(flow, 'alarms:answer', tab, 5, 8, 'answer to the operator');
  flow.node(answer).sendall = false;
  flow.wire(route, answerText, 0);
  flow.wire(answerText, answer);
  const summary = actionTemplate(flow, 'alarms:summary', tab, 4, 2, summaryGroup, 1, 'alarm summary', ALARM_SUMMARY_TEMPLATE, { width: 20, height: 10 }, freshnessClass(null));
  const hidden = actionTemplate(flow, 'alarms:hidden', tab, 4, 3, hiddenGroup, 1, 'shelved, suppressed, out of service', ALARM_HIDDEN_TEMPLATE, { width: 20, height: 8 }, freshnessClass(null));
  for (const template of [summary, hidden]) {
    flow.wire(route, template, 1);
    flow.wire(template, alarms);
  }

  // The journal as stored: read again after each batch the historian commits, for each browser that connects, and once
  // the flows have started: Node-RED serves the dashboard before it starts them, so a browser reconnecting after a
  // restart can connect before the ui_control node exists (as twin-alarms sends its state to every browser then too).
  const journalQuery = flow.placeSet('alarms:journal-query', tab, 3, 6, 'the recent journal', [{ p: 'payload', to: '{"alarmJournal":"recent","limit":300}', tot: 'json' }]);
  flow.wire(historian, journalQuery);
  flow.wire(connects, journalQuery);
  flow.wire(flow.place('alarms:journal-at-start', tab, 2, 6, { type: 'inject', name: 'flows started', props: [], repeat: '', crontab: '',
    once: true, onceDelay: '0.1', topic: '' }), journalQuery);
  const reader = historianQuery(flow, 'alarms:journal-reader', tab, 4, 6, db, 'rows');
  flow.wire(journalQuery, reader);
  flow.wire(reader, actionTemplate(flow, 'alarms:journal', tab, 5, 6, journalGroup, 1, 'alarm journal', ALARM_JOURNAL_TEMPLATE, { width: 20, height: 10 }, freshnessClass(null)));

  flow.node(KPI_UI_TAB);
  const loadGroup = uiGroup(flow, 'alarms:ui-load', KPI_UI_TAB, 'Alarm load (ISA-18.2 / EEMUA 191), last 24 h', 2, FULL_WIDTH);
  flow.wire(alarms, actionTemplate(flow, 'alarms:load', tab, 4, 4, loadGroup, 1, 'alarm load', ALARM_LOAD_TEMPLATE, { width: FULL_WIDTH, height: 8 }, freshnessClass(null)), 2);
}
