// Days of the local calendar (here Paris, with its daylight saving
// changes): month grids, week ranges, all-day ends, local times to UTC.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  daysBetween,
  exclusiveEnd,
  inclusiveEnd,
  isDayKey,
  isoToLocal,
  localToIso,
  monthGrid,
  rangeOf,
  samePeriod,
  shiftPeriod,
  visibleDays,
  startOfWeek,
  weekDays,
  weekdayIndex,
} from './dates';
import { movedDay } from './keys';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
  // Node follows TZ set at run time: check that this one took.
  expect(new Date(Date.UTC(2026, 6, 1)).getTimezoneOffset()).toBe(-120);
});

describe('month grid', () => {
  // Months whose 1st falls on each weekday, Monday to Sunday.
  const firsts: [string, string][] = [
    ['2026-06-01', '2026-06-01'], // Monday: the grid starts on the 1st
    ['2026-12-01', '2026-11-30'], // Tuesday
    ['2026-04-01', '2026-03-30'], // Wednesday
    ['2026-01-01', '2025-12-29'], // Thursday
    ['2026-05-01', '2026-04-27'], // Friday
    ['2026-08-01', '2026-07-27'], // Saturday
    ['2026-02-01', '2026-01-26'], // Sunday
  ];

  it.each(firsts)(
    'the month of %s: 42 days from the Monday on or before the 1st',
    (first, monday) => {
      const grid = monthGrid(first);
      expect(grid).toHaveLength(42);
      expect(grid[0]).toBe(monday);
      expect(weekdayIndex(grid[0] ?? '')).toBe(0);
      expect(grid).toContain(first);
      // Consecutive days, no repeat, no gap (daylight saving changes included).
      for (let i = 1; i < grid.length; i++)
        expect(daysBetween(grid[i - 1] ?? '', grid[i] ?? '')).toBe(1);
      // The whole month is in it.
      const month = first.slice(0, 7);
      const last = addDays(addMonths(first, 1), -1);
      expect(grid).toContain(last);
      expect(grid.filter((d) => d.startsWith(month)).length).toBe(Number(last.slice(8)));
    },
  );

  it('is the same grid from any day of the month', () => {
    expect(monthGrid('2026-03-17')).toEqual(monthGrid('2026-03-01'));
    // March 2026 holds the change to summer time (29th): still 42 days.
    expect(monthGrid('2026-03-17')[41]).toBe('2026-04-05');
  });

  it('covers its 42 days from local midnight to local midnight', () => {
    const r = rangeOf('month', '2026-03-10');
    expect(r).toEqual({ from: '2026-02-22T23:00:00.000Z', to: '2026-04-05T22:00:00.000Z' });
  });
});

describe('weeks', () => {
  it('start on Monday', () => {
    expect(startOfWeek('2026-12-10')).toBe('2026-12-07');
    expect(startOfWeek('2026-12-13')).toBe('2026-12-07'); // Sunday ends the week
    expect(startOfWeek('2026-12-07')).toBe('2026-12-07');
    expect(weekDays('2026-12-31')).toEqual([
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
    ]);
  });

  it('range from Monday 00:00 to the next Monday 00:00, Paris time', () => {
    expect(rangeOf('week', '2026-12-10')).toEqual({
      from: '2026-12-06T23:00:00.000Z',
      to: '2026-12-13T23:00:00.000Z',
    });
  });

  it('last 167 hours when clocks go forward, 169 when they go back', () => {
    const spring = rangeOf('week', '2026-03-29'); // Sunday 29 March 2026, 2:00 → 3:00
    expect(spring).toEqual({ from: '2026-03-22T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z' });
    const hours = (r: { from: string; to: string }) =>
      (Date.parse(r.to) - Date.parse(r.from)) / 3_600_000;
    expect(hours(spring)).toBe(167);
    const autumn = rangeOf('week', '2026-10-25'); // Sunday 25 October 2026, 3:00 → 2:00
    expect(autumn).toEqual({ from: '2026-10-18T22:00:00.000Z', to: '2026-10-25T23:00:00.000Z' });
    expect(hours(autumn)).toBe(169);
    // The week after starts where the week of the change ended.
    expect(rangeOf('week', shiftPeriod('week', '2026-10-25', 1)).from).toBe(autumn.to);
  });
});

