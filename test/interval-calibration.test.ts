import assert from 'node:assert/strict';
import { Random } from '../lib/math/random';
import { calibrateInterval, cutRow, LIVE_CUTS } from '../lib/rul/interval-calibration';

const Q = { lower: 0.1, upper: 0.9 };

describe('one-sided interval calibration', function () {
  it('moves each bound by the quantile of its own misses: an interval lying wholly below the truth rises at its lower end and widens at its upper', function () {
    // Truth 1..20, interval [0, 0]. Each tail may miss 10 % of the cases: the level is 90 %, the 18th smallest of 20
    // scores.
    const target = Array.from({ length: 20 }, (_, i) => i + 1);
    const rows = target.map((_, i) => i);
    const zero = new Array(20).fill(0);
    const c = calibrateInterval(target, zero, zero, rows, Q);
    // Scores below the lower bound: 0 − y = −20..−1, the 18th smallest −3: the lower bound rises to 3.
    assert.equal(c.lowerShift, -3);
    // Scores above the upper bound: y − 0 = 1..20, the 18th smallest 18: the upper bound moves out to 18.
    assert.equal(c.upperShift, 18);
    assert.equal(c.coverageBeforeCalibration, 0);
    assert.equal(c.belowLower, 2 / 20, 'y = 1 and 2 lie below 3: the nominal 10 %');
    assert.equal(c.aboveUpper, 2 / 20, 'y = 19 and 20 lie above 18: the nominal 10 %');
    assert.equal(c.coverage, 16 / 20);
    assert.equal(c.meanWidth, 15);
    assert.equal(c.assets, 20);
  });

  it('weighs each held-out asset the same, as one cut at a random point of its life, however many rows it has', function () {
    // Asset "long" has 90 rows all above the interval, "short" 10 rows inside it. By rows 10 % are covered; as assets
    // cut at a random point, half the cases are.
    const target = [...new Array(90).fill(10), ...new Array(10).fill(0)];
    const groups = [...new Array(90).fill('long'), ...new Array(10).fill('short')];
    const rows = target.map((_, i) => i);
    const lower = new Array(100).fill(-1);
    const upper = new Array(100).fill(1);
    const before = calibrateInterval(target, lower, upper, rows, Q, groups);
    assert.equal(before.assets, 2);
    assert.ok(Math.abs(before.coverageBeforeCalibration - 0.5) < 1e-12, `the short asset is covered, the long one not: half the cases (${before.coverageBeforeCalibration})`);
    const byRow = calibrateInterval(target, lower, upper, rows, Q);
    assert.ok(Math.abs(byRow.coverageBeforeCalibration - 0.1) < 1e-12, `${byRow.coverageBeforeCalibration}`);
  });

  it('counts an asset only between 30 and 95 % of its life, where a live asset is cut: misses early in life do not move the bounds', function () {
    // 20 assets of 100 rows in life order, the interval [0, 10]; the truth lies below the lower bound in the first
    // 30 rows of every life (as early in life, at the RUL cap, it lies above it) and inside after.
    const target: number[] = [];
    const groups: string[] = [];
    for (let a = 0; a < 20; a++) {
      for (let i = 0; i < 100; i++) {
        target.push(i < 30 ? -5 : 5);
        groups.push(`asset-${a}`);
      }
    }
    const rows = target.map((_, i) => i);
    const lower = new Array(target.length).fill(0);
    const upper = new Array(target.length).fill(10);
    const c = calibrateInterval(target, lower, upper, rows, Q, groups);
    assert.equal(c.coverageBeforeCalibration, 1, 'rows 30-95 of every life are inside');
    assert.ok(c.lowerShift <= 0, `the lower bound does not move down for misses before the span (${c.lowerShift})`);
    assert.equal(cutRow(100, LIVE_CUTS.from), 30);
    assert.equal(cutRow(100, LIVE_CUTS.to), 95);
    // Over the whole life (the span 0-100 %) 30 % of the cases miss below, and the bound moves down to cover them.
    const whole = calibrateInterval(target, lower, upper, rows, Q, groups, { from: 0, to: 1 });
    assert.ok(Math.abs(whole.coverageBeforeCalibration - 0.7) < 1e-9, `${whole.coverageBeforeCalibration}`);
    assert.equal(whole.lowerShift, 5);
  });

  it('brings both tails near their nominal 10 % on noisy data where a symmetric shift would not', function () {
    // Truth = estimate + skewed noise (exponential): a symmetric interval ±c leaves far more above than below. The
    // quantile models here are deliberately wrong (±5 around the estimate); calibration fixes each side apart.
    const random = new Random(3);
    const n = 4000;
    const target: number[] = [];
    const lower: number[] = [];
    const upper: number[] = [];
    const groups: string[] = [];
    for (let i = 0; i < n; i++) {
      const estimate = 100 * random.next();
      target.push(estimate - 2 + -10 * Math.log(Math.max(1e-12, random.next())));
      lower.push(estimate - 5);
      upper.push(estimate + 5);
      groups.push(`asset-${i % 200}`);
    }
    const rows = target.map((_, i) => i);
    const fitted = calibrateInterval(target, lower, upper, rows.filter((r) => r % 2 === 0), Q, groups);
    // Fresh cases (the odd rows), under the shifted bounds.
    let below = 0;
    let above = 0;
    const fresh = rows.filter((r) => r % 2 === 1);
    for (const r of fresh) {
      if (target[r] < lower[r] - fitted.lowerShift) below++;
      if (target[r] > upper[r] + fitted.upperShift) above++;
    }
    // 2,000 fresh cases: binomial SD of a 10 % share 0.7 %; ±3 % also covers the calibration's own sampling error.
    assert.ok(Math.abs(below / fresh.length - 0.1) <= 0.03, `below the lower bound on fresh cases: ${below / fresh.length}`);
    assert.ok(Math.abs(above / fresh.length - 0.1) <= 0.03, `above the upper bound on fresh cases: ${above / fresh.length}`);
    assert.ok(fitted.upperShift > -fitted.lowerShift, 'the long upper tail moves the upper bound further');
  });

  it('refuses no held-out rows and quantiles out of order', function () {
    assert.throws(() => calibrateInterval([1], [1], [1], [], Q), /no held-out rows/);
    assert.throws(() => calibrateInterval([1], [1], [1], [0], { lower: 0.9, upper: 0.1 }), /need 0 < lower < upper < 1/);
  });
});
