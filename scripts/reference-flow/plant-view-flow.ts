import type { FlowBuilder } from './builder';
import { FULL_WIDTH, TAB_ORDER, uiGroup, uiTab, uiTemplate } from './dashboard';
import { freshnessClass, LIVE_STALE_AFTER_S } from './hmi-head';
import { DASHBOARD_NAMES_TEMPLATE, FLEET_TEMPLATE, MACHINE_TEMPLATE } from './plant-view-widgets';

/** The dashboard tab of the one machine page; twin-plant-view opens it by this title when a fleet row is clicked. */
export const MACHINE_TAB_TITLE = 'Machine';

export interface PlantViewSources {
  /** The asset catalogue every machine (and its site, line and sensors) comes from. */
  catalogue: string;
  urgency: string;
  /** twin-health nodes: their RUL-ladder estimates (second output) show beside the fleet's rows. */
  health: string[];
  /** twin-ingest nodes of every machine: the machine page shows their newest readings. */
  ingests: string[];
}

/**
 * The plant on the dashboard, from one twin-plant-view node whatever the number of machines: the Fleet overview grouped
 * by site and line, most urgent first, paged; the one machine page, its machine chosen from a list or by a click on a
 * fleet row (a ui_control node switches that browser to it); the names operators give machines, lines and sites, and
 * the dashboard's tabs and groups, kept in the Node-RED user directory outside the flow (lib/plant-view/display-names.ts).
 */
export function plantViewFlow(flow: FlowBuilder, tab: string, sources: PlantViewSources): void {
  const view = flow.place('plant-view', tab, 3, 3, { type: 'twin-plant-view', name: '', catalogue: sources.catalogue, namesFile: 'twin-display-names.json',
    pageRows: '15', machineTab: MACHINE_TAB_TITLE, outputs: 4 });
  for (let port = 0; port < 3; port++) flow.wire(sources.urgency, view, port);
  for (const node of sources.health) flow.wire(node, view, 1);
  const readings = flow.placeLinkIn('plant-view:readings-in', tab, 2, 4, 'readings of every machine');
  for (const ingest of sources.ingests) flow.linkFrom(readings, ingest);
  flow.wire(readings, view);

  const fleetTab = uiTab(flow, 'fleet:ui-tab', 'Fleet overview', TAB_ORDER.fleet, 'fa-th-list');
  const fleetGroup = uiGroup(flow, 'fleet:ui-group', fleetTab, 'Remaining useful life and maintenance urgency, by site and line', 1, FULL_WIDTH);
  const fleet = uiTemplate(flow, 'fleet:table', tab, 4, 3, fleetGroup, 1, 'fleet table', FLEET_TEMPLATE, { width: FULL_WIDTH, height: 12 }, freshnessClass(null));
  flow.wire(view, fleet, 0);
  flow.wire(fleet, view);

  const machineTab = uiTab(flow, 'machine:ui-tab', MACHINE_TAB_TITLE, TAB_ORDER.machine, 'fa-cog');
  const machineGroup = uiGroup(flow, 'machine:ui-group', machineTab, 'One machine of the plant', 1, FULL_WIDTH);
  // Each browser gets its own machine's page (msg.socketid): not stored for replay, which would show it to others.
  const page = flow.place('machine:page', tab, 4, 4, {
    type: 'ui_template', name: 'machine page', group: machineGroup, order: 1, width: FULL_WIDTH, height: 14, format: MACHINE_TEMPLATE, storeOutMessages: false,
    fwdInMessages: false, resendOnRefresh: false, templateScope: 'local', className: freshnessClass(LIVE_STALE_AFTER_S), outputs: 1,
  });
  flow.wire(view, page, 1);
  flow.wire(page, view);
  // Which tab each browser opens (the machine page's updates go only to browsers that show it) and the switch to it.
  const control = flow.place('machine:control', tab, 4, 5, { type: 'ui_ui_control', name: 'tab changes; open the machine page', events: 'all', outputs: 1 });
  flow.wire(view, control, 2);
  flow.wire(control, view);
  // The dashboard's tab and group names: the form to rename them, whose messages every browser's page head also reads.
  // Not stored as the widget's state: a rename sent from one browser would replace the names every browser is sent.
  const names = flow.place('dashboard-names:form', tab, 4, 6, {
    type: 'ui_template', name: 'dashboard tab and group names', group: machineGroup, order: 2, width: FULL_WIDTH, height: 3, format: DASHBOARD_NAMES_TEMPLATE,
    storeOutMessages: false, fwdInMessages: false, resendOnRefresh: true, templateScope: 'local', className: '', outputs: 1,
  });
  flow.wire(view, names, 3);
  flow.wire(names, view);
}
