import type { AssetDefinition } from '../../lib/asset/asset-model';
import { PUMP_ASSET, SPINDLE_ASSET } from '../../lib/asset/presets';
import { zoneBoundaries } from '../../lib/features/iso-10816';
import type { FlowBuilder } from './builder';
import { HEALTH_EXAMPLE_FEATURES } from './health-example';
import { historianQuery, storeAndForward } from './historian-nodes';
import { FULL_WIDTH, TAB_ORDER, uiChart, uiGroup, uiTab, uiTemplate, uiToast, TOAST_COLOUR_BY_LEVEL } from './dashboard';
import { freshnessClass } from './hmi-head';
import {
  FAILURE_EVENT_CODE, failureFormTemplate, MODELS_BOARD_CODE, MODELS_TEMPLATE, rulChartPointsCode, rulHistoryCode,
  RUL_STATE_TEMPLATE, WORK_ORDER_DONE_TEXT, WORK_ORDERS_TEMPLATE,
} from './maintenance-widgets';
import type { PlantChain } from './plant-flow';
import { plantViewFlow } from './plant-view-flow';

/** What the maintenance tab needs of each asset's own tab. */
export interface MaintainedAsset {
  asset: AssetDefinition;
  /** The twin-features node whose vectors the RUL model reads. */
  features: string;
  /** The asset's Live dashboard tab, which gets the RUL trend. */
  liveTab: string;
  /** The component whose life is predicted, proposed on the failure form. */
  component: string;
}

/**
 * The rated bearing of each machine for the bottom rung of the RUL ladder (ISO 281 L10), as an engineer would take it
 * from the bearing catalogue: the spindle's angular-contact pair and the pump's 6309-size deep-groove bearing (52.7 kN),
 * at their equivalent load and nominal speed.
 */
const BEARING_RATINGS: Record<string, { ratingN: string; loadN: string; rpm: string }> = {
  [SPINDLE_ASSET.id]: { ratingN: '30000', loadN: '3000', rpm: String(SPINDLE_ASSET.ratings.nominalRpm) },
  [PUMP_ASSET.id]: { ratingN: '52700', loadN: '5000', rpm: String(PUMP_ASSET.ratings.nominalRpm) },
};

/**
 * Operating hours twin-health learns each machine's normal over: four days, 48 vectors at `npm start`'s speed-up and
 * 12 at the end-to-end test's (a baseline needs 10 rows; learning ends with the period, not with the rows).
 */
const LEARN_HOURS = 96;

/** Retrains are scheduled quarterly (03:00 on the first day of January, April, July and October). */
export const RETRAIN_CRON = '0 3 1 1,4,7,10 *';

function every(flow: FlowBuilder, key: string, tab: string, row: number, name: string, seconds: number, onceDelay: number): string {
  return flow.place(key, tab, 0, row, { type: 'inject', name, props: [], repeat: seconds ? String(seconds) : '', crontab: '', once: true, onceDelay: String(onceDelay), topic: '' });
}

/**
 * The predictive-maintenance tab of the reference flow: every asset's feature vectors (`fleetFeatures`: the twin-features
 * nodes serving many catalogue assets) → twin-rul (one batch for the
 * fleet every 10 s) → twin-urgency → fleet overview, RUL trends, work orders; the maintenance dashboard to work the
 * orders and confirm failures or false alarms; and twin-train, quarterly and on demand, promoting a better model.
 */
