import path from 'node:path';
import {
  DataType, MessageSecurityMode, OPCUACertificateManager, OPCUAServer, SecurityPolicy, StatusCodes, Variant, VariantArrayType, type UAVariable, nodesets,
} from 'node-opcua';
import type { AssetDefinition, SensorDefinition } from '../lib/asset/asset-model';
import { PLANT_CONTROL_NODE_ID } from '../lib/asset/presets';

export interface OpcuaPlantHandlers {
  /** Current setpoint of an asset's writable sensor, read by clients. */
  readWritable(asset: string, sensor: string): number;
  /** A client wrote a writable sensor (setpoint); returns false when the value is refused. */
  write(asset: string, sensor: string, value: number): boolean;
  /** A client wrote a command line to Plant.Control; returns the reply. */
  control(command: string): string;
}

/**
 * Sign & Encrypt for the simulated PLC, as a real one would be set up: Basic256Sha256, a self-signed application
 * certificate generated on the first start in `pkiDir`, and a user name and password for every session (no anonymous
 * access). Client certificates are trusted on first use, as a PLC in commissioning mode does; a real PLC's engineer
 * moves the twin's certificate to its trusted list instead.
 */
export interface OpcuaSecurity {
  pkiDir: string;
  users: ReadonlyArray<{ user: string; password: string }>;
}

export interface OpcuaPlantServer {
  endpoint: string;
  port: number;
  publish(asset: string, sensor: string, value: number | Float32Array, timestamp: Date): void;
  /** false: the asset's values turn BadNoCommunication (its PLC does not answer) until they are published again. */
  setCommunication(asset: string, ok: boolean): void;
  /** Subscriptions clients hold on the server now: how a test sees that a client subscribed again after an outage. */
  subscriptionCount(): number;
  stop(): Promise<void>;
}

/**
 * The machine's folder: the part of its node ids before the last dot (`Spindle` for `ns=1;s=Spindle.Speed`,
 * `pump-7` for `ns=1;s=pump-7.Flow`), so every machine of a large plant gets a folder of its own.
 */
function folderOf(asset: AssetDefinition): string {
  const nodeId = asset.sensors.find((s) => s.opcuaNodeId)?.opcuaNodeId;
  const identifier = nodeId ? localNodeId(nodeId).replace(/^s=/, '') : '';
  return identifier.includes('.') ? identifier.slice(0, identifier.lastIndexOf('.')) : asset.id;
}

/** Node-opcua wants "s=..." inside its own namespace; the presets carry full "ns=1;s=..." ids. */
function localNodeId(nodeId: string): string {
  return nodeId.replace(/^ns=\d+;/, '');
}

function dataTypeOf(sensor: SensorDefinition): DataType {
  if (sensor.kind === 'waveform') return DataType.Float;
  if (sensor.unit === 'count') return DataType.UInt32;
  if (sensor.unit === 'state') return DataType.UInt16;
  return DataType.Double;
}

function variant(sensor: SensorDefinition, value: number | Float32Array): Variant {
  if (value instanceof Float32Array) return new Variant({ dataType: DataType.Float, arrayType: VariantArrayType.Array, value });
  const dataType = dataTypeOf(sensor);
  return new Variant({ dataType, value: dataType === DataType.Double ? value : Math.max(0, Math.round(value)) });
}

/**
 * A real OPC UA server with the plant's tags: one folder per machine, one variable per sensor under the node ids
 * of the asset presets, writable setpoints, and the Plant.Control string variable that takes plant commands.
 * Without `security`, anonymous access without security, for a local demo PLC bound to 127.0.0.1; with it, only
 * Sign & Encrypt (Basic256Sha256) sessions of a known user.
 */
