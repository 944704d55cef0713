import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalSchedule } from '../../../src/schedule/local-schedule.js';
import { nextFireTimes } from '../../../src/schedule/schedule-config.js';

describe('local schedule (coldpack serve)', () => {
  it('arms croner with the same pattern and zone as the EventBridge expression, and stops', () => {
    const c = { minute: 0, hour: 3, day_of_month: 10 as const, time_zone: 'Europe/London' };
    const s = startLocalSchedule(
      c,
      async () => undefined,
      () => undefined,
    );
    try {
      const expected = nextFireTimes(c, 1, new Date())[0]!;
      assert.equal(s.next()?.toISOString(), expected.toISOString());
    } finally {
      s.stop();
    }
    assert.equal(s.next(), undefined);
  });
});
