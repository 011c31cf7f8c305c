import path from 'node:path';
import type { NodeDef } from 'node-red';
import type { ConnectionTarget } from '../../lib/historian/connection';

export interface TwinDbDef extends NodeDef {
  mode: 'auto' | 'embedded' | 'server';
  host: string;
  port: string;
  database: string;
  user: string;
  ssl: boolean;
  caFile?: string;
  statementTimeoutS?: string;
  schema: string;
  poolMax: string;
  compressAfterDays: string;
  retentionDays: string;
  embeddedDir: string;
}

/**
 * Where the historian writes: the server configured in the node, DATABASE_URL when the mode is "auto" and it is
 * set, else the embedded TimescaleDB under the Node-RED user directory.
 */
export function connectionTarget(def: TwinDbDef, password: string, env: NodeJS.ProcessEnv, userDir: string): ConnectionTarget {
  const mode = def.mode || 'auto';
  if (mode === 'server') {
    return { kind: 'server', host: def.host || '127.0.0.1', port: Number(def.port) || 5432, database: def.database || 'postgres',
      user: def.user || 'postgres', password, ssl: def.ssl === true, caFile: caFile(def, userDir) };
  }
  if (mode === 'auto' && env.DATABASE_URL) return { kind: 'url', url: env.DATABASE_URL, ssl: def.ssl === true, caFile: caFile(def, userDir) };
  return { kind: 'embedded', dataDir: def.embeddedDir ? path.resolve(userDir, def.embeddedDir) : path.join(userDir, 'twin-db') };
}

function caFile(def: TwinDbDef, userDir: string): string | undefined {
  const file = def.caFile?.trim();
  return file ? path.resolve(userDir, file) : undefined;
}
