// The "repeat" choice and its RRULE, both ways.
import { beforeAll, describe, expect, it } from 'vitest';
import { repeatOf, rruleOf } from './rrule';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

describe('rrule of a choice', () => {
  it('names the frequency', () => {
    const never = { kind: 'never' } as const;
    expect(rruleOf('none', never, false)).toBeNull();
    expect(rruleOf('daily', never, false)).toBe('FREQ=DAILY');
    expect(rruleOf('weekly', never, true)).toBe('FREQ=WEEKLY');
    expect(rruleOf('monthly', never, false)).toBe('FREQ=MONTHLY');
    expect(rruleOf('yearly', never, false)).toBe('FREQ=YEARLY');
  });

  it('ends after a number of times', () => {
    expect(rruleOf('weekly', { kind: 'count', count: 10 }, false)).toBe('FREQ=WEEKLY;COUNT=10');
  });

  it('ends on a day: a date all day, the end of that local day in UTC otherwise', () => {
    expect(rruleOf('weekly', { kind: 'until', date: '2026-12-31' }, true)).toBe(
      'FREQ=WEEKLY;UNTIL=20261231',
    );
    // 31 December, 23:59:59 in Paris is 22:59:59 UTC.
    expect(rruleOf('daily', { kind: 'until', date: '2026-12-31' }, false)).toBe(
      'FREQ=DAILY;UNTIL=20261231T225959Z',
    );
    expect(rruleOf('daily', { kind: 'until', date: '2026-07-14' }, false)).toBe(
      'FREQ=DAILY;UNTIL=20260714T215959Z',
    );
  });
});

describe('choice of an rrule', () => {
  it('reads the plain rules back', () => {
    expect(repeatOf(null)).toEqual({ repeat: 'none', end: { kind: 'never' } });
    expect(repeatOf('FREQ=WEEKLY')).toEqual({ repeat: 'weekly', end: { kind: 'never' } });
    expect(repeatOf('freq=monthly;interval=1;wkst=MO')).toEqual({
      repeat: 'monthly',
      end: { kind: 'never' },
    });
    expect(repeatOf('FREQ=DAILY;COUNT=5')).toEqual({
      repeat: 'daily',
      end: { kind: 'count', count: 5 },
    });
    expect(repeatOf('FREQ=WEEKLY;UNTIL=20261231')).toEqual({
      repeat: 'weekly',
      end: { kind: 'until', date: '2026-12-31' },
    });
    expect(repeatOf('FREQ=DAILY;UNTIL=20261231T225959Z')).toEqual({
      repeat: 'daily',
      end: { kind: 'until', date: '2026-12-31' },
    });
  });

  it('keeps what it cannot show as "custom"', () => {
    for (const r of [
      'FREQ=WEEKLY;BYDAY=MO,WE',
      'FREQ=WEEKLY;INTERVAL=2',
      'FREQ=HOURLY',
      'FREQ=DAILY;COUNT=0',
      'FREQ=DAILY;COUNT=3;UNTIL=20261231',
      'FREQ=DAILY;UNTIL=2026',
      'COUNT=3',
      'FREQ=DAILY;FREQ=WEEKLY',
    ]) {
      expect([r, repeatOf(r).repeat]).toEqual([r, 'custom']);
    }
  });

  it('round-trips every choice', () => {
    for (const repeat of ['daily', 'weekly', 'monthly', 'yearly'] as const) {
      for (const end of [
        { kind: 'never' } as const,
        { kind: 'count', count: 3 } as const,
        { kind: 'until', date: '2027-06-30' } as const,
      ]) {
        for (const allDay of [true, false]) {
          expect(repeatOf(rruleOf(repeat, end, allDay))).toEqual({ repeat, end });
        }
      }
    }
  });
});
