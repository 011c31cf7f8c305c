import assert from 'node:assert/strict';
import { Random } from '../lib/math/random';
import { fitWeibull, residualLifeQuantile, weibullFromL10, type Life } from '../lib/rul/ladder/weibull';
import { expectedFalseAlarmRows, OnsetDetector, DEFAULT_ONSET_OPTIONS } from '../lib/rul/ladder/onset';
import { DegradationFit } from '../lib/rul/ladder/degradation';
import { similarityRul, type RunToFailure } from '../lib/rul/ladder/similarity';
import { survivalSource } from '../lib/rul/ladder/survival-prior';
import { DEFAULT_LADDER_OPTIONS, RulLadder, type LadderEstimate, type LadderState } from '../lib/rul/ladder/rul-ladder';
import { basicRatingLifeHours } from '../lib/scenario/bearing-life';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 1);

function weibullSample(random: Random, shape: number, scale: number): number {
  return scale * Math.pow(-Math.log(1 - random.next()), 1 / shape);
}

describe('RUL ladder: survival prior', function () {
  it('fits a Weibull to lives with right censoring and recovers shape and scale', function () {
    const random = new Random(21);
    const lives: Life[] = Array.from({ length: 400 }, () => {
      const life = weibullSample(random, 2.2, 5000);
      const inspection = 2000 + 8000 * random.next();
      return life <= inspection ? { hours: life, failed: true } : { hours: inspection, failed: false };
    });
    const fitted = fitWeibull(lives);
    assert.ok(Math.abs(fitted.shape - 2.2) < 0.3, `shape ${fitted.shape}`);
    assert.ok(Math.abs(fitted.scale - 5000) < 400, `scale ${fitted.scale}`);
    // Ignoring censoring (treating running assets as failed) underestimates the scale: the reason to keep them censored.
    const naive = fitWeibull(lives.map((life) => ({ ...life, failed: true })));
    assert.ok(naive.scale < fitted.scale - 300);
  });

  it('gives a memoryless residual life for shape 1 and 10 % failures before L10', function () {
    const exponential = { shape: 1, scale: 1000 };
    assert.ok(Math.abs(residualLifeQuantile(exponential, 0, 0.5) - 1000 * Math.LN2) < 1e-6);
    assert.ok(Math.abs(residualLifeQuantile(exponential, 5000, 0.5) - 1000 * Math.LN2) < 1e-6);
    const iso = weibullFromL10(800, 1.5);
    assert.ok(Math.abs(1 - Math.exp(-Math.pow(800 / iso.scale, 1.5)) - 0.1) < 1e-12);
    const source = survivalSource([], 3, { dynamicLoadRatingN: 4000, equivalentLoadN: 4000, rpm: 1800, type: 'ball' });
    assert.equal(source?.model, 'survival-iso281');
    assert.ok(Math.abs(residualLifeQuantile(source.weibull, 0, 0.1) - basicRatingLifeHours(4000, 4000, 1800, 'ball')) < 1e-9);
  });
});

