/**
 * Suppression by design (ISA-18.2): an alarm the engineer has declared meaningless while its machine is in a given
 * state (a low-flow alarm of a stopped pump, the vibration of a spindle still running up) is not shown to the operator
 * while the machine is in that state, and comes back if its condition is still there when the state ends.
 *
 * Which state a machine is in is decided once, by the pack's machine-state rule, and read here through
 * `MachineStateView`, so this module never decides it on its own.
 */

/** The machine states an alarm can be suppressed in (names of the machine-state rule). */
export type DesignSuppressionState = 'stopped' | 'down' | 'warming-up';

export const DESIGN_SUPPRESSION_STATES: readonly DesignSuppressionState[] = ['down', 'stopped', 'warming-up'];

/**
 * When a limit alarm's sensor names no states: suppressed while the machine is down (the alarms that follow a trip are
 * consequences of it, and the machine-down alarm says what happened) and while it warms up after a start (speed and
 * vibration ramp up).
 */
export const DEFAULT_SUPPRESS_WHEN: readonly DesignSuppressionState[] = ['down', 'warming-up'];

export function isDesignSuppressionState(value: unknown): value is DesignSuppressionState {
  return typeof value === 'string' && (DESIGN_SUPPRESSION_STATES as readonly string[]).includes(value);
}

/** The state of an asset's machine and since when (epoch ms), as the machine-state rule says it. */
export interface MachineStateNow {
  state: string;
  since: number;
}

/** Answers "which state is this asset's machine in now", or null when nobody knows. */
export interface MachineStateView {
  stateOf(asset: string): MachineStateNow | null;
}

/** The machine state that suppresses an alarm designed with `suppressWhen`, or null when it is not suppressed now. */
export function suppressingState(suppressWhen: readonly string[] | undefined, view: MachineStateView, asset: string): MachineStateNow | null {
  if (!suppressWhen || suppressWhen.length === 0) return null;
  const now = view.stateOf(asset);
  return now && suppressWhen.includes(now.state) ? now : null;
}