export function maintenanceFlow(flow: FlowBuilder, db: string, assets: MaintainedAsset[], plant: PlantChain, ingests: string[]): { rul: string; urgency: string; model: string } {
  const tab = flow.add('tab:maintenance', { type: 'tab', label: 'Maintenance (RUL)', disabled: false,
    info: 'Remaining useful life of every machine, maintenance urgency and work orders, failure confirmation and model retraining.' });
  flow.place('maintenance:comment', tab, 0, 0, { type: 'comment', name: 'Remaining useful life → urgency → work orders; confirmed failures → retrain', outputs: 0,
    info: [
      'Feature vectors of both machines arrive through the link node; twin-rul scores the newest of each every 10 s in one batch',
      'with the registry\'s promoted model (the shipped default until a retrain beats it). twin-urgency turns each estimate into',
      'CRITICAL / WARNING / NORMAL and opens and escalates work orders, stored through the buffer like everything else. A machine that',
      'stops or fails is not scored: its last estimate is held with its state, and the level never drops because of it. A work order',
      'stays open until maintenance completes it or confirms a failure or false alarm against it (both go back to twin-urgency).',
      'On the Maintenance dashboard tab, maintenance acknowledges and completes work orders and confirms failures or false alarms;',
      'twin-train learns from those, quarterly or on "Retrain now", and promotes its model only if it beats the one in use on',
      'the newest failures it did not train on. Time scale: the simulator\'s speed-up (TWIN_SPEEDUP); set 1 for a real plant.',
    ].join('\n') });
  const linkIn = flow.placeLinkIn('maintenance:features-in', tab, 0, 2, 'feature vectors');
  for (const a of assets) flow.linkFrom(linkIn, a.features);
  // The catalogue's further machines (plant-flow.ts): their RUL and urgency join the Fleet overview.
  for (const features of plant.features) flow.linkFrom(linkIn, features);
  const { buffer, historian } = storeAndForward(flow, 'maintenance', tab, db, 'maintenance records');
  const model = flow.add('maintenance:model', { type: 'twin-model', name: 'RUL model registry', source: 'registry', file: '', db, pollS: '60' });
  const rul = flow.place('maintenance:rul', tab, 1, 2, { type: 'twin-rul', name: '', model, periodS: '10', unhealthy: 'widen', unhealthyQuality: 'uncertain',
    runningFeature: 'speed.last', runningAbove: '100' });
  const urgency = flow.place('maintenance:urgency', tab, 2, 2, { type: 'twin-urgency', name: '', criticalHours: '48', warningHours: '168', hysteresisHours: '12',
    send: 'every', outputs: 3 });
  flow.wire(linkIn, rul);
  flow.wire(rul, buffer);
  flow.wire(rul, urgency);
  for (let port = 0; port < 3; port++) flow.wire(urgency, buffer, port);
  const health = assets.map((a, i) => machineHealth(flow, tab, a, 9 + i, buffer));

  plantViewFlow(flow, tab, { catalogue: plant.catalogue, urgency, health, ingests: [...ingests, plant.ingest] });
  urgencyPopUp(flow, tab, urgency);
  rulTrends(flow, tab, db, rul, assets);
  const failures = maintenanceDashboard(flow, tab, db, { buffer, historian, urgency }, assets);
  // A confirmed failure ends the life twin-health was following: to the asset's own twin-health (the work order it
  // completes, sent on the same output, is not for twin-health).
  const eventsOnly = flow.place('maintenance:failure-events-only', tab, 8, 11, { type: 'switch', name: 'failure events', property: 'payload.kind',
    propertyType: 'msg', checkall: 'true', repair: false, rules: [{ t: 'eq', v: 'failure-event', vt: 'str' }], outputs: 1 });
  const toAsset = flow.place('maintenance:failure-to-health', tab, 9, 11, { type: 'switch', name: 'failure → its twin-health', property: 'payload.asset',
    propertyType: 'msg', checkall: 'false', repair: false, rules: assets.map((a) => ({ t: 'eq', v: a.asset.id, vt: 'str' })), outputs: assets.length });
  flow.wire(failures, eventsOnly, 0);
  flow.wire(eventsOnly, toAsset);
  health.forEach((node, i) => flow.wire(toAsset, node, i));
  return { rul, urgency, model };
}

/**
 * twin-health of one asset: its health from its own normal (readings to the historian) and the RUL ladder's estimate,
 * shown on the Fleet overview beside the estimate twin-urgency decides on. The failure threshold is the ISO 10816-3
 * zone C/D velocity of the machine's group and mounting.
 *
 * Here the trees decide, not the ladder (twin-rul's `ladder` is off), on this evidence: the simulated plant is the
 * physics the shipped model learned, and at the end-to-end test's speed-up a vector spans 8 operating hours, so
 * twin-health has learned its normal only with 12 of a life's ~35 vectors gone, and its degradation rung comes late
 * in the life or not at all (README "In the reference flow": once its ISO 281 prior said 4,700 h on a spindle 30 h
 * from failing, health index 0.91). On a real new site with no
 * failures, wire twin-health's second output to twin-urgency instead of twin-rul's until a retrain on the site's own
 * confirmed failures is promoted (README "Machine health and the RUL ladder").
 */
