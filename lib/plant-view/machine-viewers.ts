/**
 * Which browser looks at which machine on the one machine page. Each dashboard connection (socket) picks its own
 * machine; only the connections that have the page open get its updates, at most one a second each, so a plant of 50
 * machines at 1 Hz sends a browser one machine's values, not the plant's.
 */

/** The least time between two updates of one browser's machine page. */
export const PAGE_UPDATE_MS = 1000;

interface Viewer {
  /** The machine the browser chose; undefined: none yet (it is shown the most urgent). */
  chosen?: string;
  /** The machine page is the tab open in that browser. */
  open: boolean;
  sentAt: number;
}

export class MachineViewers {
  private readonly viewers = new Map<string, Viewer>();

  private viewer(socket: string): Viewer {
    let viewer = this.viewers.get(socket);
    if (!viewer) this.viewers.set(socket, (viewer = { open: false, sentAt: 0 }));
    return viewer;
  }

  choose(socket: string, asset: string): void {
    this.viewer(socket).chosen = asset;
  }

  chosen(socket: string): string | undefined {
    return this.viewers.get(socket)?.chosen;
  }

  /** The browser opened a tab: the machine page or another one (then it gets no updates until it comes back). */
  tabOpened(socket: string, machinePage: boolean): void {
    if (machinePage) this.viewer(socket).open = true;
    else if (this.viewers.has(socket)) this.viewer(socket).open = false;
  }

  lost(socket: string): void {
    this.viewers.delete(socket);
  }

  sent(socket: string, now: number): void {
    this.viewer(socket).sentAt = now;
  }

  /** Browsers with the page open on a machine for which `shows` says there is news, and whose last update is old enough. */
  due(now: number, shows: (chosen: string | undefined) => boolean): string[] {
    return [...this.viewers].filter(([, v]) => v.open && now - v.sentAt >= PAGE_UPDATE_MS && shows(v.chosen)).map(([socket]) => socket);
  }

  /** Every browser with the page open (a rename changes what each shows). */
  open(): string[] {
    return [...this.viewers].filter(([, v]) => v.open).map(([socket]) => socket);
  }
}
