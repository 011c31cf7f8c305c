import { OPCUAClient, type OPCUACertificateManager } from 'node-opcua';

/**
 * node-red-contrib-opcua's clients share one certificate store. On a machine that never ran one, every OpcUa-Client
 * node of the flow creates it at once when the flows start; node-opcua-pki lets the second and third in before the
 * first has written the private key, and their connect fails ("Invalid endpoint"), logged as an error. Creating the
 * store and the client certificate once, before Node-RED starts, removes the race: the clients then find both.
 */
export async function prepareOpcuaClientPki(): Promise<void> {
  // The contrib's own store (its folder under the user's configuration directory), so the certificate is the one its clients use.
  const { createClientCertificateManager } = require('node-red-contrib-opcua/opcua/utils') as { createClientCertificateManager(): OPCUACertificateManager };
  const manager = createClientCertificateManager();
  await manager.initialize();
  const client = OPCUAClient.create({ clientCertificateManager: manager });
  await client.createDefaultCertificate();
  await manager.dispose();
}

if (require.main === module) {
  prepareOpcuaClientPki().catch((err: unknown) => {
    process.stderr.write(`[twin] OPC UA client certificate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
