import type { NodeAPI } from 'node-red';
import { DEFAULT_STATEMENT_TIMEOUT_MS, describeTarget, HistorianConnection } from '../../lib/historian/connection';
import { DB_NODE_TYPE, type TwinDbNode } from '../common/db';
import { connectionTarget, type TwinDbDef } from './target';

interface TwinDbCredentials {
  password?: string;
}

const CLOSE_TIMEOUT_MS = 10000;

export = function register(RED: NodeAPI): void {
  function TwinDb(this: TwinDbNode, def: TwinDbDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const userDir = (RED.settings as unknown as { userDir?: string }).userDir ?? process.cwd();
    const retention = Number(def.retentionDays);
    const statementS = Number(def.statementTimeoutS);
    node.connection = new HistorianConnection({
      target: connectionTarget(def, (node.credentials as TwinDbCredentials | undefined)?.password ?? '', process.env, userDir),
      poolMax: Math.max(1, Math.min(50, Number(def.poolMax) || 4)),
      schema: def.schema?.trim() || 'public',
      compressAfterDays: Math.max(1, Number(def.compressAfterDays) || 7),
      retentionDays: Number.isFinite(retention) && retention > 0 ? retention : undefined,
      statementTimeoutMs: Number.isFinite(statementS) && statementS > 0 ? statementS * 1000 : DEFAULT_STATEMENT_TIMEOUT_MS,
    });
    const where = describeTarget(node.connection.settings.target);
    node.connection.on('warning', (message: string) => node.warn(message));
    node.connection.on('state', (state: string, detail: string) => {
      if (state === 'ready') node.log(`historian connected to ${where} (${detail})`);
      else if (state === 'reconnecting') node.warn(`historian database unreachable: ${detail}`);
      else if (state === 'failed') node.error(`historian database error (${where}): ${detail}`);
    });
    node.connection.ready().catch(() => undefined);

    node.on('close', (_removed: boolean, done: () => void) => {
      const timeout = setTimeout(done, CLOSE_TIMEOUT_MS);
      node.connection.close().finally(() => { clearTimeout(timeout); done(); });
    });
  }
  RED.nodes.registerType<TwinDbNode, TwinDbDef, unknown, TwinDbCredentials>(DB_NODE_TYPE, TwinDb, { credentials: { password: { type: 'password' } } });
};
