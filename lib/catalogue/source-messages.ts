import { registerWidth } from '../asset/asset-model';
import type { CatalogueAsset } from './catalogue-model';

/**
 * The messages node-red-contrib-opcua and node-red-contrib-modbus need to read every asset of a catalogue, built from
 * the catalogue so no node id or register address is typed twice.
 */

/** OpcUa-Client (action subscribe) input: `topic: "multiple"` monitors every node id of the payload in one group. */
export interface OpcuaSubscribeMessage {
  topic: 'multiple';
  payload: Array<{ nodeId: string }>;
  /** Sampling interval in ms; the client node's own interval when absent. */
  interval?: number;
  /** The assets' opcuaConnection, so a flow with several servers can route the message to the right client. */
  connection?: string;
  /** Ids of the assets whose node ids the message holds (ignored by the client, for logs and routing). */
  assets: string[];
}

export interface OpcuaSubscribeOptions {
  /** Sampling interval to ask for (ms). */
  intervalMs?: number;
  /**
   * Node ids per message (default 500): servers cap the monitored items created by one call (MaxMonitoredItemsPerCall),
   * and an asset's node ids always stay in one message.
   */
  maxItemsPerMessage?: number;
  /** Which sensors: every one (default), only scalars, or only waveforms. */
  kind?: 'all' | 'scalar' | 'waveform';
}

export function opcuaSubscribeMessages(assets: readonly CatalogueAsset[], options: OpcuaSubscribeOptions = {}): OpcuaSubscribeMessage[] {
  const maxItems = options.maxItemsPerMessage ?? 500;
  const kind = options.kind ?? 'all';
  const messages: OpcuaSubscribeMessage[] = [];
  const open = new Map<string, OpcuaSubscribeMessage>();
  for (const asset of assets) {
    const nodeIds = asset.sensors.filter((s) => s.opcuaNodeId && (kind === 'all' || s.kind === kind)).map((s) => ({ nodeId: s.opcuaNodeId as string }));
    if (nodeIds.length === 0) continue;
    const connection = asset.opcuaConnection ?? '';
    let message = open.get(connection);
    if (!message || message.payload.length + nodeIds.length > maxItems) {
      message = { topic: 'multiple', payload: [], assets: [], ...(asset.opcuaConnection ? { connection: asset.opcuaConnection } : {}), ...(options.intervalMs ? { interval: options.intervalMs } : {}) };
      messages.push(message);
      open.set(connection, message);
    }
    message.payload.push(...nodeIds);
    message.assets.push(asset.id);
  }
  return messages;
}

/** One Modbus read of holding registers: a contiguous block of one asset's registers on its device. */
export interface ModbusReadBlock {
  asset: string;
  unitId: number;
  connection?: string;
  address: number;
  quantity: number;
  /** Ids of the sensors the block covers. */
  sensors: string[];
}

export interface ModbusBlockOptions {
  /** Registers per read; 125 is the Modbus limit for function 3. */
  maxQuantity?: number;
  /** Unused registers a read may span to save a request (default 16). */
  maxGap?: number;
}

/** The reads that fetch every Modbus-mapped sensor of the assets: per asset, its registers in as few blocks as the limits allow. */
export function modbusReadBlocks(assets: readonly CatalogueAsset[], options: ModbusBlockOptions = {}): ModbusReadBlock[] {
  const maxQuantity = Math.min(125, options.maxQuantity ?? 125);
  const maxGap = options.maxGap ?? 16;
  const blocks: ModbusReadBlock[] = [];
  for (const asset of assets) {
    if (!asset.modbusDevice) continue;
    const mapped = asset.sensors.filter((s) => s.modbus).sort((a, b) => a.modbus!.address - b.modbus!.address);
    let block: ModbusReadBlock | undefined;
    for (const sensor of mapped) {
      const start = sensor.modbus!.address;
      const end = start + registerWidth(sensor.modbus!.dataType);
      const blockEnd = block ? block.address + block.quantity : 0;
      if (!block || start - blockEnd > maxGap || end - block.address > maxQuantity) {
        block = { asset: asset.id, unitId: asset.modbusDevice.unitId, ...(asset.modbusDevice.connection ? { connection: asset.modbusDevice.connection } : {}), address: start, quantity: 0, sensors: [] };
        blocks.push(block);
      }
      block.quantity = Math.max(block.quantity, end - block.address);
      block.sensors.push(sensor.id);
    }
  }
  return blocks;
}

/** Modbus-Flex-Getter input: `payload` {fc, unitid, address, quantity}; `topic` is the asset, which the reply keeps. */
export interface FlexGetterRequest {
  topic: string;
  payload: { fc: 3; unitid: number; address: number; quantity: number };
  connection?: string;
  /** Kept on the reply when the getter's "keep message properties" is on: how twin-poll matches the reply to its request. */
  twinPoll: { requestId: number; device: string };
}

export function flexGetterRequest(block: ModbusReadBlock, requestId: number, device: string): FlexGetterRequest {
  return {
    topic: block.asset,
    payload: { fc: 3, unitid: block.unitId, address: block.address, quantity: block.quantity },
    ...(block.connection ? { connection: block.connection } : {}),
    twinPoll: { requestId, device },
  };
}
