import { createHash } from 'node:crypto';
import fs from 'node:fs';
import bcrypt from 'bcryptjs';

/**
 * The people who may log in to the dashboard: a name and a bcrypt password hash each (the hash Node-RED's
 * `node-red admin hash-pw` prints, as for adminAuth). From a JSON file, `[{"username": "alice", "password": "$2b$…"}]`,
 * and/or the single user of TWIN_DASHBOARD_USER / TWIN_DASHBOARD_PASSWORD_HASH.
 */
export interface DashboardUser {
  username: string;
  password: string;
}

const BCRYPT_HASH = /^\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{53}$/;

function checked(users: unknown, source: string): DashboardUser[] {
  const list = Array.isArray(users) ? users : (users as { users?: unknown } | null)?.users;
  if (!Array.isArray(list)) throw new Error(`${source}: expected an array of {"username", "password"} (a bcrypt hash)`);
  const seen = new Set<string>();
  return list.map((entry: unknown, index) => {
    const { username, password } = (entry ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || username.trim() === '') throw new Error(`${source}: user ${index} has no username`);
    if (typeof password !== 'string' || !BCRYPT_HASH.test(password)) {
      throw new Error(`${source}: the password of "${username}" is not a bcrypt hash (make one with: npx node-red admin hash-pw)`);
    }
    const key = username.trim().toLowerCase();
    if (seen.has(key)) throw new Error(`${source}: "${username}" is listed twice`);
    seen.add(key);
    return { username: username.trim(), password };
  });
}

/** The users of a file; [] when the file does not exist, an error naming the problem when it is malformed. */
export function readUsersFile(file: string): DashboardUser[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return checked(parsed, file);
}

/** Everyone who may log in: the file's users plus the one named in the environment. */
export function dashboardUsers(env: NodeJS.ProcessEnv, file: string | undefined): DashboardUser[] {
  const users = file ? readUsersFile(file) : [];
  const user = env.TWIN_DASHBOARD_USER;
  const hash = env.TWIN_DASHBOARD_PASSWORD_HASH;
  if (user || hash) {
    if (!user || !hash) throw new Error('set both TWIN_DASHBOARD_USER and TWIN_DASHBOARD_PASSWORD_HASH, or neither');
    users.push(...checked([{ username: user, password: hash }], 'TWIN_DASHBOARD_USER'));
  }
  const names = users.map((u) => u.username.toLowerCase());
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`dashboard user "${twice}" is defined twice (in the users file and the environment)`);
  return users;
}

/** A bcrypt hash of a new password, for a users file. */
export function hashPassword(password: string): string {
  return bcrypt.hashSync(password, 10);
}

/**
 * Checks names and passwords. bcrypt is slow by design (tens of ms), and a browser sends its credentials with every
 * request, so a pair that was right once is remembered (as a digest) for as long as the process runs.
 */
export class PasswordCheck {
  private readonly byName = new Map<string, DashboardUser>();
  private readonly known = new Set<string>();

  constructor(users: readonly DashboardUser[]) {
    for (const user of users) this.byName.set(user.username.toLowerCase(), user);
  }

  get size(): number {
    return this.byName.size;
  }

  /** The user's own spelling of the name when the password is right, else null. */
  verify(username: string, password: string): string | null {
    const user = this.byName.get(username.trim().toLowerCase());
    if (!user) return null;
    const digest = createHash('sha256').update(`${user.username}\0${password}\0${user.password}`).digest('hex');
    if (this.known.has(digest)) return user.username;
    if (!bcrypt.compareSync(password, user.password)) return null;
    this.known.add(digest);
    return user.username;
  }
}
