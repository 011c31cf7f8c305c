import { PUMP_ASSET, SPINDLE_ASSET } from '../../lib/asset/presets';
import { PLANT_FEATURE_PERIOD_S, plantFeatureSettings } from '../../plant/feature-settings';
import type { FlowBuilder } from './builder';
import { opcuaSubscription, type SharedConfig } from './reference-twin';

/**
 * Every machine of the catalogue but the two with tabs of their own: `npm start -- --machines spindle:30,pump:20`
 * runs them through this one chain, whose node count does not grow with the number of machines.
 */
export const FLEET_FILTER = `id!=${SPINDLE_ASSET.id},${PUMP_ASSET.id}`;

/** What the plant tab gives the maintenance tab and the plant's dashboard pages. */
export interface PlantChain {
  /** The twin-catalogue config node of the plant `npm start` runs: every machine, including the two with tabs. */
  catalogue: string;
  /** The one twin-ingest of every further machine. */
  ingest: string;
  /** One twin-features per machine type. */
  features: string[];
}

/** Seconds after a start before the machine's readings feed its features again (as on the machines' own tabs). */
const WARM_UP_S = '15';

/**
 * The plant tab: the catalogue `npm start` writes (`${TWIN_CATALOGUE_FILE}`) → twin-subscribe → one OPC UA client
 * subscribed to every node id of every further machine → one twin-ingest that tells each value's asset by its node id →
 * the historian through a store-and-forward buffer, one twin-threshold for every machine's limits, and one twin-features
 * per machine type (the types' feature settings differ) whose vectors go to the maintenance tab's RUL and from there to
 * the Fleet overview and its machine page.
 */
export function plantFlow(flow: FlowBuilder, shared: SharedConfig): PlantChain {
  const tab = flow.add('tab:plant', { type: 'tab', label: 'Plant (catalogue)', disabled: false,
    info: 'Every further machine of the asset catalogue, read over OPC UA and run through one chain of nodes.' });
  const catalogue = flow.add('plant:catalogue', { type: 'twin-catalogue', name: 'Plant catalogue', source: 'file', file: '${TWIN_CATALOGUE_FILE}', catalogue: '' });
  flow.place('plant:comment', tab, 0, 0, { type: 'comment', name: 'Every further machine of the catalogue: one chain, whatever their number', outputs: 0,
    info: [
      'npm start writes the catalogue of the plant it runs (npm start -- --machines spindle:30,pump:20) to TWIN_CATALOGUE_FILE; this',
      `tab serves every machine of it but ${SPINDLE_ASSET.id} and ${PUMP_ASSET.id}, which have tabs of their own (filter "${FLEET_FILTER}").`,
      'twin-subscribe builds the OPC UA subscription from the catalogue, twin-ingest tells each value\'s machine by its node id,',
      'twin-threshold and twin-features keep every machine\'s state apart. Their feature vectors join the maintenance tab\'s RUL, whose',
      'estimates fill the Fleet overview. A machine added to the catalogue is served at the next deploy; no node is added for it.',
    ].join('\n') });
  const client = opcuaSubscription(flow, tab, 'plant', 2, 'plant tags', shared,
    { type: 'twin-subscribe', name: '', catalogue, filter: FLEET_FILTER, kind: 'all' });
  const ingest = flow.place('plant:ingest', tab, 2, 2, { type: 'twin-ingest', name: '', asset: '', catalogue, filter: FLEET_FILTER, source: 'auto',
    missingTimestamp: 'arrival', property: 'payload' });
  flow.wire(client, ingest);
  const buffer = flow.place('plant:buffer', tab, 3, 0, { type: 'twin-buffer', name: '', directory: '', maxDiskMB: '2048', maxAgeHours: '168',
    fullPolicy: 'drop-oldest', durability: 'sync', fsyncMs: '200', maxReplayRate: '0', ackTimeoutS: '30', maxInFlight: '1000', maxMessageMB: '16', order: 'live-first', outputs: 2 });
  const historian = flow.place('plant:historian', tab, 4, 0, { type: 'twin-historian', name: '', db: shared.db, mode: 'write', batchSize: '1000', batchMs: '1000',
    maxQueuedRows: '100000', replaySharePct: '50', waveformIntervalS: '60', output: 'rows' });
  flow.wire(ingest, buffer);
  flow.wire(buffer, historian, 0);
  flow.wire(historian, buffer);
  const threshold = flow.place('plant:threshold', tab, 3, 3, { type: 'twin-threshold', name: '', asset: '', catalogue, filter: FLEET_FILTER, sensors: '',
    staleAfterS: '15', ignoreHistorical: true, outputs: 2 });
  flow.wire(ingest, threshold);
  flow.wire(threshold, buffer, 0);
  const features = [SPINDLE_ASSET, PUMP_ASSET].map((preset, i) => {
    const node = flow.place(`plant:features:${preset.type}`, tab, 3, 5 + i, { type: 'twin-features', name: '', asset: '', catalogue,
      filter: `type=${preset.type} ${FLEET_FILTER}`, periodS: PLANT_FEATURE_PERIOD_S, ...plantFeatureSettings(preset.id), warmUpS: WARM_UP_S, outputs: 2 });
    flow.wire(ingest, node);
    // Vectors and state records, and the machine-down alarm, are stored through the buffer.
    flow.wire(node, buffer, 0);
    flow.wire(node, buffer, 1);
    return node;
  });
  return { catalogue, ingest, features };
}
