/**
 * Nodes every example flow is made of: the spindle's twin-asset, the historian database, inject buttons and debug
 * nodes, set up as the editor would save them.
 */
import { SPINDLE_ASSET } from '../../lib/asset/presets';
import type { FlowBuilder } from './builder';

/** The spindle preset as a twin-asset config node, under `key` (each example its own, so two imported examples do not clash). */
export function spindleAsset(flow: FlowBuilder, key = 'asset'): string {
  return flow.add(key, {
    type: 'twin-asset', name: SPINDLE_ASSET.name, assetId: SPINDLE_ASSET.id, assetType: SPINDLE_ASSET.type, nominalRpm: '12000', maxRpm: '15000',
    ratedPowerKw: '15', ratedVoltageV: '400', machineGroup: '2', mounting: 'rigid', idealCycleTimeS: '60', bearingElements: '18',
    bearingRollerMm: '11.1', bearingPitchMm: '92.5', bearingAngleDeg: '15', sensors: SPINDLE_ASSET.sensors,
  });
}

/** A twin-db in mode "DATABASE_URL if set, else embedded". */
export function embeddedDb(flow: FlowBuilder, key = 'db'): string {
  return flow.add(key, { type: 'twin-db', name: 'Historian database', mode: 'auto', host: '127.0.0.1', port: '5432', database: 'postgres',
    user: 'postgres', ssl: false, schema: 'public', poolMax: '4', compressAfterDays: '7', retentionDays: '', embeddedDir: '' });
}

export function inject(flow: FlowBuilder, key: string, tab: string, column: number, row: number, name: string, topic: string, payload: string, payloadType: string): string {
  return flow.place(key, tab, column, row, {
    type: 'inject', name, props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], repeat: '', crontab: '', once: false, onceDelay: 0.1,
    topic, payload, payloadType,
  });
}

/** A debug node showing `msg.payload`, or the whole message when its other properties matter (a PLC write's topic). */
export function debug(flow: FlowBuilder, key: string, tab: string, column: number, row: number, name: string, show: 'payload' | 'message' = 'payload'): string {
  return flow.place(key, tab, column, row, { type: 'debug', name, active: true, tosidebar: true, console: false, tostatus: false,
    complete: show === 'message' ? 'true' : 'payload', targetType: show === 'message' ? 'full' : 'msg', statusVal: '', statusType: 'auto', outputs: 0 });
}

/** A catch node for the errors of `scope`, wired to a debug node "errors" beside it. */
export function errorsOf(flow: FlowBuilder, keyPrefix: string, tab: string, column: number, row: number, scope: string[]): string {
  const catcher = flow.place(`${keyPrefix}:catch`, tab, column, row, { type: 'catch', name: 'errors', scope, uncaught: false, outputs: 1 });
  flow.wire(catcher, debug(flow, `${keyPrefix}:errors`, tab, column + 1, row, 'errors'));
  return catcher;
}