export async function startOpcuaServer(host: string, port: number, assets: readonly AssetDefinition[], handlers: OpcuaPlantHandlers,
  security?: OpcuaSecurity): Promise<OpcuaPlantServer> {
  const secured = security ? {
    allowAnonymous: false,
    securityModes: [MessageSecurityMode.SignAndEncrypt],
    securityPolicies: [SecurityPolicy.Basic256Sha256],
    serverCertificateManager: new OPCUACertificateManager({ rootFolder: path.join(security.pkiDir, 'pki'), automaticallyAcceptUnknownCertificate: true }),
    userManager: { isValidUser: (user: string, password: string) => security.users.some((u) => u.user === user && u.password === password) },
  } : { allowAnonymous: true, securityModes: [MessageSecurityMode.None], securityPolicies: [SecurityPolicy.None] };
  const server = new OPCUAServer({
    port,
    host,
    hostname: host,
    resourcePath: '/UA/DigitalTwinPlant',
    nodeset_filename: [nodesets.standard],
    ...secured,
    buildInfo: { productName: 'Digital twin simulated plant', manufacturerName: 'node-red-contrib-digital-twin' },
    serverInfo: { applicationName: { text: 'Digital twin simulated plant' } },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  const namespace = addressSpace.getOwnNamespace();
  const variables = new Map<string, { sensor: SensorDefinition; variable: UAVariable }>();

  for (const asset of assets) {
    const folderName = folderOf(asset);
    const folder = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: folderName, nodeId: `s=${folderName}` });
    for (const sensor of asset.sensors) {
      if (!sensor.opcuaNodeId) continue;
      const writable = sensor.modbus?.writable === true;
      const variable = namespace.addVariable({
        componentOf: folder,
        browseName: sensor.id,
        displayName: sensor.name,
        description: `${sensor.name} (${sensor.unit})`,
        nodeId: localNodeId(sensor.opcuaNodeId),
        dataType: dataTypeOf(sensor),
        valueRank: sensor.kind === 'waveform' ? 1 : -1,
        accessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
        userAccessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
        minimumSamplingInterval: 100,
      });
      if (writable) {
        variable.bindVariable({
          get: () => variant(sensor, handlers.readWritable(asset.id, sensor.id)),
          set: (v: Variant) => (handlers.write(asset.id, sensor.id, Number(v.value)) ? StatusCodes.Good : StatusCodes.BadOutOfRange),
        }, true);
      }
      variables.set(`${asset.id}/${sensor.id}`, { sensor, variable });
    }
  }

  let lastReply = 'ready';
  const control = namespace.addVariable({
    organizedBy: addressSpace.rootFolder.objects,
    browseName: 'PlantControl',
    nodeId: localNodeId(PLANT_CONTROL_NODE_ID),
    dataType: DataType.String,
    accessLevel: 'CurrentRead | CurrentWrite',
    userAccessLevel: 'CurrentRead | CurrentWrite',
  });
  control.bindVariable({
    get: () => new Variant({ dataType: DataType.String, value: lastReply }),
    set: (v: Variant) => { lastReply = handlers.control(String(v.value)); return StatusCodes.Good; },
  }, true);

  await server.start();
  const actualPort = server.endpoints[0].port;
  return {
    endpoint: `opc.tcp://${host}:${actualPort}/UA/DigitalTwinPlant`,
    port: actualPort,
    publish(asset, sensor, value, timestamp) {
      const entry = variables.get(`${asset}/${sensor}`);
      if (!entry || entry.sensor.modbus?.writable) return;
      entry.variable.setValueFromSource(variant(entry.sensor, value), StatusCodes.Good, timestamp);
    },
    setCommunication(asset, ok) {
      if (ok) return;
      for (const [key, entry] of variables) {
        if (!key.startsWith(`${asset}/`) || entry.sensor.modbus?.writable) continue;
        entry.variable.setValueFromSource(entry.variable.readValue().value, StatusCodes.BadNoCommunication, new Date());
      }
    },
    subscriptionCount() {
      return server.currentSubscriptionCount;
    },
    async stop() {
      await server.shutdown(0);
    },
  };
}
