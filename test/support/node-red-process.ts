import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { nodeRedLineFromEnv, nodeRedRuntime } from '../../scripts/node-red-line';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function httpGet(url: string, accept = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Accept: accept } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`GET ${url} timed out`)));
  });
}

export interface NodeRedProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** The Node-RED line the tests run on: TWIN_NODE_RED_LINE (4 when unset, see scripts/node-red-line.ts). */
export const testRuntime = nodeRedRuntime(nodeRedLineFromEnv());

/**
 * Runs a real Node-RED (of the line TWIN_NODE_RED_LINE names) as a child process on a free port (or `port`, to start
 * it again where browsers knew it) and waits until its admin API answers. Output is captured so a failing test can show what the runtime said.
 */
export async function startNodeRed(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90000, port?: number): Promise<NodeRedProcess> {
  port ??= await freePort();
  const child = spawn(testRuntime.node, [testRuntime.redJs, '--port', String(port), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    const forced = setTimeout(() => child.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(forced);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await httpGet(`${baseUrl}/settings`);
      if (res.status === 200) return { child, baseUrl, output: () => output, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Node-RED did not answer within ${timeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
