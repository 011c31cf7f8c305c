/**
 * Node-RED restarted alone while the plant runs on, as an operator does after a redeploy or an update: the twin must
 * pick up where it was without crying wolf. The downtime is nobody's missed readings (no sensor-health alarm for it),
 * and the restart logs no `[error]` (a pump's waveform features arrive after its scalar ones, as on a first start).
 */
import assert from 'node:assert/strict';
import { withClient } from './support/database';
import { troubleLines } from './support/log-trouble';
import { startReferenceTwin, type ReferenceTwin } from './support/reference-twin';

const RUN_MS = 100_000;
const DOWN_MS = 30_000;

describe('Node-RED restarted while the plant runs', function () {
  this.timeout(RUN_MS * 2 + DOWN_MS + 240_000);
  let twin: ReferenceTwin | undefined;

  after(async function () {
    await twin?.stop();
  });

  it('raises no missed-readings alarm for its downtime and logs no [error] after the restart', async function () {
    twin = await startReferenceTwin({ schemaPrefix: 'twin_restart_log', plant: { speedup: 1440 } });
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    const stoppedAt = new Date();
    await twin.restartNodeRed(() => new Promise((resolve) => setTimeout(resolve, DOWN_MS)));
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    const log = twin.nodeRed.output();
    assert.match(log, /\[info\] Started flows/, 'the flows started again');
    assert.deepEqual(troubleLines(log), [], `Node-RED said after the restart:\n${log.slice(-6000)}`);
    const { databaseUrl, schema } = twin;
    // twin-drift's sensor-health alerts (id asset:sensor:health:ts); a cleared one's message is its clearing text.
    const raised = await withClient(databaseUrl, (client) => client.query<{ id: string; message: string }>(
      `SELECT id, message FROM "${schema}".twin_alerts WHERE id LIKE '%:health:%' AND raised_at >= $1`, [stoppedAt]));
    assert.deepEqual(raised.rows, [], 'no sensor-health alert since the restart: Node-RED was down, not the sensors');
  });
});
