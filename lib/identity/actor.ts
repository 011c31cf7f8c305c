import { dashboardSessions } from './sessions';

/**
 * Who did something on the twin: the user logged in to the dashboard session a message came from, an anonymous
 * dashboard session when the dashboard has no login, or the flow itself (a message no dashboard session sent).
 *
 * The session is found by `msg.socketid`, which node-red-dashboard puts on every message a widget sends. A browser
 * could put any id there itself, so the dashboard login (lib/identity/dashboard-login) overwrites it with the id of
 * the socket the message really arrived on, and records who logged in on that socket. A message without a socket id
 * was made by the flow (an inject, a function node), which only an editor user can change.
 */
export type ActorSource = 'login' | 'dashboard' | 'flow';

export interface Actor {
  name: string;
  /** True only for a user who logged in to the dashboard. */
  authenticated: boolean;
  source: ActorSource;
}

/** The name recorded for an action from a dashboard that has no login. */
export const ANONYMOUS_DASHBOARD_USER = 'dashboard user (no login)';

/**
 * The actor behind a message. For a flow's own message (no dashboard session) the name comes from `named` (e.g.
 * `payload.by`) or `fallback`; a dashboard message's own naming is ignored, so nobody can act in another's name.
 */
export function actorOf(msg: object, named?: unknown, fallback = 'flow'): Actor {
  const socketId = (msg as { socketid?: unknown }).socketid;
  if (typeof socketId === 'string' && socketId !== '') {
    const user = dashboardSessions.userOf(socketId);
    return user ? { name: user, authenticated: true, source: 'login' } : { name: ANONYMOUS_DASHBOARD_USER, authenticated: false, source: 'dashboard' };
  }
  const name = typeof named === 'string' && named.trim() !== '' ? named.trim() : fallback;
  return { name, authenticated: false, source: 'flow' };
}

/** Two actors are the same person when their names match, ignoring case and surrounding blanks. */
export function samePerson(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
