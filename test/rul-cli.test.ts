import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Random } from '../lib/math/random';
import { ensembleToOnnx } from '../lib/rul/onnx-export';
import { readMetadata } from '../lib/rul/onnx-scorer';
import { main } from '../lib/rul/train-cli';

const FD001 = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'cmapss', 'train_FD001.txt');

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (line) => out.push(line), (line) => err.push(line));
  return { code, out, err };
}

/** CSV histories of bearings wearing out over `life` hours: vibration and temperature rise, load is noise. */
function csvHistories(assets: number, truncateAt?: (life: number) => number): { text: string; remaining: Map<string, number> } {
  const random = new Random(21);
  const lines = ['asset,time,vibration,bearingTemp,load'];
  const remaining = new Map<string, number>();
  for (let a = 0; a < assets; a++) {
    const life = 200 + Math.floor(random.next() * 200);
    const end = truncateAt ? truncateAt(life) : life;
    for (let t = 1; t <= end; t++) {
      const wear = t / life;
      lines.push(`pump-${a},${t},${(1 + 5 * wear ** 2 + 0.2 * random.gaussian()).toFixed(4)},${(40 + 25 * wear ** 3 + 0.5 * random.gaussian()).toFixed(3)},${(60 + 5 * random.gaussian()).toFixed(2)}`);
    }
    remaining.set(`pump-${a}`, life - end);
  }
  return { text: `${lines.join('\n')}\n`, remaining };
}

