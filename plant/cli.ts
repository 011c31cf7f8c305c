/**
 * `npm run plant`: the simulated plant as its own process, like a PLC on the network.
 * Commands typed on stdin (or written to the OPC UA variable Plant.Control, or published to the MQTT control
 * topic with --mqtt) inject faults and change setpoints; "help" lists them.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import mqtt from 'mqtt';
import { catalogueToJson } from '../lib/catalogue/catalogue-json';
import { COMMAND_HELP } from './commands';
import { PLANT_CATALOGUE_FILE, parseMachineMix } from './machine-mix';
import { DEFAULT_PLANT_OPTIONS, startPlant, type PlantOptions } from './plant';

const USAGE = `usage: node dist/plant/cli.js [--host 127.0.0.1] [--opcua-port 4840] [--modbus-port 5020] [--speedup 1440]
       [--machines spindle:1,pump:1] [--sensors <scalar sensors per machine>] [--waveform-rate 12800]
       [--waveform-samples 4096] [--data-dir ./data] [--seed 1] [--ambient 22] [--wear <asset>=<0..1>]
       [--life <asset>=<share of nominal bearing life>] [--no-start-program] [--mqtt mqtt://127.0.0.1:1883]
       [--fault "<command>"]...
       [--opcua-user <name> --opcua-pki <dir>]   (Sign & Encrypt, Basic256Sha256; the password in TWIN_OPCUA_PASSWORD)`;

export const CONTROL_TOPIC = 'twin/plant/control';

interface CliOptions {
  plant: Partial<PlantOptions>;
  dataDir: string;
  mqttUrl?: string;
  commands: string[];
}

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  const plant: Partial<PlantOptions> = { initialWear: {}, lifeFactor: { ...DEFAULT_PLANT_OPTIONS.lifeFactor } };
  const options: CliOptions = { plant, commands: [], dataDir: path.resolve(__dirname, '..', '..', 'data') };
  let opcuaUser: string | undefined;
  let opcuaPki: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const numeric = (): number => {
      const v = Number(value());
      if (!Number.isFinite(v)) throw new Error(`${flag} needs a number`);
      return v;
    };
    const positiveInteger = (): number => {
      const v = numeric();
      if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} needs a whole number above 0`);
      return v;
    };
    switch (flag) {
      case '--host': plant.host = value(); break;
      case '--opcua-port': plant.opcuaPort = numeric(); break;
      case '--modbus-port': plant.modbusPort = numeric(); break;
      case '--speedup': plant.speedup = numeric(); break;
      case '--seed': plant.seed = numeric(); break;
      case '--machines': plant.machines = parseMachineMix(value()); break;
      case '--sensors': plant.sensorsPerMachine = positiveInteger(); break;
      case '--waveform-rate': plant.waveformRate = positiveInteger(); break;
      case '--waveform-samples': plant.waveformLength = positiveInteger(); break;
      case '--data-dir': options.dataDir = path.resolve(value()); break;
      case '--ambient': plant.ambientC = numeric(); break;
      case '--wear': {
        const [asset, wear] = value().split('=');
        plant.initialWear![asset] = Number(wear);
        break;
      }
      case '--life': {
        const [asset, factor] = value().split('=');
        const share = Number(factor);
        if (!asset || !(share > 0)) throw new Error('--life needs <asset>=<share above 0>, e.g. spindle-1=0.7');
        plant.lifeFactor![asset] = share;
        break;
      }
      case '--no-start-program': plant.startProgram = {}; break;
      case '--opcua-user': opcuaUser = value(); break;
      case '--opcua-pki': opcuaPki = value(); break;
      case '--mqtt': options.mqttUrl = value(); break;
      case '--fault': options.commands.push(`fault ${value()}`.replace(/^fault fault /, 'fault ')); break;
      case '--help': case '-h': process.stdout.write(`${USAGE}\n\ncommands:\n${COMMAND_HELP}\n`); process.exit(0); break;
      default: throw new Error(`unknown option "${flag}"\n${USAGE}`);
    }
  }
  if (opcuaUser !== undefined || opcuaPki !== undefined) {
    // The password never goes on the command line, where every local user could read it.
    const password = env.TWIN_OPCUA_PASSWORD;
    if (!opcuaUser || !opcuaPki || !password) throw new Error(`Sign & Encrypt needs --opcua-user, --opcua-pki and TWIN_OPCUA_PASSWORD\n${USAGE}`);
    plant.opcuaSecurity = { pkiDir: opcuaPki, users: [{ user: opcuaUser, password }] };
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2), process.env);
  const plant = await startPlant(options.plant);
  const say = (line: string): void => { process.stdout.write(`[plant] ${line}\n`); };
  const catalogueFile = path.join(options.dataDir, PLANT_CATALOGUE_FILE);
  fs.mkdirSync(options.dataDir, { recursive: true });
  fs.writeFileSync(catalogueFile, catalogueToJson(plant.catalogue));
  const lastUnit = Math.max(...plant.catalogue.assets.map((a) => a.modbusDevice?.unitId ?? 1));
  say(`${plant.catalogue.assets.length} machines (${plant.options.machines.map((m) => `${m.type}:${m.count}`).join(',')}); catalogue written to ${catalogueFile}`);
  say(`OPC UA server ${plant.opcuaEndpoint}${plant.options.opcuaSecurity ? ' (Sign & Encrypt, Basic256Sha256, user required)' : ' (security None, anonymous)'}`);
  say(`Modbus TCP server ${plant.options.host}:${plant.modbusPort} (${lastUnit === 1 ? 'unit 1' : `unit ids 1-${lastUnit}`})`);
  say(`bearing wear runs ${plant.options.speedup}x faster than the clock (default ${DEFAULT_PLANT_OPTIONS.speedup}); type "help" for commands`);
  for (const command of options.commands) say(plant.command(command));

  const client = options.mqttUrl ? mqtt.connect(options.mqttUrl, { reconnectPeriod: 5000 }) : undefined;
  client?.on('connect', () => { client.subscribe(CONTROL_TOPIC); say(`listening for commands on MQTT ${CONTROL_TOPIC}`); });
  client?.on('message', (_topic, payload) => { client.publish(`${CONTROL_TOPIC}/reply`, plant.command(payload.toString())); });
  client?.on('error', (err) => say(`MQTT: ${err.message}`));

  const input = readline.createInterface({ input: process.stdin, terminal: false });
  input.on('line', (line) => { if (line.trim()) say(plant.command(line)); });

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    input.close();
    client?.end(true);
    await plant.stop();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`[plant] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
