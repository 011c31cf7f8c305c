import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import { BufferWriteError, DiskQueue } from '../../lib/buffer/disk-queue';
import { Forwarder, type ForwarderMetrics } from '../../lib/buffer/forwarder';
import { decodeMessage, encodeMessage, markHistorical, type BufferedMessage } from '../../lib/buffer/message-codec';
import { handleInput } from '../common/input';
import { Status } from '../common/status';
import { forwarderOptions, maxMessageBytes, queueOptions, type TwinBufferDef } from './options';

const TICK_MS = 50;
const METRICS_MS = 5000;

interface AckToken {
  buffer: string;
  seq: number;
}

function isAckToken(value: unknown, buffer: string): value is AckToken {
  return !!value && typeof value === 'object' && (value as AckToken).buffer === buffer && Number.isInteger((value as AckToken).seq);
}

function age(ms: number): string {
  if (ms < 60000) return `${Math.round(ms / 1000)}s`;
  if (ms < 3600000) return `${Math.round(ms / 60000)}m`;
  return `${(ms / 3600000).toFixed(1)}h`;
}

export = function register(RED: NodeAPI): void {
  function TwinBuffer(this: Node, config: TwinBufferDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const userDir = (RED.settings as unknown as { userDir?: string }).userDir ?? process.cwd();
    const limit = maxMessageBytes(config);
    let queue: DiskQueue;
    try {
      queue = DiskQueue.open({ ...queueOptions(config, userDir), owner: `twin-buffer ${node.id}${config.name ? ` "${config.name}"` : ''}`, onWarning: (message) => node.warn(message) });
    } catch (err) {
      const error = new Error(`cannot open the buffer directory: ${err instanceof Error ? err.message : String(err)}`);
      node.error(error.message);
      status.failed(error.message);
      handleInput(node, status, () => { throw error; });
      return;
    }
    const opened = queue.getStats();
    if (opened.corrupt > 0 || opened.tornBytes > 0) {
      node.warn(`buffer reopened: skipped ${opened.corrupt} damaged stretch(es), cut ${opened.tornBytes} bytes of a torn final record`);
    }
    /** The message being stored: the live lane sends it on as it came instead of decoding the bytes just encoded. */
    let storing: { record: Buffer; message: BufferedMessage } | undefined;
    const forwarder = new Forwarder(queue, forwarderOptions(config), (record, historical) => {
      const message = storing?.record === record.payload ? storing.message : decodeMessage(record.payload);
      const out: NodeMessage = { topic: message.topic as string | undefined, payload: historical ? markHistorical(message.payload) : message.payload, ack: { buffer: node.id, seq: record.seq } };
      if (historical) out.historical = true;
      node.send([out, null]);
    });

    let lastState = forwarder.state;
    let rejected = 0;
    let reported = { dropped: opened.dropped };
    /** Set while the disk refuses writes: one alert when it starts, one when it ends. */
    let diskProblem: string | undefined;
    const alert = (payload: Record<string, unknown> & { message: string }): void => {
      node.send([null, { topic: 'buffer/alert', payload: { ...payload, metrics: forwarder.metrics() } }]);
    };
    const publishMetrics = (metrics: ForwarderMetrics): void => {
      node.send([null, { topic: 'buffer/metrics', payload: { ...metrics, rejected, backlogAgeS: metrics.oldestAppendedAt ? (Date.now() - metrics.oldestAppendedAt) / 1000 : 0 } }]);
    };
    const showStatus = (metrics: ForwarderMetrics): void => {
      const backlog = metrics.backlog.toLocaleString('en-US');
      const waited = metrics.oldestAppendedAt ? ` (${age(Date.now() - metrics.oldestAppendedAt)})` : '';
      if (diskProblem) status.failed(`disk: ${diskProblem}`);
      else if (metrics.state === 'buffering') status.waiting(`buffering ${backlog}${waited}`);
      else if (metrics.state === 'replaying') status.working(`replaying ${backlog}${waited}`);
      else status.success(`live · ${Math.round(metrics.outRate)}/s`);
    };
    const watch = (): void => {
      const metrics = forwarder.metrics();
      if (metrics.dropped > reported.dropped) {
        const dropped = metrics.dropped - reported.dropped;
        alert({ dropped, message: `store-and-forward buffer full or too old: ${dropped} record(s) dropped` });
        reported = { dropped: metrics.dropped };
      }
      if (metrics.state !== lastState) {
        lastState = metrics.state;
        publishMetrics(metrics);
      }
      showStatus(metrics);
    };
    const ticker = setInterval(() => forwarder.tick(), TICK_MS);
    const watcher = setInterval(watch, 1000);
    const metricsTimer = setInterval(() => publishMetrics(forwarder.metrics()), METRICS_MS);
    showStatus(forwarder.metrics());

    const handleAck = (msg: NodeMessageInFlow): boolean => {
      if (isAckToken(msg.ack, node.id) && msg.topic !== 'historian/batch' && msg.topic !== 'historian/error') {
        forwarder.ack(msg.ack.seq);
        return true;
      }
      const result = msg.payload as { ok?: unknown; permanent?: unknown; error?: unknown; acks?: unknown } | undefined;
      if (!result || typeof result !== 'object' || !Array.isArray(result.acks)) return false;
      const mine = result.acks.filter((a): a is AckToken => isAckToken(a, node.id));
      if (result.ok === true) {
        for (const token of mine) forwarder.ack(token.seq);
      } else if (result.permanent === true && mine.length > 0) {
        // The sink refused these for their content: resending would fail forever and hold up everything behind them.
        for (const token of mine) forwarder.ack(token.seq);
        rejected += mine.length;
        node.warn(`${mine.length} message(s) refused by the sink and let go (${rejected} in all): ${String(result.error ?? '')}`);
      } else if (mine.length > 0) {
        forwarder.nack();
      }
      return true;
    };

    /** Refused or not synced: the producer learns it (done(err)), the operator once per episode (alert, log). */
    const diskFailed = (err: Error): never => {
      const reason = err instanceof BufferWriteError && err.code === 'ENOSPC' ? 'full' : err instanceof BufferWriteError ? err.code : 'not synced';
      if (diskProblem === undefined) {
        diskProblem = reason;
        alert({ refused: 1, code: err instanceof BufferWriteError ? err.code : 'EIO', message: err.message });
        showStatus(forwarder.metrics());
      }
      throw err;
    };

    handleInput(node, status, async (msg) => {
      if (handleAck(msg)) return;
      const message: BufferedMessage = { topic: msg.topic, payload: msg.payload };
      const record = encodeMessage(message, limit);
      let stored: number;
      storing = { record, message };
      try {
        stored = forwarder.push([record]);
      } catch (err) {
        return diskFailed(err as Error);
      } finally {
        storing = undefined;
      }
      if (stored === 0) {
        watch();
        alert({ refused: 1, message: 'store-and-forward buffer full: message refused (full policy "refuse newest")' });
        throw new Error('buffer full: message refused (full policy "refuse newest")');
      }
      await queue.whenDurable().catch(diskFailed);
      if (diskProblem !== undefined) {
        diskProblem = undefined;
        node.log('the buffer disk accepts messages again');
        alert({ recovered: true, message: 'store-and-forward buffer: the disk accepts messages again' });
        showStatus(forwarder.metrics());
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(ticker);
      clearInterval(watcher);
      clearInterval(metricsTimer);
      queue.close();
      done();
    });
  }
  RED.nodes.registerType('twin-buffer', TwinBuffer);
};
