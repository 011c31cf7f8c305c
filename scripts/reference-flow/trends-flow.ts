import type { AssetDefinition } from '../../lib/asset/asset-model';
import type { FlowBuilder } from './builder';
import { FULL_WIDTH, TAB_ORDER, uiGroup, uiTab, uiTemplate } from './dashboard';
import { freshnessClass } from './hmi-head';
import { historianQuery } from './historian-nodes';
import { trendAssets, trendTemplate } from './trend-widgets';

/** The catch node's message as the trend chart reads it: the error, and which of its requests failed. */
const TREND_ERROR = '{"kind": "trend-error", "error": error.message, "requestId": payload.trend.requestId}';

/**
 * The "Trends" dashboard tab: a chart of any sensors of an asset over 1 h to 90 d with drag-to-zoom, each view one
 * `{trend: …}` query to twin-historian (raw readings for short ranges, the 1-minute rollup for long ones, never more
 * than 2,000 points; lib/historian/trend-plan). The answer goes back to the browser that asked (msg.socketid kept);
 * a query that fails reaches the chart through a catch node, so it shows the error instead of "Loading…".
 */
export function trendsFlow(flow: FlowBuilder, db: string, assets: AssetDefinition[]): void {
  const tab = flow.add('tab:trends', { type: 'tab', label: 'Trends', disabled: false,
    info: 'The Trends dashboard tab: stored history of any sensor from the historian, 1 h to 90 d, with zoom.' });
  flow.place('trends:comment', tab, 0, 0, { type: 'comment', name: 'Trends tab → twin-historian (query) → chart; errors → chart', outputs: 0,
    info: [
      'The chart sends {trend: {asset, sensors, from, to, maxPoints, requestId}} for each range, zoom or sensor picked.',
      'twin-historian answers from twin_readings (up to about 8 h) or the 1-minute rollup twin_readings_1m (longer ranges),',
      'averaged in SQL into buckets so no answer has more than maxPoints points. Only the browser that asked gets the answer.',
      'A failed query is caught and shown on the chart.',
    ].join('\n') });
  const uiTrends = uiTab(flow, 'trends:ui-tab', 'Trends', TAB_ORDER.trends, 'fa-line-chart');
  const group = uiGroup(flow, 'trends:ui-group', uiTrends, 'Trends from the historian', 1, FULL_WIDTH);
  const chart = uiTemplate(flow, 'trends:chart', tab, 0, 2, group, 1, 'trend chart', trendTemplate(trendAssets(assets)), { width: FULL_WIDTH, height: 9 },
    freshnessClass(null));
  // Every browser asks for its own view: nothing to replay to another, nothing to store as the widget's state.
  Object.assign(flow.node(chart), { storeOutMessages: false, resendOnRefresh: false });
  const query = historianQuery(flow, 'trends:query', tab, 1, 2, db, 'rows');
  flow.wire(chart, query);
  flow.wire(query, chart);
  const failed = flow.place('trends:failed', tab, 0, 4, { type: 'catch', name: 'trend query failed', scope: [query], uncaught: false });
  const error = flow.place('trends:error', tab, 1, 4, { type: 'change', name: 'error for the chart', rules: [
    { t: 'set', p: 'payload', pt: 'msg', to: TREND_ERROR, tot: 'jsonata' }] });
  flow.wire(failed, error);
  flow.wire(error, chart);
}
