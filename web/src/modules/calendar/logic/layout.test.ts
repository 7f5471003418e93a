// Where occurrences go: the days each covers (local, Paris), a day's order,
// the chips of a month cell, the blocks of a week's day column.
import { beforeAll, describe, expect, it } from 'vitest';
import { weekDays } from './dates';
import { allDay, occurrence } from './fixtures.test-util';
import {
  byDay,
  compareOccurrences,
  continuesFrom,
  daysOf,
  inAllDayRow,
  occurrenceKey,
  timedLayout,
  visibleChips,
} from './layout';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

const titles = (l: { title: string }[] | undefined) => (l ?? []).map((o) => o.title);

describe('the days of an occurrence', () => {
  it('all day: its dates, the end exclusive', () => {
    expect(daysOf(allDay('a', '2026-12-10', '2026-12-11'))).toEqual({
      first: '2026-12-10',
      last: '2026-12-10',
    });
    expect(daysOf(allDay('a', '2026-12-10', '2026-12-13'))).toEqual({
      first: '2026-12-10',
      last: '2026-12-12',
    });
    // A malformed end (not after the start) is the start's day.
    expect(daysOf(allDay('a', '2026-12-10', '2026-12-10'))?.last).toBe('2026-12-10');
  });

  it('timed: the local days of its instants; ending at midnight spares the next day', () => {
    // 23:30 → 00:30 Paris time: two days.
    expect(daysOf(occurrence('a', '2026-12-10T22:30:00Z', '2026-12-10T23:30:00Z'))).toEqual({
      first: '2026-12-10',
      last: '2026-12-11',
    });
    // 22:00 → 24:00: one day.
    expect(daysOf(occurrence('a', '2026-12-10T21:00:00Z', '2026-12-10T23:00:00Z'))).toEqual({
      first: '2026-12-10',
      last: '2026-12-10',
    });
    // 00:30 Paris on the 11th is still the 10th in UTC: the local day counts.
    expect(daysOf(occurrence('a', '2026-12-10T23:30:00Z', '2026-12-11T00:00:00Z'))?.first).toBe(
      '2026-12-11',
    );
    expect(daysOf(occurrence('a', '2026-12-10T08:00:00Z', '2026-12-10T08:00:00Z'))?.last).toBe(
      '2026-12-10',
    );
    expect(daysOf({ ...occurrence('a', '', ''), start: null })).toBeNull();
  });
});