describe('RUL ladder: onset and degradation', function () {
  it('stays quiet on healthy noise and finds a sustained rise; a single burst does not trip it', function () {
    assert.ok(expectedFalseAlarmRows(DEFAULT_ONSET_OPTIONS) > 10_000);
    const random = new Random(4);
    const detector = new OnsetDetector();
    for (let i = 0; i < 3000; i++) assert.equal(detector.update(START + i * 1000, 0.01 * random.gaussian(), 0, 0.01), undefined, `false onset at ${i}`);
    assert.equal(detector.update(START + 3000 * 1000, 5, 0, 0.01), undefined, 'one burst alone');
    let found = -1;
    for (let i = 0; i < 100 && found < 0; i++) if (detector.update(START + (3100 + i) * 1000, 0.03 + 0.01 * random.gaussian(), 0, 0.01)) found = i;
    assert.ok(found >= 0 && found < 10, `3σ rise found after ${found} rows`);
  });

  it('extrapolates an exponential trend to the threshold with an interval that contains the truth', function () {
    const random = new Random(8);
    const fit = new DegradationFit(START);
    // HI = 0.05 e^{0.5 t}: reaches 1 at t = ln(20)/0.5 ≈ 5.99 h.
    const failure = Math.log(20) / 0.5;
    let last;
    for (let t = 0; t <= 3; t += 0.05) {
      fit.add(START + t * HOUR, 0.05 * Math.exp(0.5 * t + 0.05 * random.gaussian()));
      last = fit.estimate(START + t * HOUR);
    }
    assert.ok(last);
    assert.equal(last.kind, 'exponential');
    const truth = failure - 3;
    assert.ok(Math.abs(last.rulHours - truth) < 0.3, `RUL ${last.rulHours.toFixed(2)} h vs ${truth.toFixed(2)} h`);
    assert.ok(last.lowerHours < truth && truth < last.upperHours, `interval ${last.lowerHours.toFixed(2)}..${last.upperHours.toFixed(2)}`);
  });

  it('prefers the linear model for a straight rise', function () {
    const random = new Random(9);
    const fit = new DegradationFit(START);
    for (let t = 0; t <= 4; t += 0.1) fit.add(START + t * HOUR, 0.1 + 0.1 * t + 0.005 * random.gaussian());
    const estimate = fit.estimate(START + 4 * HOUR);
    assert.equal(estimate?.kind, 'linear');
    assert.ok(Math.abs((estimate?.rulHours ?? 0) - 5) < 0.3, `RUL ${estimate?.rulHours}`);
  });

  it('hands a trend too flat to bound the life down to the survival prior, saying the degradation is under way, until the rise is clear', function () {
    // The index steps to 4 σ above its centre (an onset) and then wanders there, as the simulated spindle's did after
    // its onset: a trend fitted to that noise reaches the threshold, if ever, beyond any horizon. Then it rises.
    const source = survivalSource([], 3, { dynamicLoadRatingN: 4000, equivalentLoadN: 4000, rpm: 1800, type: 'ball' });
    const ladder = new RulLadder('b4', () => source);
    const random = new Random(21);
    const flat: LadderEstimate[] = [];
    let rising: LadderEstimate | undefined;
    for (let i = 0; i < 160; i++) {
      const progress = i < 10 ? 0.01 * random.gaussian() : i < 100 ? 0.04 + 0.01 * random.gaussian() : 0.04 + 0.02 * (i - 100) + 0.005 * random.gaussian();
      const estimate = ladder.update({ ts: START + i * HOUR, progress, center: 0, sigma: 0.01, ageHours: i });
      if (i >= 20 && i < 100) flat.push(estimate);
      if (i === 159) rising = estimate;
    }
    assert.ok(ladder.onset && ladder.onset.sinceTs >= START + 10 * HOUR, 'an onset at the step');
    const prior = flat.filter((e) => e.model === 'survival-iso281');
    assert.ok(prior.every((e) => e.basis.endsWith('degradation under way, no trend yet that bounds the remaining life')), prior[0]?.basis);
    // A trend is taken when it reaches the threshold within the horizon with 90 % probability, so on pure noise about
    // one row in ten still shows one; each of those has a bounded interval.
    const trends = flat.filter((e) => e.model.startsWith('degradation-'));
    assert.ok(prior.length >= 0.8 * flat.length, `the prior on ${prior.length} of ${flat.length} flat rows`);
    assert.ok(trends.every((e) => Number.isFinite(e.upperHours)), trends.map((e) => `${e.rulHours}..${e.upperHours}`).join(', '));
    assert.ok(rising && rising.model.startsWith('degradation-') && Number.isFinite(rising.upperHours), `${rising?.model} ${rising?.rulHours}..${rising?.upperHours}`);
  });

  it('matches a trajectory to past run-to-failure histories', function () {
    const library: RunToFailure[] = [8, 10, 12].map((life) => ({
      id: `h${life}`, failureHours: life,
      points: Array.from({ length: 101 }, (_, i) => ({ hours: (i * life) / 100, health: (i / 100) ** 2 })),
    }));
    assert.equal(similarityRul([{ hours: 1, health: 0.01 }], library.slice(0, 2)), undefined, 'two histories are too few');
    // A 10 h life seen for 6 h.
    const current = Array.from({ length: 61 }, (_, i) => ({ hours: i / 10, health: (i / 100) ** 2 }));
    const estimate = similarityRul(current, library);
    assert.ok(estimate && Math.abs(estimate.rulHours - 4) < 0.6, `RUL ${estimate?.rulHours}`);
    assert.ok(estimate.lowerHours <= estimate.rulHours && estimate.rulHours <= estimate.upperHours);
  });

  it('climbs from the survival prior to degradation and names the model in every estimate', function () {
    const source = survivalSource([], 3, { dynamicLoadRatingN: 4000, equivalentLoadN: 4000, rpm: 1800, type: 'ball' });
    const ladder = new RulLadder('b1', () => source);
    const random = new Random(12);
    const models = new Set<string>();
    let first;
    for (let i = 0; i < 400; i++) {
      const t = i / 60;
      const progress = t < 2 ? 0.01 * random.gaussian() : 0.05 * Math.exp(0.8 * (t - 2)) + 0.01 * random.gaussian();
      const estimate = ladder.update({ ts: START + t * HOUR, progress, center: 0, sigma: 0.01, ageHours: t });
      first ??= estimate;
      models.add(estimate.model);
    }
    assert.equal(first?.model, 'survival-iso281');
    assert.ok(models.has('degradation-exponential'), [...models].join(','));
    assert.ok(ladder.onset && ladder.onset.sinceTs >= START + 1.9 * HOUR, `onset ${ladder.onset && (ladder.onset.sinceTs - START) / HOUR} h`);
  });
  it('starts the trend with the points since the onset began, not a minimum of points after its detection', function () {
    // From row 20 the index stands 3 σ above its centre and rises 0.2 σ a row: the CUSUM (k = 1, h = 8) calls it at
    // row 23 (Σ(z − 1) = 2 + 2.2 + 2.4 + 2.6 = 9.2), dated back to row 20; the trend's 10 points are those 4 and 6
    // more, so it answers at row 29, not 10 rows after the detection.
    let ladder = new RulLadder('b3', () => undefined);
    let detectedAt: number | undefined;
    let trendAt: number | undefined;
    for (let i = 0; i < 60 && trendAt === undefined; i++) {
      // A restart in the middle of the excursion, before its detection, keeps the points it will need.
      if (i === 22) ladder = new RulLadder('b3', () => undefined, [], DEFAULT_LADDER_OPTIONS, JSON.parse(JSON.stringify(ladder.toJSON())) as LadderState);
      const progress = i < 20 ? 0 : 0.03 + 0.002 * (i - 20);
      const estimate = ladder.update({ ts: START + i * HOUR, progress, center: 0, sigma: 0.01, ageHours: i });
      if (estimate.onset) detectedAt ??= i;
      if (estimate.model.startsWith('degradation-')) trendAt = i;
    }
    assert.equal(ladder.onset?.sinceTs, START + 20 * HOUR, 'the onset is dated where the excursion began');
    assert.equal(detectedAt, 23);
    assert.equal(trendAt, 29, `a trend from the 10 points since row 20 (detected at row ${detectedAt})`);
    assert.equal(ladder.trajectorySinceOnset()[0].hours, 0, 'the trajectory starts at the onset');
  });
  it('says nothing remains once the health index has reached the failure threshold, whatever the trend promised', function () {
    const ladder = new RulLadder('b2', () => undefined);
    const random = new Random(5);
    let beforeThreshold;
    let atThreshold;
    for (let i = 0; i < 600 && !atThreshold; i++) {
      const t = i / 60;
      const progress = t < 2 ? 0.01 * random.gaussian() : 0.05 * Math.exp(0.8 * (t - 2)) + 0.01 * random.gaussian();
      const estimate = ladder.update({ ts: START + t * HOUR, progress, center: 0, sigma: 0.01, ageHours: t });
      if (progress >= 1) atThreshold = estimate;
      else if (estimate.rulHours !== undefined) beforeThreshold = estimate;
    }
    assert.ok(beforeThreshold && (beforeThreshold.rulHours as number) > 0, 'a trend estimate before the threshold');
    assert.ok(atThreshold, 'the index reached the threshold');
    assert.deepEqual([atThreshold.rulHours, atThreshold.lowerHours, atThreshold.upperHours], [0, 0, 0]);
    assert.match(atThreshold.model, /^degradation-/);
    assert.equal(atThreshold.basis, 'health index at the failure threshold');
  });
});
