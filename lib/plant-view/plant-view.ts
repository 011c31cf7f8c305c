import type { AlarmLimits, SensorDefinition } from '../asset/asset-model';
import type { CatalogueAsset } from '../catalogue/catalogue-model';
import type { MachineStateFact } from '../facts/plant-facts';
import type { Reading } from '../reading/reading';
import { isWaveform } from '../reading/reading';
import type { UrgencyRecord } from '../rul/records';
import type { UrgencyLevel } from '../rul/urgency';
import { lineKey, type DisplayNames } from './display-names';

/**
 * What the plant's dashboard pages show, kept apart from Node-RED: the Fleet overview (every machine grouped by site
 * and line, most urgent first, paged, with counts per level) and one machine page for whichever machine an operator
 * picks. It keeps every machine's newest urgency decision, RUL-ladder estimate and readings; the names shown come from
 * DisplayNames. Machines come from the asset catalogue; one that only sends estimates still gets a row.
 */

/** Rows a page of the Fleet overview shows: a plant of 50 machines is paged, the most urgent line on page 1. */
export const DEFAULT_PAGE_ROWS = 15;

/** Where a machine that the catalogue does not hold is listed. */
const UNCATALOGUED = { site: '', line: '' };

const RANK: Record<UrgencyLevel, number> = { CRITICAL: 0, WARNING: 1, NORMAL: 2 };
/** A machine with no estimate yet sorts after NORMAL: nothing is known to need attention. */
const NO_ESTIMATE_RANK = 3;

/** twin-health's RUL-ladder estimate of a machine, shown beside the estimate twin-urgency decided on. */
export interface LadderEstimate {
  model: string;
  rulHours: number;
  health?: number;
  ts: number;
}

/** A machine and its place in the plant, by id and by the names shown. */
export interface MachinePlace {
  asset: string;
  name: string;
  type: string;
  site: string;
  siteName: string;
  line: string;
  /** `site/line`: a line id is unique within its site only. */
  lineKey: string;
  lineName: string;
}

export interface FleetRow extends MachinePlace {
  /** Absent until the machine's first remaining-life estimate. */
  level?: UrgencyLevel;
  since?: number;
  rulHours?: number;
  lowerHours?: number;
  upperHours?: number;
  capped?: boolean;
  confidence?: string;
  actions: string[];
  ts?: number;
  modelVersion?: string;
  ladder?: LadderEstimate;
  machineState?: MachineStateFact;
}

/** Machines per level; a machine that is DOWN counts as DOWN, not by its last estimate's level. */
export type LevelCounts = Record<UrgencyLevel | 'DOWN' | 'waiting', number>;

export interface FleetLine {
  key: string;
  site: string;
  siteName: string;
  line: string;
  lineName: string;
  machines: number;
  counts: LevelCounts;
}

/** A row of the overview, with the index of its line in `lines`. */
export type FleetViewRow = FleetRow & { lineIndex: number };

export interface FleetView {
  /** Grouped by site, then line (the line with the most urgent machine first), most urgent first within a line. */
  rows: FleetViewRow[];
  lines: FleetLine[];
  counts: LevelCounts;
  pageRows: number;
  pages: number;
}

export type LimitState = 'alarm' | 'warning' | 'normal' | 'no limits';

/** Units whose values are whole numbers (a state code, a counter): shown without decimals. */
const WHOLE_NUMBER_UNITS: ReadonlySet<string> = new Set(['state', 'count']);

export interface SensorValue {
  id: string;
  name: string;
  unit: string;
  kind: SensorDefinition['kind'];
  value?: number;
  /** The value is a whole number by its unit (a state code, a count). */
  whole: boolean;
  /** Samples per second of a waveform's newest block. */
  sampleRate?: number;
  ts?: number;
  quality?: string;
  limit: LimitState;
  /** The limits as text ("warning > 70, alarm > 85"), '' when none. */
  limits: string;
}

export interface MachinePage extends MachinePlace {
  /** The machine's state by the pack's machine-state rule (lib/machine-state), null while no node publishes one. */
  state: MachineStateFact | null;
  /** The plant's own names (empty when none), for the rename form. */
  ownNames: { machine: string; line: string; site: string };
  catalogueName: string;
  cell?: string;
  row?: FleetRow;
  sensors: SensorValue[];
}

export interface MachineListEntry {
  asset: string;
  name: string;
  group: string;
  level?: UrgencyLevel;
}

interface LatestValue {
  value?: number;
  sampleRate?: number;
  ts: number;
  quality: string;
}

