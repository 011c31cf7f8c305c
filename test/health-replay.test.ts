import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Random } from '../lib/math/random';

const CLI = path.resolve(__dirname, '..', 'lib', 'machine-health', 'health-cli.js');
/** ../shared beside the checkout, or TWIN_FEMTO_DIR (a worktree sits deeper than the checkout). */
const FEMTO = process.env.TWIN_FEMTO_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'femto');
const HEADER = 'ts,asset,health,anomaly,model,rul_hours,rul_lower_hours,rul_upper_hours,urgency';

interface Replay {
  status: number | null;
  rows: string[][];
  events: string[];
  stderr: string;
}

function replay(args: string[]): Replay {
  const result = spawnSync(process.execPath, [CLI, 'replay', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const lines = result.stdout.trim().split('\n');
  if (result.status === 0) assert.equal(lines[0], HEADER);
  return { status: result.status, rows: lines.slice(1).map((line) => line.split(',')), events: result.stderr.split('\n').filter((line) => line.startsWith('# ')), stderr: result.stderr };
}

const hours = (iso: string): number => Date.parse(iso) / 3_600_000;

describe('twin-health replay (CSV)', function () {
  this.timeout(60000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-health-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints one line per row: learning, then health, anomaly, the survival prior, then a degradation RUL after onset', function () {
    const random = new Random(31);
    const lines = ['ts,asset,speed,vibration,temperature'];
    const start = Date.UTC(2026, 0, 1);
    // 10-minute rows: 12 h healthy, then vibration grows exponentially, 1 at 30 h after onset (threshold 7 mm/s).
    for (let i = 0; i < 250; i++) {
      const hoursIn = i / 6;
      const speed = i % 2 === 0 ? 9000 : 12000;
      const level = speed === 9000 ? 2 : 3;
      const wear = hoursIn > 12 ? 0.05 * Math.exp((Math.log(20) / 30) * (hoursIn - 12)) : 0;
      const vibration = level + wear * (7 - level) + 0.05 * random.gaussian();
      lines.push(`${new Date(start + i * 600_000).toISOString()},spindle-1,${speed},${vibration.toFixed(4)},${(45 + random.gaussian()).toFixed(2)}`);
    }
    const file = path.join(dir, 'spindle.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const out = replay(['--csv', file, '--baseline-minutes', '600', '--regime', 'speed:10500', '--threshold', 'vibration=7', '--bearing', '30000,3000,9000', '--smoothing', '1']);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.rows.length, 250);
    assert.deepEqual(out.rows[0].slice(2), ['', '', '', '', '', '', ''], 'learning rows carry no figures');
    const scored = out.rows[70];
    assert.equal(scored[4], 'survival-iso281');
    assert.ok(Number(scored[2]) < 0.1 && Number(scored[5]) > 1000, `healthy row ${scored.join(',')}`);
    const onset = out.events.find((line) => line.startsWith('# onset'));
    assert.ok(onset, out.stderr);
    const lastRow = out.rows[out.rows.length - 1];
    assert.match(lastRow[4], /^degradation-(exponential|linear)$/);
    const truth = 12 + 30 - 249 / 6;
    assert.ok(Number(lastRow[6]) <= truth + 1 && truth - 1 <= Number(lastRow[7]), `RUL ${lastRow.slice(5, 8).join('..')} h vs true ${truth.toFixed(2)} h`);
    assert.ok(out.events.some((line) => line.startsWith('# baseline spindle-1 regime speed<10500')) && out.events.some((line) => line.startsWith('# baseline spindle-1 regime speed>=10500')));
  });

  it('names the line of a bad row and the features it knows', function () {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, 'ts,asset,vibration\n2026-01-01T00:00:00Z,p1,1.0\nyesterday,p1,2\n');
    const bad = replay(['--csv', file]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /bad\.csv:3: "yesterday" is neither an ISO time nor epoch milliseconds/);
    fs.writeFileSync(file, 'ts,asset,vibration\n1767225600000,p1,1.0\n');
    assert.match(replay(['--csv', file, '--threshold', 'temp=80']).stderr, /unknown feature\(s\) temp; available: vibration/);
  });
});

describe('twin-health replay --waveforms on the FEMTO learning bearings', function () {
  this.timeout(300000);
  const bearings = fs.existsSync(FEMTO) ? fs.readdirSync(FEMTO).filter((f) => f.endsWith('.tar.gz')).map((f) => f.replace(/\.tar\.gz$/, '')) : [];
  let dir: string;
  before(function () {
    if (bearings.length === 0) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-health-femto-'));
    for (const bearing of bearings) {
      const unpacked = spawnSync('tar', ['-xzf', path.join(FEMTO, `${bearing}.tar.gz`), '-C', dir]);
      assert.equal(unpacked.status, 0, String(unpacked.stderr));
    }
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  for (const bearing of ['Bearing1_2', 'Bearing2_2']) {
    it(`${bearing}: onset before the end, no alert before onset, health index near 1 at the end; prints the figures`, function () {
      if (!bearings.includes(bearing)) this.skip();
      // FEMTO's end criterion: 20 g on either axis. The first 30 minutes are the baseline.
      const out = replay(['--waveforms', path.join(dir, bearing), '--baseline-minutes', '30', '--threshold', 'h.peak=20', '--threshold', 'v.peak=20']);
      assert.equal(out.status, 0, out.stderr);
      const times = out.rows.map((row) => row[0]);
      const end = hours(times[times.length - 1]);
      const onsetLine = out.events.find((line) => line.startsWith('# onset'));
      assert.ok(onsetLine, 'an onset is detected');
      const [, detectedIso, beganIso] = /detected (\S+) began (\S+)/.exec(onsetLine) ?? [];
      const detected = times.indexOf(detectedIso);
      const began = times.indexOf(beganIso);
      assert.ok(detected >= 0 && began >= 0 && began <= detected);
      const alerts = out.events.filter((line) => line.startsWith('# alert raise')).map((line) => line.split(' ')[4]);
      const beforeOnset = alerts.filter((iso) => iso < beganIso).length;
      const beforeDetection = alerts.filter((iso) => iso < detectedIso).length;
      const last = out.rows[out.rows.length - 1];
      const afterOnset = out.rows.slice(detected).filter((row) => row[6] !== '');
      const covered = afterOnset.filter((row) => {
        const truth = end - hours(row[0]);
        const upper = row[7] === 'inf' ? Infinity : Number(row[7]);
        return Number(row[6]) <= truth && truth <= upper;
      }).length;
      const models = [...new Set(afterOnset.map((row) => row[4]))].join(', ');
      const minutes = (iso: string): string => (60 * (end - hours(iso))).toFixed(1);
      console.log(`      ${bearing}: ${out.rows.length} snapshots; onset began at snapshot ${began + 1} (${minutes(beganIso)} min before the end), detected at ${detected + 1} (${minutes(detectedIso)} min before); ` +
        `alerts raised ${alerts.length}, before onset ${beforeOnset}, before its detection ${beforeDetection}; health index at the end ${last[2]}; ` +
        `RUL interval contains the true remaining life on ${covered}/${afterOnset.length} rows after onset (${((100 * covered) / Math.max(1, afterOnset.length)).toFixed(1)} %), models ${models}`);
      assert.ok(detected < out.rows.length - 1, 'onset before the end');
      assert.equal(beforeOnset, 0, 'no alert before the onset began');
      assert.ok(Number(last[2]) >= 0.8, `health index at the end ${last[2]}`);
    });
  }
});
