import type { KpiRecord } from './kpi-record';

/**
 * Before/after savings: a baseline period (the plant before the twin, from stored KPI periods or figures an engineer
 * enters) against the twin period. Periods differ in length, so the baseline is scaled to the twin period's length
 * first ("what the old plant would have lost in as long"), and the differences are priced with configurable costs.
 */

const HOURS_PER_YEAR = 8760;

export interface PeriodFigures {
  /** Hours the figures cover; for measured periods the time with data (gaps are left out on both sides of the ratio). */
  hours: number;
  /** Unplanned downtime within planned production time. */
  downtimeHours: number;
  /** Hours in the down (failure) state: what the repair crew works; labour = repairHours × crew size. */
  repairHours: number;
  mttrHours: number | null;
  energyKWh: number;
  scrap: number;
  parts: number | null;
}

export interface SavingsCosts {
  currency: string;
  downtimePerHour: number;
  energyPerKWh: number;
  scrapPerPart: number;
  labourPerHour: number;
  /** People working on a repair. */
  crewSize: number;
}

export const DEFAULT_SAVINGS_COSTS: SavingsCosts = { currency: 'EUR', downtimePerHour: 0, energyPerKWh: 0, scrapPerPart: 0, labourPerHour: 0, crewSize: 1 };

export interface SavingsReport {
  kind: 'kpi-savings';
  asset: string;
  ts: number;
  currency: string;
  baseline: PeriodFigures;
  twin: PeriodFigures;
  /** twin hours / baseline hours: the factor the baseline is scaled by. */
  scale: number;
  /** The baseline at the twin period's length. */
  expected: { downtimeHours: number; repairHours: number; energyKWh: number; scrap: number };
  /** expected − twin (negative: worse than before). */
  saved: { downtimeHours: number; energyKWh: number; scrap: number; labourHours: number };
  mttr: { baselineHours: number | null; twinHours: number | null; changeHours: number | null; changePercent: number | null };
  money: { downtime: number; energy: number; scrap: number; labour: number; total: number; perYear: number };
}

/** Figures of a measured period from its bucket records (one per bucket; rolling windows overlap and are refused). */
export function figuresFromRecords(records: readonly KpiRecord[]): PeriodFigures {
  const rolling = records.find((r) => r.period.startsWith('rolling'));
  if (rolling) throw new Error(`savings need bucket records (e.g. period "1h"), not rolling windows ("${rolling.period}"), which overlap`);
  const unique = new Map<string, KpiRecord>();
  for (const record of records) unique.set(`${record.asset}/${record.period}/${record.periodStart}`, record);
  const figures: PeriodFigures = { hours: 0, downtimeHours: 0, repairHours: 0, mttrHours: null, energyKWh: 0, scrap: 0, parts: 0 };
  let repairs = 0;
  let repairEpisodeHours = 0;
  for (const r of unique.values()) {
    figures.hours += r.knownHours;
    figures.downtimeHours += r.downtimeHours;
    figures.repairHours += r.failureHours;
    figures.energyKWh += r.energyKWh;
    figures.scrap += r.scrap;
    figures.parts = (figures.parts ?? 0) + r.parts;
    repairs += r.repairs;
    repairEpisodeHours += r.repairHours;
  }
  figures.mttrHours = repairs > 0 ? repairEpisodeHours / repairs : null;
  return figures;
}

function field(source: Record<string, unknown>, name: string, label: string, required: boolean): number | undefined {
  const raw = source[name];
  if (raw === undefined || raw === null || raw === '') {
    if (required) throw new Error(`${label}: ${name} is missing (a number)`);
    return undefined;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${label}: ${name} "${String(raw)}" must be a number of at least 0`);
  return value;
}

/**
 * Figures an engineer enters, e.g. the plant's KPIs before the twin: `hours` (or `from`/`to` epoch ms),
 * `downtimeHours`, `energyKWh`, `scrap`, optional `mttrHours`, `repairHours` (defaults to the downtime) and `parts`.
 */
export function enteredFigures(input: unknown, label: string): PeriodFigures {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new Error(`${label} must be an object of figures {hours, downtimeHours, energyKWh, scrap, mttrHours}`);
  const source = input as Record<string, unknown>;
  const from = field(source, 'from', label, false);
  const to = field(source, 'to', label, false);
  const hours = field(source, 'hours', label, from === undefined || to === undefined) ?? ((to as number) - (from as number)) / 3_600_000;
  if (!(hours > 0)) throw new Error(`${label}: the period must be longer than 0 hours`);
  const downtimeHours = field(source, 'downtimeHours', label, true) as number;
  return {
    hours,
    downtimeHours,
    repairHours: field(source, 'repairHours', label, false) ?? downtimeHours,
    mttrHours: field(source, 'mttrHours', label, false) ?? null,
    energyKWh: field(source, 'energyKWh', label, true) as number,
    scrap: field(source, 'scrap', label, true) as number,
    parts: field(source, 'parts', label, false) ?? null,
  };
}

export function savingsReport(asset: string, baseline: PeriodFigures, twin: PeriodFigures, costs: SavingsCosts, ts: number): SavingsReport {
  if (!(baseline.hours > 0)) throw new Error('the baseline period covers no time: nothing to compare with');
  if (!(twin.hours > 0)) throw new Error('the twin period covers no time yet: wait for data, or choose a period with data');
  const scale = twin.hours / baseline.hours;
  const expected = {
    downtimeHours: baseline.downtimeHours * scale,
    repairHours: baseline.repairHours * scale,
    energyKWh: baseline.energyKWh * scale,
    scrap: baseline.scrap * scale,
  };
  const saved = {
    downtimeHours: expected.downtimeHours - twin.downtimeHours,
    energyKWh: expected.energyKWh - twin.energyKWh,
    scrap: expected.scrap - twin.scrap,
    labourHours: (expected.repairHours - twin.repairHours) * costs.crewSize,
  };
  const money = {
    downtime: saved.downtimeHours * costs.downtimePerHour,
    energy: saved.energyKWh * costs.energyPerKWh,
    scrap: saved.scrap * costs.scrapPerPart,
    labour: saved.labourHours * costs.labourPerHour,
    total: 0,
    perYear: 0,
  };
  money.total = money.downtime + money.energy + money.scrap + money.labour;
  money.perYear = (money.total * HOURS_PER_YEAR) / twin.hours;
  const mttrChange = baseline.mttrHours !== null && twin.mttrHours !== null ? twin.mttrHours - baseline.mttrHours : null;
  return {
    kind: 'kpi-savings', asset, ts, currency: costs.currency, baseline, twin, scale, expected, saved,
    mttr: {
      baselineHours: baseline.mttrHours,
      twinHours: twin.mttrHours,
      changeHours: mttrChange,
      changePercent: mttrChange !== null && baseline.mttrHours ? (100 * mttrChange) / baseline.mttrHours : null,
    },
    money,
  };
}