function machineHealth(flow: FlowBuilder, tab: string, a: MaintainedAsset, row: number, buffer: string): string {
  const id = a.asset.id;
  const failureVelocity = zoneBoundaries(a.asset.ratings.machineGroup ?? 2, a.asset.ratings.mounting ?? 'rigid')[2];
  const linkIn = flow.placeLinkIn(`${id}:machine-health-in`, tab, 0, row, `${id} feature vectors`);
  flow.linkFrom(linkIn, a.features);
  const health = flow.place(`${id}:machine-health`, tab, 1, row, {
    type: 'twin-health', name: '', features: HEALTH_EXAMPLE_FEATURES.join(', '), thresholds: `acceleration.velocityRms=${failureVelocity}`, thresholdSource: 'engineer',
    anomalyFailure: '', learnMinutes: String(LEARN_HOURS * 60), smoothing: '3', regimes: '', ...BEARING_RATINGS[id], bearingType: 'ball', ageHours: '0',
    timeScale: '${TWIN_SPEEDUP}', outputs: 3,
  });
  flow.wire(linkIn, health);
  flow.wire(health, buffer, 0);
  return health;
}

/** A new CRITICAL or WARNING pops up once, with its work order's text. */
function urgencyPopUp(flow: FlowBuilder, tab: string, urgency: string): void {
  const changed = flow.place('fleet:changed', tab, 3, 4, { type: 'switch', name: 'new level', property: 'payload.changed', propertyType: 'msg',
    rules: [{ t: 'true' }], checkall: 'true', repair: false, outputs: 1 });
  flow.wire(urgency, changed, 0);
  flow.wire(urgency, changed, 1);
  const text = flow.placeSet('fleet:toast-text', tab, 4, 4, 'work order text', [{ p: 'highlight', to: TOAST_COLOUR_BY_LEVEL, tot: 'jsonata' }, { p: 'payload', to: 'payload.workOrder.message', tot: 'msg' }, { p: 'topic', to: 'Maintenance', tot: 'str' }]);
  flow.wire(changed, text);
  flow.wire(text, uiToast(flow, 'fleet:toast', tab, 5, 4, 'urgency pop-up', true));
}

function rulTrends(flow: FlowBuilder, tab: string, db: string, rul: string, assets: MaintainedAsset[]): void {
  const ids = assets.map((a) => a.asset.id);
  const points = flow.placeFunction('rul:points', tab, 2, 6, 'RUL → chart and state per asset', rulChartPointsCode(ids), assets.length * 2);
  flow.wire(rul, points);
  const history = flow.placeFunction('rul:history', tab, 1, 7, 'last hour per chart', rulHistoryCode(ids));
  flow.wire(every(flow, 'rul:history-inject', tab, 7, 'load RUL history on start', 0, 6), history);
  const reader = historianQuery(flow, 'rul:history-reader', tab, 2, 7, db, 'chart');
  flow.wire(history, reader);
  const toChart = flow.place('rul:history-switch', tab, 3, 7, { type: 'switch', name: 'to its chart', property: 'asset', propertyType: 'msg', checkall: 'false',
    repair: false, rules: ids.map((id) => ({ t: 'eq', v: id, vt: 'str' })), outputs: ids.length });
  flow.wire(reader, toChart);
  assets.forEach((a, i) => {
    const group = uiGroup(flow, `${a.asset.id}:ui-rul`, a.liveTab, 'Remaining useful life', 7, 12);
    const state = uiTemplate(flow, `${a.asset.id}:rul-state`, tab, 5, 6 + i, group, 1, 'RUL state line', RUL_STATE_TEMPLATE, { width: 12, height: 2 }, freshnessClass(null));
    flow.wire(points, state, assets.length + i);
    const chart = uiChart(flow, `${a.asset.id}:rul-chart`, tab, 4, 6 + i, group, 2, 'Remaining useful life, with its 80 % interval', 'h', freshnessClass(null));
    flow.wire(points, chart, i);
    flow.wire(toChart, chart, i);
  });
}

