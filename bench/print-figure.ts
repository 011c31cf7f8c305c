import os from 'node:os';

/** One benchmark figure per line, labels aligned so a column of figures can be read at a glance. */
export function printFigure(label: string, figure: string): void {
  process.stdout.write(`${label.padEnd(58)} ${figure}\n`);
}

export function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

/**
 * A stage beside its bare engine, both measured in the same run: on a machine shared with other jobs the ratio holds
 * where absolute figures swing. `goal` is the ratio the stage must reach.
 */
export function printBeside(label: string, ours: number, bare: number, unit: string, goal?: number): void {
  const ratio = ours / bare;
  const verdict = goal === undefined ? '' : ratio >= goal ? ` (goal ≥ ${goal}: met)` : ` (goal ≥ ${goal}: NOT met)`;
  printFigure(label, `${formatRate(ours)} vs bare ${formatRate(bare)} ${unit} = ${ratio.toFixed(2)}${verdict}`);
}

/** A figure against an absolute goal, which on a shared machine says as much about the load as about the code. */
export function printAgainstGoal(label: string, value: number, goal: number, unit: string): void {
  printFigure(label, `${formatRate(value)} ${unit}: ${(100 * value / goal).toFixed(0)} % of the goal ${formatRate(goal)}${value >= goal ? ' (met)' : ''}`);
}

/** The machine's load average over 1, 5 and 15 minutes, printed beside each benchmark's figures. */
export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' / ');
}

/**
 * Seconds per call of each contender, timed in alternating slices so that a change in the machine's load falls on
 * all of them alike; each gets `calls` calls in all, after `warmup` untimed ones. `cpuSeconds`, when given, receives
 * each contender's CPU seconds per call (the whole process, every thread): on shared cores the wall time swings with
 * the other jobs, the CPU a call takes much less.
 */
export async function alternate(contenders: Record<string, () => unknown>, calls: number, slices = 10, warmup = Math.ceil(calls / 10), cpuSeconds?: Record<string, number>): Promise<Record<string, number>> {
  const seconds: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  for (const [name, call] of Object.entries(contenders)) {
    for (let i = 0; i < warmup; i++) await call();
    seconds[name] = 0;
    cpu[name] = 0;
  }
  const perSlice = Math.max(1, Math.ceil(calls / slices));
  const order = Object.entries(contenders);
  for (let slice = 0; slice < slices; slice++) {
    // Each contender goes first as often as last: what one leaves behind (garbage, a warm cache) falls on all alike.
    for (const [name, call] of slice % 2 === 0 ? order : [...order].reverse()) {
      const started = process.hrtime.bigint();
      const cpuBefore = process.cpuUsage();
      for (let i = 0; i < perSlice; i++) await call();
      const used = process.cpuUsage(cpuBefore);
      seconds[name] += Number(process.hrtime.bigint() - started) / 1e9;
      cpu[name] += (used.user + used.system) / 1e6;
    }
  }
  for (const name of Object.keys(seconds)) {
    seconds[name] /= perSlice * slices;
    if (cpuSeconds) cpuSeconds[name] = cpu[name] / (perSlice * slices);
  }
  return seconds;
}
