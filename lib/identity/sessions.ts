/**
 * The dashboard sessions of this process: which user logged in on which socket. Written only by the dashboard
 * login's socket middleware (lib/identity/dashboard-login), read by every node that records who did something.
 * Kept on globalThis so the settings file and the nodes share one registry however the pack was loaded.
 */

interface Session {
  user: string | null;
  /** When the socket closed; the entry stays a little longer for messages still on their way. */
  endedAt: number | null;
}

/** A message a user sent just before closing the page may still be travelling through the flow. */
const KEEP_AFTER_CLOSE_MS = 60_000;

export class DashboardSessions {
  private readonly sessions = new Map<string, Session>();
  private loginInstalled = false;

  /**
   * Whether the dashboard asks every browser for a name and password: set by the dashboard login when the settings
   * install it with users. False for an open dashboard and for a Node-RED started without the project's settings.
   */
  get loginRequired(): boolean {
    return this.loginInstalled;
  }

  /** Called by the dashboard login (lib/identity/dashboard-login) when the settings install it. */
  setLoginRequired(required: boolean): void {
    this.loginInstalled = required;
  }

  /** A socket connected; `user` is who logged in on it, null on a dashboard without login. */
  open(socketId: string, user: string | null): void {
    this.prune(Date.now());
    this.sessions.set(socketId, { user, endedAt: null });
  }

  close(socketId: string, now = Date.now()): void {
    const session = this.sessions.get(socketId);
    if (session) session.endedAt = now;
  }

  /** The logged-in user of a socket, or null (unknown socket, or no login). */
  userOf(socketId: string): string | null {
    return this.sessions.get(socketId)?.user ?? null;
  }

  private prune(now: number): void {
    for (const [id, session] of this.sessions) {
      if (session.endedAt !== null && now - session.endedAt > KEEP_AFTER_CLOSE_MS) this.sessions.delete(id);
    }
  }
}

const KEY = Symbol.for('node-red-contrib-digital-twin.dashboard-sessions');
type Holder = { [KEY]?: DashboardSessions };

export const dashboardSessions: DashboardSessions = ((globalThis as Holder)[KEY] ??= new DashboardSessions());