describe('periods', () => {
  it('move by months (the day kept, or the month’s last) and by weeks', () => {
    expect(shiftPeriod('month', '2026-01-31', 1)).toBe('2026-02-28');
    expect(shiftPeriod('month', '2026-12-15', 1)).toBe('2027-01-15');
    expect(shiftPeriod('month', '2026-03-31', -1)).toBe('2026-02-28');
    expect(shiftPeriod('week', '2026-12-28', 1)).toBe('2027-01-04');
    expect(samePeriod('month', '2026-12-01', '2026-12-31')).toBe(true);
    expect(samePeriod('week', '2026-12-06', '2026-12-07')).toBe(false);
  });

  it('move by days in the day view, which shows that day, local midnight to midnight', () => {
    expect(visibleDays('day', '2026-12-10')).toEqual(['2026-12-10']);
    expect(shiftPeriod('day', '2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftPeriod('day', '2026-03-01', -1)).toBe('2026-02-28');
    expect(samePeriod('day', '2026-12-10', '2026-12-10')).toBe(true);
    expect(samePeriod('day', '2026-12-10', '2026-12-11')).toBe(false);
    // The day clocks go back (Paris): 25 hours.
    expect(rangeOf('day', '2026-10-25')).toEqual({
      from: '2026-10-24T22:00:00.000Z',
      to: '2026-10-25T23:00:00.000Z',
    });
  });

  it('follow the arrows of the grid', () => {
    expect(movedDay('ArrowRight', '2026-12-31', 'month')).toBe('2027-01-01');
    expect(movedDay('ArrowUp', '2026-12-03', 'month')).toBe('2026-11-26');
    expect(movedDay('Home', '2026-12-10', 'week')).toBe('2026-12-07');
    expect(movedDay('End', '2026-12-10', 'week')).toBe('2026-12-13');
    expect(movedDay('PageDown', '2026-12-10', 'month')).toBe('2027-01-10');
    expect(movedDay('PageUp', '2026-12-10', 'week')).toBe('2026-12-03');
    expect(movedDay('a', '2026-12-10', 'week')).toBeNull();
  });
});

describe('all-day ends', () => {
  it('are exclusive for the server, inclusive for people', () => {
    // A one-day event on 10 December ends on the 11th.
    expect(exclusiveEnd('2026-12-10')).toBe('2026-12-11');
    expect(inclusiveEnd('2026-12-11')).toBe('2026-12-10');
    // Across months and years, and 29 February.
    expect(exclusiveEnd('2026-12-31')).toBe('2027-01-01');
    expect(inclusiveEnd('2028-03-01')).toBe('2028-02-29');
    // Over the change of time: still whole days.
    expect(exclusiveEnd('2026-03-29')).toBe('2026-03-30');
  });
});

describe('local times and UTC', () => {
  it('turns a local date and time into a UTC instant, summer and winter', () => {
    expect(localToIso('2026-12-10', '09:00')).toBe('2026-12-10T08:00:00.000Z');
    expect(localToIso('2026-07-14', '09:00')).toBe('2026-07-14T07:00:00.000Z');
    expect(localToIso('2026-12-31', '23:30')).toBe('2026-12-31T22:30:00.000Z');
  });

  it('takes a time skipped by the change to summer time an hour later', () => {
    expect(localToIso('2026-03-29', '02:30')).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(isoToLocal('2026-03-29T01:30:00.000Z')).toEqual({ date: '2026-03-29', time: '03:30' });
  });

  it('refuses what does not read as a date or time', () => {
    expect(localToIso('2026-02-30', '09:00')).toBeNull();
    expect(localToIso('2026-12-10', '24:00')).toBeNull();
    expect(localToIso('', '')).toBeNull();
    expect(isDayKey('2026-02-29')).toBe(false);
    expect(isDayKey('2028-02-29')).toBe(true);
  });

  it('reads an instant back on the local clock', () => {
    expect(isoToLocal('2026-12-10T08:00:00.000Z')).toEqual({ date: '2026-12-10', time: '09:00' });
    expect(isoToLocal('2026-12-31T23:30:00Z')).toEqual({ date: '2027-01-01', time: '00:30' });
    expect(isoToLocal('nope')).toBeNull();
  });
});
