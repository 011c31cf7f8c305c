/**
 * Cumulative operating hours from a running-state signal: time between consecutive pieces of evidence counts when
 * the state last reported was "running". Evidence is a state sample or any other reading of the asset (a
 * heartbeat), because OPC UA subscriptions report a state only when it changes: the state last reported holds
 * while the asset keeps talking. A gap longer than `maxGapMs` (a network outage, Node-RED stopped) is not counted,
 * because nobody knows whether the machine ran during it; the total is a lower bound, never invented.
 */
export interface OperatingHoursState {
  hours: number;
  lastTs?: number;
  running?: boolean;
  /** Time of the state sample `running` comes from. */
  stateTs?: number;
}

export class OperatingHours {
  private state: OperatingHoursState;

  constructor(readonly maxGapMs = 10 * 60_000, saved?: OperatingHoursState) {
    this.state = saved ? { ...saved } : { hours: 0 };
  }

  get hours(): number {
    return this.state.hours;
  }

  /**
   * A state sample (`running` given) or a heartbeat from another reading of the asset (`running` omitted). A state
   * sample older than the newest heartbeat still sets the state (a subscription's first value may carry an older
   * source time than readings already in), unless a newer state sample has been seen; it adds no time.
   */
  update(ts: number, running?: boolean): void {
    const { lastTs } = this.state;
    if (lastTs === undefined || ts >= lastTs) {
      if (lastTs !== undefined && this.state.running && ts - lastTs <= this.maxGapMs) this.state.hours += (ts - lastTs) / 3_600_000;
      this.state.lastTs = ts;
    }
    if (running !== undefined && (this.state.stateTs === undefined || ts >= this.state.stateTs)) {
      this.state.running = running;
      this.state.stateTs = ts;
    }
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
