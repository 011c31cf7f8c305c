import type { MachineStateFact } from '../facts/plant-facts';

/**
 * Maintenance urgency from remaining useful life: CRITICAL under 48 h, WARNING under a week, NORMAL beyond, with
 * the actions each calls for and a work order that is opened and escalated as the level moves. The level is
 * judged on the pessimistic end of the prediction interval when there is one (a wide interval is itself a reason to
 * look), rises at once, and falls only once the estimate clears the threshold by the hysteresis, so a prediction
 * wobbling around 48 h does not page the crew every cycle. A machine that stops or fails never lowers the level: its
 * last estimate is held (`hold`). A work order is never closed here: it stays open until a person completes it or
 * confirms a failure or false alarm against it (`release`), even when the estimate comes back to NORMAL.
 */
export type UrgencyLevel = 'NORMAL' | 'WARNING' | 'CRITICAL';

export interface UrgencyOptions {
  criticalHours: number;
  warningHours: number;
  /** How far past a threshold the estimate must come back before the level drops. */
  hysteresisHours: number;
}

export const DEFAULT_URGENCY_OPTIONS: UrgencyOptions = { criticalHours: 48, warningHours: 168, hysteresisHours: 12 };

export const URGENCY_ACTIONS: Record<UrgencyLevel, string[]> = {
  CRITICAL: ['Schedule maintenance now', 'Pull spare parts from stores', 'Allocate a maintenance crew'],
  WARNING: ['Plan maintenance this week', 'Order parts', 'Coordinate the stop with production'],
  NORMAL: ['Keep monitoring'],
};

/** Higher is more urgent: how every view orders the levels. */
export const URGENCY_RANK: Record<UrgencyLevel, number> = { NORMAL: 0, WARNING: 1, CRITICAL: 2 };

export interface RulEstimate {
  asset: string;
  ts: number;
  rulHours: number;
  /** Lower end of the prediction interval, hours. */
  lowerHours?: number;
}

export interface WorkOrderEvent {
  id: string;
  asset: string;
  action: 'open' | 'escalate' | 'de-escalate' | 'close';
  level: UrgencyLevel;
  ts: number;
  rulHours: number;
  message: string;
}

export interface UrgencyDecision {
  asset: string;
  ts: number;
  level: UrgencyLevel;
  previous: UrgencyLevel;
  changed: boolean;
  rulHours: number;
  /** The hours the level was judged on (the interval's lower end when given). */
  basisHours: number;
  actions: string[];
  workOrder?: WorkOrderEvent;
  /** Present while the machine does not run: the level and estimate are held from before it stopped. */
  machineState?: MachineStateFact;
}

/** Actions while a machine is down, whatever the level held. */
export const DOWN_ACTIONS = ['Machine DOWN: inspect it', 'Confirm the failure (or a false alarm) against its open work order'];

interface AssetState {
  level: UrgencyLevel;
  workOrderId?: string;
}

export type UrgencyState = Record<string, AssetState>;

export class UrgencyTracker {
  private readonly assets = new Map<string, AssetState>();

  constructor(readonly options: UrgencyOptions = DEFAULT_URGENCY_OPTIONS, saved?: UrgencyState) {
    if (!(options.criticalHours > 0 && options.warningHours > options.criticalHours)) throw new Error('thresholds must satisfy 0 < critical < warning hours');
    if (!(options.hysteresisHours >= 0)) throw new Error('hysteresis must not be negative');
    for (const [asset, state] of Object.entries(saved ?? {})) this.assets.set(asset, { ...state });
  }

  update(estimate: RulEstimate): UrgencyDecision {
    if (!Number.isFinite(estimate.rulHours)) throw new Error(`RUL of ${estimate.asset} is not a number`);
    const state = this.assets.get(estimate.asset) ?? { level: 'NORMAL' as UrgencyLevel };
    const basis = Math.min(estimate.rulHours, estimate.lowerHours ?? Infinity);
    const previous = state.level;
    const level = this.levelFor(basis, previous);
    const decision: UrgencyDecision = {
      asset: estimate.asset, ts: estimate.ts, level, previous, changed: level !== previous, rulHours: estimate.rulHours, basisHours: basis,
      actions: URGENCY_ACTIONS[level],
    };
    if (decision.changed) decision.workOrder = this.workOrder(state, decision);
    state.level = level;
    this.assets.set(estimate.asset, state);
    return decision;
  }

  /**
   * The machine stopped, failed or warms up: the estimate made before (`estimate`, the last valid one) is held, the
   * level does not move, and no work order changes.
   */
  hold(estimate: RulEstimate, machineState: MachineStateFact): UrgencyDecision {
    const state = this.assets.get(estimate.asset) ?? { level: 'NORMAL' as UrgencyLevel };
    this.assets.set(estimate.asset, state);
    const basis = Math.min(estimate.rulHours, estimate.lowerHours ?? Infinity);
    return {
      asset: estimate.asset, ts: estimate.ts, level: state.level, previous: state.level, changed: false, rulHours: estimate.rulHours, basisHours: basis,
      actions: machineState.state === 'down' ? DOWN_ACTIONS : URGENCY_ACTIONS[state.level], machineState: { ...machineState },
    };
  }

  /**
   * A person completed the asset's work order, or confirmed a failure or false alarm against it: the next rise of the
   * level opens a new one. Returns whether it was the open order.
   */
  release(asset: string, workOrderId: string): boolean {
    const state = this.assets.get(asset);
    if (!state || state.workOrderId !== workOrderId) return false;
    state.workOrderId = undefined;
    return true;
  }

  /** The asset's open work order, if twin-urgency opened one nobody has completed yet. */
  openWorkOrder(asset: string): string | undefined {
    return this.assets.get(asset)?.workOrderId;
  }

  private levelFor(basis: number, previous: UrgencyLevel): UrgencyLevel {
    const { criticalHours, warningHours, hysteresisHours } = this.options;
    const raw: UrgencyLevel = basis < criticalHours ? 'CRITICAL' : basis < warningHours ? 'WARNING' : 'NORMAL';
    if (URGENCY_RANK[raw] >= URGENCY_RANK[previous]) return raw;
    // Falling: each threshold must be cleared by the hysteresis.
    if (previous === 'CRITICAL' && basis < criticalHours + hysteresisHours) return 'CRITICAL';
    if (basis < warningHours + hysteresisHours) return 'WARNING';
    return raw;
  }

  private workOrder(state: AssetState, d: UrgencyDecision): WorkOrderEvent | undefined {
    const rul = `${d.rulHours.toFixed(0)} h remaining useful life`;
    if (d.level === 'NORMAL') {
      const id = state.workOrderId;
      return id ? { id, asset: d.asset, action: 'de-escalate', level: d.level, ts: d.ts, rulHours: d.rulHours,
        message: `${d.asset} estimated back to normal (${rul}); the work order stays open until maintenance completes it or confirms a failure or false alarm.` } : undefined;
    }
    const opening = state.workOrderId === undefined;
    state.workOrderId ??= `${d.asset}:wo:${d.ts}`;
    const action = opening ? 'open' : URGENCY_RANK[d.level] > URGENCY_RANK[d.previous] ? 'escalate' : 'de-escalate';
    return { id: state.workOrderId, asset: d.asset, action, level: d.level, ts: d.ts, rulHours: d.rulHours, message: `${d.level}: ${d.asset}, ${rul}. ${d.actions.join('; ')}.` };
  }

  toJSON(): UrgencyState {
    return Object.fromEntries([...this.assets].map(([asset, state]) => [asset, { ...state }]));
  }
}
