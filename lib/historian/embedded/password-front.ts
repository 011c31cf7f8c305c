import crypto from 'node:crypto';
import net from 'node:net';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const HANDSHAKE_TIMEOUT_MS = 10000;

function md5(text: string | Buffer): string {
  return crypto.createHash('md5').update(text).digest('hex');
}

/** The password reply a client sends for MD5 authentication: "md5" + md5(md5(password + user) + salt). */
export function md5Response(password: string, user: string, salt: Buffer): string {
  return `md5${md5(Buffer.concat([Buffer.from(md5(password + user)), salt]))}`;
}

function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

function startupParameters(packet: Buffer): Record<string, string> {
  const parts = packet.subarray(8).toString('utf8').split('\0');
  const params: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) params[parts[i]] = parts[i + 1];
  return params;
}

/**
 * A password check in front of a server that has none (PGlite behind pglite-socket trusts every connection): a
 * PostgreSQL client on 127.0.0.1 must answer an MD5 password challenge before its startup message is passed on to
 * the database, so another local program or user cannot read or change the history. TLS and GSS requests are
 * declined (loopback only); after the handshake the bytes flow through unchanged.
 */
export function startPasswordFront(password: string, connectInner: () => net.Socket, host: string, port: number): Promise<net.Server> {
  const server = net.createServer((client) => {
    let pending = Buffer.alloc(0);
    let startup: Buffer | undefined;
    let salt: Buffer | undefined;
    const timer = setTimeout(() => client.destroy(), HANDSHAKE_TIMEOUT_MS);
    client.on('error', () => client.destroy());
    client.on('close', () => clearTimeout(timer));
    const refuse = (code: string, message: string): void => {
      client.end(errorResponse(code, message));
    };
    const onData = (data: Buffer): void => {
      pending = Buffer.concat([pending, data]);
      for (;;) {
        if (!startup) {
          if (pending.length < 8) return;
          const length = pending.readInt32BE(0);
          if (length < 8 || length > 10000) return refuse('08P01', 'invalid startup packet');
          if (pending.length < length) return;
          const packet = pending.subarray(0, length);
          pending = pending.subarray(length);
          const code = packet.readInt32BE(4);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            client.write('N');
            continue;
          }
          if (code === CANCEL_REQUEST || code !== PROTOCOL_3) return void client.destroy();
          startup = Buffer.from(packet);
          salt = crypto.randomBytes(4);
          const challenge = Buffer.alloc(13);
          challenge.write('R', 0);
          challenge.writeInt32BE(12, 1);
          challenge.writeInt32BE(5, 5);
          salt.copy(challenge, 9);
          client.write(challenge);
          continue;
        }
        if (pending.length < 5) return;
        const length = pending.readInt32BE(1);
        if (pending[0] !== 0x70 || length < 5 || length > 1000) return refuse('08P01', 'expected a password message');
        if (pending.length < length + 1) return;
        const answer = pending.subarray(5, length + 1).toString('utf8').replace(/\0$/, '');
        pending = pending.subarray(length + 1);
        const user = startupParameters(startup).user ?? '';
        const expected = md5Response(password, user, salt!);
        const good = answer.length === expected.length && crypto.timingSafeEqual(Buffer.from(answer), Buffer.from(expected));
        if (!good) return refuse('28P01', `password authentication failed for user "${user}"`);
        clearTimeout(timer);
        client.off('data', onData);
        const inner = connectInner();
        inner.on('error', () => client.destroy());
        client.on('close', () => inner.destroy());
        inner.on('close', () => client.destroy());
        inner.write(startup);
        if (pending.length > 0) inner.write(pending);
        client.pipe(inner);
        inner.pipe(client);
        return;
      }
    };
    client.on('data', onData);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
