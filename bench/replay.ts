/**
 * Store-and-forward replay into the real historian at the reference flow's settings, with live data flowing: a
 * 10-minute outage's backlog at 1,000 readings/s drains while live readings keep arriving at that rate; the replay
 * rate is the backlog over the time it took, as a multiple of the live rate (goal >= 10x). In a real Node-RED
 * (node-red-node-test-helper) on the real PostgreSQL; once with the readings in messages of 10 (as twin-ingest sends
 * a poll) and once one per message.
 */
import { postgresAnswers } from '../test/support/database';
import { runOutage } from '../test/support/outage-replay';
import { printFigure } from './print-figure';

const LIVE = 1000;

export async function run(): Promise<void> {
  if (!(await postgresAnswers())) {
    process.stdout.write('PostgreSQL 127.0.0.1:5432: not answering, skipped\n');
    return;
  }
  for (const readingsPerMessage of [10, 1]) {
    const outcome = await runOutage({ readingsPerMessage, liveReadingsPerS: LIVE, outageS: 600, liveS: 10 });
    const label = `${readingsPerMessage} reading${readingsPerMessage > 1 ? 's' : ''} per message`;
    if (outcome.drainS === undefined) {
      printFigure(`replay, ${label}`, 'did not drain within 10 min');
      continue;
    }
    const rate = outcome.backlogReadings / outcome.drainS;
    printFigure(`replay into the historian, ${label}, live ${LIVE}/s flowing`, `${Math.round(rate).toLocaleString('en-US')} readings/s = ${(rate / LIVE).toFixed(1)}x live (goal >= 10x)`);
    const sorted = [...outcome.dashboardMs].sort((a, b) => a - b);
    printFigure(`  live readings to the dashboard during the replay`, `p50 ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms`);
    const steady = outcome.storedMs.filter((s) => s.sentAfterRestoreMs > 6000).map((s) => s.latencyMs).sort((a, b) => a - b);
    printFigure(`  live readings into the database during the replay`, `p50 ${steady[Math.floor(steady.length / 2)]} ms, max ${steady[steady.length - 1]} ms (batch time 1 s)`);
  }
}
