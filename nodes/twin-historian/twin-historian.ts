import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { classifyPayload } from '../../lib/historian/classify';
import type { HistorianConnection } from '../../lib/historian/connection';
import { answerQuery } from '../../lib/historian/query-request';
import { waveformsTable } from '../../lib/historian/tables/waveforms';
import { WaveformThinner } from '../../lib/historian/waveform-thinner';
import { BatchWriter, DEFAULT_WRITER_OPTIONS, type BatchResult } from '../../lib/historian/writer';
import type { WaveformReading } from '../../lib/reading/reading';
import { resolveDb } from '../common/db';
import { handleInput } from '../common/input';
import { Status } from '../common/status';

interface TwinHistorianDef extends NodeDef {
  db: string;
  mode: 'write' | 'query';
  batchSize: string;
  batchMs: string;
  maxQueuedRows: string;
  waveformIntervalS: string;
  replaySharePct?: string;
  output: 'rows' | 'chart';
}

const CLOSE_TIMEOUT_MS = 10000;

function positive(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export = function register(RED: NodeAPI): void {
  function TwinHistorian(this: Node, config: TwinHistorianDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const connection = resolveDb(RED, config.db);
    const mode = config.mode === 'query' ? 'query' : 'write';
    let rowsWritten = 0;

    const showConnection = (conn: HistorianConnection): void => {
      if (conn.state === 'ready') status.success(conn.detail === 'plain PostgreSQL' ? 'plain PostgreSQL (no TimescaleDB)' : `${conn.detail} ready`);
      else if (conn.state === 'reconnecting') status.waiting('database unreachable, retrying');
      else if (conn.state === 'failed') status.failed(conn.detail);
      else status.working('connecting…');
    };

    if (connection instanceof Error) {
      status.failed(connection.message);
      handleInput(node, status, () => { throw connection; });
      return;
    }
    showConnection(connection);
    const onState = (): void => showConnection(connection);
    connection.on('state', onState);

    if (mode === 'query') {
      handleInput(node, status, async (msg, send) => {
        const ctx = await connection.ready();
        const pool = await connection.getPool();
        const answer = await answerQuery(pool, ctx, msg.query ?? msg.payload, config.output === 'chart' ? 'chart' : 'rows');
        msg.payload = answer.payload;
        status.success(`${answer.count} rows`);
        send(msg);
      });
    } else {
      const releaseConnection = connection.retain();
      let deadLettered = 0;
      let unreachableSince: number | undefined;
      const writer = new BatchWriter(connection, {
        batchSize: Math.round(positive(config.batchSize, DEFAULT_WRITER_OPTIONS.batchSize)),
        batchMs: positive(config.batchMs, DEFAULT_WRITER_OPTIONS.batchMs),
        maxQueuedRows: Math.round(positive(config.maxQueuedRows, DEFAULT_WRITER_OPTIONS.maxQueuedRows)),
        replayShare: positive(config.replaySharePct, DEFAULT_WRITER_OPTIONS.replayShare * 100) / 100,
      }, (result: BatchResult) => {
        if (result.ok) {
          rowsWritten += result.inserted;
          if (result.deadLettered) {
            deadLettered += result.deadLettered;
            const named = (result.refused ?? []).map((r) => `${r.table} row ${JSON.stringify(r.row).slice(0, 160)}: ${r.error}`).join('; ');
            node.error(`${result.deadLettered} row(s) refused by the database, kept in twin_dead_letters (${deadLettered} in all); the other ${result.rows - result.deadLettered} stored: ${named}`);
            status.waiting(`${rowsWritten} rows · ${deadLettered} refused`);
          } else if (result.rows > 0) {
            status.success(`${rowsWritten} rows · last ${result.rows}`);
          }
        } else if (writer.state !== 'reconnecting') {
          status.failed(`batch failed: ${result.error ?? ''}`);
        }
        const report: NodeMessage = { topic: result.ok ? 'historian/batch' : 'historian/error', payload: result };
        node.send(report);
      }, (state, queued, cause) => {
        if (state === 'reconnecting') {
          if (unreachableSince === undefined) {
            unreachableSince = Date.now();
            node.warn(`database unreachable (${cause ?? 'no answer or connection lost'}): ${queued} rows queued, retrying`);
          }
          status.waiting(`reconnecting (${queued} queued)`);
        } else {
          if (unreachableSince !== undefined) node.log(`database reachable again after ${Math.round((Date.now() - unreachableSince) / 1000)} s`);
          unreachableSince = undefined;
          showConnection(connection);
        }
      });

      const thinner = new WaveformThinner(config.waveformIntervalS === undefined || config.waveformIntervalS === '' ? 60 : Number(config.waveformIntervalS) || 0);
      handleInput(node, status, async (msg) => {
        const late = (msg as { historical?: unknown }).historical === true;
        const classified = classifyPayload(msg.payload, { historical: late });
        const problems = classified.problems;
        const rows = classified.rows.filter((r) => r.table !== waveformsTable || thinner.keep(r.row as WaveformReading));
        if (problems.length > 0 && rows.length > 0) {
          node.error(new Error(`${problems.length} element(s) not stored: ${problems.slice(0, 3).join('; ')}`), msg);
        } else if (problems.length > 0) {
          const refused = new Error(`nothing to store: ${problems.slice(0, 3).join('; ')}`);
          writer.refuse(msg.ack, refused.message);
          throw refused;
        }
        await writer.write(rows, msg.ack, late);
      });

      node.on('close', (_removed: boolean, done: () => void) => {
        connection.off('state', onState);
        writer.close(CLOSE_TIMEOUT_MS).finally(() => { releaseConnection(); done(); });
      });
      return;
    }
    node.on('close', (_removed: boolean, done: () => void) => {
      connection.off('state', onState);
      done();
    });
  }
  RED.nodes.registerType('twin-historian', TwinHistorian);
};
