/** What the health twin tells the rest of the pack: readings for the historian and RUL records for twin-urgency. */
import type { ScalarReading } from '../reading/reading';
import type { LadderModel } from '../rul/ladder/rul-ladder';
import type { RulRecord } from '../rul/records';
import type { HealthTwinRow } from './health-twin';

/** A RUL record twin-urgency reads, naming the ladder model that produced it and the health behind it. */
export interface LadderRulRecord extends RulRecord {
  model: LadderModel;
  basis: string;
  health: number;
  anomaly: number;
  onsetTs?: number;
}

/** `health.index`, `health.anomaly` and `health.rul` readings of a scored row (none while learning). */
export function healthReadings(row: HealthTwinRow): ScalarReading[] {
  const { reading, estimate } = row;
  if (reading.health === undefined || reading.anomaly === undefined) return [];
  const quality = reading.sensorFaults.length > 0 ? 'uncertain' : 'good';
  const base = { asset: reading.asset, ts: reading.ts, quality } as const;
  const out: ScalarReading[] = [
    { ...base, sensor: 'health.index', unit: '1', value: reading.health },
    { ...base, sensor: 'health.anomaly', unit: '1', value: reading.anomaly },
  ];
  if (estimate?.rulHours !== undefined && Number.isFinite(estimate.rulHours)) out.push({ ...base, sensor: 'health.rul', unit: 'h', value: estimate.rulHours });
  return out;
}

/** The row's ladder estimate as a RUL record (modelVersion `ladder:<model>`); undefined without one. */
export function ladderRecord(row: HealthTwinRow): LadderRulRecord | undefined {
  const { reading, estimate } = row;
  if (!estimate || estimate.rulHours === undefined || !Number.isFinite(estimate.rulHours) || reading.health === undefined || reading.anomaly === undefined) return undefined;
  const finite = (hours: number | undefined): number | undefined => (hours !== undefined && Number.isFinite(hours) ? hours : undefined);
  return {
    kind: 'rul', asset: reading.asset, ts: reading.ts, rulHours: estimate.rulHours, lowerHours: finite(estimate.lowerHours), upperHours: finite(estimate.upperHours),
    capped: false, confidence: reading.sensorFaults.length > 0 ? 'reduced' : 'normal',
    modelVersion: `ladder:${estimate.model}`, model: estimate.model, basis: estimate.basis, health: reading.health, anomaly: reading.anomaly, onsetTs: estimate.onset?.sinceTs,
  };
}
