import assert from 'node:assert/strict';
import { SPINDLE_ASSET } from '../lib/asset/presets';
import { counterIncrease } from '../lib/kpi/counter-increase';
import { DEFAULT_KPI_OPTIONS, KpiTracker, type KpiOptions } from '../lib/kpi/kpi-tracker';
import { emptyTotals, kpiRecord, type KpiRecord } from '../lib/kpi/kpi-record';
import { enteredFigures, figuresFromRecords, savingsReport, type PeriodFigures } from '../lib/kpi/savings';
import { WeeklySchedule } from '../lib/kpi/weekly-schedule';
import type { ScalarReading } from '../lib/reading/reading';
import type { WorkOrderEvent } from '../lib/rul/urgency';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Monday 5 January 2026, 00:00 UTC. */
const MONDAY = Date.UTC(2026, 0, 5);

function reading(sensor: string, ts: number, value: number): ScalarReading {
  return { asset: 'spindle-1', sensor, unit: '', ts, value, quality: 'good' };
}

function close(actual: number | null, expected: number, label: string, tolerance = 1e-9): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${label}: ${actual} instead of ${expected}`);
}

function tracker(options: Partial<KpiOptions> = {}): KpiTracker {
  return new KpiTracker(SPINDLE_ASSET, { ...DEFAULT_KPI_OPTIONS, ...options });
}

/**
 * One shift, 06:00-14:00 UTC, hand-built: running from 06:00, a failure 09:00-09:30, a break (idle) 12:00-12:30,
 * stopped at 14:00; idle from 05:00 and after. 400 parts in the 7 running hours (ideal cycle 60 s), every 50th
 * scrapped. 10 kW running, 1 kW idle, 0 kW down. The state is sent only when it changes, as an OPC UA subscription
 * does; power and counters every minute.
 */
function shiftReadings(): ScalarReading[] {
  const stateAt = (minute: number): number => {
    if (minute < 6 * 60 || minute >= 14 * 60) return 0;
    if (minute >= 9 * 60 && minute < 9 * 60 + 30) return 2;
    if (minute >= 12 * 60 && minute < 12 * 60 + 30) return 0;
    return 1;
  };
  const runMinutesTotal = 7 * 60;
  const readings: ScalarReading[] = [];
  let runMinutes = 0;
  let previousState = -1;
  for (let minute = 5 * 60; minute <= 15 * 60; minute++) {
    const ts = MONDAY + minute * MINUTE;
    const state = stateAt(minute);
    const parts = Math.floor((runMinutes * 400) / runMinutesTotal);
    const scrap = Math.floor(parts / 50);
    if (state !== previousState) readings.push(reading('state', ts, state));
    previousState = state;
    readings.push(reading('motorPower', ts, state === 1 ? 10 : state === 0 ? 1 : 0),
      reading('partCount', ts, 1000 + parts), reading('goodCount', ts, 900 + parts - scrap), reading('scrapCount', ts, 100 + scrap));
    if (state === 1) runMinutes++;
  }
  return readings;
}

describe('KPI tracker', function () {
  it('computes OEE, downtime, MTBF/MTTR and energy per part for a hand-computed shift', function () {
    const kpi = tracker({ schedule: WeeklySchedule.parse('Mon-Fri 06:00-14:00', 'UTC'), bucketMs: 24 * HOUR, rollingBuckets: 1, keepBuckets: 7 });
    kpi.process(shiftReadings());
    const [day] = kpi.bucketRecords();
    // Planned production time: 8 scheduled hours minus the half-hour break (idle counts as a planned stop).
    close(day.plannedHours, 7.5, 'planned hours');
    close(day.runHours, 7, 'run hours');
    close(day.downtimeHours, 0.5, 'unplanned downtime');
    close(day.availability, 7 / 7.5, 'availability');
    close(day.performance, (60 * 400) / (7 * 3600), 'performance');
    close(day.quality, 392 / 400, 'quality');
    close(day.oee, (7 / 7.5) * ((60 * 400) / (7 * 3600)) * (392 / 400), 'OEE');
    assert.equal(day.parts, 400);
    assert.equal(day.good, 392);
    assert.equal(day.scrap, 8);
    close(day.scrapRate, 8 / 400, 'scrap rate');
    assert.equal(day.failures, 1);
    close(day.mttrHours, 0.5, 'MTTR');
    close(day.mtbfHours, 7, 'MTBF: run hours per failure');
    // 7 h × 10 kW running, 2.5 h × 1 kW idle (05-06, the break, 14-15), 0.5 h × 0 kW down.
    close(day.energyKWh, 72.5, 'energy', 1e-6);
    close(day.energyPerPartKWh, 72.5 / 400, 'energy per part', 1e-9);
    close(day.knownHours, 10, 'known hours');
    assert.equal(day.complete, false, 'the day is still open at 15:00');
  });

  it('splits the shift into hourly buckets that add up, and counts idling as a loss when told to', function () {
    const hourly = tracker({ schedule: WeeklySchedule.parse('Mon-Fri 06:00-14:00', 'UTC') });
    hourly.process(shiftReadings());
    const buckets = hourly.bucketRecords();
    assert.equal(buckets.length, 10, '05:00 to 15:00');
    const nine = buckets.find((b) => b.periodStart === MONDAY + 9 * HOUR) as KpiRecord;
    assert.equal(nine.period, '1h');
    assert.equal(nine.complete, true);
    close(nine.downtimeHours, 0.5, '09:00 bucket downtime');
    assert.equal(nine.failures, 1);
    close(buckets.reduce((sum, b) => sum + b.runHours, 0), 7, 'summed run hours');
    close(buckets.reduce((sum, b) => sum + b.plannedHours, 0), 7.5, 'summed planned hours');
    const rolling = hourly.rollingRecord() as KpiRecord;
    assert.equal(rolling.period, 'rolling-24h');
    close(rolling.availability, 7 / 7.5, 'rolling availability');

    const strict = tracker({ schedule: WeeklySchedule.parse('Mon-Fri 06:00-14:00', 'UTC'), idle: 'unplanned-stop', bucketMs: 24 * HOUR, rollingBuckets: 1, keepBuckets: 7 });
    strict.process(shiftReadings());
    const [day] = strict.bucketRecords();
    close(day.plannedHours, 8, 'the break is planned time now');
    close(day.availability, 7 / 8, 'availability with the break as a loss');
    close(day.downtimeHours, 1, 'failure plus break');
  });

  it('does not count a gap in the data as run time', function () {
    const kpi = tracker();
    const readings: ScalarReading[] = [reading('state', MONDAY, 1)];
    for (let minute = 0; minute <= 30; minute++) readings.push(reading('motorPower', MONDAY + minute * MINUTE, 10));
    // Nothing from 00:30 to 00:50 (longer than the 10 min gap limit), then data again.
    for (let minute = 50; minute <= 60; minute++) readings.push(reading('motorPower', MONDAY + minute * MINUTE, 10));
    kpi.process(readings);
    const [hour] = kpi.bucketRecords();
    close(hour.runHours, 40 / 60, 'run hours exclude the gap');
    close(hour.unknownHours, 20 / 60, 'the gap is unknown time');
    close(hour.energyKWh, (10 * 40) / 60, 'no energy is invented for the gap', 1e-9);
    close(hour.availability, 1, 'the gap is not downtime either');
  });

  it('takes the state from a subscription\'s first value even when it is stamped before readings already counted', function () {
    const kpi = tracker();
    // The power reading arrives first; the state's initial notification carries the (older) time it was last written.
    kpi.process([reading('motorPower', MONDAY + 2000, 10)]);
    kpi.process([reading('state', MONDAY + 1000, 1)]);
    for (let minute = 1; minute <= 30; minute++) kpi.process([reading('motorPower', MONDAY + minute * MINUTE, 10)]);
    kpi.process([reading('state', MONDAY + 500, 0)]);
    kpi.process([reading('motorPower', MONDAY + 40 * MINUTE, 10)]);
    const [hour] = kpi.bucketRecords();
    close(hour.runHours, (40 * MINUTE - 2000) / HOUR, 'running from the first counted reading on');
    close(hour.unknownHours, 0, 'no time is unknown');
    close(hour.idleHours, 0, 'an even older "idle" does not undo the newer "running"');
  });

  it('counts parts across a counter reset and a wrap of the 32-bit register', function () {
    assert.equal(counterIncrease(1000, 1010, 2 ** 32), 10);
    assert.equal(counterIncrease(1010, 5, 2 ** 32), 5, 'reset: 5 counted since');
    assert.equal(counterIncrease(4294967290, 4, 2 ** 32), 10, '…290 → …295 is 5, 0 is the 6th, 4 the 10th');
    const counted = (values: number[]): number => {
      const kpi = tracker();
      kpi.process([reading('state', MONDAY, 1), ...values.map((v, i) => reading('partCount', MONDAY + (i + 1) * MINUTE, v))]);
      return kpi.bucketRecords()[0].parts;
    };
    assert.equal(counted([1000, 1010, 5, 15]), 10 + 5 + 10);
    assert.equal(counted([4294967290, 4, 9]), 10 + 5);
  });

  it('derives MTBF and MTTR from state changes and MTTR from work orders opened to closed', function () {
    const kpi = tracker({ bucketMs: 24 * HOUR, rollingBuckets: 1, keepBuckets: 7 });
    // run 10 h, down 2 h, run 10 h, down 1 h, run 2 h; the asset sends power every 5 minutes.
    const changes: Array<[number, number]> = [[0, 1], [10, 2], [12, 1], [22, 2], [23, 1]];
    const readings: ScalarReading[] = [];
    for (let minute = 0; minute <= 25 * 60; minute += 5) {
      const change = changes.find(([hour]) => hour * 60 === minute);
      if (change) readings.push(reading('state', MONDAY + minute * MINUTE, change[1]));
      readings.push(reading('motorPower', MONDAY + minute * MINUTE, 5));
    }
    kpi.process(readings.filter((r) => r.ts <= MONDAY + 24 * HOUR));
    const orders: WorkOrderEvent[] = [
      { id: 'wo-1', asset: 'spindle-1', action: 'open', level: 'WARNING', ts: MONDAY + 9 * HOUR, rulHours: 100, message: '' },
      { id: 'wo-1', asset: 'spindle-1', action: 'escalate', level: 'CRITICAL', ts: MONDAY + 10 * HOUR, rulHours: 40, message: '' },
      { id: 'wo-1', asset: 'spindle-1', action: 'close', level: 'NORMAL', ts: MONDAY + 14 * HOUR, rulHours: 400, message: '' },
      { id: 'wo-2', asset: 'spindle-1', action: 'open', level: 'WARNING', ts: MONDAY + 20 * HOUR, rulHours: 100, message: '' },
      { id: 'wo-2', asset: 'spindle-1', action: 'close', level: 'NORMAL', ts: MONDAY + 23 * HOUR, rulHours: 400, message: '' },
      { id: 'wo-3', asset: 'spindle-1', action: 'open', level: 'WARNING', ts: MONDAY + 21 * HOUR, rulHours: 100, message: '' },
      { id: 'wo-9', asset: 'pump-1', action: 'open', level: 'WARNING', ts: MONDAY + 1 * HOUR, rulHours: 100, message: '' },
    ];
    for (const order of orders) kpi.workOrder(order);
    // Maintenance completes wo-3 after 2 h; the urgency closing it later changes nothing.
    kpi.workOrder({ id: 'wo-3', asset: 'spindle-1', action: 'complete', ts: MONDAY + 23 * HOUR });
    kpi.workOrder({ id: 'wo-3', asset: 'spindle-1', action: 'close', ts: MONDAY + 23.5 * HOUR });
    const [day] = kpi.bucketRecords();
    assert.equal(day.failures, 2);
    assert.equal(day.repairs, 2);
    close(day.mttrHours, (2 + 1) / 2, 'state MTTR');
    close(day.runHours, 10 + 10 + 1, 'run hours until midnight');
    close(day.mtbfHours, 21 / 2, 'state MTBF');
    assert.equal(day.workOrdersOpened, 3, 'the pump work order is not this asset');
    assert.equal(day.workOrdersClosed, 3);
    close(day.workOrderMttrHours, (5 + 3 + 2) / 3, 'work-order MTTR');
  });

  it('keeps its counts across a restart (state saved and restored) and bounds its buckets', function () {
    const first = tracker({ keepBuckets: 24 });
    const readings = shiftReadings();
    const half = readings.findIndex((r) => r.ts >= MONDAY + 10 * HOUR);
    first.process(readings.slice(0, half));
    const restored = new KpiTracker(SPINDLE_ASSET, { ...DEFAULT_KPI_OPTIONS, keepBuckets: 24 }, JSON.parse(JSON.stringify(first.toJSON())));
    restored.process(readings.slice(half));
    const straight = tracker({ keepBuckets: 24 });
    straight.process(readings);
    assert.deepEqual(restored.bucketRecords(), straight.bucketRecords());
    const long = tracker({ keepBuckets: 24, maxGapMs: 2 * HOUR });
    for (let hour = 0; hour < 72; hour++) long.process([reading('state', MONDAY + hour * HOUR, 1), reading('motorPower', MONDAY + hour * HOUR + 30 * MINUTE, 1)]);
    assert.equal(long.bucketRecords().length, 24, 'only the newest 24 buckets are kept');
    close(long.lifetimeRecord()?.runHours ?? 0, 71.5, 'lifetime totals keep everything');
  });

  it('reports changed buckets once, then only what changes', function () {
    const kpi = tracker();
    kpi.process([reading('state', MONDAY, 1), reading('motorPower', MONDAY + 30 * MINUTE, 5), reading('motorPower', MONDAY + 70 * MINUTE, 5)]);
    assert.deepEqual(kpi.report().map((r) => `${r.period}@${(r.periodStart - MONDAY) / HOUR}`), ['1h@0', '1h@1', 'rolling-24h@-22']);
    assert.deepEqual(kpi.report(), []);
    assert.deepEqual(kpi.report(true).map((r) => r.period), ['1h', 'rolling-24h']);
  });
});

describe('OEE performance', function () {
  const record = (parts: number, runHours: number): KpiRecord => kpiRecord({ ...emptyTotals(), knownMs: runHours * HOUR, scheduledMs: runHours * HOUR,
    plannedMs: runHours * HOUR, runMs: runHours * HOUR, plannedRunMs: runHours * HOUR, parts, good: parts },
  { asset: 'spindle-1', period: '1h', periodStart: 0, periodEnd: HOUR, complete: true, ts: HOUR, idealCycleTimeS: 60, counters: { parts: true, good: true, scrap: false } });

  it('is not given from too few parts, nor above 100 % beyond one part at the period\'s edge, and says why', function () {
    const few = record(3, 0.05);
    assert.deepEqual([few.performance, few.oee], [null, null]);
    assert.match(few.performanceNote ?? '', /^3 parts made: too few to tell a rate \(10 needed\)$/);
    const edge = record(61, 1);
    assert.equal(edge.performance, 1, 'one part more than the ideal rate allows is a part counted at the edge');
    assert.equal(edge.performanceNote, undefined);
    const faster = record(69, 1);
    assert.equal(faster.performance, null);
    assert.match(faster.performanceNote ?? '', /69 parts in 1\.00 running hours is faster than the ideal cycle time of 60 s: check the asset's rating/);
    const steady = record(48, 1);
    assert.ok(Math.abs((steady.performance ?? NaN) - 0.8) < 1e-12);
  });
});

describe('weekly schedule', function () {
  it('counts the scheduled hours of a week, including a night shift across midnight and a weekend wrap', function () {
    const week = (text: string): number => WeeklySchedule.parse(text, 'UTC').insideMs(MONDAY, MONDAY + 7 * 24 * HOUR) / HOUR;
    assert.equal(week('Mon-Fri 06:00-22:00'), 5 * 16);
    assert.equal(week('Mon-Fri 22:00-06:00'), 5 * 8, 'night shifts end the next morning');
    assert.equal(week('Sun 20:00-04:00'), 8, 'Sunday night wraps into Monday morning of the same week');
    assert.equal(week('daily 00:00-24:00; Mon 06:00-07:00'), 7 * 24, 'overlaps count once');
    assert.equal(week(''), 7 * 24);
    const schedule = WeeklySchedule.parse('Mon-Fri 06:00-22:00', 'UTC');
    assert.equal(schedule.contains(MONDAY + 6 * HOUR), true);
    assert.equal(schedule.contains(MONDAY + 22 * HOUR), false, 'the end is exclusive');
    assert.equal(schedule.contains(MONDAY + 5 * 24 * HOUR + 12 * HOUR), false, 'Saturday');
  });

  it('follows the local clock across a daylight-saving change', function () {
    // Europe/Berlin, 29 March 2026: 02:00 CET jumps to 03:00 CEST. 01:00-04:00 local is 00:00-02:00 UTC, 2 real hours.
    const schedule = WeeklySchedule.parse('Sun 01:00-04:00', 'Europe/Berlin');
    const day = Date.UTC(2026, 2, 29);
    assert.equal(schedule.insideMs(day - 2 * HOUR, day + 6 * HOUR) / HOUR, 2);
    assert.equal(schedule.contains(day + 30 * MINUTE), true, '01:30 CET');
    assert.equal(schedule.contains(day + 2 * HOUR + 30 * MINUTE), false, '04:30 CEST');
  });

  it('explains a schedule it cannot read', function () {
    assert.throws(() => WeeklySchedule.parse('Mon-Fry 06:00-22:00'), /unknown day "Fry"/);
    assert.throws(() => WeeklySchedule.parse('Mon 25:00-26:00'), /"25:00" is not a time of day/);
    assert.throws(() => WeeklySchedule.parse('Mon 06:00'), /must look like "Mon-Fri 06:00-22:00"/);
    assert.throws(() => WeeklySchedule.parse('Mon 06:00-22:00', 'Mars/Olympus'), /time zone "Mars\/Olympus" is unknown/);
  });
});

describe('savings report', function () {
  const costs = { currency: 'EUR', downtimePerHour: 500, energyPerKWh: 0.25, scrapPerPart: 15, labourPerHour: 60, crewSize: 2 };

  it('scales the baseline to the twin period and prices the differences', function () {
    const baseline = enteredFigures({ hours: 720, downtimeHours: 36, repairHours: 30, mttrHours: 6, energyKWh: 36000, parts: 36000, scrap: 720 }, 'baseline');
    const twin: PeriodFigures = { hours: 240, downtimeHours: 6, repairHours: 4, mttrHours: 2, energyKWh: 11000, scrap: 120, parts: 12000 };
    const report = savingsReport('spindle-1', baseline, twin, costs, MONDAY);
    // The twin period is a third of the baseline: 12 h downtime, 10 h repair expected; at 1 kWh and 2 % scrap a part
    // before, 12,000 kWh and 240 scrap expected for the 12,000 parts made.
    close(report.scale, 1 / 3, 'scale');
    close(report.saved.downtimeHours, 6, 'downtime saved');
    close(report.saved.energyKWh, 1000, 'energy saved', 1e-9);
    close(report.saved.scrap, 120, 'scrap saved', 1e-9);
    close(report.saved.labourHours, (10 - 4) * 2, 'labour saved, two people per repair');
    close(report.money.downtime, 3000, 'downtime money', 1e-6);
    close(report.money.energy, 250, 'energy money', 1e-6);
    close(report.money.scrap, 1800, 'scrap money', 1e-6);
    close(report.money.labour, 720, 'labour money', 1e-6);
    close(report.money.total, 5770, 'total', 1e-6);
    close(report.money.perYear, (5770 * 8760) / 240, 'per year', 1e-6);
    close(report.mttr.changeHours, -4, 'MTTR change');
    close(report.mttr.changePercent, -200 / 3, 'MTTR change %', 1e-9);
  });

  it('compares scrap and energy only per part made: no parts made, no saving claimed', function () {
    const baseline = enteredFigures({ hours: 6000, downtimeHours: 120, repairHours: 120, energyKWh: 108000, parts: 360000, scrap: 10800, example: true }, 'baseline');
    // Two hours of warm-up: running, power drawn, not a part cut yet.
    const twin: PeriodFigures = { hours: 2, downtimeHours: 0, repairHours: 0, mttrHours: null, energyKWh: 12, scrap: 0, parts: 0 };
    const report = savingsReport('spindle-1', baseline, twin, costs, MONDAY);
    assert.equal(report.saved.scrap, null, 'no scrap saving without parts');
    assert.equal(report.money.scrap, null);
    assert.equal(report.saved.energyKWh, null, 'no energy per part without parts');
    assert.equal(report.money.energy, null);
    assert.deepEqual(report.notCompared, [{ figure: 'scrap', reason: 'no parts made in this period' }, { figure: 'energy', reason: 'no parts made in this period' }]);
    close(report.money.total, report.money.downtime + report.money.labour, 'the total holds the compared figures only');
    assert.equal(report.exampleBaseline, true, 'the demo baseline is marked as an example');
  });

  it('gives a machine without a part counter no scrap figure, compares its energy by the hour, and prices more energy as a cost', function () {
    const baseline = enteredFigures({ hours: 100, downtimeHours: 2, energyKWh: 1800 }, 'baseline');
    assert.deepEqual([baseline.parts, baseline.scrap, baseline.example], [null, null, false]);
    // A pump: 18 kW before, 23 kW now over 10 h, so 50 kWh more.
    const twin: PeriodFigures = { hours: 10, downtimeHours: 0.2, repairHours: 0.2, mttrHours: null, energyKWh: 230, scrap: null, parts: null };
    const report = savingsReport('pump-1', baseline, twin, costs, MONDAY);
    assert.equal(report.saved.scrap, null);
    assert.deepEqual(report.notCompared, [{ figure: 'scrap', reason: 'the machine makes no parts' }]);
    close(report.saved.energyKWh, -50, 'energy: 50 kWh more than before', 1e-9);
    close(report.money.energy, -12.5, 'priced as a cost', 1e-9);
    close(report.money.total, report.money.downtime + (report.money.energy ?? NaN) + report.money.labour, 'the cost lowers the total');
  });

  it('compares no scrap or energy per part against a baseline without parts made', function () {
    const baseline = enteredFigures({ hours: 100, downtimeHours: 2, energyKWh: 1800, scrap: 30 }, 'baseline');
    const twin: PeriodFigures = { hours: 10, downtimeHours: 0, repairHours: 0, mttrHours: null, energyKWh: 150, scrap: 2, parts: 600 };
    const report = savingsReport('spindle-1', baseline, twin, costs, MONDAY);
    assert.deepEqual(report.notCompared, [{ figure: 'scrap', reason: 'the baseline has no parts made' }, { figure: 'energy', reason: 'the baseline has no parts made' }]);
  });

  it('builds figures of a machine without a part counter with no parts or scrap', function () {
    const record = { ...kpiRecord(emptyTotals(), { asset: 'pump-1', period: '1h', periodStart: MONDAY, periodEnd: MONDAY + HOUR, complete: true, ts: MONDAY + HOUR,
      idealCycleTimeS: undefined, counters: { parts: false, good: false, scrap: false } }), knownHours: 1 };
    const figures = figuresFromRecords([record], false);
    assert.deepEqual([figures.hours, figures.parts, figures.scrap], [1, null, null]);
    assert.deepEqual([figuresFromRecords([record]).parts, figuresFromRecords([record]).scrap], [0, 0], 'with a counter, none made is 0');
  });

  it('builds figures from stored bucket records and refuses overlapping rolling windows', function () {
    const kpi = tracker({ schedule: WeeklySchedule.parse('Mon-Fri 06:00-14:00', 'UTC') });
    kpi.process(shiftReadings());
    const records = kpi.bucketRecords();
    const figures = figuresFromRecords([...records, records[4]]);
    close(figures.hours, 10, 'known hours, a duplicate counted once');
    close(figures.downtimeHours, 0.5, 'downtime');
    close(figures.repairHours, 0.5, 'repair hours');
    close(figures.mttrHours, 0.5, 'MTTR');
    close(figures.energyKWh, 72.5, 'energy', 1e-6);
    assert.equal(figures.scrap, 8);
    assert.throws(() => figuresFromRecords([kpi.rollingRecord() as KpiRecord]), /not rolling windows/);
  });

  it('names what is wrong with entered figures', function () {
    assert.throws(() => enteredFigures({ downtimeHours: 1, energyKWh: 1, scrap: 1 }, 'baseline'), /baseline: hours is missing/);
    assert.throws(() => enteredFigures({ hours: 10, downtimeHours: -1, energyKWh: 1, scrap: 1 }, 'baseline'), /downtimeHours "-1" must be a number of at least 0/);
    const fromTo = enteredFigures({ from: MONDAY, to: MONDAY + 48 * HOUR, downtimeHours: 2, energyKWh: 10, scrap: 0 }, 'baseline');
    assert.equal(fromTo.hours, 48);
    assert.equal(fromTo.repairHours, 2, 'repair hours default to the downtime');
  });
});
