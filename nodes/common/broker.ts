import path from 'node:path';
import type { BrokerSettings } from '../../lib/sparkplug/mqtt-options';

/** The broker settings both Sparkplug nodes share in their editor form; user name and password are credentials. */
export interface BrokerDef {
  url: string;
  clientId: string;
  caFile: string;
  keepaliveS: string;
}

export interface BrokerCredentials {
  username?: string;
  password?: string;
}

export function brokerSettings(def: BrokerDef, credentials: BrokerCredentials | undefined, defaultClientId: string, userDir: string): BrokerSettings {
  const url = (def.url ?? '').trim();
  if (!/^(mqtts?|wss?):\/\/./.test(url)) throw new Error(`broker URL "${url}" must start with mqtt://, mqtts://, ws:// or wss://`);
  const keepaliveS = Number(def.keepaliveS || 15);
  if (!Number.isFinite(keepaliveS) || keepaliveS < 1 || keepaliveS > 65535) throw new Error(`keep-alive "${def.keepaliveS}" must be 1 to 65535 seconds`);
  const settings: BrokerSettings = { url, clientId: def.clientId?.trim() || defaultClientId, keepaliveS };
  if (credentials?.username) settings.username = credentials.username;
  if (credentials?.password) settings.password = credentials.password;
  if (def.caFile?.trim()) settings.caFile = path.resolve(userDir, def.caFile.trim());
  return settings;
}