function emptyCounts(): LevelCounts {
  return { DOWN: 0, CRITICAL: 0, WARNING: 0, NORMAL: 0, waiting: 0 };
}

/** A machine stopped on a failure comes before every level: whatever its last estimate said, it needs someone now. */
const DOWN_RANK = -1;

const isDown = (row: FleetRow) => row.machineState?.state === 'down';

/** Where a machine is counted: a failed machine is not NORMAL because its last estimate, made while it ran, was. */
const countedAs = (row: FleetRow): keyof LevelCounts => (isDown(row) ? 'DOWN' : row.level ?? 'waiting');

function rankOf(row: FleetRow): number {
  if (isDown(row)) return DOWN_RANK;
  return row.level ? RANK[row.level] : NO_ESTIMATE_RANK;
}

/** Most urgent first; within a level the least remaining life first (0: as urgent, or neither has an estimate). */
function urgencyOrder(a: FleetRow, b: FleetRow): number {
  return rankOf(a) - rankOf(b) || (a.rulHours ?? Infinity) - (b.rulHours ?? Infinity) || 0;
}

/** Machines within a line: by urgency, then by name. */
function byUrgency(a: FleetRow, b: FleetRow): number {
  return urgencyOrder(a, b) || a.name.localeCompare(b.name);
}

function exceeds(value: number, limits: AlarmLimits | undefined): boolean {
  return limits !== undefined && ((limits.high !== undefined && value > limits.high) || (limits.low !== undefined && value < limits.low));
}

export function limitState(sensor: SensorDefinition, value: number | undefined): LimitState {
  if (!sensor.warning && !sensor.alarm) return 'no limits';
  if (value === undefined) return 'normal';
  if (exceeds(value, sensor.alarm)) return 'alarm';
  return exceeds(value, sensor.warning) ? 'warning' : 'normal';
}

function describeLimits(sensor: SensorDefinition): string {
  const side = (label: string, limits: AlarmLimits | undefined): string[] => [
    limits?.low !== undefined ? `${label} < ${limits.low}` : '', limits?.high !== undefined ? `${label} > ${limits.high}` : '',
  ];
  return [...side('warning', sensor.warning), ...side('alarm', sensor.alarm)].filter(Boolean).join(', ');
}

export class PlantView {
  private readonly assets = new Map<string, CatalogueAsset>();
  private readonly decisions = new Map<string, UrgencyRecord & { since: number }>();
  private readonly ladders = new Map<string, LadderEstimate>();
  private readonly latest = new Map<string, Map<string, LatestValue>>();

  constructor(catalogueAssets: readonly CatalogueAsset[], private readonly names: DisplayNames, readonly pageRows = DEFAULT_PAGE_ROWS,
    private readonly stateOf: (asset: string) => MachineStateFact | null = () => null) {
    for (const asset of catalogueAssets) this.assets.set(asset.id, asset);
  }

  has(asset: string): boolean {
    return this.assets.has(asset) || this.decisions.has(asset);
  }

  /** twin-urgency's decision (one per estimate); returns whether the machine's level changed. */
  addUrgency(record: UrgencyRecord): boolean {
    const before = this.decisions.get(record.asset);
    const since = record.changed || !before ? record.ts : before.since;
    this.decisions.set(record.asset, { ...record, since });
    return before?.level !== record.level;
  }

  /** twin-health's ladder estimates: RUL records that name the rung (`model`). */
  addLadder(estimates: readonly { asset: string; model: string; rulHours: number; health?: number; ts: number }[]): void {
    for (const e of estimates) this.ladders.set(e.asset, { model: e.model, rulHours: e.rulHours, health: e.health, ts: e.ts });
  }

  /** Keeps each sensor's newest live reading; returns the machines that got one. Replayed backlog is not "now". */
  addReadings(readings: readonly Reading[]): Set<string> {
    const touched = new Set<string>();
    for (const reading of readings) {
      if (reading.historical) continue;
      let sensors = this.latest.get(reading.asset);
      if (!sensors) this.latest.set(reading.asset, (sensors = new Map()));
      const before = sensors.get(reading.sensor);
      if (before && before.ts > reading.ts) continue;
      sensors.set(reading.sensor, isWaveform(reading)
        ? { sampleRate: reading.sampleRate, ts: reading.ts, quality: reading.quality }
        : { value: reading.value, ts: reading.ts, quality: reading.quality });
      touched.add(reading.asset);
    }
    return touched;
  }

