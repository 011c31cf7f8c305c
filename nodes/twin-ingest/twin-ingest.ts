import type { NodeAPI, NodeDef, Node } from 'node-red';
import { plantFacts } from '../../lib/facts/plant-facts';
import { Normaliser, type IngestMessage, type IngestSource, type MissingTimestampPolicy } from '../../lib/ingest/normaliser';
import { resolveAsset } from '../common/asset';
import { handleInput } from '../common/input';
import { reportProblems } from '../common/problems';
import { RateStatus } from '../common/rate-status';
import { Status } from '../common/status';

interface TwinIngestDef extends NodeDef {
  asset: string;
  source: IngestSource;
  missingTimestamp: MissingTimestampPolicy;
  property: string;
}

export = function register(RED: NodeAPI): void {
  function TwinIngest(this: Node, config: TwinIngestDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const asset = resolveAsset(RED, config.asset);
    const property = config.property || 'payload';
    const normaliser = asset instanceof Error ? undefined : new Normaliser(asset, {
      source: config.source || 'auto',
      missingTimestamp: config.missingTimestamp === 'arrival' ? 'arrival' : 'reject',
    });
    const rate = new RateStatus(status, 'rdg');
    if (asset instanceof Error) status.failed(asset.message);
    else status.idle(`${asset.id}: waiting`);

    handleInput(node, status, (msg, send) => {
      if (!normaliser) throw asset as Error;
      const input: IngestMessage = { ...msg, payload: RED.util.getMessageProperty(msg, property) };
      const { readings, problems } = normaliser.normalise(input);
      rate.count(readings.length, problems.length);
      reportProblems(node, problems, msg);
      if (readings.length === 0) return;
      // twin-setpoint takes the PLC's read-back from here, in process, never from a message on its own input.
      const assetId = readings[0].asset;
      if (plantFacts.listening(assetId)) for (const err of plantFacts.publishReadings(assetId, readings)) node.error(err, msg);
      msg.payload = readings;
      msg.topic = readings[0].asset;
      send(msg);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      rate.stop();
      done();
    });
  }
  RED.nodes.registerType('twin-ingest', TwinIngest);
};
