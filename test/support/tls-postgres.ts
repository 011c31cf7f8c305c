import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface TestCertificates {
  dir: string;
  caFile: string;
  key: string;
  cert: string;
}

/** A CA and a server certificate for 127.0.0.1 signed by it, made with openssl; undefined where openssl is missing. */
export function makeCertificates(): TestCertificates | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-tls-'));
  const run = (...args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' }); };
  try {
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=twin test CA');
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return { dir, caFile: path.join(dir, 'ca.pem'), key: fs.readFileSync(path.join(dir, 'server.key'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'server.pem'), 'utf8') };
}

const SSL_REQUEST = 80877103;

/**
 * A PostgreSQL front that speaks TLS as a PostgreSQL server does (answers the SSLRequest with 'S', then a TLS
 * handshake with the given certificate) and passes the decrypted protocol on to a real server, for testing that a
 * client verifies the server's certificate.
 */
export async function startTlsPostgres(certificates: TestCertificates, targetHost: string, targetPort: number): Promise<{ port: number; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('error', () => raw.destroy());
    raw.once('data', (first: Buffer) => {
      if (first.length < 8 || first.readInt32BE(4) !== SSL_REQUEST) { raw.destroy(); return; }
      raw.write('S');
      const secure = new tls.TLSSocket(raw, { isServer: true, key: certificates.key, cert: certificates.cert });
      secure.on('error', () => raw.destroy());
      const upstream = net.connect({ host: targetHost, port: targetPort });
      sockets.add(upstream);
      upstream.on('error', () => raw.destroy());
      secure.pipe(upstream);
      upstream.pipe(secure);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
