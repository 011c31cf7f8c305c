import assert from 'node:assert/strict';
import { OperatingClock } from '../lib/machine-health/operating-clock';
import { chooseEstimates, isLadderRecord, trainedOnSite } from '../lib/rul/ladder/handover';
import type { RulRecord } from '../lib/rul/records';

const TS = Date.UTC(2026, 11, 6, 9);

function record(asset: string, modelVersion: string, rulHours: number): RulRecord {
  return { kind: 'rul', asset, ts: TS, rulHours, lowerHours: rulHours / 2, upperHours: rulHours * 2, capped: false, confidence: 'normal', modelVersion };
}

describe('RUL ladder → supervised trees hand-over', function () {
  it('recognises twin-health records and the shipped default model', function () {
    assert.equal(isLadderRecord(record('spindle-1', 'ladder:degradation-exponential', 90)), true);
    assert.equal(isLadderRecord(record('spindle-1', 'default-3f2a', 90)), false);
    assert.equal(isLadderRecord({ kind: 'rul', asset: 'spindle-1', ts: TS, modelVersion: 'ladder:similarity' }), false, 'a record without hours is not an estimate');
    assert.equal(trainedOnSite('default-3f2a'), false);
    assert.equal(trainedOnSite('v20261206T091500Z'), true);
  });

  it('sends the ladder estimate of each scored asset once while the model is the shipped default, none for an asset still learning', function () {
    const trees = [record('spindle-1', 'default-3f2a', 400), record('pump-1', 'default-3f2a', 900)];
    const ladder = new Map([['spindle-1', record('spindle-1', 'ladder:survival-iso281', 1200)]]);
    const first = chooseEstimates('until-site-model', 'default-3f2a', trees, ladder);
    assert.deepEqual(first.map((r) => [r.asset, r.modelVersion, r.rulHours]), [['spindle-1', 'ladder:survival-iso281', 1200]]);
    assert.equal(ladder.size, 0, 'a ladder estimate is used once');
    assert.deepEqual(chooseEstimates('until-site-model', 'default-3f2a', trees, ladder), [], 'no new ladder estimate, no estimate: an old one is never repeated');
  });

  it('lets the trees estimate every asset once a model trained on site is in use, or when the ladder is off', function () {
    const trees = [record('spindle-1', 'v20261206T091500Z', 300)];
    const ladder = new Map([['spindle-1', record('spindle-1', 'ladder:degradation-linear', 80)]]);
    assert.deepEqual(chooseEstimates('until-site-model', 'v20261206T091500Z', trees, ladder), trees);
    assert.deepEqual(chooseEstimates('off', 'default-3f2a', [record('spindle-1', 'default-3f2a', 400)], ladder).map((r) => r.modelVersion), ['default-3f2a']);
  });
});

describe('operating clock of an accelerated plant', function () {
  it('is the identity on a real plant', function () {
    const clock = new OperatingClock(1);
    assert.equal(clock.toOperating(TS + 5000), TS + 5000);
    assert.equal(clock.toClock(TS + 5000), TS + 5000);
  });

  it('counts operating time from the first message at the speed-up, and maps back onto the clock', function () {
    const clock = new OperatingClock(1440);
    assert.equal(clock.toOperating(TS), TS);
    assert.equal(clock.toOperating(TS + 5000), TS + 5000 * 1440, 'five clock seconds are two operating hours');
    assert.equal((clock.toOperating(TS + 5000) - TS) / 3_600_000, 2);
    assert.equal(clock.toClock(TS + 2 * 3_600_000), TS + 5000);
    const restarted = new OperatingClock(1440, clock.start);
    assert.equal(restarted.toOperating(TS + 10_000), TS + 10_000 * 1440, 'after a restart it goes on from the same start');
    assert.throws(() => new OperatingClock(0), /positive/);
  });
});
