/**
 * Issue 16's end-to-end check: a plant of 50 machines (spindle:30,pump:20) read through the shipped reference flow
 * against the local PostgreSQL. spindle-1 and pump-1 keep their own tabs; the other 48 go through the Plant tab's one
 * chain (twin-subscribe → OPC UA → twin-ingest → historian, twin-threshold, twin-features per type → RUL). Every
 * machine's readings, features, RUL estimate and an alert from a fault injected on it must arrive in the database.
 * One Node-RED and one plant serve the whole file.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { catalogueToJson } from '../lib/catalogue/catalogue-json';
import { parseMachineMix } from '../plant/machine-mix';
import { startPlant, type Plant } from '../plant/plant';
import { LOCAL_POSTGRES_URL, postgresAnswers, uniqueSchema, withClient } from './support/database';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';

const root = path.resolve(__dirname, '..', '..');

interface FlowNode { id: string; type: string; [key: string]: unknown }

describe('a plant of 50 machines through the reference flow', function () {
  this.timeout(300000);
  let plant: Plant | undefined;
  let nodeRed: NodeRedProcess | undefined;
  let workDir: string;
  let schema: string;

  before(async function () {
    if (!(await postgresAnswers())) this.skip();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-e2e-plant-'));
    schema = uniqueSchema('twin_e2e_plant');
    const flow = JSON.parse(fs.readFileSync(path.join(root, 'flows', 'reference-twin.json'), 'utf8')) as FlowNode[];
    for (const node of flow) if (node.type === 'twin-db') node.schema = schema;
    const userDir = path.join(workDir, 'user');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flow));
    plant = await startPlant({ opcuaPort: 0, modbusPort: 0, seed: 7, machines: parseMachineMix('spindle:30,pump:20') });
    const catalogueFile = path.join(workDir, 'catalogue.json');
    fs.writeFileSync(catalogueFile, catalogueToJson(plant.catalogue));
    nodeRed = await startNodeRed(['--settings', path.join(root, 'scripts', 'node-red-settings.js'), '--userDir', userDir], {
      DATABASE_URL: LOCAL_POSTGRES_URL, TWIN_OPCUA_ENDPOINT: plant.opcuaEndpoint, TWIN_MODBUS_HOST: '127.0.0.1', TWIN_MODBUS_PORT: String(plant.modbusPort),
      TWIN_CATALOGUE_FILE: catalogueFile,
    });
  });

  after(async function () {
    await nodeRed?.stop();
    await plant?.stop();
    if (schema) await withClient(LOCAL_POSTGRES_URL, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('stores every machine\'s readings, features, RUL and the alert of a fault on it', async function () {
    const machines = plant!.catalogue.assets.map((a) => a.id);
    assert.equal(machines.length, 50);
    const startedAt = Date.now();
    // Each machine's bearing temperature transmitter drifts up 2 °C/s: over its alarm limit (80 / 90 °C) within half
    // a minute, then a minute inside its physical range (up to 200 °C), well past the alarm's 10 s minimum duration.
    // At 10 °C/s a pump left its range 11 s after crossing 90 °C: its readings went bad before the alarm was due.
    const faultAll = (): void => { for (const id of machines) assert.match(plant!.command(`fault ${id} bearingTemp drift 120`), /^ok/); };
    let faulted = false;
    let missing = '';
    const countsBy = async (sql: string): Promise<Map<string, number>> => withClient(LOCAL_POSTGRES_URL, async (client) =>
      new Map((await client.query(sql)).rows.map((r: { asset: string; n: number }) => [r.asset, r.n])));
    for (const deadline = Date.now() + 240_000; ;) {
      const readings = await countsBy(`SELECT asset, count(DISTINCT sensor)::int AS n FROM "${schema}".twin_readings GROUP BY 1`).catch(() => new Map<string, number>());
      const features = await countsBy(`SELECT asset, count(*)::int AS n FROM "${schema}".twin_features WHERE feature = 'acceleration.velocityRms' GROUP BY 1`).catch(() => new Map<string, number>());
      const rul = await countsBy(`SELECT asset, count(*)::int AS n FROM "${schema}".twin_rul GROUP BY 1`).catch(() => new Map<string, number>());
      const alerts = await countsBy(`SELECT asset, count(*)::int AS n FROM "${schema}".twin_alerts WHERE sensor = 'bearingTemp' AND level = 'alarm' GROUP BY 1`).catch(() => new Map<string, number>());
      // The faults come once every machine reports readings, so the RUL has running machines to score first.
      if (!faulted && machines.every((id) => (readings.get(id) ?? 0) >= 5)) { faultAll(); faulted = true; }
      const lacking = (what: string, counts: Map<string, number>): string => {
        const without = machines.filter((id) => !counts.get(id));
        return without.length === 0 ? '' : `${what}: ${without.length} machines without (${without.slice(0, 6).join(', ')}${without.length > 6 ? ', …' : ''})`;
      };
      missing = [lacking('readings', readings), lacking('velocity RMS', features), lacking('RUL', rul), lacking('bearing alarm', alerts)].filter(Boolean).join('; ');
      if (!missing) break;
      if (Date.now() > deadline) assert.fail(`after ${((Date.now() - startedAt) / 1000).toFixed(0)} s, ${missing}\n${nodeRed!.output().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
    process.stdout.write(`      every machine's readings, features, RUL and alarm stored ${((Date.now() - startedAt) / 1000).toFixed(0)} s after Node-RED started\n`);
    assert.doesNotMatch(nodeRed!.output(), /Uncaught Exception/);
  });
});
