import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { plantFacts } from '../../lib/facts/plant-facts';
import { stateLabel } from '../../lib/machine-state/machine-state';
import { isFailureEvent, isRulRecord, isWorkOrderUpdate, type FailureEvent, type RulRecord, type UrgencyRecord, type WorkOrderUpdate } from '../../lib/rul/records';
import { UrgencyTracker, type UrgencyLevel, type UrgencyOptions, type UrgencyState } from '../../lib/rul/urgency';
import { handleInput, toError } from '../common/input';
import { Status } from '../common/status';

interface TwinUrgencyDef extends NodeDef {
  criticalHours: string;
  warningHours: string;
  hysteresisHours: string;
  send: 'changes' | 'every';
}

const CONTEXT_KEY = 'twinUrgency';
const PORT: Record<UrgencyLevel, number> = { CRITICAL: 0, WARNING: 1, NORMAL: 2 };

function hours(text: string | undefined, fallback: number, label: string): number {
  if (text === undefined || String(text).trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${label} "${text}" must be a number of hours`);
  return value;
}

function urgencyOptions(config: TwinUrgencyDef): UrgencyOptions {
  return {
    criticalHours: hours(config.criticalHours, 48, 'critical below'),
    warningHours: hours(config.warningHours, 168, 'warning below'),
    hysteresisHours: hours(config.hysteresisHours, 12, 'hysteresis'),
  };
}

type UrgencyInput = RulRecord | WorkOrderUpdate | FailureEvent;

function inputsOf(payload: unknown): UrgencyInput[] {
  const items = Array.isArray(payload) ? payload : [payload];
  const bad = items.findIndex((item) => !isRulRecord(item) && !isWorkOrderUpdate(item) && !isFailureEvent(item));
  if (bad >= 0) {
    throw new Error(`expected msg.payload to be RUL estimates from twin-rul ({kind: 'rul', asset, ts, rulHours}), work-order updates or failure events; element ${bad} is not one`);
  }
  return items as UrgencyInput[];
}

export = function register(RED: NodeAPI): void {
  function TwinUrgency(this: Node, config: TwinUrgencyDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    let tracker: UrgencyTracker | undefined;
    let setupError: Error | undefined;
    try {
      tracker = new UrgencyTracker(urgencyOptions(config), node.context().get(CONTEXT_KEY) as UrgencyState | undefined);
    } catch (err) {
      setupError = toError(err);
      status.failed(setupError.message);
    }
    const everyEstimate = config.send === 'every';
    const levels = new Map<string, UrgencyLevel>();
    const stopped = new Map<string, string>();

    const showStatus = (): void => {
      const worst = (['CRITICAL', 'WARNING'] as UrgencyLevel[]).map((level) => [level, [...levels].filter(([, l]) => l === level).map(([a]) => a)] as const)
        .find(([, assets]) => assets.length > 0);
      const held = [...stopped].map(([asset, state]) => `${asset} ${state}`).join(', ');
      const suffix = held ? ` · held: ${held}` : '';
      if (!worst) status.success(`${levels.size} NORMAL${suffix}`);
      else if (worst[0] === 'CRITICAL') status.failed(`CRITICAL ${worst[1].join(', ')}${suffix}`);
      else status.waiting(`WARNING ${worst[1].join(', ')}${suffix}`);
    };
    if (tracker) {
      // twin-setpoint's urgency interlock reads the level from here (lib/facts), never from a message.
      for (const [asset, state] of Object.entries(tracker.toJSON())) {
        levels.set(asset, state.level);
        plantFacts.setUrgency(node.id, asset, state.level, Date.now());
      }
      if (levels.size > 0) showStatus();
      else status.idle('waiting for RUL estimates');
    }

    handleInput(node, status, (msg, send) => {
      if (!tracker) throw setupError as Error;
      const ports: NodeMessage[][] = [[], [], []];
      let changed = false;
      for (const input of inputsOf(msg.payload)) {
        if (input.kind !== 'rul') {
          // A person settled the work order: the next rise of the level opens a new one.
          const id = input.kind === 'work-order' ? (input.action === 'complete' ? input.id : undefined) : input.workOrderId;
          if (id && tracker.release(input.asset, id)) changed = true;
          continue;
        }
        const estimate = input;
        const basis = { asset: estimate.asset, ts: estimate.ts, rulHours: estimate.rulHours, lowerHours: estimate.lowerHours };
        // A machine that stopped or failed holds its level: the held estimate never lowers it.
        const decision = estimate.held ? tracker.hold(basis, estimate.held) : tracker.update(basis);
        if (estimate.held) stopped.set(decision.asset, stateLabel(estimate.held.state));
        else stopped.delete(decision.asset);
        levels.set(decision.asset, decision.level);
        plantFacts.setUrgency(node.id, decision.asset, decision.level, decision.ts);
        changed ||= decision.changed;
        if (!decision.changed && !everyEstimate && !estimate.held) continue;
        const record: UrgencyRecord = {
          kind: 'urgency', ...decision, lowerHours: estimate.lowerHours, upperHours: estimate.upperHours, capped: estimate.capped,
          confidence: estimate.confidence, modelVersion: estimate.modelVersion,
        };
        ports[PORT[decision.level]].push({ topic: `urgency/${decision.asset}`, payload: record });
      }
      if (changed) node.context().set(CONTEXT_KEY, tracker.toJSON());
      showStatus();
      if (ports.some((p) => p.length > 0)) send(ports.map((p) => (p.length > 0 ? p : null)));
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      plantFacts.withdraw(node.id);
      done();
    });
  }
  RED.nodes.registerType('twin-urgency', TwinUrgency);
};