  private place(asset: string): { site: string; line: string; catalogueName?: string; type: string } {
    const entry = this.assets.get(asset);
    return entry ? { site: entry.site, line: entry.line, catalogueName: entry.name, type: entry.type } : { ...UNCATALOGUED, type: '' };
  }

  private siteName(site: string): string {
    return site === '' ? 'Not in the catalogue' : this.names.nameOf('site', site);
  }

  private lineName(site: string, line: string): string {
    return line === '' ? '—' : this.names.nameOf('line', lineKey(site, line));
  }

  private row(asset: string): FleetRow {
    const { site, line, catalogueName, type } = this.place(asset);
    const d = this.decisions.get(asset);
    const base: FleetRow = {
      asset, name: this.names.nameOf('machine', asset, catalogueName), type, site, siteName: this.siteName(site), line, lineKey: lineKey(site, line),
      lineName: this.lineName(site, line), actions: [], ladder: this.ladders.get(asset),
    };
    if (!d) return base;
    return {
      ...base, level: d.level, since: d.since, rulHours: d.rulHours, lowerHours: d.lowerHours, upperHours: d.upperHours, capped: d.capped,
      confidence: d.confidence, actions: d.actions, ts: d.ts, modelVersion: d.modelVersion, machineState: d.machineState,
    };
  }

  private allRows(): FleetRow[] {
    const ids = new Set([...this.assets.keys(), ...this.decisions.keys()]);
    return [...ids].map((id) => this.row(id));
  }

  fleet(): FleetView {
    const byLine = new Map<string, FleetRow[]>();
    for (const row of this.allRows()) {
      const rows = byLine.get(row.lineKey) ?? [];
      rows.push(row);
      byLine.set(row.lineKey, rows);
    }
    const groups = [...byLine.values()].map((rows) => rows.sort(byUrgency));
    // A site's place is that of its most urgent machine, and so is a line's within its site: page 1 shows the worst.
    const siteHead = new Map<string, FleetRow>();
    for (const rows of groups) {
      const head = siteHead.get(rows[0].site);
      if (!head || urgencyOrder(rows[0], head) < 0) siteHead.set(rows[0].site, rows[0]);
    }
    groups.sort((a, b) => {
      if (a[0].site !== b[0].site) return urgencyOrder(siteHead.get(a[0].site)!, siteHead.get(b[0].site)!) || a[0].siteName.localeCompare(b[0].siteName);
      return urgencyOrder(a[0], b[0]) || a[0].lineName.localeCompare(b[0].lineName);
    });
    const counts = emptyCounts();
    const lines: FleetLine[] = groups.map((rows) => {
      const lineCounts = emptyCounts();
      for (const row of rows) {
        const counted = countedAs(row);
        lineCounts[counted]++;
        counts[counted]++;
      }
      const { lineKey: key, site, siteName, line, lineName } = rows[0];
      return { key, site, siteName, line, lineName, machines: rows.length, counts: lineCounts };
    });
    const rows = groups.flatMap((group, lineIndex) => group.map((row) => ({ ...row, lineIndex })));
    return { rows, lines, counts, pageRows: this.pageRows, pages: Math.max(1, Math.ceil(rows.length / this.pageRows)) };
  }

  /** Every machine for the machine page's list, in the Fleet overview's order. */
  machineList(): MachineListEntry[] {
    return this.fleet().rows.map((row) => ({ asset: row.asset, name: row.name, group: `${row.siteName} › ${row.lineName}`, level: row.level }));
  }

  machinePage(asset: string): MachinePage | undefined {
    if (!this.has(asset)) return undefined;
    const entry = this.assets.get(asset);
    const row = this.row(asset);
    const latest = this.latest.get(asset);
    const sensors: SensorValue[] = (entry?.sensors ?? []).map((sensor) => {
      const value = latest?.get(sensor.id);
      return {
        id: sensor.id, name: sensor.name, unit: sensor.unit, kind: sensor.kind, value: value?.value, whole: WHOLE_NUMBER_UNITS.has(sensor.unit), sampleRate: value?.sampleRate, ts: value?.ts,
        quality: value?.quality, limit: limitState(sensor, value?.value), limits: describeLimits(sensor),
      };
    });
    return {
      asset, name: row.name, state: this.stateOf(asset), catalogueName: entry?.name ?? '', type: row.type, site: row.site, siteName: row.siteName, line: row.line,
      lineKey: row.lineKey, lineName: row.lineName, cell: entry?.cell, row: row.level ? row : undefined, sensors,
      ownNames: { machine: this.names.ownName('machine', asset), line: this.names.ownName('line', row.lineKey), site: this.names.ownName('site', row.site) },
    };
  }
}
