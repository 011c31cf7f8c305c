/**
 * Cumulative operating hours from a running-state signal: time between consecutive samples counts when the
 * earlier sample said "running". A gap longer than `maxGapMs` (a network outage, Node-RED stopped) is not
 * counted, because nobody knows whether the machine ran during it; the total is a lower bound, never invented.
 */
export interface OperatingHoursState {
  hours: number;
  lastTs?: number;
  running?: boolean;
}

export class OperatingHours {
  private state: OperatingHoursState;

  constructor(readonly maxGapMs = 10 * 60_000, saved?: OperatingHoursState) {
    this.state = saved ? { ...saved } : { hours: 0 };
  }

  get hours(): number {
    return this.state.hours;
  }

  update(ts: number, running: boolean): void {
    const { lastTs } = this.state;
    if (lastTs !== undefined && ts < lastTs) return;
    if (lastTs !== undefined && this.state.running && ts - lastTs <= this.maxGapMs) this.state.hours += (ts - lastTs) / 3_600_000;
    this.state.lastTs = ts;
    this.state.running = running;
  }

  toJSON(): OperatingHoursState {
    return { ...this.state };
  }
}

/** How a sensor's value says the machine runs: a state code equal to a value, or a speed above one. */
export interface RunningRule {
  sensor: string;
  test: 'equals' | 'above';
  value: number;
}

export function isRunning(rule: RunningRule, value: number): boolean {
  return rule.test === 'equals' ? value === rule.value : value > rule.value;
}
