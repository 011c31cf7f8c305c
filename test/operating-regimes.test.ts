import assert from 'node:assert/strict';
import { Random } from '../lib/math/random';
import { buildRecipe, historyFeatures } from '../lib/rul/history-recipe';
import type { AssetHistory } from '../lib/rul/history-table';
import { findRegimes, learnRegimes, normaliseHistory, regimeClassifier } from '../lib/rul/operating-regimes';

/**
 * Machines run at one of six operating points of speed (rpm, thousands) and load (a fraction), with a little
 * jitter; two points share a speed and differ only in load, so unscaled distances (speed in rpm) would merge them.
 * The temperature follows the operating point strongly and the wear weakly: base by regime, plus `wear` × life used.
 */
const POINTS = [[6000, 0.2], [6000, 0.8], [9000, 0.5], [12000, 0.2], [12000, 0.8], [15000, 0.5]];
const BASE = [40, 55, 60, 70, 85, 95];

function lives(count: number, seed: number, wear = 5): AssetHistory[] {
  const random = new Random(seed);
  return Array.from({ length: count }, (_, unit) => {
    const life = 100 + Math.floor(random.next() * 100);
    const history: AssetHistory = { asset: `m${unit}`, time: [], sensors: { speed: [], load: [], temperature: [] } };
    for (let t = 0; t < life; t++) {
      const regime = Math.floor(random.next() * POINTS.length);
      history.time.push(t);
      history.sensors.speed.push(POINTS[regime][0] + 2 * random.gaussian());
      history.sensors.load.push(POINTS[regime][1] + 0.002 * random.gaussian());
      history.sensors.temperature.push(BASE[regime] + wear * (t / life) + 0.5 * random.gaussian());
    }
    return history;
  });
}

const settingsRows = (histories: AssetHistory[]) => histories.flatMap((h) => h.time.map((_, i) => [h.sensors.speed[i], h.sensors.load[i]]));

describe('operating regimes', function () {
  this.timeout(20000);

  it('finds the six operating points from the settings, whatever the seed, with the settings scaled first', function () {
    const rows = settingsRows(lives(30, 1));
    for (const seed of [1, 2, 3]) {
      const regimes = findRegimes(['speed', 'load'], rows, { seed });
      assert.equal(regimes.centres.length, 6, `seed ${seed}: ${JSON.stringify(regimes.centres)}`);
      assert.equal(regimes.chosenBy, 'separation');
      const found = [...regimes.centres].sort((a, b) => Math.round(a[0] / 1000) - Math.round(b[0] / 1000) || a[1] - b[1]);
      found.forEach((centre, i) => {
        assert.ok(Math.abs(centre[0] - POINTS[i][0]) < 5 && Math.abs(centre[1] - POINTS[i][1]) < 0.01, `seed ${seed}: centre ${centre} for ${POINTS[i]}`);
      });
      const regimeOf = regimeClassifier(regimes);
      POINTS.forEach((point, i) => assert.equal(regimes.centres[regimeOf(point)], found[i], `${point} falls in its own regime`));
    }
  });

  it('makes one regime of settings that only carry noise, and the number asked for when it is fixed', function () {
    const random = new Random(4);
    const noise = Array.from({ length: 3000 }, () => [100 + random.gaussian(), 0.5 + 0.01 * random.gaussian()]);
    assert.equal(findRegimes(['speed', 'load'], noise).centres.length, 1);
    const fixed = findRegimes(['speed', 'load'], settingsRows(lives(10, 2)), { count: 3 });
    assert.equal(fixed.centres.length, 3);
    assert.equal(fixed.chosenBy, 'fixed');
    assert.throws(() => findRegimes(['speed'], [[1], [1], [1]], { count: 2 }), /do not hold 2 distinct operating points/);
    assert.throws(() => findRegimes([], [[1]]), /name at least one settings column/);
  });

  it('normalises each sensor by its regime\'s healthy mean and SD, so the wear shows the same in every regime', function () {
    const histories = lives(40, 5);
    // Healthy: the first half of each life.
    const healthy = (h: AssetHistory, step: number) => step < h.time.length / 2;
    const regimes = learnRegimes(histories, ['speed', 'load'], ['temperature'], healthy);
    assert.equal(regimes.centres.length, 6);
    const regimeOf = regimeClassifier(regimes);
    POINTS.forEach((point, i) => {
      const { mean, sd } = regimes.normal[regimeOf(point)].temperature;
      // Healthy temperature: BASE + wear over the first half (mean 1.25) + noise; SD from noise 0.5 and wear 0-2.5.
      assert.ok(Math.abs(mean - (BASE[i] + 1.25)) < 0.2, `regime at ${point}: healthy mean ${mean}`);
      assert.ok(sd > 0.6 && sd < 1.2, `regime at ${point}: healthy SD ${sd}`);
    });
    const normalised = histories.map((h) => normaliseHistory(h, regimes));
    // Raw, the temperature spreads over the operating points (40-95); normalised, the regimes line up and only the
    // wear remains: late life reads higher than early life in every regime alike.
    for (let regime = 0; regime < 6; regime++) {
      const early: number[] = [];
      const late: number[] = [];
      histories.forEach((h, a) => h.time.forEach((_, step) => {
        if (regimeOf([h.sensors.speed[step], h.sensors.load[step]]) !== regime) return;
        const fraction = step / h.time.length;
        if (fraction < 0.2) early.push(normalised[a].sensors.temperature[step]);
        if (fraction > 0.8) late.push(normalised[a].sensors.temperature[step]);
      }));
      const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
      assert.ok(mean(early) < -0.5 && mean(late) > 2, `regime ${regime}: early ${mean(early)}, late ${mean(late)}`);
    }
    assert.deepEqual(normalised[0].sensors.speed, histories[0].sensors.speed, 'settings are left as they are');
  });

  it('builds a recipe that drops the settings as features and computes the same features after a JSON round trip (the model metadata)', function () {
    const histories = lives(20, 6);
    const recipe = buildRecipe(histories, { window: 10, settings: ['speed', 'load'], healthyBeyond: 50 });
    assert.deepEqual(recipe.sensors, ['temperature']);
    assert.equal(recipe.regimes?.centres.length, 6);
    const stored = JSON.parse(JSON.stringify(recipe)) as typeof recipe;
    assert.deepEqual(historyFeatures(histories[3], stored), historyFeatures(histories[3], recipe));
    const last = historyFeatures(histories[3], recipe).at(-1);
    const raw = buildRecipe(histories, { window: 10, healthyBeyond: 50 });
    assert.deepEqual(raw.sensors, ['speed', 'load', 'temperature']);
    assert.equal(raw.regimes, undefined);
    const rawLast = historyFeatures(histories[3], raw).at(-1);
    assert.ok(last && rawLast && Math.abs(last['temperature.last']) < 10 && rawLast['temperature.last'] > 35, 'normalised vs raw temperature');
    const { speed: _dropped, ...withoutSpeed } = histories[3].sensors;
    assert.throws(() => historyFeatures({ ...histories[3], sensors: withoutSpeed }, stored), /has no column speed/);
  });
});
