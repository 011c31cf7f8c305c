/**
 * OPC UA Sign & Encrypt end to end: the simulated PLC serving only Basic256Sha256 Sign & Encrypt sessions of a known
 * user (certificates generated on first start), node-red-contrib-opcua connecting through the reference flow's secure
 * endpoint config with the user in its credentials, and twin-setpoint's write arriving at the machine. Anonymous,
 * unencrypted and wrong-password sessions are refused.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy, UserTokenType, type UserIdentityInfo } from 'node-opcua';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import { startPlant, type Plant } from '../plant/plant';
import { SECURE_OPCUA_ENDPOINT } from '../scripts/reference-flow/reference-twin';
import { testNode } from './support/test-node';
import { contribNode } from './support/core-nodes';
import { until } from './support/until';
import assetNode = require('../nodes/twin-asset/twin-asset');
import setpointNode = require('../nodes/twin-setpoint/twin-setpoint');
import { testRuntime } from './support/node-red-process';

helper.init(testRuntime.resolve('node-red'));

const USER = { user: 'twin', password: 'correct horse battery' };
const ASSET_CONFIG = { id: 'a1', type: 'twin-asset', assetId: 'spindle-1', maxRpm: '15000', idealCycleTimeS: '60', sensors: SPINDLE_ASSET.sensors };

describe('OPC UA Sign & Encrypt', function () {
  this.timeout(120000);
  let plant: Plant;
  let workDir: string;

  before(async function () {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-opcua-secure-'));
    plant = await startPlant({ opcuaPort: 0, modbusPort: 0, startProgram: {}, opcuaSecurity: { pkiDir: path.join(workDir, 'plant'), users: [USER] } });
  });
  after(async function () {
    await plant?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  /** Opens a session with node-opcua's own client; returns what the server answered. */
  async function session(mode: MessageSecurityMode, policy: SecurityPolicy, identity: UserIdentityInfo): Promise<string> {
    const client = OPCUAClient.create({
      securityMode: mode, securityPolicy: policy, endpointMustExist: true, connectionStrategy: { maxRetry: 0 },
      clientCertificateManager: new OPCUACertificateManager({ rootFolder: path.join(workDir, 'client-pki'), automaticallyAcceptUnknownCertificate: true }),
    });
    try {
      await client.connect(plant.opcuaEndpoint);
      const opened = await client.createSession(identity);
      await opened.close();
      return 'session';
    } catch (err) {
      return (err as Error).message;
    } finally {
      await client.disconnect();
    }
  }

  it('serves only Sign & Encrypt sessions of a known user, with a certificate it generated', async function () {
    assert.ok(fs.existsSync(path.join(workDir, 'plant', 'pki', 'own', 'certs', 'certificate.pem')), 'the server certificate is generated');
    const user = (password: string): UserIdentityInfo => ({ type: UserTokenType.UserName, userName: USER.user, password });
    assert.equal(await session(MessageSecurityMode.SignAndEncrypt, SecurityPolicy.Basic256Sha256, user(USER.password)), 'session');
    assert.notEqual(await session(MessageSecurityMode.SignAndEncrypt, SecurityPolicy.Basic256Sha256, user('guess')), 'session', 'a wrong password is refused');
    assert.notEqual(await session(MessageSecurityMode.SignAndEncrypt, SecurityPolicy.Basic256Sha256, { type: UserTokenType.Anonymous }), 'session',
      'anonymous is refused');
    assert.notEqual(await session(MessageSecurityMode.None, SecurityPolicy.None, user(USER.password)), 'session', 'no unencrypted endpoint');
  });

  it('the reference flow\'s secure endpoint config carries twin-setpoint\'s write to the machine', async function () {
    await new Promise<void>((resolve) => { helper.startServer(resolve); });
    try {
      const flow = [ASSET_CONFIG,
        { ...SECURE_OPCUA_ENDPOINT, id: 'endpoint', endpoint: plant.opcuaEndpoint },
        { id: 'n1', type: 'twin-setpoint', asset: 'a1', mode: 'automatic', watchdogS: '0', safeValue: '12000', wires: [['client'], [], []] },
        { id: 'client', type: 'OpcUa-Client', endpoint: 'endpoint', action: 'write', name: 'setpoint writer', certificate: 'n', time: 1, timeUnit: 's',
          deadbandtype: 'a', deadbandvalue: 1, useTransport: false, maxChunkCount: 1, maxMessageSize: 8192, receiveBufferSize: 8192,
          sendBufferSize: 8192, setstatusandtime: false, keepsessionalive: true, wires: [['written']] },
        { id: 'written', type: 'helper' }];
      await helper.load([assetNode, setpointNode, contribNode('node-red-contrib-opcua/opcua/105-opcuaendpoint.js'),
        contribNode('node-red-contrib-opcua/opcua/102-opcuaclient.js')], flow as never, { endpoint: { user: USER.user, password: USER.password } } as never);
      let active = false;
      testNode('client').on('call:status', (call: { firstArg: { text?: string } }) => { if (/session active/.test(call.firstArg.text ?? '')) active = true; });
      await until('the Sign & Encrypt session', () => active, 60000);
      const results: Array<{ payload: { name?: string } }> = [];
      testNode('written').on('input', (msg: { payload: { name?: string } }) => { results.push(msg); });
      const machine = (): { speedSetpoint: number } => plant.machines.get('spindle-1')?.values() as { speedSetpoint: number };
      testNode('n1').receive({ topic: 'request', payload: { value: 13200, requestedBy: 'test', reason: 'secure write' } });
      await until('the PLC setpoint to become 13,200 rpm', () => machine().speedSetpoint === 13200, 15000);
      await until('the client to report the write', () => results.length > 0, 5000);
      assert.equal(results[0].payload.name, 'Good');
    } finally {
      await helper.unload();
      await new Promise<void>((resolve) => { helper.stopServer(resolve); });
    }
  });
});
