import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { Reading } from '../../lib/reading/reading';
import type { UrgencyLevel } from '../../lib/rul/urgency';
import { formatValue } from '../../lib/setpoint/format-value';
import { plcWriteMessage, type PlcTarget } from '../../lib/setpoint/plc-write';
import { SetpointGuard, type GuardOutcome, type GuardState } from '../../lib/setpoint/setpoint-guard';
import { isAlertEvent, type AlertEvent } from '../../lib/threshold/alert';
import { resolveAsset } from '../common/asset';
import { handleInput, toError, type Send } from '../common/input';
import { Status } from '../common/status';
import { setpointSetup, type TwinSetpointFields } from './options';

interface TwinSetpointDef extends NodeDef, TwinSetpointFields {
  asset: string;
}

const CONTEXT_KEY = 'twinSetpoint';
const URGENCY_LEVELS: readonly string[] = ['NORMAL', 'WARNING', 'CRITICAL'];

function isUrgencyDecision(value: unknown): value is { asset: string; level: UrgencyLevel } {
  if (!value || typeof value !== 'object') return false;
  const v = value as { asset?: unknown; level?: unknown };
  return typeof v.asset === 'string' && typeof v.level === 'string' && URGENCY_LEVELS.includes(v.level);
}

function isReading(value: unknown): value is Reading {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.asset === 'string' && typeof v.sensor === 'string' && typeof v.ts === 'number';
}

function payloadObject(msg: { payload?: unknown }, topic: string): Record<string, unknown> {
  if (!msg.payload || typeof msg.payload !== 'object' || Array.isArray(msg.payload)) {
    throw new Error(`msg.topic "${topic}" needs msg.payload as an object (${topic === 'request' ? '{value, requestedBy, reason}' : '{id, by}'})`);
  }
  return msg.payload as Record<string, unknown>;
}

export = function register(RED: NodeAPI): void {
  function TwinSetpoint(this: Node, config: TwinSetpointDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    let guard: SetpointGuard | undefined;
    let targets: PlcTarget[] = [];
    let setupError: Error | undefined;
    try {
      const asset = resolveAsset(RED, config.asset);
      if (asset instanceof Error) throw asset;
      const setup = setpointSetup(asset, config);
      targets = setup.targets;
      guard = new SetpointGuard(setup.guard, node.context().get(CONTEXT_KEY) as GuardState | undefined);
    } catch (err) {
      setupError = toError(err);
      status.failed(setupError.message);
    }
    let timer: NodeJS.Timeout | undefined;

    const showStatus = (): void => {
      if (!guard) return;
      const snapshot = guard.snapshot();
      const fmt = (value: number | null): string => (value === null ? '' : formatValue(value, snapshot.unit));
      const last = snapshot.last;
      if (snapshot.pending) status.waiting(`pending approval ${fmt(snapshot.pending.value)}`);
      else if (snapshot.applied) status.working(`applied ${fmt(snapshot.applied.value)}`);
      else if (last?.tone === 'refused') status.failed(`refused: ${last.code}`);
      else if (last?.tone === 'reverted') status.failed(`reverted ${fmt(last.value)}`);
      else if (last?.tone === 'confirmed') status.success(`applied ${fmt(last.value)}`);
      else if (snapshot.current !== null) status.info(fmt(snapshot.current));
      else status.idle('waiting for the setpoint');
    };

    /** Sends what an outcome wrote, audited and changed: PLC writes on 1, audit records on 2, the state on 3. */
    const publish = (outcome: GuardOutcome, send: Send, stateChanged = false): void => {
      if (!guard) return;
      const writes = outcome.writes.flatMap((write) => targets.map((target): NodeMessage =>
        ({ ...plcWriteMessage(target, write.value), protocol: target.protocol, setpoint: write } as NodeMessage)));
      const audits: NodeMessage | null = outcome.audits.length > 0 ? { topic: `setpoint-audit/${guard.options.asset}/${guard.options.sensor}`, payload: outcome.audits } : null;
      const changed = stateChanged || outcome.audits.length > 0 || outcome.writes.length > 0;
      const state: NodeMessage | null = changed ? { topic: `setpoint/${guard.options.asset}/${guard.options.sensor}`, payload: guard.snapshot() } : null;
      if (writes.length > 0 || audits || state) send([writes.length > 0 ? writes : null, audits, state]);
      if (changed) {
        node.context().set(CONTEXT_KEY, guard.toJSON());
        showStatus();
      }
      schedule();
    };

    /** Wakes up exactly when a request expires or a watchdog runs out. */
    const schedule = (): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const deadline = guard?.nextDeadline();
      if (deadline === null || deadline === undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        try {
          if (guard) publish(guard.tick(Date.now()), (msgs) => node.send(msgs));
        } catch (err) {
          node.error(toError(err), {});
          status.failed(toError(err).message);
        }
      }, Math.max(0, deadline - Date.now()));
    };

    if (guard) {
      showStatus();
      // A restart may find a request or a watchdog already due: the timer fires at once then.
      schedule();
    }

    handleInput(node, status, (msg, send) => {
      const current = guard;
      if (!current) throw setupError as Error;
      const now = Date.now();
      switch (msg.topic) {
        case 'request':
          publish(current.request(payloadObject(msg, 'request'), now), send);
          return;
        case 'approve': {
          const decision = payloadObject(msg, 'approve');
          publish(current.approve(decision.id, decision.by, now), send);
          return;
        }
        case 'reject': {
          const decision = payloadObject(msg, 'reject');
          publish(current.reject(decision.id, decision.by, decision.reason, now), send);
          return;
        }
        case 'confirm': {
          const by = (msg.payload as { by?: unknown } | undefined)?.by;
          publish(current.confirm(by, now), send);
          return;
        }
        case 'state':
          publish({ audits: [], writes: [] }, send, true);
          return;
      }
      const elements = Array.isArray(msg.payload) ? msg.payload : [msg.payload];
      const readings: Reading[] = [];
      let interlockChanged = false;
      const unknown: number[] = [];
      elements.forEach((element: unknown, index: number) => {
        if (isAlertEvent(element)) interlockChanged = current.alert(element as AlertEvent) || interlockChanged;
        else if (isUrgencyDecision(element)) interlockChanged = current.urgency(element) || interlockChanged;
        else if (isReading(element)) readings.push(element);
        else unknown.push(index);
      });
      if (unknown.length === elements.length) {
        throw new Error('expected msg.topic request / approve / reject / confirm / state, readings, an urgency decision or alert events in msg.payload');
      }
      const before = current.snapshot();
      const outcome = current.readings(readings, now);
      const after = current.snapshot();
      // A setpoint changed at the HMI or by the PLC's own program shows up only in the read-back: an approval
      // panel must see it, and outside a write's trial it becomes the safe value, kept like any other change.
      publish(outcome, send, interlockChanged || after.lastSafe !== before.lastSafe || after.current !== before.current);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      if (timer) clearTimeout(timer);
      if (guard) node.context().set(CONTEXT_KEY, guard.toJSON());
      done();
    });
  }
  RED.nodes.registerType('twin-setpoint', TwinSetpoint);
};
