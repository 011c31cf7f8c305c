import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { writeFileAtomically } from '../../lib/write-file-atomically';
import { EdgeClient, MODEL_METRIC_PREFIX, type DeliveredModel, type EdgeState } from '../../lib/sparkplug/edge-client';
import { samplesOfPayload, type DeviceSamples } from '../../lib/sparkplug/metrics';
import { configuredNaming, type SparkplugNaming } from '../../lib/sparkplug/naming';
import { brokerSettings, type BrokerCredentials, type BrokerDef } from '../common/broker';
import { handleInput } from '../common/input';
import { resolveModel } from '../common/model';
import { Status } from '../common/status';

interface TwinSparkplugEdgeDef extends NodeDef, BrokerDef {
  group: string;
  edge: string;
  primaryHostId: string;
  dataQos: string;
  ackTimeoutS: string;
  model: string;
  modelType: string;
  modelFile: string;
}

interface AckToken {
  buffer: string;
  seq: number;
}

/** A message that comes back from twin-buffer carries its token: it was stored during an outage. */
function bufferToken(msg: { ack?: unknown }): AckToken | undefined {
  const ack = msg.ack as AckToken | undefined;
  return ack && typeof ack === 'object' && typeof ack.buffer === 'string' && Number.isInteger(ack.seq) ? ack : undefined;
}

/** The samples of a payload under their Sparkplug device ids; assets that cannot be a device id are problems. */
function devicesOf(naming: SparkplugNaming, payload: unknown): { devices: DeviceSamples[]; accepted: unknown[]; problems: string[] } {
  const { devices, accepted, problems } = samplesOfPayload(payload);
  const named: DeviceSamples[] = [];
  for (const d of devices) {
    const device = naming.deviceOf(d.asset);
    if (device instanceof Error) problems.push(device.message);
    else named.push({ asset: device, samples: d.samples });
  }
  return { devices: named, accepted, problems };
}

export = function register(RED: NodeAPI): void {
  function TwinSparkplugEdge(this: Node, config: TwinSparkplugEdgeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const userDir = (RED.settings as unknown as { userDir?: string }).userDir ?? process.cwd();
    let client: EdgeClient;
    let naming: SparkplugNaming;
    try {
      naming = configuredNaming((config.group ?? '').trim(), (config.edge ?? '').trim());
      const broker = brokerSettings(config, node.credentials as BrokerCredentials, `twin-edge-${naming.group}-${naming.edge}`, userDir);
      const ackTimeoutS = Number(config.ackTimeoutS || 10);
      client = new EdgeClient({
        ...broker, group: naming.group, edge: naming.edge, primaryHostId: (config.primaryHostId ?? '').trim(),
        dataQos: config.dataQos === '0' ? 0 : 1,
        ackTimeoutMs: (Number.isFinite(ackTimeoutS) && ackTimeoutS > 0 ? ackTimeoutS : 10) * 1000,
        bdSeqFile: path.join(userDir, 'twin-sparkplug', `${node.id}.bdseq`),
      });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      status.failed(error.message);
      handleInput(node, status, () => { throw error; });
      return;
    }

    const counts = { published: 0, stored: 0, replayed: 0 };
    const event = (topic: string, payload: Record<string, unknown>): void => {
      node.send([null, { topic, payload: { group: naming.group, edge: naming.edge, ...payload } }]);
    };
    const showStatus = (): void => {
      const state = client.state;
      if (state === 'online') status.success(`online · bdSeq ${client.bdSeq}${counts.stored ? ` · ${counts.replayed}/${counts.stored} replayed` : ''}`);
      else if (state === 'waiting-for-host') status.waiting(`waiting for ${config.primaryHostId} · ${counts.stored} stored`);
      else if (state === 'connecting') status.working('connecting');
      else status.failed(`offline · ${counts.stored} stored`);
    };
    client.on('state', (state: EdgeState, detail: string) => {
      showStatus();
      event('sparkplug/edge', { state, detail, bdSeq: client.bdSeq, ...counts });
    });
    client.on('warning', (text: string) => node.warn(text));
    client.on('rebirth', () => event('sparkplug/rebirth', { bdSeq: client.bdSeq }));

    // Models: the version the edge runs is reported; a model the host delivers is checked and written where the
    // edge's twin-model (file source) reads it, so the model in use is replaced only once the new one has loaded.
    const modelType = (config.modelType ?? '').trim() || 'RUL';
    const versionMetric = `${MODEL_METRIC_PREFIX}${modelType}/Version`;
    let stopWatchingModel: (() => void) | undefined;
    if (config.model) {
      const model = resolveModel(RED, config.model);
      if (model instanceof Error) node.warn(model.message);
      else {
        model.current().then((m) => client.setNodeMetric(versionMetric, 'String', m.version), (err: Error) => node.warn(`model not loaded: ${err.message}`));
        stopWatchingModel = model.onModel((m) => {
          client.setNodeMetric(versionMetric, 'String', m.version);
          event('sparkplug/model', { type: modelType, running: m.version });
        });
      }
    }
    client.on('model', (delivered: DeliveredModel) => {
      const report = (payload: Record<string, unknown>): void => event('sparkplug/model', { type: delivered.type, version: delivered.version, sha256: delivered.sha256, ...payload });
      if (delivered.type !== modelType) { report({ error: `this edge runs "${modelType}" models` }); return; }
      const actual = createHash('sha256').update(delivered.bytes).digest('hex');
      if (actual !== delivered.sha256) {
        node.warn(`model ${delivered.version} refused: its checksum is ${actual}, the host announced ${delivered.sha256}`);
        report({ error: 'checksum mismatch' });
        return;
      }
      if (!config.modelFile?.trim()) { report({ error: 'no model file configured: the model was not installed' }); return; }
      const file = path.resolve(userDir, config.modelFile.trim());
      try {
        writeFileAtomically(file, delivered.bytes);
        report({ file });
      } catch (err) {
        node.warn(`model ${delivered.version} not written to ${file}: ${err instanceof Error ? err.message : String(err)}`);
        report({ error: 'not written' });
      }
    });

    handleInput(node, status, async (msg, send) => {
      const token = bufferToken(msg as { ack?: unknown });
      const { devices, accepted, problems } = devicesOf(naming, msg.payload);
      if (token) {
        // Stored during an outage: published flagged historical, acknowledged to the buffer once the broker has it.
        if (devices.length > 0 && !(await client.publish(devices, true))) return;
        counts.replayed++;
        send([{ ack: token } as NodeMessage, null]);
      } else if (devices.length > 0) {
        if (await client.publish(devices, false)) counts.published++;
        else {
          counts.stored++;
          send([{ topic: msg.topic, payload: accepted } as NodeMessage, null]);
        }
      }
      if (problems.length > 0) throw new Error(`${problems.length} element(s) not published: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ' …' : ''}`);
    });

    const statusTimer = setInterval(showStatus, 2000);
    client.start();
    showStatus();

    node.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(statusTimer);
      stopWatchingModel?.();
      client.close().finally(() => done());
    });
  }
  RED.nodes.registerType('twin-sparkplug-edge', TwinSparkplugEdge, {
    credentials: { username: { type: 'text' }, password: { type: 'password' } },
  });
};
