import type { KpiRecord } from './kpi-record';

/**
 * Before/after savings: a baseline period (the plant before the twin, from stored KPI periods or figures an engineer
 * enters) against the twin period. Periods differ in length, so downtime and repairs of the baseline are scaled to the
 * twin period's length ("what the old plant would have lost in as long"); scrap and, on a machine that makes parts,
 * energy are compared per part made, so a machine that made nothing saves nothing. A figure without evidence on both
 * sides is left out (null) with the reason, never counted as zero; the differences are priced with configurable costs,
 * and a negative one is a cost.
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
  /** Scrap parts; null when the machine makes no parts or the figure was not entered. */
  scrap: number | null;
  /** Parts made; null when the machine has no part counter (a pump) or the figure was not entered. */
  parts: number | null;
  /** Figures an engineer has not yet replaced with the plant's own (the demo's examples). */
  example?: boolean;
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
  /** The baseline at the twin period's length (downtime, repairs), at its parts made (scrap, energy of a producing machine). */
  expected: { downtimeHours: number; repairHours: number; energyKWh: number | null; scrap: number | null };
  /** expected − twin (negative: worse than before, a cost); null where there is no evidence to compare. */
  saved: { downtimeHours: number; energyKWh: number | null; scrap: number | null; labourHours: number };
  mttr: { baselineHours: number | null; twinHours: number | null; changeHours: number | null; changePercent: number | null };
  /** Money of each compared figure; `total` and `perYear` add up the compared ones only. */
  money: { downtime: number; energy: number | null; scrap: number | null; labour: number; total: number; perYear: number };
  /** Why a figure is left out of the comparison, e.g. `{ figure: 'scrap', reason: 'no parts made in this period' }`. */
  notCompared: Array<{ figure: 'energy' | 'scrap'; reason: string }>;
  /** The baseline holds example figures, not the plant's own. */
  exampleBaseline: boolean;
}

/**
 * Figures of a measured period from its bucket records (one per bucket; rolling windows overlap and are refused).
 * `countsParts` false: the machine has no part counter, so it has no parts or scrap figure at all.
 */
export function figuresFromRecords(records: readonly KpiRecord[], countsParts = true): PeriodFigures {
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
    figures.scrap = (figures.scrap ?? 0) + r.scrap;
    figures.parts = (figures.parts ?? 0) + r.parts;
    repairs += r.repairs;
    repairEpisodeHours += r.repairHours;
  }
  figures.mttrHours = repairs > 0 ? repairEpisodeHours / repairs : null;
  if (!countsParts) Object.assign(figures, { parts: null, scrap: null });
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
 * `downtimeHours`, `energyKWh`, optional `parts` and `scrap` (a machine that makes parts: both, for a comparison per
 * part), `mttrHours`, `repairHours` (defaults to the downtime) and `example` (true: the demo's figures, not the plant's).
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
    scrap: field(source, 'scrap', label, false) ?? null,
    parts: field(source, 'parts', label, false) ?? null,
    example: source.example === true,
  };
}

/** Per part made: the baseline's rate applied to the twin period's parts, or the reason there is no evidence for it. */
function perPart(baselineAmount: number | null, baseline: PeriodFigures, twin: PeriodFigures): number | string {
  if (twin.parts === null) return 'the machine makes no parts';
  if (twin.parts === 0) return 'no parts made in this period';
  if (baseline.parts === null || baseline.parts === 0) return 'the baseline has no parts made';
  if (baselineAmount === null) return 'the baseline has no figure for it';
  return (baselineAmount / baseline.parts) * twin.parts;
}

export function savingsReport(asset: string, baseline: PeriodFigures, twin: PeriodFigures, costs: SavingsCosts, ts: number): SavingsReport {
  if (!(baseline.hours > 0)) throw new Error('the baseline period covers no time: nothing to compare with');
  if (!(twin.hours > 0)) throw new Error('the twin period covers no time yet: wait for data, or choose a period with data');
  const scale = twin.hours / baseline.hours;
  const notCompared: SavingsReport['notCompared'] = [];
  const scrapExpected = perPart(baseline.scrap, baseline, twin);
  if (typeof scrapExpected === 'string') notCompared.push({ figure: 'scrap', reason: scrapExpected });
  // A machine without a part counter (a pump) is compared by the hour; one that makes parts, per part made.
  const energyExpected = twin.parts === null ? baseline.energyKWh * scale : perPart(baseline.energyKWh, baseline, twin);
  if (typeof energyExpected === 'string') notCompared.push({ figure: 'energy', reason: energyExpected });
  const expected = {
    downtimeHours: baseline.downtimeHours * scale,
    repairHours: baseline.repairHours * scale,
    energyKWh: typeof energyExpected === 'number' ? energyExpected : null,
    scrap: typeof scrapExpected === 'number' ? scrapExpected : null,
  };
  const saved = {
    downtimeHours: expected.downtimeHours - twin.downtimeHours,
    energyKWh: expected.energyKWh === null ? null : expected.energyKWh - twin.energyKWh,
    scrap: expected.scrap === null ? null : expected.scrap - (twin.scrap ?? 0),
    labourHours: (expected.repairHours - twin.repairHours) * costs.crewSize,
  };
  const money = {
    downtime: saved.downtimeHours * costs.downtimePerHour,
    energy: saved.energyKWh === null ? null : saved.energyKWh * costs.energyPerKWh,
    scrap: saved.scrap === null ? null : saved.scrap * costs.scrapPerPart,
    labour: saved.labourHours * costs.labourPerHour,
    total: 0,
    perYear: 0,
  };
  money.total = money.downtime + (money.energy ?? 0) + (money.scrap ?? 0) + money.labour;
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
    notCompared,
    exampleBaseline: baseline.example === true,
  };
}
