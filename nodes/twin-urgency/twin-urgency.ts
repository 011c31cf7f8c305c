import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { plantFacts } from '../../lib/facts/plant-facts';
import { isRulRecord, type RulRecord, type UrgencyRecord } from '../../lib/rul/records';
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

function estimatesOf(payload: unknown): RulRecord[] {
  const items = Array.isArray(payload) ? payload : [payload];
  const bad = items.findIndex((item) => !isRulRecord(item));
  if (bad >= 0) throw new Error(`expected msg.payload to be RUL estimates from twin-rul ({kind: 'rul', asset, ts, rulHours}); element ${bad} is not one`);
  return items as RulRecord[];
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

    const showStatus = (): void => {
      const worst = (['CRITICAL', 'WARNING'] as UrgencyLevel[]).map((level) => [level, [...levels].filter(([, l]) => l === level).map(([a]) => a)] as const)
        .find(([, assets]) => assets.length > 0);
      if (!worst) status.success(`${levels.size} NORMAL`);
      else if (worst[0] === 'CRITICAL') status.failed(`CRITICAL ${worst[1].join(', ')}`);
      else status.waiting(`WARNING ${worst[1].join(', ')}`);
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
      for (const estimate of estimatesOf(msg.payload)) {
        const decision = tracker.update({ asset: estimate.asset, ts: estimate.ts, rulHours: estimate.rulHours, lowerHours: estimate.lowerHours });
        levels.set(decision.asset, decision.level);
        plantFacts.setUrgency(node.id, decision.asset, decision.level, decision.ts);
        changed ||= decision.changed;
        if (!decision.changed && !everyEstimate) continue;
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
