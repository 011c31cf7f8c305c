import type { FeatureVector } from '../features/feature-vector';
import type { Quality } from '../reading/reading';
import type { MetricType, MetricValue, PropertyValue } from './codec';

/**
 * How the pack's messages become Sparkplug metrics of a device (= one asset) and back. One rule, used by the edge
 * to publish and by the host to rebuild what the edge's flow saw:
 *
 * - `Readings/<sensor>`: Double, one metric per reading with its source time; quality other than good as the
 *   `Quality` property (OPC DA codes, as Ignition reads them: 192 good, 64 uncertain, 0 bad).
 * - `Waveforms/<sensor>`: Bytes, the block's samples as little-endian float32, `sampleRate` as a property.
 * - `Features/<name>`: Double per feature of a vector; `Features/<sensor>.isoZone`: String.
 * - `Records/<kind>`: String holding the JSON record (rul, urgency, failure-event, work-order, kpi,
 *   setpoint-audit, alert, health): lossless for the central twin.
 * - `RUL/Hours`, `RUL/Lower hours`, `RUL/Upper hours`, `Urgency/Level`: plain values for any SCADA host.
 *
 * A metric's unit travels once, in the birth certificate (`engUnit` property), as Sparkplug hosts expect.
 */
export interface MetricSample {
  name: string;
  type: MetricType;
  value: MetricValue;
  /** Source time, epoch ms. */
  timestamp: number;
  /** Sent with the value. */
  properties?: Record<string, PropertyValue>;
  /** Part of the metric's definition: announced in the birth; a change needs a new birth. */
  unit?: string;
}

export interface DeviceSamples {
  asset: string;
  samples: MetricSample[];
}

const QUALITY_CODES: Record<Quality, number> = { good: 192, uncertain: 64, bad: 0 };

export function qualityOfCode(code: number): Quality {
  if (code >= 192) return 'good';
  if (code >= 64) return 'uncertain';
  return 'bad';
}

export const RECORD_PREFIX = 'Records/';
export const READING_PREFIX = 'Readings/';
export const WAVEFORM_PREFIX = 'Waveforms/';
export const FEATURE_PREFIX = 'Features/';
const ISO_ZONE_SUFFIX = '.isoZone';

const RECORD_KINDS = new Set(['rul', 'urgency', 'failure-event', 'work-order', 'kpi', 'setpoint-audit']);

type Element = Record<string, unknown>;

const isObject = (v: unknown): v is Element => !!v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const text = (v: unknown): v is string => typeof v === 'string' && v !== '';

export function floatBytes(samples: Float32Array | number[]): Uint8Array {
  const out = Buffer.alloc(samples.length * 4);
  for (let i = 0; i < samples.length; i++) out.writeFloatLE(samples[i], i * 4);
  return out;
}

export function floatsOf(bytes: Uint8Array): Float32Array {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(Math.floor(view.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = view.readFloatLE(i * 4);
  return out;
}

function qualityProperty(quality: unknown): Record<string, PropertyValue> | undefined {
  return quality === 'uncertain' || quality === 'bad' ? { Quality: { type: 'Int32', value: QUALITY_CODES[quality] } } : undefined;
}

function readingSamples(e: Element): MetricSample[] | string {
  const sensor = e.sensor as string;
  const unit = typeof e.unit === 'string' ? e.unit : '';
  if (e.samples !== undefined) {
    if (!(e.samples instanceof Float32Array || Array.isArray(e.samples))) return 'waveform samples must be a Float32Array or an array of numbers';
    if (!finite(e.sampleRate) || e.sampleRate <= 0) return 'a waveform block needs a positive sampleRate';
    const properties: Record<string, PropertyValue> = { sampleRate: { type: 'Double', value: e.sampleRate }, ...qualityProperty(e.quality) };
    return [{ name: `${WAVEFORM_PREFIX}${sensor}`, type: 'Bytes', value: floatBytes(e.samples as Float32Array), timestamp: e.ts as number, properties, unit }];
  }
  if (!finite(e.value)) return 'value must be a finite number';
  const sample: MetricSample = { name: `${READING_PREFIX}${sensor}`, type: 'Double', value: e.value, timestamp: e.ts as number, unit };
  const properties = qualityProperty(e.quality);
  if (properties) sample.properties = properties;
  return [sample];
}

function featureSamples(vector: FeatureVector): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const [name, value] of Object.entries(vector.features)) {
    if (!finite(value)) continue;
    samples.push({ name: `${FEATURE_PREFIX}${name}`, type: 'Double', value, timestamp: vector.ts, unit: vector.units?.[name] ?? '' });
  }
  for (const [sensor, zone] of Object.entries(vector.isoZones ?? {})) {
    samples.push({ name: `${FEATURE_PREFIX}${sensor}${ISO_ZONE_SUFFIX}`, type: 'String', value: String(zone), timestamp: vector.ts });
  }
  return samples;
}

function recordSamples(kind: string, e: Element): MetricSample[] {
  const ts = e.ts as number;
  const samples: MetricSample[] = [{ name: `${RECORD_PREFIX}${kind}`, type: 'String', value: JSON.stringify(e), timestamp: ts }];
  if (kind === 'rul') {
    const figures: Array<[string, unknown]> = [['RUL/Hours', e.rulHours], ['RUL/Lower hours', e.lowerHours], ['RUL/Upper hours', e.upperHours]];
    for (const [name, value] of figures) if (finite(value)) samples.push({ name, type: 'Double', value, timestamp: ts, unit: 'h' });
  }
  if (kind === 'urgency' && text(e.level)) samples.push({ name: 'Urgency/Level', type: 'String', value: e.level, timestamp: ts });
  return samples;
}

