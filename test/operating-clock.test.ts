import assert from 'node:assert/strict';
import { OperatingClock } from '../lib/machine-health/operating-clock';

const TS = Date.UTC(2026, 11, 6, 9);

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
