/**
 * `npm start`: the simulated plant, then Node-RED with the pack and the reference twin flow, on embedded defaults.
 * Typing a plant command (e.g. `fault spindle-1 bearingTemp drift 30`) in this terminal sends it to the simulator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PLANT_CATALOGUE_FILE } from '../plant/machine-mix';
import { installNodeRed5, nodeRedRuntime } from './node-red-line';
import { prepareOpcuaClientPki } from './opcua-client-pki';
import { parseStartOptions, type StartOptions } from './start-options';

const root = path.resolve(__dirname, '..', '..');

function log(text: string): void {
  process.stdout.write(`[twin] ${text}\n`);
}

function prepareUserDir(options: StartOptions): string {
  const userDir = path.join(options.dataDir, 'node-red');
  fs.mkdirSync(userDir, { recursive: true });
  const flowFile = path.join(userDir, 'flows.json');
  if (options.resetFlows || !fs.existsSync(flowFile)) {
    fs.copyFileSync(path.join(root, 'flows', 'reference-twin.json'), flowFile);
    log(`deployed the reference flow to ${path.relative(root, flowFile)}`);
  } else {
    log(`keeping your edited flow ${path.relative(root, flowFile)} (npm start -- --reset-flows restores the reference flow)`);
  }
  return userDir;
}

function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => { socket.destroy(); resolve(); });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing answered on ${host}:${port} within ${timeoutMs / 1000} s`));
        else setTimeout(attempt, 250);
      });
    };
    attempt();
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

async function stopChild(child: ChildProcess | undefined, name: string): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const forced = setTimeout(() => {
    log(`${name} did not stop within 15 s, killing it`);
    child.kill('SIGKILL');
  }, 15000);
  await exitCode(child);
  clearTimeout(forced);
}

const children: Array<{ name: string; child: ChildProcess }> = [];
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  for (const { name, child } of [...children].reverse()) await stopChild(child, name);
  log('stopped');
  process.exit(code);
}

async function main(): Promise<void> {
  const options = parseStartOptions(process.argv.slice(2), process.env);
  if (options.nodeRedLine === '5') installNodeRed5(log);
  const runtime = nodeRedRuntime(options.nodeRedLine);
  const userDir = prepareUserDir(options);
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const plant = spawn(process.execPath, [
    path.join(root, 'dist', 'plant', 'cli.js'),
    '--host', '127.0.0.1',
    '--opcua-port', String(options.opcuaPort),
    '--modbus-port', String(options.modbusPort),
    '--speedup', String(options.speedup),
    '--data-dir', options.dataDir,
    ...(options.machines ? ['--machines', options.machines] : []),
  ], { cwd: root, stdio: ['pipe', 'inherit', 'inherit'] });
  children.push({ name: 'plant simulator', child: plant });
  process.stdin.pipe(plant.stdin!);
  plant.once('exit', (code) => { if (!stopping) { log(`plant simulator exited (${code})`); void shutdown(1); } });
  await waitForPort('127.0.0.1', options.opcuaPort, 60000);
  await waitForPort('127.0.0.1', options.modbusPort, 60000);
  await prepareOpcuaClientPki();

  const env = {
    ...process.env,
    TWIN_HOST: options.host,
    TWIN_PORT: String(options.port),
    TWIN_OPCUA_ENDPOINT: `opc.tcp://127.0.0.1:${options.opcuaPort}/UA/DigitalTwinPlant`,
    TWIN_MODBUS_HOST: '127.0.0.1',
    TWIN_MODBUS_PORT: String(options.modbusPort),
    TWIN_SPEEDUP: String(options.speedup),
    TWIN_CATALOGUE_FILE: path.join(options.dataDir, PLANT_CATALOGUE_FILE),
  };
  log(`starting Node-RED ${options.nodeRedLine} (${path.relative(root, runtime.redJs)}) on Node ${runtime.node === process.execPath ? process.version : path.relative(root, runtime.node)}`);
  const nodeRed = spawn(runtime.node, [
    runtime.redJs,
    '--settings', path.join(root, 'scripts', 'node-red-settings.js'),
    '--userDir', userDir,
  ], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push({ name: 'Node-RED', child: nodeRed });
  nodeRed.once('exit', (code) => { if (!stopping) { log(`Node-RED exited (${code})`); void shutdown(1); } });
  await waitForPort(options.host === '0.0.0.0' ? '127.0.0.1' : options.host, options.port, 120000);

  const base = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${options.port}`;
  log(`editor:    ${base}/`);
  log(`dashboard: ${base}/ui`);
  log(`database:  ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded TimescaleDB in ${path.relative(root, path.join(userDir, 'twin-db'))}`}`);
  log('type plant commands here, e.g. "fault spindle-1 bearingTemp drift 30", "status", "help"; Ctrl-C stops everything');
}

main().catch((err: unknown) => {
  process.stderr.write(`[twin] ${err instanceof Error ? err.message : String(err)}\n`);
  void shutdown(1);
});
