import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The file in Node-RED's user directory that keeps a generated key. */
export const CREDENTIAL_SECRET_FILE = 'credential-secret';

/**
 * The key Node-RED encrypts flow credentials with (its `credentialSecret` setting): TWIN_CREDENTIAL_SECRET when set,
 * else a random key generated once and kept in the user directory, readable by its owner only. Node-RED re-encrypts
 * credentials it finds under its own system-generated key with this one.
 */
export function credentialSecret(env: NodeJS.ProcessEnv, userDir: string): string {
  const fromEnv = env.TWIN_CREDENTIAL_SECRET;
  if (fromEnv !== undefined) {
    if (fromEnv.length < 16) throw new Error('TWIN_CREDENTIAL_SECRET must be at least 16 characters');
    return fromEnv;
  }
  const file = path.join(userDir, CREDENTIAL_SECRET_FILE);
  try {
    const saved = fs.readFileSync(file, 'utf8').trim();
    if (saved.length >= 16) return saved;
    throw new Error(`${file} holds no key (delete it only if flows_cred.json is empty too: the credentials need it)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(userDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
