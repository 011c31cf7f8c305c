import type { AssetDefinition } from '../asset/asset-model';
import { isOpcuaHousekeeping, Normaliser, type IngestMessage, type IngestOptions, type IngestResult } from './normaliser';
import { NodeIdIndex } from './opcua-values';

export interface FleetIngestResult extends IngestResult {
  /** The asset the message was read as; undefined when it belongs to none (the problem says why). */
  asset?: string;
}

/**
 * One normaliser per asset of a catalogue, and the rule that says which asset a message is about: a message whose
 * topic is an asset id (twin-poll's Modbus reads keep it through the getter), an OPC UA value whose topic is a node id
 * of one asset (a grouped subscription of the whole plant delivers them all through one client), or canonical
 * readings naming their asset. A message no asset owns is refused with its topic, never guessed.
 */
export class FleetNormaliser {
  private readonly normalisers = new Map<string, Normaliser>();
  private readonly byNodeId = new NodeIdIndex<string>();

  constructor(assets: readonly AssetDefinition[], options: Partial<IngestOptions> = {}) {
    for (const asset of assets) {
      this.normalisers.set(asset.id, new Normaliser(asset, options));
      for (const sensor of asset.sensors) if (sensor.opcuaNodeId) this.byNodeId.add(sensor.opcuaNodeId, asset.id);
    }
  }

  assetOf(msg: IngestMessage): string | undefined {
    const topic = typeof msg.topic === 'string' ? msg.topic : undefined;
    if (topic !== undefined && this.normalisers.has(topic)) return topic;
    if (topic !== undefined) {
      const owner = this.byNodeId.get(topic);
      if (owner !== undefined) return owner;
    }
    const first = Array.isArray(msg.payload) ? msg.payload[0] : msg.payload;
    const named = first && typeof first === 'object' ? (first as { asset?: unknown }).asset : undefined;
    return typeof named === 'string' && this.normalisers.has(named) ? named : undefined;
  }

  normalise(msg: IngestMessage, now = Date.now()): FleetIngestResult {
    if (isOpcuaHousekeeping(msg)) return { source: 'opcua', readings: [], problems: [] };
    const asset = this.assetOf(msg);
    const normaliser = asset === undefined ? undefined : this.normalisers.get(asset);
    if (!normaliser) {
      const topic = typeof msg.topic === 'string' ? `topic "${msg.topic}"` : 'no topic';
      return { source: 'topic', readings: [], problems: [`message with ${topic}: no asset of the catalogue owns it (an asset id, an OPC UA node id of an asset, or readings naming their asset)`] };
    }
    return { ...normaliser.normalise(msg, now), asset };
  }
}
