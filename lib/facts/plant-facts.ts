import type { Reading } from '../reading/reading';
import type { UrgencyLevel } from '../rul/urgency';
import type { AlertLevel } from '../threshold/alert';

/**
 * What the twin's own nodes know about each asset, shared in-process so a node that acts on the plant (twin-setpoint)
 * decides from facts instead of from messages on its input wire, which any dashboard widget or forged message could
 * reach: the maintenance urgency twin-urgency holds, the alerts twin-threshold and twin-drift hold active, and the
 * readings twin-ingest has just taken from the PLC, and the state each machine is in (which alarm management reads to
 * suppress alarms by design). Only those nodes' code writes here; each writes under its own
 * node id, withdraws when it stops, and a reader sees the worst of all sources. One registry per process (kept on
 * globalThis, so two copies of the pack loaded into one Node-RED still share it).
 */

export interface AlertFact {
  id: string;
  sensor: string;
  level: AlertLevel;
}

export interface UrgencyFact {
  level: UrgencyLevel;
  ts: number;
  /** How many nodes publish an urgency for the asset. */
  sources: number;
}

/** The machine states of the pack's machine-state rule. */
export type MachineStateName = 'running' | 'warming-up' | 'stopped' | 'down' | 'unknown';

/** A machine's state and since when (epoch ms), as the node that applies the machine-state rule publishes it. */
export interface MachineStateFact {
  state: MachineStateName;
  since: number;
}

export type ReadingsListener = (readings: readonly Reading[]) => void;

const RANK: Record<UrgencyLevel, number> = { NORMAL: 0, WARNING: 1, CRITICAL: 2 };

export class PlantFacts {
  private readonly urgency = new Map<string, Map<string, { level: UrgencyLevel; ts: number }>>();
  private readonly alerts = new Map<string, Map<string, AlertFact[]>>();
  private readonly listeners = new Map<string, Set<ReadingsListener>>();
  private readonly machineStates = new Map<string, Map<string, MachineStateFact>>();

  /** twin-urgency: the level it holds for an asset now. */
  setUrgency(source: string, asset: string, level: UrgencyLevel, ts: number): void {
    let sources = this.urgency.get(asset);
    if (!sources) this.urgency.set(asset, (sources = new Map()));
    sources.set(source, { level, ts });
  }

  /** twin-threshold / twin-drift: every alert it holds active on an asset now (replacing what it said before). */
  setAlerts(source: string, asset: string, active: ReadonlyArray<{ id: string; sensor: string; level: AlertLevel }>): void {
    let sources = this.alerts.get(asset);
    if (!sources) this.alerts.set(asset, (sources = new Map()));
    sources.set(source, active.map((a) => ({ id: a.id, sensor: a.sensor, level: a.level })));
  }

  /** The node applying the machine-state rule to an asset: the state it decided, whenever it changes. */
  setMachineState(source: string, asset: string, fact: MachineStateFact): void {
    let sources = this.machineStates.get(asset);
    if (!sources) this.machineStates.set(asset, (sources = new Map()));
    sources.set(source, { state: fact.state, since: fact.since });
  }

  /** A node that stops takes back everything it said. */
  withdraw(source: string): void {
    for (const sources of this.urgency.values()) sources.delete(source);
    for (const sources of this.alerts.values()) sources.delete(source);
    for (const sources of this.machineStates.values()) sources.delete(source);
  }

  /** The asset's machine state, or null when no node publishes one; of several sources, the newest change. */
  machineStateOf(asset: string): MachineStateFact | null {
    const sources = [...(this.machineStates.get(asset)?.values() ?? [])];
    if (sources.length === 0) return null;
    const newest = sources.reduce((a, b) => (b.since > a.since ? b : a));
    return { ...newest };
  }

  /** The worst urgency any source holds for the asset, or null when no node publishes one. */
  urgencyOf(asset: string): UrgencyFact | null {
    const sources = [...(this.urgency.get(asset)?.values() ?? [])];
    if (sources.length === 0) return null;
    const worst = sources.reduce((a, b) => (RANK[b.level] > RANK[a.level] || (b.level === a.level && b.ts > a.ts) ? b : a));
    return { level: worst.level, ts: worst.ts, sources: sources.length };
  }

  /** Every active alert on the asset, from every source. */
  alertsOf(asset: string): AlertFact[] {
    return [...(this.alerts.get(asset)?.values() ?? [])].flat();
  }

  /** How many nodes publish alerts for the asset. */
  alertSources(asset: string): number {
    return this.alerts.get(asset)?.size ?? 0;
  }

  /** Whether anyone waits for the asset's readings: twin-ingest skips publishing when nobody does. */
  listening(asset: string): boolean {
    return (this.listeners.get(asset)?.size ?? 0) > 0;
  }

  /** twin-ingest: readings of one asset just taken from the PLC. A failing listener does not stop the others. */
  publishReadings(asset: string, readings: readonly Reading[]): Error[] {
    const errors: Error[] = [];
    for (const listener of this.listeners.get(asset) ?? []) {
      try {
        listener(readings);
      } catch (err) {
        errors.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    return errors;
  }

  /** Calls `listener` with every batch of the asset's readings twin-ingest publishes; returns the unsubscribe. */
  onReadings(asset: string, listener: ReadingsListener): () => void {
    let set = this.listeners.get(asset);
    if (!set) this.listeners.set(asset, (set = new Set()));
    set.add(listener);
    return () => { set.delete(listener); };
  }
}

const KEY = Symbol.for('node-red-contrib-digital-twin.plant-facts');
type Holder = { [KEY]?: PlantFacts };

/** The process's one registry. */
export const plantFacts: PlantFacts = ((globalThis as Holder)[KEY] ??= new PlantFacts());
