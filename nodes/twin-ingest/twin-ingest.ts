import type { NodeAPI, NodeDef, Node } from 'node-red';
import { plantFacts } from '../../lib/facts/plant-facts';
import { FleetNormaliser } from '../../lib/ingest/fleet-normaliser';
import { Normaliser, type IngestMessage, type IngestResult, type IngestSource, type MissingTimestampPolicy } from '../../lib/ingest/normaliser';
import { handleInput } from '../common/input';
import { reportProblems } from '../common/problems';
import { RateStatus } from '../common/rate-status';
import { resolveServedAssets, type ServedAssetFields } from '../common/served-assets';
import { Status } from '../common/status';

interface TwinIngestDef extends NodeDef, ServedAssetFields {
  source: IngestSource;
  missingTimestamp: MissingTimestampPolicy;
  property: string;
}

export = function register(RED: NodeAPI): void {
  function TwinIngest(this: Node, config: TwinIngestDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const served = resolveServedAssets(RED, config);
    const property = config.property || 'payload';
    const options = { source: config.source || 'auto', missingTimestamp: config.missingTimestamp === 'arrival' ? 'arrival' as const : 'reject' as const };
    // A catalogue's assets share one node: each message goes to the normaliser of the asset it is about.
    let normaliser: { normalise(msg: IngestMessage): IngestResult } | undefined;
    if (!(served instanceof Error)) normaliser = served.single ? new Normaliser(served.assets[0], options) : new FleetNormaliser(served.assets, options);
    const rate = new RateStatus(status, 'rdg');
    if (served instanceof Error) status.failed(served.message);
    else status.idle(`${served.description}: waiting`);

    handleInput(node, status, (msg, send) => {
      if (!normaliser) throw served as Error;
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
