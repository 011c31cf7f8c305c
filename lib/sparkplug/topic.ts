/**
 * Sparkplug B 3.0 topic namespace: `spBv1.0/<group>/<message type>/<edge node>[/<device>]`, and the primary host
 * application's `spBv1.0/STATE/<host id>`.
 */
export const NAMESPACE = 'spBv1.0';

export type NodeMessageType = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD';
export type DeviceMessageType = 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD';
export type MessageType = NodeMessageType | DeviceMessageType;

const NODE_TYPES: readonly string[] = ['NBIRTH', 'NDEATH', 'NDATA', 'NCMD'];
const DEVICE_TYPES: readonly string[] = ['DBIRTH', 'DDEATH', 'DDATA', 'DCMD'];

export interface SparkplugTopic {
  group: string;
  type: MessageType;
  edge: string;
  device?: string;
}

/**
 * A group, edge node, device or host id is one topic level: UTF-8, not empty, without the MQTT separators and
 * wildcards `/ + #`. Returns the problem, or undefined when the id is fine.
 */
export function idProblem(what: string, id: string): string | undefined {
  if (typeof id !== 'string' || id.trim() === '') return `${what} is empty`;
  if (/[/+#]/.test(id)) return `${what} "${id}" contains one of / + # (not allowed in a Sparkplug id)`;
  return undefined;
}

export function nodeTopic(group: string, type: NodeMessageType, edge: string): string {
  return `${NAMESPACE}/${group}/${type}/${edge}`;
}

export function deviceTopic(group: string, type: DeviceMessageType, edge: string, device: string): string {
  return `${NAMESPACE}/${group}/${type}/${edge}/${device}`;
}

export function stateTopic(hostId: string): string {
  return `${NAMESPACE}/STATE/${hostId}`;
}

/** Parses a Sparkplug B edge node or device topic; undefined for anything else, STATE topics included. */
export function parseTopic(topic: string): SparkplugTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== NAMESPACE || parts[1] === 'STATE') return undefined;
  const [, group, type, edge, device] = parts;
  if (parts.length === 4 && NODE_TYPES.includes(type)) return { group, type: type as MessageType, edge };
  if (parts.length === 5 && DEVICE_TYPES.includes(type)) return { group, type: type as MessageType, edge, device };
  return undefined;
}
