import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { plantFacts } from '../../lib/facts/plant-facts';
import { actorOf } from '../../lib/identity/actor';
import type { Reading } from '../../lib/reading/reading';
import { formatValue } from '../../lib/setpoint/format-value';
import { plcWriteMessage, type PlcTarget } from '../../lib/setpoint/plc-write';
import { SetpointGuard, type GuardOutcome, type GuardState } from '../../lib/setpoint/setpoint-guard';
import { resolveAsset } from '../common/asset';
import { handleInput, toError, type Send } from '../common/input';
import { Status } from '../common/status';
import { setpointSetup, type TwinSetpointFields } from './options';

interface TwinSetpointDef extends NodeDef, TwinSetpointFields {
  asset: string;
}

const CONTEXT_KEY = 'twinSetpoint';
const TOPICS = ['request', 'approve', 'reject', 'confirm', 'state'];

function payloadObject(msg: NodeMessageInFlow): Record<string, unknown> {
  return msg.payload && typeof msg.payload === 'object' && !Array.isArray(msg.payload) ? msg.payload as Record<string, unknown> : {};
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
      guard = new SetpointGuard(setup.guard, plantFacts, node.context().get(CONTEXT_KEY) as GuardState | undefined);
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

    const sendFromTimer: Send = (msgs) => node.send(msgs);

    /** Wakes up exactly when a request expires or a watchdog runs out. */
    const schedule = (): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const deadline = guard?.nextDeadline();
      if (deadline === null || deadline === undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        try {
          if (guard) publish(guard.tick(Date.now()), sendFromTimer);
        } catch (err) {
          node.error(toError(err), {});
          status.failed(toError(err).message);
        }
      }, Math.max(0, deadline - Date.now()));
    };

    /**
     * The PLC's read-back and fresh readings come from the twin-ingest nodes of the asset, in process: a reading on
     * this node's input could be forged by anything wired to it (a dashboard widget), one from the PLC client cannot.
     */
    const onReadings = (readings: readonly Reading[]): void => {
      const current = guard;
      if (!current) return;
      try {
        const before = current.snapshot();
        const outcome = current.readings(readings, Date.now());
        const after = current.snapshot();
        // A setpoint changed at the HMI or by the PLC's own program shows up only in the read-back: an approval
        // panel must see it, and outside a write's trial it becomes the safe value, kept like any other change.
        publish(outcome, sendFromTimer, after.lastSafe !== before.lastSafe || after.current !== before.current);
      } catch (err) {
        node.error(toError(err), {});
        status.failed(toError(err).message);
      }
    };
    const stopListening = guard ? plantFacts.onReadings(guard.options.asset, onReadings) : undefined;

    if (guard) {
      showStatus();
      // A restart may find a request or a watchdog already due: the timer fires at once then.
      schedule();
    }

    handleInput(node, status, (msg, send) => {
      const current = guard;
      if (!current) throw setupError as Error;
      const now = Date.now();
      const payload = payloadObject(msg);
      switch (msg.topic) {
        case 'request':
          // Who asks: the dashboard user of the message's session, or for a flow's own message payload.requestedBy.
          publish(current.request(payload, actorOf(msg, payload.requestedBy, ''), now), send);
          return;
        case 'approve':
          publish(current.approve(payload.id, actorOf(msg, payload.by), now), send);
          return;
        case 'reject':
          publish(current.reject(payload.id, actorOf(msg, payload.by), payload.reason, now), send);
          return;
        case 'confirm':
          publish(current.confirm(actorOf(msg, payload.by, 'confirm message'), now), send);
          return;
        case 'state':
          publish({ audits: [], writes: [] }, send, true);
          return;
      }
      throw new Error(`msg.topic "${String(msg.topic ?? '')}" is not one of ${TOPICS.join(', ')}: twin-setpoint takes requests and decisions only; ` +
        `it reads ${current.options.asset}'s read-back from its twin-ingest nodes and its interlocks from twin-urgency, twin-threshold and twin-drift itself`);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      if (timer) clearTimeout(timer);
      stopListening?.();
      if (guard) node.context().set(CONTEXT_KEY, guard.toJSON());
      done();
    });
  }
  RED.nodes.registerType('twin-setpoint', TwinSetpoint);
};