/** A question for the historian (`request`) and its answer under `topic`, for a dashboard template. */
function lookup(flow: FlowBuilder, key: string, tab: string, row: number, db: string, request: object, topic: string): { ask: string; answer: string } {
  const ask = flow.placeSet(`${key}:ask`, tab, 1, row, `ask for ${topic}`, [{ p: 'payload', to: JSON.stringify(request), tot: 'json' }]);
  const reader = historianQuery(flow, `${key}:reader`, tab, 2, row, db, 'rows');
  flow.wire(ask, reader);
  const answer = flow.placeSet(`${key}:topic`, tab, 3, row, `as ${topic}`, [{ p: 'topic', to: topic, tot: 'str' }]);
  flow.wire(reader, answer);
  return { ask, answer };
}

/** The maintenance dashboard; returns the node that sends confirmed failure events. */
function maintenanceDashboard(flow: FlowBuilder, tab: string, db: string, store: { buffer: string; historian: string; urgency: string }, assets: MaintainedAsset[]): string {
  const uiMaintenance = uiTab(flow, 'maintenance:ui-tab', 'Maintenance', TAB_ORDER.maintenance, 'fa-wrench');
  const ordersGroup = uiGroup(flow, 'maintenance:ui-orders', uiMaintenance, 'Work orders', 1, FULL_WIDTH);
  const confirmGroup = uiGroup(flow, 'maintenance:ui-confirm', uiMaintenance, 'Confirm a failure or a false alarm', 2, 12);
  const modelsGroup = uiGroup(flow, 'maintenance:ui-models', uiMaintenance, 'RUL models', 3, FULL_WIDTH);

  // Work orders: read every 15 s, and again as soon as the historian has stored a maintenance record.
  const { ask: askOrders, answer: asOrders } = lookup(flow, 'maintenance:orders', tab, 10, db, { workOrders: 'open' }, 'orders');
  flow.wire(every(flow, 'maintenance:orders-inject', tab, 10, 'every 15 s', 15, 4), askOrders);
  const orders = uiTemplate(flow, 'maintenance:orders', tab, 4, 10, ordersGroup, 1, 'work orders', WORK_ORDERS_TEMPLATE, { width: FULL_WIDTH, height: 6 }, freshnessClass(null));
  flow.wire(asOrders, orders);
  // Who acknowledged or completed: the logged-in user, written in by twin-user; a toast says it was taken.
  const orderUser = flow.place('maintenance:orders-user', tab, 5, 10, { type: 'twin-user', name: '', property: 'payload.by', requireLogin: false });
  flow.wire(orders, orderUser);
  flow.wire(orderUser, store.buffer);
  // A completed work order is settled for twin-urgency too: the next rise of the level opens a new one.
  flow.wire(orderUser, store.urgency);
  const orderDone = flow.place('maintenance:orders-done', tab, 6, 10, { type: 'change', name: 'work order done text',
    rules: [{ t: 'set', p: 'payload', pt: 'msg', to: WORK_ORDER_DONE_TEXT, tot: 'jsonata' }, { t: 'set', p: 'topic', pt: 'msg', to: 'Maintenance', tot: 'str' }] });
  flow.wire(orderUser, orderDone);
  flow.wire(orderDone, uiToast(flow, 'maintenance:orders-toast', tab, 7, 10, 'work order pop-up'));

  const form = uiTemplate(flow, 'maintenance:confirm', tab, 4, 11, confirmGroup, 1, 'failure form',
    failureFormTemplate(assets.map((a) => ({ id: a.asset.id, name: a.asset.name, component: a.component }))), { width: 12, height: 8 });
  flow.wire(asOrders, form);
  const fromForm = flow.place('maintenance:form-switch', tab, 5, 11, { type: 'switch', name: 'entry or time lookup', property: 'topic', propertyType: 'msg',
    checkall: 'false', repair: false, rules: [{ t: 'eq', v: 'failure-event', vt: 'str' }, { t: 'eq', v: 'stopped-since', vt: 'str' }], outputs: 2 });
  flow.wire(form, fromForm);
  const toEvent = flow.placeFunction('maintenance:failure-event', tab, 7, 11, 'entry → failure event', FAILURE_EVENT_CODE, 2);
  // Who confirms: the logged-in user, written in by twin-user, never a typed name.
  const confirmer = flow.place('maintenance:confirm-user', tab, 6, 11, { type: 'twin-user', name: '', property: 'payload.confirmedBy', requireLogin: false });
  flow.wire(fromForm, confirmer, 0);
  flow.wire(confirmer, toEvent);
  const stoppedReader = historianQuery(flow, 'maintenance:stopped-reader', tab, 6, 12, db, 'rows');
  flow.wire(fromForm, stoppedReader, 1);
  flow.wire(stoppedReader, form);
  flow.wire(toEvent, store.buffer, 0);
  flow.wire(toEvent, store.urgency, 0);
  flow.wire(toEvent, form, 1);

  const stored = flow.place('maintenance:stored', tab, 7, 1, { type: 'switch', name: 'maintenance record stored', property: 'payload.tables', propertyType: 'msg',
    rules: [{ t: 'jsonata_exp', v: '$exists(payload.tables.twin_work_orders) or $exists(payload.tables.twin_failure_events)', vt: 'jsonata' }], checkall: 'true', repair: false, outputs: 1 });
  flow.wire(store.historian, stored);
  flow.wire(stored, askOrders);

  // Models: the registry, the retrain button, the quarterly schedule and the retrain's progress.
  const { ask: askModels, answer: asModels } = lookup(flow, 'maintenance:models', tab, 13, db, { models: 'recent' }, 'models');
  // Read again every 30 s, not only once after the start: twin-model registers the shipped default when it has loaded,
  // which on a loaded machine comes after a single early read (the panel then stayed empty until a retrain), and a
  // model can be promoted elsewhere (the twin-train CLI, a central host).
  flow.wire(every(flow, 'maintenance:models-inject', tab, 13, 'on start, then every 30 s', 30, 8), askModels);
  const models = uiTemplate(flow, 'maintenance:models', tab, 4, 13, modelsGroup, 1, 'model registry', MODELS_TEMPLATE, { width: FULL_WIDTH, height: 7 }, freshnessClass(null));
  const board = flow.placeFunction('maintenance:models-board', tab, 3, 14, 'registry + retrain', MODELS_BOARD_CODE);
  flow.wire(asModels, board);
  flow.wire(board, models);
  const train = flow.place('maintenance:train', tab, 5, 14, { type: 'twin-train', name: '', db, windowDays: '365', timeScale: '${TWIN_SPEEDUP}', stepLifeHours: '1',
    validationPercent: '20', minImprovementPercent: '0', runningFeature: 'speed.last', runningAbove: '100', outputs: 2 });
  flow.wire(models, train);
  const quarterly = flow.place('maintenance:retrain-schedule', tab, 4, 15, { type: 'inject', name: 'quarterly retrain', props: [], repeat: '', crontab: RETRAIN_CRON,
    once: false, onceDelay: '0.1', topic: '' });
  flow.wire(quarterly, train);
  flow.wire(train, board, 0);
  flow.wire(train, board, 1);
  flow.wire(train, askModels, 0);
  const failed = flow.place('maintenance:train-catch', tab, 5, 15, { type: 'catch', name: 'retrain failed', scope: [train], uncaught: false, outputs: 1 });
  const failure = flow.placeSet('maintenance:train-error', tab, 6, 15, 'as retrain error', [{ p: 'topic', to: 'retrain/error', tot: 'str' }, { p: 'payload', to: 'error.message', tot: 'msg' }]);
  flow.wire(failed, failure);
  flow.wire(failure, board);
  return toEvent;
}
