import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { catalogueToJson } from '../../lib/catalogue/catalogue-json';
import { acquireEmbedded, type EmbeddedDatabase } from '../../lib/historian/embedded/embedded-registry';
import { PLANT_CATALOGUE_FILE } from '../../plant/machine-mix';
import { startPlant, type Plant, type PlantOptions } from '../../plant/plant';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema, withClient } from './database';
import { startNodeRed, type NodeRedProcess } from './node-red-process';

const root = path.resolve(__dirname, '..', '..', '..');

export interface FlowNode { id: string; type: string; z?: string; [key: string]: unknown }

/** The product as `npm start` runs it: the simulated plant, a real Node-RED with the shipped reference flow, a database. */
export interface ReferenceTwin {
  plant: Plant;
  nodeRed: NodeRedProcess;
  databaseUrl: string;
  schema: string;
  stop(): Promise<void>;
  /** Stops Node-RED (its context flushed), runs `whileStopped`, and starts it again on the same port and user directory. */
  restartNodeRed(whileStopped?: () => Promise<void>): Promise<void>;
}

export interface ReferenceTwinOptions {
  plant: Partial<PlantOptions>;
  /** Passed to Node-RED besides the plant's addresses and the database. */
  env?: NodeJS.ProcessEnv;
  schemaPrefix: string;
  /** Changes the flow or the user directory before Node-RED starts. */
  prepare?: (userDir: string, flow: FlowNode[]) => void;
  /** Runs once the plant has started, before Node-RED does (which takes minutes on a loaded machine): e.g. holds a machine until the twin watches it. */
  plantStarted?: (plant: Plant) => void;
}

/**
 * Starts the twin on the local PostgreSQL server (an embedded TimescaleDB when none answers), in a schema of its
 * own that `stop` drops, so runs never see each other's data.
 */
export async function startReferenceTwin(options: ReferenceTwinOptions): Promise<ReferenceTwin> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `${options.schemaPrefix}-`));
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = LOCAL_POSTGRES_URL;
  if (!(await postgresAnswers())) {
    embedded = await acquireEmbedded(path.join(workDir, 'db'), () => undefined);
    databaseUrl = embedded.url;
  }
  const schema = uniqueSchema(options.schemaPrefix);
  const flow = JSON.parse(fs.readFileSync(path.join(root, 'flows', 'reference-twin.json'), 'utf8')) as FlowNode[];
  for (const node of flow) if (node.type === 'twin-db') node.schema = schema;
  const userDir = path.join(workDir, 'user');
  fs.mkdirSync(userDir);
  options.prepare?.(userDir, flow);
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flow));
  const plant = await startPlant({ opcuaPort: 0, modbusPort: 0, ...options.plant });
  options.plantStarted?.(plant);
  // As the plant CLI under `npm start` does: the plant's catalogue in a file the Plant tab's twin-catalogue reads.
  const catalogueFile = path.join(workDir, PLANT_CATALOGUE_FILE);
  fs.writeFileSync(catalogueFile, catalogueToJson(plant.catalogue));
  const args = ['--settings', path.join(root, 'scripts', 'node-red-settings.js'), '--userDir', userDir];
  const env = {
    DATABASE_URL: databaseUrl, TWIN_OPCUA_ENDPOINT: plant.opcuaEndpoint, TWIN_MODBUS_HOST: '127.0.0.1', TWIN_MODBUS_PORT: String(plant.modbusPort),
    TWIN_SPEEDUP: String(plant.options.speedup), TWIN_CATALOGUE_FILE: catalogueFile, ...options.env,
  };
  // As `npm start` does: the OPC UA clients' certificate store made before the flows start (scripts/opcua-client-pki.ts).
  await promisify(execFile)(process.execPath, [path.join(root, 'dist', 'scripts', 'opcua-client-pki.js')], { env: { ...process.env, ...env } });
  const twin: ReferenceTwin = {
    plant, nodeRed: await startNodeRed(args, env), databaseUrl, schema,
    restartNodeRed: async (whileStopped) => {
      const port = Number(new URL(twin.nodeRed.baseUrl).port);
      await twin.nodeRed.stop();
      await whileStopped?.();
      twin.nodeRed = await startNodeRed(args, env, 90000, port);
    },
    stop: async () => {
      await twin.nodeRed.stop();
      await plant.stop();
      await withClient(databaseUrl, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
      embedded?.release();
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
  return twin;
}
