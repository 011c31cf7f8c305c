import type { DisplayNames } from './display-names';

/**
 * The dashboard's tabs and groups under the names the plant gives them. The flow defines them (node-red-dashboard's
 * ui_tab and ui_group, whose titles it reads from the flow); the names the operators give are kept in DisplayNames by
 * the tab's or group's node id and shown by the dashboard page itself, so the flow and its integrator's titles stay as
 * they are and a new version of the flow keeps the plant's names.
 */

/** A tab or group as the flow defines it. */
export interface DashboardElement {
  kind: 'tab' | 'group';
  id: string;
  /** The title in the flow. */
  flowName: string;
  order: number;
  /** A group's tab (node id). */
  tab?: string;
}

/** A tab or group as the dashboard shows it. */
export interface ShownElement {
  id: string;
  /** The name shown: the plant's own, else the flow's. */
  name: string;
  flowName: string;
  /** The plant's own name, '' when it has none. */
  own: string;
  /** How the rename form lists it: "Tab · Fleet overview", "Group · Machine › One machine of the plant". */
  label: string;
}

export interface DashboardNames {
  tabs: ShownElement[];
  groups: ShownElement[];
}

/** The flow's node config of a ui_tab or ui_group, as Node-RED's runtime lists it; undefined for any other node. */
export function dashboardElement(node: { id: string; type: string; name?: unknown; order?: unknown; tab?: unknown }): DashboardElement | undefined {
  if (node.type !== 'ui_tab' && node.type !== 'ui_group') return undefined;
  const order = Number(node.order);
  return {
    kind: node.type === 'ui_tab' ? 'tab' : 'group', id: node.id, flowName: typeof node.name === 'string' ? node.name : '',
    order: Number.isFinite(order) ? order : 0, tab: node.type === 'ui_group' && typeof node.tab === 'string' ? node.tab : undefined,
  };
}

/** Tabs in the dashboard's order; groups by their tab's order, then their own. */
export function dashboardNames(elements: readonly DashboardElement[], names: DisplayNames): DashboardNames {
  const tabs = elements.filter((e) => e.kind === 'tab').sort((a, b) => a.order - b.order);
  const tabRank = new Map(tabs.map((tab, index) => [tab.id, index]));
  const nameOf = (e: DashboardElement): string => names.nameOf(e.kind, e.id, e.flowName);
  const shownTabs = tabs.map((tab) => ({ id: tab.id, name: nameOf(tab), flowName: tab.flowName, own: names.ownName('tab', tab.id), label: `Tab · ${nameOf(tab)}` }));
  const tabName = new Map(shownTabs.map((tab) => [tab.id, tab.name]));
  const groups = elements.filter((e) => e.kind === 'group')
    .sort((a, b) => (tabRank.get(a.tab ?? '') ?? tabs.length) - (tabRank.get(b.tab ?? '') ?? tabs.length) || a.order - b.order)
    .map((group) => ({
      id: group.id, name: nameOf(group), flowName: group.flowName, own: names.ownName('group', group.id),
      label: `Group · ${tabName.get(group.tab ?? '') ?? '(no tab)'} › ${nameOf(group)}`,
    }));
  return { tabs: shownTabs, groups };
}
