import type { IncomingHttpHeaders } from 'node:http';
import { dashboardSessions } from './sessions';
import { PasswordCheck, type DashboardUser } from './users';

/**
 * The dashboard's login, for Node-RED's settings file: `httpNodeAuth` asks the browser for a name and password
 * (HTTP Basic, as Node-RED's own httpNodeAuth does, but for several users) before the dashboard page loads, and
 * `ui.ioMiddleware` checks the same credentials on node-red-dashboard's socket.io connection, which Node-RED's
 * httpNodeAuth never sees (socket.io answers its requests before Express does). For every message a widget sends,
 * the middleware writes the id of the socket it really came on into `socketid`, and the sessions registry records
 * who logged in on that socket: so a node can tell who acted (lib/identity/actor), and nobody can claim another's
 * session. Without users the dashboard stays open (for a local demo on 127.0.0.1) but socket ids are still
 * overwritten, so an action is recorded as an anonymous dashboard user, never in a name the browser made up.
 */

interface HttpRequest {
  method?: string;
  headers: IncomingHttpHeaders;
}

interface HttpResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** The parts of a socket.io server socket the middleware uses. */
export interface DashboardSocket {
  id: string;
  request: { headers: IncomingHttpHeaders };
  handshake: { xdomain: boolean };
  client: { conn: { request: { url?: string }; close(): void } };
  use(fn: (packet: unknown[], next: (err?: Error) => void) => void): void;
  on(event: 'disconnect', listener: () => void): void;
  disconnect(close?: boolean): void;
}

export interface DashboardLogin {
  /** Whether a login is required (users are defined). */
  required: boolean;
  /** For the settings' `httpNodeAuth`; undefined when no login is required. */
  httpNodeAuth: ((req: HttpRequest, res: HttpResponse, next: () => void) => void) | undefined;
  /** For the settings' `ui.ioMiddleware`. */
  ioMiddleware: (socket: DashboardSocket, next: (err?: Error) => void) => void;
}

const REALM = 'Digital twin dashboard';

/** The name and password of an `Authorization: Basic …` header, or null. */
export function basicCredentials(headers: IncomingHttpHeaders): { username: string; password: string } | null {
  const header = headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Writes the socket's own id over whatever socket id a browser put into a widget's message. */
function stampSocket(packet: unknown[], socketId: string): void {
  for (const arg of packet.slice(1)) {
    if (!arg || typeof arg !== 'object') continue;
    const data = arg as { socketid?: unknown; msg?: unknown };
    data.socketid = socketId;
    if (data.msg && typeof data.msg === 'object') (data.msg as { socketid?: unknown }).socketid = socketId;
  }
}

export function dashboardLogin(users: readonly DashboardUser[]): DashboardLogin {
  const check = new PasswordCheck(users);
  const required = check.size > 0;
  dashboardSessions.setLoginRequired(required);
  const userOf = (headers: IncomingHttpHeaders): string | null => {
    const credentials = basicCredentials(headers);
    return credentials ? check.verify(credentials.username, credentials.password) : null;
  };
  const httpNodeAuth = required ? (req: HttpRequest, res: HttpResponse, next: () => void): void => {
    if (req.method === 'OPTIONS' || userOf(req.headers)) {
      next();
      return;
    }
    res.statusCode = 401;
    res.setHeader('WWW-Authenticate', `Basic realm="${REALM}", charset="UTF-8"`);
    res.end('Log in to the digital twin dashboard');
  } : undefined;
  const ioMiddleware = (socket: DashboardSocket, next: (err?: Error) => void): void => {
    // node-red-dashboard's own checks, which a custom middleware replaces: no direct websocket, no cross-domain.
    if ((socket.client.conn.request.url ?? '').includes('transport=websocket')) {
      socket.client.conn.close();
      return;
    }
    if (socket.handshake.xdomain !== false) {
      socket.disconnect(true);
      return;
    }
    const user = required ? userOf(socket.request.headers) : null;
    if (required && !user) {
      next(new Error('log in to the dashboard first'));
      return;
    }
    dashboardSessions.open(socket.id, user);
    socket.on('disconnect', () => dashboardSessions.close(socket.id));
    socket.use((packet, nextPacket) => {
      stampSocket(packet, socket.id);
      nextPacket();
    });
    next();
  };
  return { required, httpNodeAuth, ioMiddleware };
}
