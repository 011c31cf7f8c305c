import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import { DiskQueue } from '../../lib/buffer/disk-queue';
import { Forwarder, type ForwarderMetrics } from '../../lib/buffer/forwarder';
import { decodeMessage, encodeMessage, markHistorical } from '../../lib/buffer/message-codec';
import { handleInput } from '../common/input';
import { Status } from '../common/status';
import { forwarderOptions, queueOptions, type TwinBufferDef } from './options';

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
    let queue: DiskQueue;
    try {
      queue = DiskQueue.open(queueOptions(config, userDir));
    } catch (err) {
      const error = new Error(`cannot open the buffer directory: ${err instanceof Error ? err.message : String(err)}`);
      status.failed(error.message);
      handleInput(node, status, () => { throw error; });
      return;
    }
    const opened = queue.getStats();
    if (opened.corrupt > 0 || opened.tornBytes > 0) {
      node.warn(`buffer reopened: skipped ${opened.corrupt} damaged record(s), cut ${opened.tornBytes} bytes of a torn final record`);
    }
    const forwarder = new Forwarder(queue, forwarderOptions(config), (record, historical) => {
      const message = decodeMessage(record.payload);
      const out: NodeMessage = { topic: message.topic as string | undefined, payload: historical ? markHistorical(message.payload) : message.payload, ack: { buffer: node.id, seq: record.seq } };
      if (historical) out.historical = true;
      node.send([out, null]);
    });

    let lastState = forwarder.state;
    let rejected = 0;
    let reported = { dropped: opened.dropped, refused: opened.refused };
    const publishMetrics = (metrics: ForwarderMetrics): void => {
      node.send([null, { topic: 'buffer/metrics', payload: { ...metrics, rejected, backlogAgeS: metrics.oldestAppendedAt ? (Date.now() - metrics.oldestAppendedAt) / 1000 : 0 } }]);
    };
    const showStatus = (metrics: ForwarderMetrics): void => {
      const backlog = metrics.backlog.toLocaleString('en-US');
      const waited = metrics.oldestAppendedAt ? ` (${age(Date.now() - metrics.oldestAppendedAt)})` : '';
      if (metrics.state === 'buffering') status.waiting(`buffering ${backlog}${waited}`);
      else if (metrics.state === 'replaying') status.working(`replaying ${backlog}${waited}`);
      else status.success(`live · ${Math.round(metrics.outRate)}/s`);
    };
    const watch = (): void => {
      const metrics = forwarder.metrics();
      if (metrics.dropped > reported.dropped || metrics.refused > reported.refused) {
        const lost = { dropped: metrics.dropped - reported.dropped, refused: metrics.refused - reported.refused };
        node.send([null, { topic: 'buffer/alert', payload: { ...lost, message: `store-and-forward buffer full or too old: ${lost.dropped} record(s) dropped, ${lost.refused} refused`, metrics } }]);
        reported = { dropped: metrics.dropped, refused: metrics.refused };
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

    handleInput(node, status, (msg) => {
      if (handleAck(msg)) return;
      if (forwarder.push([encodeMessage({ topic: msg.topic, payload: msg.payload })]) === 0) {
        watch();
        throw new Error('buffer full: message refused (full policy "refuse newest")');
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
