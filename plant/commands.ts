/** The plant's control grammar, shared by stdin, the OPC UA Plant.Control variable and the MQTT control topic. */
export type PlantCommand =
  | { kind: 'fault'; asset: string; sensor: string; fault: 'drift'; amount: number }
  | { kind: 'fault'; asset: string; sensor: string; fault: 'stuck' }
  | { kind: 'fault'; asset: string; sensor: string; fault: 'spikes'; amount: number }
  | { kind: 'network'; seconds: number }
  | { kind: 'offline'; asset: string }
  | { kind: 'clear'; asset: string; sensor?: string }
  | { kind: 'setpoint'; asset: string; rpm: number }
  | { kind: 'wear'; asset: string; wear: number }
  | { kind: 'run'; asset: string; running: boolean }
  | { kind: 'repair'; asset: string }
  | { kind: 'status' }
  | { kind: 'help' };

export const COMMAND_HELP = [
  'fault <asset> <sensor> drift <units per minute>   transmitter drifts away from the true value',
  'fault <asset> <sensor> stuck                      transmitter freezes at its present value',
  'fault <asset> <sensor> spikes <magnitude>         random spikes of ± magnitude',
  'fault network <seconds>                           PLC stops answering (OPC UA and Modbus) for a while',
  'fault <asset> offline                             the machine\'s PLC stops answering: its Modbus unit is silent,',
  '                                                  its OPC UA values turn BadNoCommunication (clear <asset> ends it)',
  'clear <asset> [sensor]                            removes sensor faults (and ends offline)',
  'setpoint <asset> <rpm>                            new speed setpoint',
  'wear <asset> <0..1>                               sets bearing wear (1 = failed)',
  'stop <asset> | start <asset>                      stops or starts the machine',
  'repair <asset>                                    fits a new bearing and restarts',
  'status                                            one line per machine',
].join('\n');

function number(text: string | undefined, what: string): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(value)) throw new Error(`${what} must be a number, got "${text ?? ''}"`);
  return value;
}

/** Parses one command line; throws an Error whose message tells the operator what is wrong. */
export function parseCommand(line: string): PlantCommand {
  const words = line.trim().split(/\s+/).filter((w) => w.length > 0);
  const [verb, a, b, c, d] = words;
  switch (verb?.toLowerCase()) {
    case 'fault':
      if (a === 'network') return { kind: 'network', seconds: number(b, 'seconds') };
      if (a && b === 'offline' && c === undefined) return { kind: 'offline', asset: a };
      if (!a || !b) throw new Error('usage: fault <asset> <sensor> drift|stuck|spikes [amount], or fault <asset> offline');
      if (c === 'drift') return { kind: 'fault', asset: a, sensor: b, fault: 'drift', amount: number(d, 'drift rate') };
      if (c === 'stuck') return { kind: 'fault', asset: a, sensor: b, fault: 'stuck' };
      if (c === 'spikes') return { kind: 'fault', asset: a, sensor: b, fault: 'spikes', amount: number(d, 'spike magnitude') };
      throw new Error(`unknown fault "${c ?? ''}": use drift, stuck or spikes`);
    case 'clear':
      if (!a) throw new Error('usage: clear <asset> [sensor]');
      return { kind: 'clear', asset: a, sensor: b };
    case 'setpoint':
      if (!a) throw new Error('usage: setpoint <asset> <rpm>');
      return { kind: 'setpoint', asset: a, rpm: number(b, 'rpm') };
    case 'wear': {
      if (!a) throw new Error('usage: wear <asset> <0..1>');
      const wear = number(b, 'wear');
      if (wear < 0 || wear > 1) throw new Error('wear must be between 0 and 1');
      return { kind: 'wear', asset: a, wear };
    }
    case 'stop':
    case 'start':
      if (!a) throw new Error(`usage: ${verb} <asset>`);
      return { kind: 'run', asset: a, running: verb.toLowerCase() === 'start' };
    case 'repair':
      if (!a) throw new Error('usage: repair <asset>');
      return { kind: 'repair', asset: a };
    case 'status':
      return { kind: 'status' };
    case 'help':
    case '?':
      return { kind: 'help' };
    default:
      throw new Error(`unknown command "${verb ?? ''}" (type "help" for the list)`);
  }
}
