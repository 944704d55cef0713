import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventBridgeExpression, nextFireTimes, parseMonthlyCron } from '../../../src/schedule/schedule-config.js';
import { ScheduleConfig, parseScheduleConfig, scheduleFromEnv } from '../../../src/entrypoints/schedule-env.js';
import { ValidationError } from '../../../src/domain/errors.js';

const request = { project_name: 'amazon', bucket_name: 'src-bucket' };

describe('schedule configuration', () => {
  it('defaults to the 10th at 03:00 UTC: cron(0 3 10 * ? *)', () => {
    const c = ScheduleConfig.parse({ request });
    assert.equal(eventBridgeExpression(c), 'cron(0 3 10 * ? *)');
    assert.equal(c.prefix_template, '{yyyy}{MM}{dd}');
    assert.equal(c.month_offset, 0);
  });

  it('fires at 03:00 local in Europe/London across both 2025 DST changes', () => {
    const runs = nextFireTimes({ minute: 0, hour: 3, day_of_month: 10, time_zone: 'Europe/London' }, 12, new Date('2025-01-15T00:00:00Z'));
    const utcHours = runs.map((d) => `${d.toISOString().slice(0, 10)} ${d.getUTCHours()}`);
    assert.deepEqual(utcHours, [
      '2025-02-10 3',
      '2025-03-10 3',
      '2025-04-10 2',
      '2025-05-10 2',
      '2025-06-10 2',
      '2025-07-10 2',
      '2025-08-10 2',
      '2025-09-10 2',
      '2025-10-10 2',
      '2025-11-10 3',
      '2025-12-10 3',
      '2026-01-10 3',
    ]);
  });

  it('C17: "L" at 02:00 Europe/London gives the last day of each month, never skipping one', () => {
    const c = { minute: 0, hour: 2, day_of_month: 'L' as const, time_zone: 'Europe/London' };
    assert.equal(eventBridgeExpression(c), 'cron(0 2 L * ? *)');
    const runs = nextFireTimes(c, 14, new Date('2025-01-15T00:00:00Z')).map((d) => d.toISOString());
    assert.deepEqual(runs, [
      '2025-01-31T02:00:00.000Z',
      '2025-02-28T02:00:00.000Z',
      '2025-03-31T01:00:00.000Z',
      '2025-04-30T01:00:00.000Z',
      '2025-05-31T01:00:00.000Z',
      '2025-06-30T01:00:00.000Z',
      '2025-07-31T01:00:00.000Z',
      '2025-08-31T01:00:00.000Z',
      '2025-09-30T01:00:00.000Z',
      '2025-10-31T02:00:00.000Z',
      '2025-11-30T02:00:00.000Z',
      '2025-12-31T02:00:00.000Z',
      '2026-01-31T02:00:00.000Z',
      '2026-02-28T02:00:00.000Z',
    ]);
  });

  it('C17: refuses day 29-31 with an explanation', () => {
    for (const day of [29, 30, 31]) {
      assert.throws(
        () => parseScheduleConfig(JSON.stringify({ day_of_month: day, request }), 'test'),
        (e: unknown) => e instanceof ValidationError && e.field === 'day_of_month' && /"L" for the last day/.test(e.message),
      );
    }
    assert.throws(() => parseScheduleConfig(JSON.stringify({ day_of_month: 0, request }), 'test'), ValidationError);
  });

  it('refuses unknown zones, bad templates and a prefix in the scheduled request', () => {
    assert.throws(
      () => parseScheduleConfig(JSON.stringify({ time_zone: 'Europe/Nowhere', request }), 't'),
      (e: unknown) => e instanceof ValidationError && e.field === 'time_zone',
    );
    assert.throws(() => parseScheduleConfig(JSON.stringify({ prefix_template: '{yy}', request }), 't'), ValidationError);
    assert.throws(
      () => parseScheduleConfig(JSON.stringify({ request: { ...request, prefix: 'x' } }), 't'),
      (e: unknown) => e instanceof ValidationError && e.field === 'request.prefix',
    );
  });

  it('reads the COLDPACK_SCHEDULE_* variables the CDK stack sets', () => {
    assert.equal(scheduleFromEnv({}), undefined);
    assert.equal(scheduleFromEnv({ COLDPACK_SCHEDULE_REQUEST: '{}' }), undefined);
    const c = scheduleFromEnv({
      COLDPACK_SCHEDULE_REQUEST: JSON.stringify(request),
      COLDPACK_SCHEDULE_TIMEZONE: 'Europe/Berlin',
      COLDPACK_SCHEDULE_CRON: 'cron(0 3 10 * ? *)',
      COLDPACK_SCHEDULE_MONTH_OFFSET: '-1',
      COLDPACK_SCHEDULE_PREFIX_TEMPLATE: '{yyyy}{MM}',
    })!;
    assert.equal(c.time_zone, 'Europe/Berlin');
    assert.equal(c.month_offset, -1);
    assert.equal(c.day_of_month, 10);
    assert.equal(c.request.project_name, 'amazon');
    assert.deepEqual(parseMonthlyCron('cron(0 2 L * ? *)'), { minute: 0, hour: 2, day_of_month: 'L' });
    assert.throws(() => parseMonthlyCron('rate(1 day)'), ValidationError);
    const whole = scheduleFromEnv({ COLDPACK_SCHEDULE: JSON.stringify({ day_of_month: 'L', request }) })!;
    assert.equal(whole.day_of_month, 'L');
  });
});
