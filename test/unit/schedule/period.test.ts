import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addMonths, daysInMonth, periodOf, planRun, renderTemplate, zonedParts } from '../../../src/schedule/period.js';
import { ValidationError } from '../../../src/domain/errors.js';

const plan = (iso: string, timeZone = 'UTC', monthOffset = 0, prefixTemplate = '{yyyy}{MM}{dd}') =>
  planRun(new Date(iso), { timeZone, monthOffset, prefixTemplate });

describe('schedule periods', () => {
  it('gives the source application sample prefix 20240410 for a run on 2024-04-10 03:00', () => {
    const p = plan('2024-04-10T03:00:00Z');
    assert.equal(p.period, '2024-04');
    assert.equal(p.prefix, '20240410');
  });

  it('handles month and year boundaries with a month offset', () => {
    assert.deepEqual(addMonths({ year: 2024, month: 1, day: 10 }, -1), { year: 2023, month: 12, day: 10 });
    assert.deepEqual(addMonths({ year: 2024, month: 12, day: 10 }, 1), { year: 2025, month: 1, day: 10 });
    assert.deepEqual(addMonths({ year: 2024, month: 1, day: 10 }, -13), { year: 2022, month: 12, day: 10 });
    const jan = plan('2025-01-10T03:00:00Z', 'UTC', -1, '{yyyy}{MM}');
    assert.equal(jan.period, '2025-01');
    assert.equal(jan.prefix, '202412');
    assert.equal(jan.target_date, '2024-12-10');
  });

  it('clamps the day in February (leap and common years)', () => {
    assert.equal(daysInMonth(2024, 2), 29);
    assert.equal(daysInMonth(2025, 2), 28);
    assert.equal(plan('2025-03-31T02:00:00Z', 'UTC', -1).prefix, '20250228');
    assert.equal(plan('2024-03-31T02:00:00Z', 'UTC', -1).prefix, '20240229');
    assert.equal(plan('2025-02-10T03:00:00Z').period, '2025-02');
  });

  it('takes the month in the schedule zone, not UTC', () => {
    // 2025-03-31T23:30Z is already April 1st in Europe/London (BST, UTC+1).
    assert.equal(periodOf(new Date('2025-03-31T23:30:00Z'), 'Europe/London'), '2025-04');
    assert.equal(periodOf(new Date('2025-03-31T23:30:00Z'), 'UTC'), '2025-03');
    // 10th 03:00 in Auckland (UTC+13 in January) is the 9th 14:00 UTC.
    const nz = plan('2025-01-09T14:00:00Z', 'Pacific/Auckland');
    assert.equal(nz.prefix, '20250110');
    assert.equal(nz.local.hour, 3);
  });

  it('keeps 03:00 local across the Europe/London DST changes (2025-03-30 and 2025-10-26)', () => {
    // Before BST: 03:00 local = 03:00Z; during BST: 03:00 local = 02:00Z.
    assert.deepEqual(zonedParts(new Date('2025-03-10T03:00:00Z'), 'Europe/London'), { year: 2025, month: 3, day: 10, hour: 3, minute: 0 });
    assert.deepEqual(zonedParts(new Date('2025-04-10T02:00:00Z'), 'Europe/London'), { year: 2025, month: 4, day: 10, hour: 3, minute: 0 });
    assert.deepEqual(zonedParts(new Date('2025-10-10T02:00:00Z'), 'Europe/London'), { year: 2025, month: 10, day: 10, hour: 3, minute: 0 });
    assert.deepEqual(zonedParts(new Date('2025-11-10T03:00:00Z'), 'Europe/London'), { year: 2025, month: 11, day: 10, hour: 3, minute: 0 });
    // Around the change itself: 00:30Z on 2025-03-30 is 00:30 GMT; 01:30Z is 02:30 BST.
    assert.equal(zonedParts(new Date('2025-03-30T00:30:00Z'), 'Europe/London').hour, 0);
    assert.equal(zonedParts(new Date('2025-03-30T01:30:00Z'), 'Europe/London').hour, 2);
    assert.equal(zonedParts(new Date('2025-10-26T00:30:00Z'), 'Europe/London').hour, 1);
    assert.equal(zonedParts(new Date('2025-10-26T01:30:00Z'), 'Europe/London').hour, 1);
  });

  it('renders {yyyy}, {MM}, {dd} and refuses unknown tokens, templates without tokens and unknown zones', () => {
    assert.equal(renderTemplate('exports/{yyyy}/{MM}/{dd}', { year: 2024, month: 4, day: 1 }), 'exports/2024/04/01');
    assert.throws(() => renderTemplate('{YYYY}', { year: 2024, month: 4, day: 1 }), ValidationError);
    assert.throws(() => renderTemplate('static', { year: 2024, month: 4, day: 1 }), ValidationError);
    assert.throws(
      () => periodOf(new Date(), 'Mars/Olympus'),
      (e: unknown) => e instanceof ValidationError && e.field === 'time_zone',
    );
  });
});
