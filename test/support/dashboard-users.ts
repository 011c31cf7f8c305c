import fs from 'node:fs';
import path from 'node:path';
import { hashPassword } from '../../lib/identity/users';
import type { DashboardLogin } from './browser';

/** The people of the tests: one asks for a change, another approves it. */
export const OPERATOR: DashboardLogin = { username: 'anna', password: 'anna-on-shift-7' };
export const SUPERVISOR: DashboardLogin = { username: 'lead', password: 'lead-on-shift-7' };

/** Writes the dashboard users file Node-RED's settings read from its user directory (README "Dashboard logins"). */
export function writeDashboardUsers(userDir: string, users: readonly DashboardLogin[] = [OPERATOR, SUPERVISOR]): void {
  fs.mkdirSync(userDir, { recursive: true });
  const entries = users.map((u) => ({ username: u.username, password: hashPassword(u.password) }));
  fs.writeFileSync(path.join(userDir, 'dashboard-users.json'), `${JSON.stringify(entries, null, 2)}\n`);
}
