import assert from 'node:assert/strict';
import { UrgencyTracker, URGENCY_ACTIONS } from '../lib/rul/urgency';

describe('maintenance urgency', function () {
  it('rises NORMAL → WARNING → CRITICAL as life runs out, opening then escalating one work order, once each', function () {
    const tracker = new UrgencyTracker();
    const seen = [300, 200, 160, 150, 100, 47, 40, 30].map((rulHours, i) => tracker.update({ asset: 'spindle-1', ts: i, rulHours }));
    assert.deepEqual(seen.map((d) => d.level), ['NORMAL', 'NORMAL', 'WARNING', 'WARNING', 'WARNING', 'CRITICAL', 'CRITICAL', 'CRITICAL']);
    assert.deepEqual(seen.filter((d) => d.changed).map((d) => d.workOrder?.action), ['open', 'escalate'], 'a new level fires once, not every cycle');
    assert.equal(seen[5].workOrder?.id, seen[2].workOrder?.id, 'the escalation updates the same work order');
    assert.deepEqual(seen[5].actions, URGENCY_ACTIONS.CRITICAL);
    assert.match(seen[5].workOrder?.message ?? '', /CRITICAL: spindle-1, 47 h remaining useful life\. Schedule maintenance now/);
  });

  it('does not flap around a threshold, and keeps the work order open when the estimate is back to normal', function () {
    const tracker = new UrgencyTracker({ criticalHours: 48, warningHours: 168, hysteresisHours: 12 });
    const levels = [46, 50, 55, 59, 61, 175, 181].map((rulHours, i) => tracker.update({ asset: 'pump-1', ts: i, rulHours }));
    assert.deepEqual(levels.map((d) => d.level), ['CRITICAL', 'CRITICAL', 'CRITICAL', 'CRITICAL', 'WARNING', 'WARNING', 'NORMAL']);
    assert.deepEqual(levels.filter((d) => d.workOrder).map((d) => d.workOrder?.action), ['open', 'de-escalate', 'de-escalate']);
    assert.equal(levels[6].workOrder?.id, levels[0].workOrder?.id, 'the same order, still open: only a person completes it');
  });

  it('judges on the pessimistic end of the prediction interval', function () {
    const tracker = new UrgencyTracker();
    const decision = tracker.update({ asset: 'a', ts: 0, rulHours: 90, lowerHours: 40 });
    assert.equal(decision.level, 'CRITICAL');
    assert.equal(decision.basisHours, 40);
  });

  it('keeps its levels and open work orders across a restart', function () {
    const tracker = new UrgencyTracker();
    tracker.update({ asset: 'a', ts: 1, rulHours: 100 });
    const restored = new UrgencyTracker(undefined, JSON.parse(JSON.stringify(tracker)));
    const next = restored.update({ asset: 'a', ts: 2, rulHours: 30 });
    assert.equal(next.previous, 'WARNING');
    assert.deepEqual([next.workOrder?.action, next.workOrder?.id], ['escalate', 'a:wo:1']);
  });

  it('refuses thresholds in the wrong order and a RUL that is not a number', function () {
    assert.throws(() => new UrgencyTracker({ criticalHours: 200, warningHours: 168, hysteresisHours: 0 }), /critical < warning/);
    assert.throws(() => new UrgencyTracker().update({ asset: 'a', ts: 0, rulHours: NaN }), /RUL of a is not a number/);
  });
});