describe('a day’s order', () => {
  it('puts all-day first, then by start, the longer first, then by title', () => {
    const list = [
      occurrence('late', '2026-12-10T15:00:00Z', '2026-12-10T16:00:00Z', { title: 'Late' }),
      occurrence('b', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', { title: 'B' }),
      occurrence('long', '2026-12-10T08:00:00Z', '2026-12-10T11:00:00Z', { title: 'Long' }),
      allDay('day', '2026-12-10', '2026-12-11', { title: 'Day' }),
      occurrence('a', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', { title: 'A' }),
      allDay('trip', '2026-12-09', '2026-12-12', { title: 'Trip' }),
    ];
    expect(titles([...list].sort(compareOccurrences))).toEqual([
      'Trip',
      'Day',
      'Long',
      'A',
      'B',
      'Late',
    ]);
  });

  it('counts a timed occurrence of a day or more with the all-day ones', () => {
    const stay = occurrence('stay', '2026-12-09T14:00:00Z', '2026-12-11T10:00:00Z');
    expect(inAllDayRow(stay)).toBe(true);
    expect(inAllDayRow(occurrence('x', '2026-12-09T14:00:00Z', '2026-12-09T15:00:00Z'))).toBe(
      false,
    );
  });
});

describe('by day', () => {
  it('places each occurrence on every day it covers, within the days shown', () => {
    const days = weekDays('2026-12-10');
    const map = byDay(
      [
        allDay('trip', '2026-12-05', '2026-12-09', { title: 'Trip' }), // Sat 5 → Tue 8
        occurrence('night', '2026-12-13T22:00:00Z', '2026-12-14T06:00:00Z', { title: 'Night' }),
        occurrence('meet', '2026-12-10T09:00:00Z', '2026-12-10T10:00:00Z', { title: 'Meet' }),
        allDay('after', '2026-12-14', '2026-12-15', { title: 'After' }),
      ],
      days,
    );
    expect([...map.keys()]).toEqual(days);
    expect(titles(map.get('2026-12-07'))).toEqual(['Trip']);
    expect(titles(map.get('2026-12-08'))).toEqual(['Trip']);
    expect(titles(map.get('2026-12-09'))).toEqual([]);
    expect(titles(map.get('2026-12-10'))).toEqual(['Meet']);
    // 23:00 Sunday → 07:00 Monday: Sunday here, Monday is not shown.
    expect(titles(map.get('2026-12-13'))).toEqual(['Night']);
    expect([...map.values()].flat().some((o) => o.title === 'After')).toBe(false);
  });

  it('shows each date of a recurring event, each its own', () => {
    const weekly = [0, 7, 14].map((d) =>
      occurrence(
        'r',
        `2026-12-${String(3 + d).padStart(2, '0')}T08:00:00Z`,
        `2026-12-${String(3 + d).padStart(2, '0')}T09:00:00Z`,
        {
          recurring: true,
          recurrence_id: `2026-12-${String(3 + d).padStart(2, '0')}T08:00:00.000Z`,
        },
      ),
    );
    const days = ['2026-12-03', '2026-12-10', '2026-12-17'];
    const map = byDay(weekly, days);
    expect(days.map((d) => map.get(d)?.length)).toEqual([1, 1, 1]);
    expect(new Set(weekly.map(occurrenceKey)).size).toBe(3);
    expect(continuesFrom(allDay('t', '2026-12-05', '2026-12-09'), '2026-12-07')).toBe(true);
    expect(continuesFrom(allDay('t', '2026-12-05', '2026-12-09'), '2026-12-05')).toBe(false);
  });
});

describe('month cell chips', () => {
  it('shows up to the room, else one place less and "+N"', () => {
    expect(visibleChips([1, 2, 3], 3)).toEqual({ shown: [1, 2, 3], more: 0 });
    expect(visibleChips([1, 2, 3, 4], 3)).toEqual({ shown: [1, 2], more: 2 });
    expect(visibleChips([1, 2, 3, 4, 5, 6], 3)).toEqual({ shown: [1, 2], more: 4 });
    expect(visibleChips([], 3)).toEqual({ shown: [], more: 0 });
  });
});

describe('a week’s day column', () => {
  const at = (hm: string, day = '10') => `2026-12-${day}T${hm}:00+01:00`;

  it('places blocks by local time, cut to the day', () => {
    const blocks = timedLayout(
      [
        occurrence('a', at('09:00'), at('10:30')),
        occurrence('night', at('22:00', '09'), at('02:00')),
        occurrence('late', at('23:00'), at('01:00', '11')),
        allDay('all', '2026-12-10', '2026-12-11'),
      ],
      '2026-12-10',
    );
    const byId = Object.fromEntries(blocks.map((b) => [b.occurrence.event_id, b]));
    expect(Object.keys(byId).sort()).toEqual(['a', 'late', 'night']);
    expect(byId.a).toMatchObject({ top: 540, bottom: 630, fromBefore: false, goesOn: false });
    expect(byId.night).toMatchObject({ top: 0, bottom: 120, fromBefore: true, goesOn: false });
    expect(byId.late).toMatchObject({ top: 1380, bottom: 1440, goesOn: true });
  });

  it('puts overlapping blocks side by side, the others full width', () => {
    const blocks = timedLayout(
      [
        occurrence('a', at('09:00'), at('11:00')),
        occurrence('b', at('09:30'), at('10:00')),
        occurrence('c', at('10:00'), at('10:30')),
        occurrence('d', at('14:00'), at('15:00')),
      ],
      '2026-12-10',
    );
    const lanes = Object.fromEntries(blocks.map((b) => [b.occurrence.event_id, [b.lane, b.lanes]]));
    // b ends when c starts: c takes b's lane again.
    expect(lanes).toEqual({ a: [0, 2], b: [1, 2], c: [1, 2], d: [0, 1] });
  });

  it('keeps short events readable, and places them on a day of 23 hours by the clock', () => {
    const [short] = timedLayout([occurrence('s', at('08:00'), at('08:05'))], '2026-12-10');
    expect(short).toMatchObject({ top: 480, bottom: 500 });
    // Sunday 29 March 2026: 04:00 CEST is 02:00 UTC, shown at 4 o'clock.
    const [spring] = timedLayout(
      [occurrence('x', '2026-03-29T02:00:00Z', '2026-03-29T03:00:00Z')],
      '2026-03-29',
    );
    expect(spring).toMatchObject({ top: 240, bottom: 300 });
  });
});
