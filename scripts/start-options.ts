import fs from 'node:fs';
import path from 'node:path';
import { parseMachineMix } from '../plant/machine-mix';
import { parseNodeRedLine, type NodeRedLine } from './node-red-line';

export interface StartOptions {
  host: string;
  port: number;
  opcuaPort: number;
  modbusPort: number;
  speedup: number;
  dataDir: string;
  resetFlows: boolean;
  /** The simulated plant's machines, e.g. spindle:30,pump:20 (plant/machine-mix.ts); '' = spindle-1 and pump-1. */
  machines: string;
  /** 4: Node-RED 4.1 on the machine's Node; 5: Node-RED 5 on Node 22 (scripts/node-red-line.ts). */
  nodeRedLine: NodeRedLine;
}

const USAGE = `usage: npm start -- [--port 1880] [--host 127.0.0.1] [--opcua-port 4840] [--modbus-port 5020]
                      [--speedup 1440] [--data-dir ./data] [--reset-flows] [--machines spindle:30,pump:20]
                      [--node-red 4|5]`;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function portNumber(text: string, flag: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${flag} must be a port number 1-65535, got "${text}"\n${USAGE}`);
  return port;
}

/** Command-line flags win over environment variables, which win over the defaults. */
export function parseStartOptions(argv: string[], env: NodeJS.ProcessEnv): StartOptions {
  const root = path.resolve(__dirname, '..', '..');
  const options: StartOptions = {
    host: env.TWIN_HOST || '127.0.0.1',
    port: portNumber(env.TWIN_PORT || '1880', 'TWIN_PORT'),
    opcuaPort: portNumber(env.TWIN_OPCUA_PORT || '4840', 'TWIN_OPCUA_PORT'),
    modbusPort: portNumber(env.TWIN_MODBUS_PORT || '5020', 'TWIN_MODBUS_PORT'),
    speedup: Number(env.TWIN_SPEEDUP || 1440),
    dataDir: path.resolve(env.TWIN_DATA_DIR || path.join(root, 'data')),
    resetFlows: false,
    machines: env.TWIN_MACHINES || '',
    nodeRedLine: parseNodeRedLine(env.TWIN_NODE_RED_LINE || undefined, 'TWIN_NODE_RED_LINE'),
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--port': options.port = portNumber(value(), flag); break;
      case '--host': options.host = value(); break;
      case '--opcua-port': options.opcuaPort = portNumber(value(), flag); break;
      case '--modbus-port': options.modbusPort = portNumber(value(), flag); break;
      case '--speedup': options.speedup = Number(value()); break;
      case '--data-dir': options.dataDir = path.resolve(value()); break;
      case '--reset-flows': options.resetFlows = true; break;
      case '--machines': options.machines = value(); break;
      case '--node-red': options.nodeRedLine = parseNodeRedLine(value(), flag); break;
      case '--help': case '-h': throw new Error(USAGE);
      default: throw new Error(`unknown option "${flag}"\n${USAGE}`);
    }
  }
  if (!(options.speedup > 0)) throw new Error(`--speedup must be a positive number\n${USAGE}`);
  if (options.machines) parseMachineMix(options.machines);
  if (!LOOPBACK.has(options.host) && !(env.TWIN_ADMIN_USER && env.TWIN_ADMIN_PASSWORD_HASH)) {
    throw new Error(`refusing to listen on ${options.host} without editor credentials: set TWIN_ADMIN_USER and ` +
      'TWIN_ADMIN_PASSWORD_HASH (see README "Exposing the twin")');
  }
  const usersFile = env.TWIN_DASHBOARD_USERS_FILE || path.join(options.dataDir, 'node-red', 'dashboard-users.json');
  if (!LOOPBACK.has(options.host) && !(env.TWIN_DASHBOARD_USER && env.TWIN_DASHBOARD_PASSWORD_HASH) && !fs.existsSync(usersFile)) {
    throw new Error(`refusing to serve the dashboard on ${options.host} without a login: add users to ${usersFile} or set TWIN_DASHBOARD_USER ` +
      'and TWIN_DASHBOARD_PASSWORD_HASH (see README "Dashboard logins")');
  }
  return options;
}
