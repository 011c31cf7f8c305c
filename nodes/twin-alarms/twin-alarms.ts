import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { AlarmBoard, AlarmRefusal, type AlarmBoardSnapshot, type BoardChanges } from '../../lib/alarm/alarm-board';
import { journalRecord } from '../../lib/alarm/alarm-journal';
import { AlarmRate, type AlarmRateState } from '../../lib/alarm/alarm-rate';
import { alarmSummary, type AlarmSummary, type ServiceableSensor } from '../../lib/alarm/alarm-summary';
import { priorityRank } from '../../lib/alarm/priority';
import { plantFacts } from '../../lib/facts/plant-facts';
import { actorOf, type Actor } from '../../lib/identity/actor';
import { dashboardSessions } from '../../lib/identity/sessions';
import { alarmKeyOf, isAlertEvent, type AlertEvent } from '../../lib/threshold/alert';
import { ASSET_NODE_TYPE, type TwinAssetNode } from '../common/asset';
import { handleInput, type Send } from '../common/input';
import { Status } from '../common/status';
import { alarmsOptions, type TwinAlarmsFields, type TwinAlarmsOptions } from './options';

interface TwinAlarmsDef extends NodeDef, TwinAlarmsFields {}

interface Saved {
  board: AlarmBoardSnapshot;
  rate: AlarmRateState;
}

const CONTEXT_KEY = 'twinAlarms';
const TICK_MS = 1000;
/** Changes arriving together (a flood, a machine trip) reach the dashboard as one summary. */
const PUBLISH_DELAY_MS = 250;
const OUTPUTS = 5;
const ACTIONS = new Set(['ack', 'shelve', 'unshelve', 'out-of-service', 'return-to-service']);
/** Actions that hide alarms: ISA-18.2 wants them authorised and named, so they need a logged-in user when so configured. Showing an alarm again needs no one's authority. */
const NEEDS_PERSON = new Set(['shelve', 'out-of-service']);

type Outputs = Array<NodeMessage | NodeMessage[] | null>;

