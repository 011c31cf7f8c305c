#!/usr/bin/env node
/**
 * `twin-health replay`: replays history through the same health twin the `twin-health` node runs, for engineers
 * validating the health index, onset and ladder RUL on their own data.
 *
 *   twin-health replay --csv FILE | --waveforms DIR  [options]
 *
 * stdout: one CSV line per input row, `ts,asset,health,anomaly,model,rul_hours,rul_lower_hours,rul_upper_hours,urgency`
 * (empty fields where there is no value yet, e.g. while learning). stderr: `#` lines for baselines learned, onsets
 * and alerts raised or cleared.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_LADDER_OPTIONS } from '../rul/ladder/rul-ladder';
import { DEFAULT_URGENCY_OPTIONS } from '../rul/urgency';
import type { BearingType } from '../scenario/bearing-life';
import { parseThreshold, type HealthThreshold } from './health-index';
import { FEMTO_SNAPSHOTS, readHealthCsv, readSnapshotDirectory, type HealthRow } from './health-rows';
import { DEFAULT_MIN_FAILURES, HealthTwin, type HealthTwinRow } from './health-twin';
import { DEFAULT_MACHINE_HEALTH_OPTIONS } from './machine-health';
import type { BearingRating } from '../rul/ladder/survival-prior';
import { parseRegimeBand } from './regime';

export const DEFAULT_WAVEFORM_HEALTH_FEATURES = ['h.rms', 'v.rms', 'h.peak', 'v.peak', 'h.kurtosis', 'v.kurtosis'];

const USAGE = `usage:
  twin-health replay (--csv FILE | --waveforms DIR) [options]
    --baseline-minutes N     learning period from each asset's first row (default ${DEFAULT_MACHINE_HEALTH_OPTIONS.learningMs / 60_000})
    --threshold FEATURE=V    failure threshold on a feature, repeatable (e.g. --threshold h.peak=20); without one the
                             index is the anomaly distance over --anomaly-failure
    --anomaly-failure D      anomaly distance that counts as failed when no threshold is given
    --features a,b,c         health features (default: every CSV feature column but the regime variables;
                             with --waveforms: ${DEFAULT_WAVEFORM_HEALTH_FEATURES.join(',')})
    --regime VAR:E1,E2       operating regime bands of a CSV column, repeatable (e.g. --regime speed:9000,11000)
    --smoothing N            rolling-median rows before scoring (default ${DEFAULT_MACHINE_HEALTH_OPTIONS.smoothing})
    --bearing C,P,RPM[,ball|roller]   ISO 281 rating (newtons, rpm) for the survival prior
    --age-hours H            operating hours of each asset at its first row (default 0)
    --critical-hours H --warning-hours H   urgency thresholds (default ${DEFAULT_URGENCY_OPTIONS.criticalHours} and ${DEFAULT_URGENCY_OPTIONS.warningHours})
    --sample-rate HZ         snapshot sample rate with --waveforms (default ${FEMTO_SNAPSHOTS.sampleRate})
CSV input: header "ts,asset,<feature>,…", ts ISO 8601 or epoch ms.`;

const HEADER = 'ts,asset,health,anomaly,model,rul_hours,rul_lower_hours,rul_upper_hours,urgency';

function positive(text: string | undefined, fallback: number, label: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${label} "${text}" must be a number above 0`);
  return value;
}

function parseBearing(text: string): BearingRating {
  const [c, p, rpm, type = 'ball'] = text.split(',');
  const rating = { dynamicLoadRatingN: Number(c), equivalentLoadN: Number(p), rpm: Number(rpm), type: type as BearingType };
  if (![rating.dynamicLoadRatingN, rating.equivalentLoadN, rating.rpm].every((v) => v > 0) || !['ball', 'roller'].includes(type)) {
    throw new Error(`--bearing "${text}" must read C,P,RPM[,ball|roller] with C and P in newtons`);
  }
  return rating;
}

function ageHours(text: string | undefined): number {
  if (text === undefined) return 0;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--age-hours "${text}" must be a number of 0 or more`);
  return value;
}

const fixed = (value: number | undefined, digits: number): string => (value === undefined ? '' : Number.isFinite(value) ? value.toFixed(digits) : 'inf');

function formatRow(row: HealthTwinRow): string {
  const { reading, estimate } = row;
  return [
    new Date(reading.ts).toISOString(), reading.asset, fixed(reading.health, 3), fixed(reading.anomaly, 2), estimate?.model ?? '',
    fixed(estimate?.rulHours, 3), fixed(estimate?.lowerHours, 3), fixed(estimate?.upperHours, 3), row.urgency ?? '',
  ].join(',');
}

function events(row: HealthTwinRow): string[] {
  const lines: string[] = [];
  const at = new Date(row.reading.ts).toISOString();
  if (row.newOnset) lines.push(`# onset ${row.reading.asset} detected ${at} began ${new Date(row.newOnset.sinceTs).toISOString()}`);
  if (row.reading.alert) lines.push(`# alert ${row.reading.alert.action} ${row.reading.asset} ${at} ${row.reading.alert.message}`);
  return lines;
}

function run(argv: string[]): void {
  const [command, ...rest] = argv;
  if (command !== 'replay') throw new Error(command ? `unknown command "${command}"\n${USAGE}` : USAGE);
  const { values } = parseArgs({
    args: rest,
    options: {
      csv: { type: 'string' }, waveforms: { type: 'string' }, 'baseline-minutes': { type: 'string' }, threshold: { type: 'string', multiple: true },
      'anomaly-failure': { type: 'string' }, features: { type: 'string' }, regime: { type: 'string', multiple: true }, smoothing: { type: 'string' },
      bearing: { type: 'string' }, 'age-hours': { type: 'string' }, 'critical-hours': { type: 'string' }, 'warning-hours': { type: 'string' },
      'sample-rate': { type: 'string' },
    },
  });
  if ((values.csv === undefined) === (values.waveforms === undefined)) throw new Error(`give --csv FILE or --waveforms DIR\n${USAGE}`);
  const regimes = (values.regime ?? []).map(parseRegimeBand);
  let rows: HealthRow[];
  let available: string[];
  let defaults: string[];
  if (values.csv !== undefined) {
    if (!fs.existsSync(values.csv)) throw new Error(`CSV file "${values.csv}" not found`);
    ({ rows, features: available } = readHealthCsv(fs.readFileSync(values.csv, 'utf8'), values.csv));
    defaults = available.filter((feature) => !regimes.some((band) => band.variable === feature));
  } else {
    const sampleRate = positive(values['sample-rate'], FEMTO_SNAPSHOTS.sampleRate, 'sample-rate');
    rows = readSnapshotDirectory(values.waveforms as string, { ...FEMTO_SNAPSHOTS, sampleRate }, (done, total) => {
      if (done % 100 === 0 || done === total) process.stderr.write(`# features of ${done}/${total} snapshots\n`);
    });
    available = Object.keys(rows[0].values);
    defaults = DEFAULT_WAVEFORM_HEALTH_FEATURES;
  }
  const thresholds: HealthThreshold[] = (values.threshold ?? []).map((text) => parseThreshold(text));
  const features = values.features ? values.features.split(',').map((f) => f.trim()) : [...defaults];
  for (const threshold of thresholds) if (!features.includes(threshold.feature)) features.push(threshold.feature);
  const unknown = features.filter((feature) => !available.includes(feature));
  if (unknown.length > 0) throw new Error(`unknown feature(s) ${unknown.join(', ')}; available: ${available.join(', ')}`);
  const twin = new HealthTwin({
    health: {
      ...DEFAULT_MACHINE_HEALTH_OPTIONS, features, regimes, thresholds,
      learningMs: positive(values['baseline-minutes'], DEFAULT_MACHINE_HEALTH_OPTIONS.learningMs / 60_000, 'baseline-minutes') * 60_000,
      anomalyFailure: values['anomaly-failure'] === undefined ? undefined : positive(values['anomaly-failure'], 0, 'anomaly-failure'),
      smoothing: positive(values.smoothing, DEFAULT_MACHINE_HEALTH_OPTIONS.smoothing, 'smoothing'),
    },
    ladder: DEFAULT_LADDER_OPTIONS,
    urgency: {
      ...DEFAULT_URGENCY_OPTIONS,
      criticalHours: positive(values['critical-hours'], DEFAULT_URGENCY_OPTIONS.criticalHours, 'critical-hours'),
      warningHours: positive(values['warning-hours'], DEFAULT_URGENCY_OPTIONS.warningHours, 'warning-hours'),
    },
    lives: [],
    minFailures: DEFAULT_MIN_FAILURES,
    bearing: values.bearing === undefined ? undefined : parseBearing(values.bearing),
    library: [],
    ageHoursAtStart: ageHours(values['age-hours']),
  });
  process.stderr.write(`# survival prior: ${twin.survivalBasis ?? 'none (no --bearing): no RUL before onset'}\n`);
  // Written in chunks as the replay goes: a long history shows progress and never sits whole in memory twice.
  let out: string[] = [HEADER];
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
    out = [];
  };
  const learned = new Set<string>();
  for (const row of rows) {
    let result: HealthTwinRow;
    try {
      result = twin.update(row.asset, row.ts, row.values);
    } catch (error) {
      throw new Error(`${row.origin}: ${(error as Error).message}`);
    }
    if (result.reading.phase !== 'learning' && !learned.has(row.asset)) {
      learned.add(row.asset);
      for (const b of twin.asset(row.asset)?.baselines() ?? []) {
        process.stderr.write(`# baseline ${row.asset} regime ${b.regime}: ${b.rows} rows, shrinkage ${b.shrinkage.toFixed(2)}, health index σ ${b.healthSigma.toFixed(4)}\n`);
      }
    }
    out.push(formatRow(result));
    if (out.length >= 1000) flush();
    for (const line of events(result)) process.stderr.write(`${line}\n`);
  }
  flush();
}

if (require.main === module) {
  try {
    run(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`twin-health: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
