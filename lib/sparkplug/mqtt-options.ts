import fs from 'node:fs';
import type { IClientOptions } from 'mqtt';

/** How a Sparkplug client reaches the broker: the same settings for edge nodes and host applications. */
export interface BrokerSettings {
  /** mqtt://, mqtts://, ws:// or wss:// URL. */
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** PEM file of the CA that signed the broker's certificate (mqtts/wss); the system CAs otherwise. */
  caFile?: string;
  keepaliveS: number;
}

/**
 * One MQTT connection per Sparkplug session: no automatic reconnect (a new session needs a new will with a new
 * bdSeq or timestamp), clean session, MQTT 3.1.1, the broker's certificate verified when TLS is used.
 */
export function clientOptions(settings: BrokerSettings): IClientOptions {
  const options: IClientOptions = {
    clientId: settings.clientId,
    clean: true,
    protocolVersion: 4,
    keepalive: settings.keepaliveS,
    reconnectPeriod: 0,
    connectTimeout: 10000,
    rejectUnauthorized: true,
  };
  if (settings.username) options.username = settings.username;
  if (settings.password) options.password = settings.password;
  if (settings.caFile) options.ca = fs.readFileSync(settings.caFile);
  return options;
}

/** Reconnect delays: 1 s doubling to 15 s, so a restored link is used again within seconds. */
export function nextDelay(previousMs: number): number {
  return previousMs ? Math.min(15000, previousMs * 2) : 1000;
}
