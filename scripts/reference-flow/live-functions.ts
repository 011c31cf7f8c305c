/**
 * Code of the function nodes of the reference flow. Kept short and commented for the integrators who will
 * read and extend it in the editor.
 */

/** Splits a batch of canonical readings into the latest value per gauge (one output each) and chart points. */
export function liveFanOutCode(gaugeSensors: string[], textSensors: string[], chartSensors: string[]): string {
  return `// One output per gauge/text widget (latest value of the batch), then one per trend chart (every point).
const gauges = ${JSON.stringify(gaugeSensors)};
const texts = ${JSON.stringify(textSensors)};
const charts = ${JSON.stringify(chartSensors)};
const latest = {};
const points = charts.map(() => []);
for (const reading of msg.payload) {
    if (typeof reading.value !== 'number' || reading.historical) continue;
    latest[reading.sensor] = reading;
    const chart = charts.indexOf(reading.sensor);
    if (chart >= 0) points[chart].push({ topic: reading.sensor, payload: reading.value, timestamp: reading.ts });
}
// Machine state codes in words for the operator.
const words = { state: ['idle', 'running', 'DOWN'] };
const shown = (sensor, value) => (words[sensor] && words[sensor][value]) || value;
// ts: the reading's time, by which the page ages the value (also when it replays it to a page opened later).
const widget = (sensor) => latest[sensor] ? { topic: sensor, payload: shown(sensor, latest[sensor].value), quality: latest[sensor].quality, ts: latest[sensor].ts } : null;
return [...gauges.map(widget), ...texts.map(widget), ...points];`;
}

/** Asks the historian for the last hour of each trend chart's sensor, so charts survive a restart. */
export function historyQueryCode(asset: string, chartSensors: string[]): string {
  return `// Last hour of history for each trend chart, in 15 s buckets.
const to = Date.now();
const from = to - 3600 * 1000;
return [${JSON.stringify(chartSensors)}.map((sensor) => ({
    topic: 'history',
    chart: sensor,
    payload: { asset: ${JSON.stringify(asset)}, sensors: [sensor], from, to, bucketS: 15 }
}))];`;
}

/** Store-and-forward metrics of twin-buffer (output 2) as four dashboard texts. */
export const BUFFER_METRICS_CODE = `// twin-buffer reports buffer/metrics every 5 s and buffer/alert when its disk limit bites.
if (msg.topic === 'buffer/alert') {
    node.warn(msg.payload.message);
    return null;
}
const m = msg.payload;
// Measured as reported: the page ages the texts from this time (also when it replays them to a page opened later).
const ts = Date.now();
const age = m.backlogAgeS < 60 ? Math.round(m.backlogAgeS) + ' s' : m.backlogAgeS < 3600 ? Math.round(m.backlogAgeS / 60) + ' min' : (m.backlogAgeS / 3600).toFixed(1) + ' h';
return [
    { payload: m.state + ' · ' + Math.round(m.outRate) + '/s out', ts },
    { payload: m.backlog.toLocaleString('en-US') + ' messages' + (m.dropped ? ' · ' + m.dropped + ' dropped' : ''), ts },
    { payload: m.backlog > 0 ? age : '-', ts },
    { payload: (m.diskBytes / 1048576).toFixed(1) + ' MB', ts }
];`;
