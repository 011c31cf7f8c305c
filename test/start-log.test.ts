/**
 * The log of the twin as `npm start` ships it: the reference flow, the simulated plant at the README's default speed-up
 * (1440, a day of bearing wear per minute) with its start-of-shift program, the database, nothing seeded and no fault
 * injected. Over its first minutes Node-RED must log no `[error]` line and the process no uncaught warning or
 * rejection: an operator reads the log to find real faults, and a log that cries wolf at every start hides them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { troubleLines } from './support/log-trouble';
import { startReferenceTwin, type ReferenceTwin } from './support/reference-twin';

/** How long the log is watched: past the start, the first identification tries and a few retrain/KPI periods. */
const WATCH_MS = Number(process.env.TWIN_START_LOG_MS || 180_000);

describe('the log of npm start', function () {
  this.timeout(WATCH_MS + 180_000);
  let twin: ReferenceTwin | undefined;
  let freshConfig: string | undefined;

  after(async function () {
    await twin?.stop();
    if (freshConfig) fs.rmSync(freshConfig, { recursive: true, force: true });
  });

  it(`has no [error] line and no uncaught warning in the first ${WATCH_MS / 60_000} minutes without a fault`, async function () {
    // A machine that never ran the twin: node-red-contrib-opcua creates its client certificate store on the first start.
    freshConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-start-log-config-'));
    twin = await startReferenceTwin({ schemaPrefix: 'twin_start_log', plant: { speedup: 1440 }, env: { XDG_CONFIG_HOME: freshConfig } });
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    const log = twin.nodeRed.output();
    assert.match(log, /\[info\] Started flows/, 'the flows started');
    assert.match(log, /historian connected/, 'the historian connected');
    assert.deepEqual(troubleLines(log), [], `Node-RED said:\n${log.slice(-6000)}`);
  });
});
