/**
 * Live before late, in a real Node-RED on the real PostgreSQL, wired and set as the reference flow: a 10-minute
 * outage's backlog at 1,000 readings/s, then the database back while live readings keep coming.
 */
import assert from 'node:assert/strict';
import { postgresAnswers } from './support/database';
import { runOutage } from './support/outage-replay';

describe('twin-buffer live lane after a 10-minute outage', function () {
  this.timeout(900000);

  it('shows live readings on the dashboard at once and stores them ahead of the replayed backlog, marked live, the backlog historical', async function () {
    if (!(await postgresAnswers())) this.skip();
    const outcome = await runOutage({ readingsPerMessage: 10, liveReadingsPerS: 1000, outageS: 600, liveS: 15 });
    const maxDashboard = Math.max(...outcome.dashboardMs);
    const steady = outcome.storedMs.filter((s) => s.sentAfterRestoreMs > 6000).map((s) => s.latencyMs);
    const first = Math.min(...outcome.storedMs.map((s) => s.sentAfterRestoreMs + s.latencyMs));
    process.stdout.write(`      (backlog of ${outcome.backlogReadings.toLocaleString('en-US')} readings built in ${outcome.buildS.toFixed(1)} s; dashboard: live readings at most ` +
      `${maxDashboard} ms after they were sent; historian: first live row ${(first / 1000).toFixed(1)} s after the restore, live rows sent 6 s or more after it stored ` +
      `within ${Math.max(...steady)} ms, ${outcome.storedWhileReplaying} of ${outcome.liveMessages} live messages stored while the backlog was replaying; backlog drained ` +
      `${outcome.drainS?.toFixed(1) ?? 'not'} s after the restore, ${outcome.backlogHistorical.toLocaleString('en-US')} of its readings flagged historical)\n`);
    assert.ok(maxDashboard < 2000, `dashboard latency ${maxDashboard} ms`);
    assert.equal(outcome.storedMs.length, outcome.liveMessages, 'every live message stored');
    assert.ok(outcome.drainS !== undefined, 'the backlog drained');
    assert.ok(outcome.storedWhileReplaying > 0, 'live rows were stored before the backlog had drained');
    // The historian holds live rows up to its batch time (1 s) by design; beyond that, they wait for nothing.
    assert.ok(Math.max(...steady) < 1000 + 2000, `live rows stored within the batch time + 2 s once the historian was writing again: ${Math.max(...steady)} ms`);
    // Historical = reached the historian more than 10 s after it reached the buffer: the backlog, and live readings
    // only if they had to wait that long (those sent before the historian saw the database again).
    assert.deepEqual(outcome.liveHistorical.filter((f) => f.historical && f.sentAfterRestoreMs > 6000), [], 'live readings stored promptly are not historical');
    // Only what was in flight when the link was cut went out unflagged: up to maxInFlight (1,000) messages of 10
    // readings on each of the two lanes, live and replay.
    const inFlightReadings = 2 * 1000 * 10;
    assert.ok(outcome.backlogHistorical >= outcome.backlogReadings - inFlightReadings, `the backlog is stored as historical: ${outcome.backlogHistorical}`);
  });
});