/** What kind of element this is, by the same rules the historian files them. */
function kindOf(e: Element): 'reading' | 'features' | 'alert' | 'health' | string | undefined {
  if (typeof e.kind === 'string') return RECORD_KINDS.has(e.kind) ? e.kind : undefined;
  if (text(e.sensor) && (e.value !== undefined || e.samples !== undefined) && e.level === undefined) return 'reading';
  if (text(e.sensor) && text(e.level) && text(e.state) && text(e.id)) return 'alert';
  if (isObject(e.features)) return 'features';
  if (isObject(e.sensors)) return 'health';
  return undefined;
}

/**
 * The metrics of a message's payload (one element or an array), grouped by asset in the order they came.
 * Elements that are none of the pack's messages are named in `problems`; the others still go out.
 */
export function samplesOfPayload(payload: unknown): { devices: DeviceSamples[]; accepted: unknown[]; problems: string[] } {
  const elements = Array.isArray(payload) ? payload : [payload];
  const byAsset = new Map<string, MetricSample[]>();
  const accepted: unknown[] = [];
  const problems: string[] = [];
  elements.forEach((element, index) => {
    const refuse = (why: string): void => { problems.push(`element ${index}: ${why}`); };
    if (!isObject(element)) { refuse('not an object'); return; }
    if (!text(element.asset)) { refuse('no asset id'); return; }
    if (!finite(element.ts)) { refuse('no valid ts (epoch ms)'); return; }
    const kind = kindOf(element);
    let samples: MetricSample[] | string;
    if (kind === 'reading') samples = readingSamples(element);
    else if (kind === 'features') samples = featureSamples(element as unknown as FeatureVector);
    else if (kind === 'alert' || kind === 'health') samples = recordSamples(kind, element);
    else if (kind !== undefined) samples = recordSamples(kind, element);
    else samples = 'neither a reading, a feature vector, an alert, a health report nor a maintenance record';
    if (typeof samples === 'string') { refuse(samples); return; }
    const list = byAsset.get(element.asset) ?? [];
    list.push(...samples);
    byAsset.set(element.asset, list);
    accepted.push(element);
  });
  return { devices: [...byAsset].map(([asset, samples]) => ({ asset, samples })), accepted, problems };
}

/** A metric value as the host received it, with the definition its birth gave. */
export interface ReceivedMetric {
  name: string;
  type: MetricType;
  value: MetricValue;
  timestamp: number;
  historical: boolean;
  unit: string;
  properties: Record<string, PropertyValue>;
}

/**
 * Rebuilds the pack's messages from one device's metrics: readings, waveform blocks, feature vectors (one per
 * timestamp) and records. Summary metrics (`RUL/…`, `Urgency/…`) and anything not ours are left out: the records
 * carry the same facts. Unparseable records are named in `problems`.
 */
export function elementsOfMetrics(asset: string, metrics: ReceivedMetric[]): { elements: Element[]; problems: string[] } {
  const elements: Element[] = [];
  const problems: string[] = [];
  const vectors = new Map<number, { vector: FeatureVector; historical: boolean }>();
  const vectorAt = (ts: number, historical: boolean): FeatureVector => {
    let entry = vectors.get(ts);
    if (!entry) {
      entry = { vector: { asset, ts, features: {}, units: {}, windows: {}, quality: {} }, historical };
      vectors.set(ts, entry);
      elements.push(entry.vector as unknown as Element);
    }
    return entry.vector;
  };
  for (const m of metrics) {
    if (m.value === null) continue;
    const mark = (e: Element): Element => (m.historical ? { ...e, historical: true } : e);
    const qualityCode = m.properties.Quality?.value;
    const quality = typeof qualityCode === 'number' ? qualityOfCode(qualityCode) : 'good';
    if (m.name.startsWith(READING_PREFIX) && typeof m.value === 'number') {
      elements.push(mark({ asset, sensor: m.name.slice(READING_PREFIX.length), value: m.value, unit: m.unit, ts: m.timestamp, quality }));
    } else if (m.name.startsWith(WAVEFORM_PREFIX) && m.value instanceof Uint8Array) {
      const sampleRate = m.properties.sampleRate?.value;
      elements.push(mark({ asset, sensor: m.name.slice(WAVEFORM_PREFIX.length), samples: floatsOf(m.value), sampleRate, unit: m.unit, ts: m.timestamp, quality }));
    } else if (m.name.startsWith(FEATURE_PREFIX)) {
      const name = m.name.slice(FEATURE_PREFIX.length);
      const vector = vectorAt(m.timestamp, m.historical);
      if (name.endsWith(ISO_ZONE_SUFFIX) && typeof m.value === 'string') {
        vector.isoZones = { ...vector.isoZones, [name.slice(0, -ISO_ZONE_SUFFIX.length)]: m.value as never };
      } else if (typeof m.value === 'number') {
        vector.features[name] = m.value;
        if (m.unit) vector.units[name] = m.unit;
      }
    } else if (m.name.startsWith(RECORD_PREFIX) && typeof m.value === 'string') {
      try {
        const record = JSON.parse(m.value) as unknown;
        if (!isObject(record)) throw new Error('not an object');
        elements.push(mark({ ...record, asset }));
      } catch (err) {
        problems.push(`${m.name} at ${m.timestamp}: not a JSON record (${err instanceof Error ? err.message : String(err)})`);
      }
    }
  }
  for (const { vector, historical } of vectors.values()) if (historical) (vector as unknown as Element).historical = true;
  return { elements, problems };
}