describe('twin-train command line', function () {
  this.timeout(120000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-train-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fits CSV histories into an ONNX model and predicts the remaining life of truncated runs', async function () {
    const train = path.join(dir, 'train.csv');
    fs.writeFileSync(train, csvHistories(30).text);
    const model = path.join(dir, 'model.onnx');
    const fitted = await run(['fit', '--format', 'csv', train, '--out', model, '--window', '20', '--cap', '150', '--rounds', '150']);
    assert.equal(fitted.code, 0, fitted.err.join('\n'));
    assert.match(fitted.err.join('\n'), /30 assets, 3 varying sensors .*window 20, RUL cap 150/);
    const metadata = readMetadata(fs.readFileSync(model));
    assert.deepEqual(JSON.parse(metadata.recipe), { window: 20, sensors: ['vibration', 'bearingTemp', 'load'] });
    assert.equal(metadata.rul_cap, '150');

    const test = path.join(dir, 'test.csv');
    const truncated = csvHistories(12, (life) => Math.round(life * 0.8));
    fs.writeFileSync(test, truncated.text);
    const predicted = await run(['predict', '--format', 'csv', test, '--model', model]);
    assert.equal(predicted.code, 0, predicted.err.join('\n'));
    assert.equal(predicted.out.length, 12, 'one line per asset');
    let squared = 0;
    for (const line of predicted.out) {
      const [asset, rul] = line.split(' ');
      const truth = Math.min(150, truncated.remaining.get(asset) ?? NaN);
      squared += (Number(rul) - truth) ** 2;
    }
    const error = Math.sqrt(squared / predicted.out.length);
    assert.ok(error < 25, `RMSE at 80 % of life ${error.toFixed(1)} h (true remaining 40-80 h)`);

    const log = fitted.err.join('\n');
    for (const model of ['estimate', 'lower bound \\(q 0.1\\)', 'upper bound \\(q 0.9\\)']) {
      assert.match(log, new RegExp(`${model} round 25: train `), `progress of the ${model} model`);
    }
    assert.match(log, /interval q 0\.1-0\.9: held-out coverage [\d.]+ % as fitted, [\d.]+ % calibrated/);
    assert.deepEqual(JSON.parse(metadata.outputs), ['rul', 'rul_lower', 'rul_upper']);
    const withInterval = await run(['predict', '--format', 'csv', test, '--model', model, '--interval']);
    assert.equal(withInterval.code, 0, withInterval.err.join('\n'));
    let covered = 0;
    withInterval.out.forEach((line, i) => {
      const [asset, rul, lower, upper] = line.split(' ');
      assert.equal(`${asset} ${rul}`, predicted.out[i], 'the first two columns are the plain prediction');
      assert.ok(Number(lower) <= Number(rul) && Number(rul) <= Number(upper), line);
      const truth = Math.min(150, truncated.remaining.get(asset) ?? NaN);
      if (truth >= Number(lower) && truth <= Number(upper)) covered++;
    });
    // An 80 % interval covers 7 or more of 12 independent assets with probability 0.98.
    assert.ok(covered >= 7, `the interval holds the true remaining life of ${covered} of 12 assets`);
  });

  it('normalises sensors per operating regime when settings columns are named, and stores the regimes for predict', async function () {
    // Pumps alternating between two speeds; the temperature follows the speed (+30 at the high one) far more than
    // the wear (+8 over a life).
    const random = new Random(8);
    const lines = ['asset,time,speed,temperature'];
    for (let a = 0; a < 16; a++) {
      const life = 150 + Math.floor(random.next() * 100);
      for (let t = 1; t <= life; t++) {
        const fast = random.next() < 0.5;
        lines.push(`pump-${a},${t},${((fast ? 3000 : 1500) + random.gaussian()).toFixed(1)},${((fast ? 70 : 40) + 8 * (t / life) ** 2 + 0.3 * random.gaussian()).toFixed(2)}`);
      }
    }
    const train = path.join(dir, 'train-regimes.csv');
    fs.writeFileSync(train, `${lines.join('\n')}\n`);
    const model = path.join(dir, 'regimes.onnx');
    const fitted = await run(['fit', '--format', 'csv', train, '--out', model, '--window', '10', '--rounds', '60', '--settings', 'speed']);
    assert.equal(fitted.code, 0, fitted.err.join('\n'));
    const log = fitted.err.join('\n');
    assert.match(log, /16 assets, 1 varying sensors \(temperature\)/, 'the setting is no feature');
    assert.match(log, /2 operating regimes in speed \(the most well-separated clusters[^)]*\): \((1500|3000)\) \((3000|1500)\); sensors normalised per regime/);
    assert.match(log, /[\d.]+ % below the lower bound, [\d.]+ % above the upper, on 16 assets' out-of-fold bounds cut at random points of 30-95 % of life/);
    const recipe = JSON.parse(readMetadata(fs.readFileSync(model)).recipe) as { sensors: string[]; regimes: { settings: string[]; centres: number[][]; normal: Array<Record<string, { mean: number }>> } };
    assert.deepEqual(recipe.sensors, ['temperature']);
    assert.deepEqual(recipe.regimes.settings, ['speed']);
    const healthyMeans = recipe.regimes.normal.map((n) => n.temperature.mean).sort((x, y) => x - y);
    assert.ok(healthyMeans[0] > 40 && healthyMeans[0] < 43 && healthyMeans[1] > 70 && healthyMeans[1] < 73, `healthy temperature per regime ${healthyMeans}`);
    const predicted = await run(['predict', '--format', 'csv', train, '--model', model]);
    assert.equal(predicted.code, 0, predicted.err.join('\n'));
    assert.equal(predicted.out.length, 16);
    const fixed = await run(['fit', '--format', 'csv', train, '--out', model, '--rounds', '20', '--settings', 'speed', '--regimes', '3']);
    assert.match(fixed.err.join('\n'), /3 operating regimes in speed \(fixed by --regimes\)/);
    const off = await run(['fit', '--format', 'csv', train, '--out', model, '--rounds', '20', '--no-regimes']);
    assert.match(off.err.join('\n'), /2 varying sensors \(speed temperature\)[^\n]*\nno operating regimes/);
    assert.match((await run(['fit', '--format', 'csv', train, '--out', model, '--settings', 'rpm'])).err.join('\n'), /--settings names rpm, not a column of the histories \(speed temperature\)/);
    assert.match((await run(['fit', '--format', 'csv', train, '--out', model, '--settings', 'speed', '--no-regimes'])).err.join('\n'), /contradict each other/);
    assert.match((await run(['fit', '--format', 'csv', train, '--out', model, '--regimes', '2'])).err.join('\n'), /--regimes needs settings columns/);
  });

  it('fits without an interval on request, and says so when one is asked of that model', async function () {
    const train = path.join(dir, 'train-plain.csv');
    fs.writeFileSync(train, csvHistories(10).text);
    const model = path.join(dir, 'plain.onnx');
    const fitted = await run(['fit', '--format', 'csv', train, '--out', model, '--rounds', '40', '--no-interval']);
    assert.equal(fitted.code, 0, fitted.err.join('\n'));
    assert.doesNotMatch(fitted.err.join('\n'), /bound|interval/);
    assert.deepEqual(JSON.parse(readMetadata(fs.readFileSync(model)).outputs), ['rul']);
    assert.equal((await run(['predict', '--format', 'csv', train, '--model', model])).out.length, 10);
    assert.match((await run(['predict', '--format', 'csv', train, '--model', model, '--interval'])).err.join('\n'), /has no prediction interval/);
    const reversed = await run(['fit', '--format', 'csv', train, '--out', model, '--quantiles', '0.9,0.1']);
    assert.equal(reversed.code, 1);
    assert.match(reversed.err.join('\n'), /--quantiles "0\.9,0\.1" must be two quantiles lower,upper/);
  });

  it('explains bad input: unknown command, missing files, wrong format, a file that goes back in time, a model without a recipe', async function () {
    assert.equal((await run(['bogus'])).code, 2);
    assert.match((await run(['fit', '--format', 'csv', path.join(dir, 'absent.csv'), '--out', path.join(dir, 'x.onnx')])).err.join('\n'), /histories file ".*absent\.csv" not found/);
    assert.match((await run(['predict', '--format', 'csv', path.join(dir, 'absent.csv'), '--model', path.join(dir, 'absent.onnx')])).err.join('\n'), /model file ".*absent\.onnx" not found/);
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, 'asset,time,x\na,2,1\na,1,2\n');
    const backwards = await run(['fit', '--format', 'csv', file, '--out', path.join(dir, 'x.onnx')]);
    assert.equal(backwards.code, 1);
    assert.match(backwards.err.join('\n'), /asset a goes back in time at 1/);
    const wrongFormat = await run(['fit', '--format', 'parquet', file, '--out', path.join(dir, 'x.onnx')]);
    assert.match(wrongFormat.err.join('\n'), /--format must be cmapss or csv/);
    const notNumber = path.join(dir, 'nan.csv');
    fs.writeFileSync(notNumber, 'asset,time,x\na,1,oops\n');
    assert.match((await run(['fit', '--format', 'csv', notNumber, '--out', path.join(dir, 'x.onnx')])).err.join('\n'), /line 2, x: "oops" is not a number/);
    const bare = path.join(dir, 'bare.onnx');
    fs.writeFileSync(bare, ensembleToOnnx({ featureNames: ['x'], baseScore: 1, trees: [[{ feature: -1, threshold: 0, left: -1, right: -1, value: 0 }]] }, {}, '0'));
    assert.match((await run(['predict', '--format', 'csv', file, '--model', bare])).err.join('\n'), /has no "recipe" in its metadata/);
  });

  it('trains on NASA C-MAPSS FD001 and predicts truncated engines', async function () {
    if (!fs.existsSync(FD001)) this.skip();
    const model = path.join(dir, 'fd001.onnx');
    const fitted = await run(['fit', '--format', 'cmapss', FD001, '--out', model, '--rounds', '120']);
    assert.equal(fitted.code, 0, fitted.err.join('\n'));
    const rmse = Number(/validation RMSE ([\d.]+) on 20 held-out assets/.exec(fitted.err.join('\n'))?.[1]);
    assert.ok(rmse < 20, `validation RMSE ${rmse} cycles (capped at 125)`);
    const lines = fs.readFileSync(FD001, 'utf8').trim().split('\n');
    const truncated = lines.filter((line) => { const [unit, cycle] = line.trim().split(/\s+/).map(Number); return unit <= 5 && cycle <= 60; });
    const test = path.join(dir, 'test_FD001.txt');
    fs.writeFileSync(test, `${truncated.join('\n')}\n`);
    const predicted = await run(['predict', '--format', 'cmapss', test, '--model', model]);
    assert.deepEqual(predicted.out.map((l) => l.split(' ')[0]), ['1', '2', '3', '4', '5']);
    for (const line of predicted.out) assert.ok(Number(line.split(' ')[1]) > 60, `an engine 60 cycles into a 128-362-cycle life has a long way to go: ${line}`);
  });
});
