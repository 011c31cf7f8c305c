import { execSync } from 'node:child_process';
import fs from 'node:fs';

const CLOCK_TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** CPU seconds (user + system, every thread) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** A process's resident memory in MB, from /proc. */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/**
 * Seconds a process's main thread (a Node process's event loop) has run on a CPU and has waited, runnable, for one
 * (/proc/<pid>/task/<pid>/schedstat). On a shared machine the wait shows a process held back by the others' load.
 */
export function mainThreadSchedule(pid: number): { running: number; waiting: number } {
  const [runNs, waitNs] = fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
  return { running: runNs / 1e9, waiting: waitNs / 1e9 };
}
