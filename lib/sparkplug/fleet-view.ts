import type { CatalogueAsset } from '../catalogue/catalogue-model';
import { isUrgencyRecord, type UrgencyRecord } from '../rul/records';
import { URGENCY_RANK, type UrgencyLevel } from '../rul/urgency';
import type { FleetEntry, Origin } from './host-tracker';

/**
 * The central Fleet overview a control room reads: every edge node (a site's gateway) with its devices (assets),
 * online or offline and since when, how long ago data last arrived, the model version each edge node runs, and the
 * newest maintenance urgency each device's edge sent, most urgent first. The host tracker knows births and deaths;
 * this view adds what the data says (arrival, urgency records) and where each asset sits in the catalogue.
 */

/** Where an asset sits in the plant, from the central asset catalogue. */
export interface AssetPlace {
  site: string;
  line: string;
  cell?: string;
  type?: string;
}

export type PlaceOf = (device: string) => AssetPlace | undefined;

/** Each device's place by its id, which the edge names after the asset id (lib/sparkplug/naming.ts). */
export function placesOfCatalogue(assets: readonly CatalogueAsset[]): PlaceOf {
  const places = new Map<string, AssetPlace>(assets.map((a) => [a.id, { site: a.site, line: a.line, cell: a.cell, type: a.type }]));
  return (device) => places.get(device);
}

export interface DeviceUrgency {
  level: UrgencyLevel;
  rulHours: number;
  lowerHours?: number;
  upperHours?: number;
  /** When the edge estimated it, epoch ms. */
  ts: number;
  modelVersion?: string;
}

export interface OverviewDevice extends Partial<AssetPlace> {
  device: string;
  online: boolean;
  since: number;
  /** When live data of the device last reached the host, epoch ms; undefined: none since the host started. */
  lastDataAt?: number;
  /** Seconds since lastDataAt when the overview was built. */
  lastDataAgeS?: number;
  urgency?: DeviceUrgency;
}

export interface OverviewEntry extends FleetEntry {
  /** The catalogue site of the edge node's devices (several joined by ", "), or the group when none is known. */
  site: string;
  devices: OverviewDevice[];
  lastDataAt?: number;
  lastDataAgeS?: number;
  /** The most urgent level of its devices. */
  level?: UrgencyLevel;
  /** `Models/<type>/Version` node metrics: the model version the edge node runs, per type. */
  models: Array<{ type: string; version: string }>;
  devicesOnline: number;
}

const MODEL_VERSION = /^Models\/(.+)\/Version$/;

/** Higher is more urgent; a device without any estimate yet comes after NORMAL. */
function rank(level: UrgencyLevel | undefined): number {
  return level === undefined ? -1 : URGENCY_RANK[level];
}

/**
 * The order a control room reads: most urgent level first; within a level an offline edge node or device before an
 * online one (its picture is stale), then the shortest remaining life, then by name.
 */
function compareDevices(a: OverviewDevice, b: OverviewDevice): number {
  return rank(b.urgency?.level) - rank(a.urgency?.level) || Number(a.online) - Number(b.online)
    || (a.urgency?.rulHours ?? Infinity) - (b.urgency?.rulHours ?? Infinity) || a.device.localeCompare(b.device);
}

function compareEntries(a: OverviewEntry, b: OverviewEntry): number {
  const shortest = (e: OverviewEntry): number => Math.min(...e.devices.map((d) => (d.urgency && d.urgency.level === e.level ? d.urgency.rulHours : Infinity)));
  return rank(b.level) - rank(a.level) || Number(a.online) - Number(b.online) || shortest(a) - shortest(b)
    || `${a.group}/${a.edge}`.localeCompare(`${b.group}/${b.edge}`);
}

const ageS = (at: number | undefined, now: number): number | undefined => (at === undefined ? undefined : Math.max(0, Math.round((now - at) / 1000)));

export class FleetView {
  private readonly lastData = new Map<string, number>();
  private readonly urgency = new Map<string, DeviceUrgency>();

  private key(origin: Required<Origin>): string {
    return `${origin.group}/${origin.edge}/${origin.device}`;
  }

  /**
   * Data of one device reached the host at `now`. Live elements say the device is heard from; replayed ones
   * (historical) do not. The newest urgency record by its own time wins, live or replayed.
   */
  observe(origin: Required<Origin>, elements: ReadonlyArray<Record<string, unknown>>, now = Date.now()): void {
    const key = this.key(origin);
    if (elements.some((e) => e.historical !== true)) this.lastData.set(key, now);
    for (const e of elements) {
      if (!isUrgencyRecord(e)) continue;
      const record: UrgencyRecord = e;
      const known = this.urgency.get(key);
      if (known && known.ts > record.ts) continue;
      this.urgency.set(key, {
        level: record.level, rulHours: record.rulHours, lowerHours: record.lowerHours, upperHours: record.upperHours, ts: record.ts, modelVersion: record.modelVersion,
      });
    }
  }

  /** The overview of the fleet the tracker knows, most urgent first, ages as of `now`. */
  build(fleet: readonly FleetEntry[], now = Date.now(), placeOf: PlaceOf = () => undefined): OverviewEntry[] {
    return fleet.map((entry) => {
      const devices: OverviewDevice[] = entry.devices.map((d) => {
        const key = this.key({ group: entry.group, edge: entry.edge, device: d.device });
        const lastDataAt = this.lastData.get(key);
        return { ...d, ...placeOf(d.device), lastDataAt, lastDataAgeS: ageS(lastDataAt, now), urgency: this.urgency.get(key) };
      }).sort(compareDevices);
      const heard = devices.map((d) => d.lastDataAt).filter((t): t is number => t !== undefined);
      const lastDataAt = heard.length > 0 ? Math.max(...heard) : undefined;
      const sites = [...new Set(devices.map((d) => d.site).filter((s): s is string => s !== undefined))];
      const models = Object.entries(entry.nodeMetrics).flatMap(([name, value]) => {
        const match = MODEL_VERSION.exec(name);
        return match && typeof value === 'string' ? [{ type: match[1], version: value }] : [];
      });
      return {
        ...entry, site: sites.length > 0 ? sites.join(', ') : entry.group, devices, lastDataAt, lastDataAgeS: ageS(lastDataAt, now),
        level: devices[0]?.urgency?.level, models, devicesOnline: devices.filter((d) => d.online).length,
      };
    }).sort(compareEntries);
  }
}
