import { isWaveform, type Reading } from '../reading/reading';
import { isMachineStateRecord } from '../machine-state/machine-state';
import { isFailureEvent, isRulRecord, isUrgencyRecord, isWorkOrderUpdate } from '../rul/records';
import { isAlertEvent } from '../threshold/alert';
import type { TableRow } from './writer';
import { alarmJournalTable, isAlarmJournalRecord } from './tables/alarm-journal';
import { alarmKpisTable, isAlarmKpiRecord } from './tables/alarm-kpis';
import { alertsTable } from './tables/alerts';
import { failureEventsTable } from './tables/failure-events';
import { featuresTable, isFeatureVector } from './tables/features';
import { isKpiRecord, kpisTable } from './tables/kpis';
import { readingsTable } from './tables/readings';
import { rulEstimatesTable } from './tables/rul-estimates';
import { isSetpointAuditRecord, setpointAuditTable } from './tables/setpoint-audit';
import { waveformsTable } from './tables/waveforms';
import { workOrdersTable } from './tables/work-orders';

function isReading(value: unknown): value is Reading {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.asset === 'string' && typeof v.sensor === 'string' && typeof v.ts === 'number' && Number.isFinite(v.ts)
    && ((typeof v.value === 'number' && Number.isFinite(v.value)) || ArrayBuffer.isView(v.samples) || Array.isArray(v.samples));
}

function withDefaults(reading: Reading): Reading {
  const base = { ...reading, unit: reading.unit ?? '', quality: reading.quality ?? 'good' };
  if (Array.isArray((reading as { samples?: unknown }).samples)) {
    return { ...base, samples: Float32Array.from((reading as unknown as { samples: number[] }).samples) } as Reading;
  }
  return base;
}

const row = (table: unknown, value: unknown): TableRow => ({ table: table as TableRow['table'], row: value });

/**
 * The rows an element becomes; undefined when it is not something the historian stores. Records that name their
 * `kind` are filed by it; readings, alert events and feature vectors by their shape.
 */
function rowsOf(element: unknown): TableRow[] | undefined {
  const kind = element && typeof element === 'object' ? (element as { kind?: unknown }).kind : undefined;
  if (kind !== undefined) {
    if (isRulRecord(element)) return [row(rulEstimatesTable, element)];
    if (isFailureEvent(element)) return [row(failureEventsTable, element)];
    // A decision without a change of level carries no work order: recognised, nothing to store.
    if (isUrgencyRecord(element)) return element.workOrder ? [row(workOrdersTable, element.workOrder)] : [];
    if (isWorkOrderUpdate(element)) return [row(workOrdersTable, element)];
    if (isKpiRecord(element)) return [row(kpisTable, element)];
    if (isSetpointAuditRecord(element)) return [row(setpointAuditTable, element)];
    if (isAlarmJournalRecord(element)) return [row(alarmJournalTable, element)];
    if (isAlarmKpiRecord(element)) return [row(alarmKpisTable, element)];
    // A state change is stored as its state sensor's readings, a failure as the machine-down alert: nothing to add.
    if (isMachineStateRecord(element)) return [];
    return undefined;
  }
  if (isAlertEvent(element)) return [row(alertsTable, element)];
  if (isFeatureVector(element)) return [row(featuresTable, element)];
  if (isReading(element)) {
    const reading = withDefaults(element);
    return [row(isWaveform(reading) ? waveformsTable : readingsTable, reading)];
  }
  return undefined;
}

/** Time-series rows (readings, waveform blocks, feature vectors) of a message that arrived late are stored as historical. */
const LATE_TABLES = new Set(['twin_readings', 'twin_waveforms', 'twin_features']);

function markLate(tableRow: TableRow): TableRow {
  return LATE_TABLES.has(tableRow.table.table) ? { table: tableRow.table, row: { ...(tableRow.row as object), historical: true } } : tableRow;
}

/**
 * Sorts what a message carries into table rows: readings, waveform blocks, alert events, feature vectors, the
 * maintenance records (RUL estimates, failure events, work orders), KPI periods, setpoint audit records and the alarm
 * journal and alarm-load hours. Anything
 * else is named in `problems`; the recognised elements are still written.
 */
export function classifyPayload(payload: unknown, options: { historical?: boolean } = {}): { rows: TableRow[]; problems: string[] } {
  const elements = Array.isArray(payload) ? payload : [payload];
  const rows: TableRow[] = [];
  const problems: string[] = [];
  elements.forEach((element, index) => {
    const found = rowsOf(element);
    if (found) rows.push(...(options.historical ? found.map(markLate) : found));
    else {
      const kind = element && typeof element === 'object' ? (element as { kind?: unknown }).kind : undefined;
      problems.push(kind !== undefined
        ? `element ${index} says it is a "${String(kind)}" record but lacks fields that kind needs`
        : `element ${index} is neither a reading {asset, sensor, ts, value | samples}, an alert event, a feature vector nor a maintenance record`);
    }
  });
  return { rows, problems };
}
