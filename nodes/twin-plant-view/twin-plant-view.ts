import path from 'node:path';
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { plantFacts } from '../../lib/facts/plant-facts';
import { dashboardElement, dashboardNames, type DashboardElement } from '../../lib/plant-view/dashboard-names';
import { DEFAULT_NAMES_FILE, DisplayNames, NAMED_KINDS, type NamedKind } from '../../lib/plant-view/display-names';
import { MachineViewers } from '../../lib/plant-view/machine-viewers';
import { DEFAULT_PAGE_ROWS, PlantView } from '../../lib/plant-view/plant-view';
import type { Reading } from '../../lib/reading/reading';
import { looksLikeReading } from '../../lib/reading/validate';
import { isUrgencyRecord } from '../../lib/rul/records';
import { resolveCatalogueAssets } from '../common/catalogue';
import { handleInput } from '../common/input';
import { Status } from '../common/status';

interface TwinPlantViewDef extends NodeDef {
  catalogue: string;
  /** The display names' file; relative paths start at the Node-RED user directory. */
  namesFile: string;
  pageRows: string;
  /** The dashboard tab (its title) that holds the machine page, which a click on a fleet row opens. */
  machineTab: string;
}

type ViewMessage = NodeMessageInFlow & { socketid?: string; name?: string };
type Send = (msg: Array<NodeMessage | NodeMessage[] | null>) => void;

/** The overview goes out at most this often: a plant of 50 machines sends several estimates a second. */
const FLEET_INTERVAL_MS = 1000;

function isLadder(item: unknown): item is { asset: string; model: string; rulHours: number; health?: number; ts: number } {
  const e = item as Record<string, unknown> | null;
  return !!e && e.kind === 'rul' && typeof e.asset === 'string' && typeof e.model === 'string' && typeof e.rulHours === 'number' && typeof e.ts === 'number';
}