function outputs(slots: Partial<Record<0 | 1 | 2 | 3 | 4, NodeMessage | NodeMessage[]>>): Outputs {
  return Array.from({ length: OUTPUTS }, (_, i) => slots[i as 0] ?? null);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export = function register(RED: NodeAPI): void {
  function TwinAlarms(this: Node, config: TwinAlarmsDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    let options: TwinAlarmsOptions;
    try {
      options = alarmsOptions(config);
    } catch (err) {
      const setupError = err instanceof Error ? err : new Error(String(err));
      status.failed(setupError.message);
      handleInput(node, status, () => { throw setupError; });
      return;
    }
    const saved = node.context().get(CONTEXT_KEY) as Saved | undefined;
    const maxShelveMs = Math.max(...options.shelveChoices.map((c) => c.seconds)) * 1000;
    const board = new AlarmBoard({ position: options.position, maxShelveMs }, { stateOf: (asset) => plantFacts.machineStateOf(asset) }, saved?.board);
    const rate = new AlarmRate(options.windowMs, Date.now(), saved?.rate);
    const watches = (asset: string): boolean => options.assets.length === 0 || options.assets.includes(asset);

    /** The sensors of the flow's assets (twin-asset config nodes) this position watches: what may go out of service. */
    let sensors: ServiceableSensor[] | undefined;
    const serviceable = (): ServiceableSensor[] => {
      if (sensors) return sensors;
      const found: ServiceableSensor[] = [];
      RED.nodes.eachNode((def) => {
        if (def.type !== ASSET_NODE_TYPE) return;
        const asset = RED.nodes.getNode(def.id) as TwinAssetNode | null;
        if (!asset?.definition || !watches(asset.definition.id)) return;
        for (const s of asset.definition.sensors) if (s.kind === 'scalar') found.push({ asset: asset.definition.id, sensor: s.id, name: s.name });
      });
      sensors = found;
      return found;
    };

    const persist = (): void => { node.context().set(CONTEXT_KEY, { board: board.snapshot(), rate: rate.toJSON() } satisfies Saved); };

    const summary = (): AlarmSummary => {
      const now = Date.now();
      return alarmSummary({ position: options.position, ts: now, views: board.views(), outOfService: board.outOfServiceList(),
        load: rate.report(options.position, now).overall, shelveChoices: options.shelveChoices, sensors: serviceable(), loginRequired: options.requireLogin,
        dashboardLogin: dashboardSessions.loginRequired });
    };

    const showStatus = (): void => {
      const s = summary();
      const shown = s.alarms.length;
      const hidden = `${s.counts.shelved ? ` · ${s.counts.shelved} shelved` : ''}${s.counts.outOfService ? ` · ${s.counts.outOfService} OOS` : ''}`;
      if (shown === 0) { status.success(`no alarms${hidden}`); return; }
      const text = `${s.counts.unacknowledged} unack / ${shown}${hidden}`;
      const pressing = s.alarms.some((a) => a.state === 'unacknowledged' && priorityRank(a.priority) <= priorityRank('high'));
      if (pressing) status.failed(text); else status.waiting(text);
    };

    let publishTimer: NodeJS.Timeout | undefined;
    const publishSoon = (): void => {
      if (publishTimer) return;
      publishTimer = setTimeout(() => {
        publishTimer = undefined;
        persist();
        node.send(outputs({ 0: { topic: `alarms/${options.position}`, payload: summary() } }));
        showStatus();
      }, PUBLISH_DELAY_MS);
    };

    /** Sends what a change produced: records to store, acknowledgements for the sources, annunciations; and a summary soon. */
    const emit = (changes: BoardChanges, send: Send, msg?: NodeMessage, actor?: Actor): void => {
      for (const a of changes.annunciated) {
        rate.record({ ts: a.changedAt, alarm: a.key, asset: a.asset, sensor: a.sensor, priority: a.priority, raised: changes.raised.includes(a.key) });
      }
      const records = [...changes.journal, ...changes.acknowledgements];
      const socketid = (msg as { socketid?: unknown } | undefined)?.socketid;
      const acks = changes.acknowledgedAtSource.map((id): NodeMessage => {
        const ack: NodeMessage & { socketid?: unknown } = { topic: 'ack', payload: actor?.source === 'flow' ? { id, by: actor.name } : { id } };
        if (socketid !== undefined) ack.socketid = socketid;
        return ack;
      });
      const annunciations = changes.annunciated.map((a): NodeMessage => ({ topic: `alarm/${a.asset}/${a.sensor}`, payload: a }));
      if (records.length > 0 || acks.length > 0 || annunciations.length > 0) {
        send(outputs({ 1: records.length > 0 ? { topic: 'alarm-journal', payload: records } : undefined, 3: acks, 4: annunciations }));
      }
      if (records.length > 0) publishSoon();
    };

    /** Who may act: anyone acknowledges; hiding an alarm needs a person (a login, or a name a flow's own message gives). */
    const check = (action: string, actor: Actor): void => {
      if (NEEDS_PERSON.has(action) && options.requireLogin && actor.source === 'dashboard') {
        const what = action === 'shelve' ? 'shelving' : action.replace(/-/g, ' ');
        throw new AlarmRefusal(dashboardSessions.loginRequired
          ? `${what} needs a user logged in to the dashboard; this browser's session is not known (reload the page and log in)`
          : `${what} needs a named person, and this dashboard has no login: add dashboard users (README "Dashboard logins")`);
      }
    };

    const act = (action: string, payload: Record<string, unknown>, actor: Actor, now: number): { changes: BoardChanges; done: string } => {
      const key = text(payload.key) || (typeof payload.id === 'string' ? alarmKeyOf({ id: payload.id, asset: '', sensor: '', level: 'alarm' }) : '');
      const asset = text(payload.asset);
      const sensor = text(payload.sensor);
      switch (action) {
        case 'ack': {
          const keys = Array.isArray(payload.keys) ? payload.keys.filter((k): k is string => typeof k === 'string') : [key];
          if (keys.length === 0 || keys.every((k) => k === '')) throw new Error('an ack needs msg.payload.key, keys or id');
          const changes = board.acknowledge(keys, actor.name, now);
          return { changes, done: changes.journal.length === 0 ? 'nothing waited for an acknowledgement' : `${changes.journal.length} acknowledged by ${actor.name}` };
        }
        case 'shelve': {
          const seconds = Number(payload.seconds);
          const changes = board.shelve(key, actor.name, text(payload.reason), seconds * 1000, now);
          const choice = options.shelveChoices.find((c) => c.seconds === seconds);
          return { changes, done: `${key} shelved by ${actor.name} for ${choice ? choice.label : `${seconds} s`}` };
        }
        case 'unshelve':
          return { changes: board.unshelve(key, actor.name, now), done: `${key} unshelved by ${actor.name}` };
        case 'out-of-service':
          if (!serviceable().some((s) => s.asset === asset && s.sensor === sensor) && !board.knows(asset, sensor)) {
            throw new AlarmRefusal(`there is no sensor "${sensor}" of asset "${asset}" at this position`);
          }
          return { changes: board.removeFromService(asset, sensor, actor.name, text(payload.reason), now), done: `${asset} ${sensor} out of service (${actor.name})` };
        default:
          return { changes: board.returnToService(asset, sensor, actor.name, now), done: `${asset} ${sensor} back in service (${actor.name})` };
      }
    };

    const notice = (msg: NodeMessage, ok: boolean, message: string): NodeMessage => {
      const reply: NodeMessage & { socketid?: unknown } = { topic: 'notice', payload: { ok, text: message, ts: Date.now() } };
      const socketid = (msg as { socketid?: unknown }).socketid;
      if (socketid !== undefined) reply.socketid = socketid;
      return reply;
    };

    /** The whole state again, to the browser that connected (its socket id kept: nobody else needs it). */
    const resend = (msg: NodeMessage, send: Send): void => {
      const socketid = (msg as { socketid?: unknown }).socketid;
      const address = <T extends NodeMessage>(m: T): T => (socketid === undefined ? m : { ...m, socketid });
      send(outputs({ 0: address({ topic: `alarms/${options.position}`, payload: summary() }),
        2: address({ topic: `alarm-load/${options.position}`, payload: rate.report(options.position, Date.now()) }) }));
    };

    handleInput(node, status, (msg, send) => {
      // node-red-dashboard's ui_ui_control: a browser (re)connected; the others of its events need nothing.
      if (msg.payload === 'connect' || msg.topic === 'refresh') { resend(msg, send); return; }
      if (msg.payload === 'lost' || msg.payload === 'change' || msg.payload === 'group') return;
      const topic = typeof msg.topic === 'string' ? msg.topic : '';
      if (ACTIONS.has(topic)) {
        const payload = (msg.payload && typeof msg.payload === 'object' ? msg.payload : {}) as Record<string, unknown>;
        const actor = actorOf(msg, payload.by);
        const now = Date.now();
        try {
          check(topic, actor);
          const { changes, done } = act(topic, payload, actor, now);
          emit(changes, send, msg, actor);
          send(outputs({ 0: notice(msg, true, done) }));
        } catch (err) {
          if (!(err instanceof AlarmRefusal)) throw err;
          const refusal = journalRecord(options.position, { ts: now, asset: text(payload.asset), sensor: text(payload.sensor),
            alarm: text(payload.key) || `${text(payload.asset)}:${text(payload.sensor)}`, action: 'refused', by: actor.name,
            reason: text(payload.reason) || null, message: `${topic} refused: ${err.message}` });
          send(outputs({ 0: notice(msg, false, err.message), 1: { topic: 'alarm-journal', payload: [refusal] } }));
          status.waiting(`refused: ${err.message}`);
        }
        return;
      }
      const elements = Array.isArray(msg.payload) ? msg.payload : [msg.payload];
      const bad = elements.map((e, i) => (isAlertEvent(e) ? -1 : i)).filter((i) => i >= 0);
      if (bad.length > 0) {
        throw new Error(`element${bad.length === 1 ? '' : 's'} ${bad.slice(0, 5).join(', ')} of msg.payload ${bad.length === 1 ? 'is not an alert event' : 'are not alert events'} ` +
          '(from twin-threshold, twin-drift or twin-rul); actions need msg.topic ack, shelve, unshelve, out-of-service or return-to-service');
      }
      for (const event of elements as AlertEvent[]) if (watches(event.asset)) emit(board.onAlert(event), send);
    });

    const tick = setInterval(() => emit(board.tick(Date.now()), (m) => node.send(m)), TICK_MS);
    const report = (): void => {
      const now = Date.now();
      node.send(outputs({ 1: { topic: 'alarm-kpi', payload: rate.hourRecords(options.position, now) },
        2: { topic: `alarm-load/${options.position}`, payload: rate.report(options.position, now) } }));
      persist();
    };
    const reportTimer = setInterval(report, options.reportMs);
    // After a restart the dashboard has nothing to show until something changes: every browser gets the state at once.
    const started = (): void => {
      node.send(outputs({ 0: { topic: `alarms/${options.position}`, payload: summary() } }));
      report();
      showStatus();
    };
    RED.events.once('flows:started', started);
    showStatus();

    node.on('close', (_removed: boolean, done: () => void) => {
      RED.events.removeListener('flows:started', started);
      clearInterval(tick);
      clearInterval(reportTimer);
      if (publishTimer) clearTimeout(publishTimer);
      persist();
      done();
    });
  }
  RED.nodes.registerType('twin-alarms', TwinAlarms);
};
