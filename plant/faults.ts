import type { Random } from '../lib/math/random';

/** Sensor faults change what the PLC publishes, never the machine's physics, exactly like a failing transmitter. */
export type SensorFault =
  | { kind: 'drift'; unitsPerMinute: number; since: number }
  | { kind: 'stuck'; frozenAt?: number }
  | { kind: 'spikes'; magnitude: number };

const SPIKE_PROBABILITY = 0.15;

export class FaultTable {
  private readonly faults = new Map<string, SensorFault>();

  private static key(asset: string, sensor: string): string {
    return `${asset}/${sensor}`;
  }

  set(asset: string, sensor: string, fault: SensorFault): void {
    this.faults.set(FaultTable.key(asset, sensor), fault);
  }

  /** Clears one sensor's fault, or every fault of the asset when no sensor is named. Returns how many were cleared. */
  clear(asset: string, sensor?: string): number {
    if (sensor) return this.faults.delete(FaultTable.key(asset, sensor)) ? 1 : 0;
    let cleared = 0;
    for (const key of [...this.faults.keys()]) {
      if (key.startsWith(`${asset}/`)) { this.faults.delete(key); cleared++; }
    }
    return cleared;
  }

  list(): string[] {
    return [...this.faults.entries()].map(([key, fault]) => `${key} ${fault.kind}`);
  }

  /** The value the transmitter reports for a true value at wall-clock time `now` (ms). */
  apply(asset: string, sensor: string, value: number, now: number, random: Random): number {
    const fault = this.faults.get(FaultTable.key(asset, sensor));
    if (!fault) return value;
    switch (fault.kind) {
      case 'drift':
        return value + fault.unitsPerMinute * ((now - fault.since) / 60000);
      case 'stuck':
        if (fault.frozenAt === undefined) fault.frozenAt = value;
        return fault.frozenAt;
      case 'spikes':
        return random.next() < SPIKE_PROBABILITY ? value + fault.magnitude * (random.next() < 0.5 ? -1 : 1) : value;
    }
  }
}
