/**
 * The what-if example: a function node standing in for the PLC with an hour of spindle readings at three speeds,
 * so twin-scenario can identify how the spindle's temperature, power and vibration follow its speed, then
 * scenarios, a grid and the setpoint request that applies one.
 */
import { FlowBuilder, type FlowNode } from './builder';
import { bearingStageVectors } from './example-spindle-vectors';
import { debug, errorsOf, inject, spindleAsset } from './example-nodes';
import { defaultModel } from './maintenance-examples';

/** The speeds of the hour the function sends, 20 minutes each, as fractions of the nominal 12,000 rpm. */
const HISTORY_SPEEDS = [0.9, 1.1, 1.0];
/** The illustration's bearing thermal time constant, s. */
export const HISTORY_TIME_CONSTANT_S = 240;

function historyCode(todaysFeatures: Record<string, number>): string {
  return `// Stands in for the PLC: the last hour of spindle readings, a set every 5 s, 20 minutes each at ${HISTORY_SPEEDS.map((f) => `${Math.round(f * 100)} %`).join(', ')}
// of the nominal 12,000 rpm (twin-scenario needs 30 minutes or more, at speeds at least 10 % apart, to identify its models).
// An illustration, not the simulator's physics:
//   bearing temperature: first order, time constant ${HISTORY_TIME_CONSTANT_S / 60} min, heading for 22 °C + 20 K × (n/12000)^1.5 + 6 K × load/100
//   load: 60 % ± 8 % over each 60-s part cycle; motor power: 0.8 kW + 14 kW × load/100 × n/12000 (torque × speed)
//   vibration velocity: 0.25 + 0.6 × (n/12000)² mm/s; one part per 60 s at 12,000 rpm (sooner when faster), every 25th scrap
// then today's feature vector, as twin-features sends it (a healthy bearing), for the RUL of each scenario.
const nominal = 12000, stepS = 5, tauS = ${HISTORY_TIME_CONSTANT_S}, speeds = [${HISTORY_SPEEDS.join(', ')}];
const end = Date.now(), start = end - 3600 * 1000;
let seed = 12345;
function noise(amplitude) { seed = (seed * 16807) % 2147483647; return amplitude * (seed / 2147483647 - 0.5); }
function steadyTemp(fraction, load) { return 22 + 20 * Math.pow(fraction, 1.5) + 6 * load / 100; }
let temp = steadyTemp(speeds[0], 60), work = 0;
const readings = [];
for (let t = 0; t <= 3600; t += stepS) {
    const ts = start + t * 1000;
    const fraction = speeds[Math.min(speeds.length - 1, Math.floor(t / 1200))];
    const load = 60 + 8 * Math.sin(2 * Math.PI * t / 60);
    temp += (steadyTemp(fraction, load) - temp) * (1 - Math.exp(-stepS / tauS));
    work += stepS * fraction / 60;
    const parts = 1200 + Math.floor(work), scrap = 48 + Math.floor(Math.floor(work) / 25);
    const values = {
        speed: nominal * fraction, speedSetpoint: nominal * fraction, load: load + noise(0.5), state: 1,
        motorPower: 0.8 + 14 * load / 100 * fraction + noise(0.05), bearingTemp: temp + noise(0.05),
        vibration: 0.25 + 0.6 * fraction * fraction + noise(0.02), partCount: parts, goodCount: parts - scrap, scrapCount: scrap,
    };
    const units = { speed: 'rpm', speedSetpoint: 'rpm', load: '%', state: 'state', motorPower: 'kW', bearingTemp: '°C', vibration: 'mm/s',
        partCount: 'count', goodCount: 'count', scrapCount: 'count' };
    for (const sensor of Object.keys(values)) readings.push({ asset: 'spindle-1', sensor, value: values[sensor], unit: units[sensor], ts, quality: 'good' });
}
const features = ${JSON.stringify(todaysFeatures)};
return [[{ topic: 'readings', payload: readings }, { topic: 'features/spindle-1', payload: { asset: 'spindle-1', ts: end, features, quality: {} } }]];`;
}

export function scenarioExample(): FlowNode[] {
  const flow = new FlowBuilder();
  const tab = flow.add('whatif:tab', { type: 'tab', label: 'What-if scenarios', disabled: false, info: '' });
  flow.place('whatif:comment', tab, 0, 0, { type: 'comment', name: 'twin-scenario: what if the spindle ran 15 % faster?', outputs: 0,
    info: 'First press "last hour of readings": a function standing in for the PLC sends an hour of spindle readings at three speeds\n' +
      '(see its code) and today\'s feature vector. Then "+15 % speed": twin-scenario identifies its thermal, power and vibration\n' +
      'models from that hour and answers with every figure as {value, unit, model}: throughput +15 %, motor power, energy per part,\n' +
      'bearing temperature, vibration and ISO zone, bearing life, RUL from the shipped model, ROI; scrap is unavailable (it needs\n' +
      'hundreds of parts). "grid: cooling × speed" ranks 14 cooling set-ups × 5 speeds and gives the Pareto front. "apply +15 %"\n' +
      'checks the scenario against the limits again and sends the setpoint request (13,800 rpm) on output 2, for twin-setpoint.' });
  const asset = spindleAsset(flow, 'whatif:asset');
  const model = defaultModel(flow, 'whatif:model');
  const history = flow.placeFunction('whatif:plc', tab, 1, 2, 'PLC: an hour at three speeds', historyCode(bearingStageVectors()[0].features));
  const scenario = flow.place('whatif:scenario', tab, 2, 3, { type: 'twin-scenario', name: '', asset, model, objective: 'roi', ambientC: '22',
    historyHours: '6', reidentifyMinutes: '10', market: 'capacity', limitLevel: 'warning', maxZone: 'B', currentCooling: 'water jacket 4 l/min', outputs: 3 });
  flow.wire(inject(flow, 'whatif:history', tab, 0, 2, 'last hour of readings', '', '', 'date'), history);
  flow.wire(history, scenario);
  const requests: Array<[string, string, string, object]> = [
    ['whatif:faster', '+15 % speed', 'scenario', { changes: { speedPercent: 15 } }],
    ['whatif:grid', 'grid: cooling × speed', 'scenario', { grid: { cooling: 'all', speedPercent: [0, 5, 10, 15, 20] }, objective: 'roi' }],
    ['whatif:apply', 'apply +15 %', 'apply', { changes: { speedPercent: 15 }, requestedBy: 'example user' }],
  ];
  requests.forEach(([key, name, topic, payload], i) => flow.wire(inject(flow, key, tab, 0, 3 + i, name, topic, JSON.stringify(payload), 'json'), scenario));
  flow.wire(scenario, debug(flow, 'whatif:results', tab, 3, 2, 'scenario results'), 0);
  flow.wire(scenario, debug(flow, 'whatif:request', tab, 3, 4, 'setpoint request'), 1);
  flow.wire(scenario, debug(flow, 'whatif:refusal', tab, 3, 5, 'apply refused', 'message'), 2);
  errorsOf(flow, 'whatif', tab, 2, 6, [scenario]);
  return flow.nodes;
}
