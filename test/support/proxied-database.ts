import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { LOCAL_POSTGRES_URL, postgresAnswers, proxiedPostgres, uniqueSchema, withClient } from './database';
import type { TcpProxy } from './tcp-proxy';

export interface ProxiedDatabase {
  proxy: TcpProxy;
  schema: string;
  userDir: string;
}

/**
 * Mocha hooks for a suite whose Node-RED reaches the real PostgreSQL through a TCP proxy the test cuts and restores
 * (DATABASE_URL points at the proxy), with its own schema and Node-RED user directory; skips without PostgreSQL.
 * The returned object is filled in before the first test.
 */
export function proxiedDatabase(prefix: string): ProxiedDatabase {
  const state = {} as ProxiedDatabase;
  const savedUrl = process.env.DATABASE_URL;
  before(async function () {
    if (!(await postgresAnswers())) this.skip();
    const proxied = await proxiedPostgres();
    state.proxy = proxied.proxy;
    process.env.DATABASE_URL = proxied.url;
    state.schema = uniqueSchema(prefix);
    state.userDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    helper.settings({ userDir: state.userDir });
  });
  after(async function () {
    if (savedUrl === undefined) delete process.env.DATABASE_URL; else process.env.DATABASE_URL = savedUrl;
    helper.settings({});
    await state.proxy?.stop();
    if (state.schema) await withClient(LOCAL_POSTGRES_URL, (c) => c.query(`DROP SCHEMA IF EXISTS "${state.schema}" CASCADE`)).catch(() => undefined);
    if (state.userDir) fs.rmSync(state.userDir, { recursive: true, force: true });
  });
  return state;
}