export = function register(RED: NodeAPI): void {
  const userDir = (): string => (RED.settings as { userDir?: string }).userDir ?? process.cwd();

  function TwinPlantView(this: Node, config: TwinPlantViewDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new Status(node);
    const names = new DisplayNames(path.resolve(userDir(), config.namesFile?.trim() || DEFAULT_NAMES_FILE));
    if (names.loadProblem) node.warn(names.loadProblem);
    // Without a catalogue the overview still lists every machine that sends estimates, under "not in the catalogue".
    const selection = config.catalogue ? resolveCatalogueAssets(RED, config.catalogue, '', true) : undefined;
    if (selection instanceof Error) node.warn(selection.message);
    const pageRows = Number(config.pageRows) > 0 ? Math.floor(Number(config.pageRows)) : DEFAULT_PAGE_ROWS;
    const view = new PlantView(selection instanceof Error || !selection ? [] : selection.assets, names, pageRows, (asset) => plantFacts.machineStateOf(asset));
    const viewers = new MachineViewers();
    const machineTab = config.machineTab?.trim() || 'Machine';
    let fleetSent = false;
    let namesSent = false;
    let fleetAt = 0;
    let fleetTimer: NodeJS.Timeout | undefined;
    /** The dashboard's tabs and groups as the deployed flows define them (read when needed: a deploy changes them). */
    const dashboardElements = (): DashboardElement[] => {
      const found: DashboardElement[] = [];
      RED.nodes.eachNode((config) => {
        const element = dashboardElement(config as NodeDef & { name?: unknown; order?: unknown; tab?: unknown });
        if (element) found.push(element);
      });
      return found;
    };
    /** Each tab and group under the name shown, for every browser: the page puts these in place of the flow's titles. */
    const namesMessage = (): NodeMessage => {
      namesSent = true;
      return { topic: 'dashboard-names', payload: dashboardNames(dashboardElements(), names) };
    };
    /** The names go out with the first fleet; the dashboard replays them to every browser that connects later. */
    const namesOnce = (): NodeMessage | null => (namesSent ? null : namesMessage());

    const showStatus = (): void => {
      const { counts, lines, rows } = view.fleet();
      const text = `${rows.length} machines on ${lines.length} lines · ${counts.DOWN ? `${counts.DOWN} DOWN, ` : ''}${counts.CRITICAL} CRITICAL, ${counts.WARNING} WARNING`;
      if (counts.DOWN > 0 || counts.CRITICAL > 0) status.failed(text);
      else if (counts.WARNING > 0) status.waiting(text);
      else status.success(text);
    };
    const fleetMessage = (): NodeMessage => {
      fleetSent = true;
      fleetAt = Date.now();
      return { topic: 'fleet', payload: view.fleet() };
    };
    /** The machine page of one browser: its chosen machine, else the most urgent, and the list to choose from. */
    const pageMessage = (socket: string, error?: string): NodeMessage => {
      const machines = view.machineList();
      const chosen = viewers.chosen(socket);
      const asset = chosen !== undefined && view.has(chosen) ? chosen : machines[0]?.asset;
      viewers.sent(socket, Date.now());
      return { topic: 'machine', payload: { machines, page: asset === undefined ? null : view.machinePage(asset), chosen: chosen !== undefined, error }, socketid: socket } as NodeMessage;
    };
    const pages = (sockets: string[]): NodeMessage[] => sockets.map((socket) => pageMessage(socket));
    /** The overview now, or once the interval since the last one is up, with whatever arrived meanwhile. */
    const fleetSoon = (send: Send): void => {
      const wait = fleetAt + FLEET_INTERVAL_MS - Date.now();
      if (wait <= 0) send([fleetMessage(), null, null, namesOnce()]);
      else fleetTimer ??= setTimeout(() => { fleetTimer = undefined; node.send([fleetMessage(), null, null, namesOnce()]); }, wait);
    };
    const shownAsset = (chosen: string | undefined): string | undefined => chosen ?? view.machineList()[0]?.asset;

    handleInput(node, status, (incoming, send) => {
      const msg = incoming as ViewMessage;
      const socket = msg.socketid;
      const payload = msg.payload;
      // The dashboard: ui_control's tab changes and lost connections, the templates' choices and renames.
      if (payload === 'change' && socket) {
        const opened = msg.name === machineTab;
        viewers.tabOpened(socket, opened);
        if (opened) send([fleetSent ? null : fleetMessage(), pageMessage(socket), null, namesOnce()]);
        return;
      }
      if (payload === 'lost' && socket) {
        viewers.lost(socket);
        return;
      }
      if ((msg.topic === 'open' || msg.topic === 'machine') && socket && typeof payload === 'string') {
        viewers.choose(socket, payload);
        // A click on a fleet row opens the machine page in that browser; its tab change then sends the page.
        if (msg.topic === 'open') send([null, null, { payload: { tab: machineTab }, socketid: socket } as NodeMessage, null]);
        else send([null, pageMessage(socket), null, null]);
        return;
      }
      if (msg.topic === 'rename') {
        const r = (payload ?? {}) as { kind?: unknown; key?: unknown; name?: unknown };
        try {
          if (!NAMED_KINDS.includes(r.kind as NamedKind)) throw new Error(`rename what? kind must be one of ${NAMED_KINDS.join(', ')}`);
          const kind = r.kind as NamedKind;
          const key = String(r.key ?? '');
          if ((kind === 'tab' || kind === 'group') && !dashboardElements().some((e) => e.kind === kind && e.id === key)) {
            throw new Error(`the dashboard has no ${kind} "${key}"`);
          }
          names.rename(kind, key, r.name);
        } catch (err) {
          const text = err instanceof Error ? err.message : String(err);
          if (socket) send([null, pageMessage(socket, text), null, null]);
          throw new Error(`display name not changed: ${text}`);
        }
        node.log(`display name of ${String(r.kind)} "${String(r.key)}" is now "${names.nameOf(r.kind as NamedKind, String(r.key))}"`);
        send([fleetMessage(), pages(viewers.open()), null, namesMessage()]);
        return;
      }
      // The twin: urgency decisions, twin-health's ladder estimates, readings.
      if (isUrgencyRecord(payload)) {
        view.addUrgency(payload);
        showStatus();
        fleetSoon(send);
        return;
      }
      if (!Array.isArray(payload) || payload.length === 0) return;
      if (isLadder(payload[0])) {
        view.addLadder(payload.filter(isLadder));
        fleetSoon(send);
        return;
      }
      if (looksLikeReading(payload[0])) {
        const touched = view.addReadings(payload.filter(looksLikeReading) as Reading[]);
        const due = viewers.due(Date.now(), (chosen) => touched.has(shownAsset(chosen) ?? ''));
        const first = !fleetSent;
        if (first || due.length > 0) send([first ? fleetMessage() : null, pages(due), null, namesOnce()]);
        if (first) showStatus();
      }
    });
    node.on('close', () => clearTimeout(fleetTimer));
  }
  RED.nodes.registerType('twin-plant-view', TwinPlantView);
};
