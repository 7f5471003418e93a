// One occurrence of a recurring event as it is: where the series puts it,
// what it became when changed apart, none when cancelled; how many of a
// series' occurrences were changed or cancelled; whether it is the first,
// and how many times the rule starts before it.
import { describe, expect, it } from 'vitest';
import { calendarEvent, occurrence } from './fixtures.test-util';
import {
  changesApart,
  isFirstOccurrence,
  isMoved,
  openedOccurrence,
  plannedTimes,
  startsBefore,
} from './occurrences';

// Weekly from Tuesday 1 December 2026, 10:00 – 11:00 Paris.
const rid = (day: string) => `${day}T09:00:00.000Z`;
const WEEKLY = calendarEvent('w', {
  title: 'Weekly',
  location: 'Room 1',
  description: 'Agenda',
  start: rid('2026-12-01'),
  end: '2026-12-01T10:00:00.000Z',
  rrule: 'FREQ=WEEKLY;COUNT=3',
  recurring: true,
});
const opened = (day: string, event = 'w') =>
  occurrence(event, rid(day), rid(day), { recurring: true, recurrence_id: rid(day) });

describe('where the series puts an occurrence', () => {
  it('at its original start, as long as the series', () => {
    expect(plannedTimes(WEEKLY, rid('2026-12-08'))).toEqual({
      start: '2026-12-08T09:00:00.000Z',
      end: '2026-12-08T10:00:00.000Z',
      all_day: false,
    });
    // However the instant is written.
    expect(plannedTimes(WEEKLY, '2026-12-08T10:00:00+01:00')?.start).toBe(rid('2026-12-08'));
    expect(plannedTimes(WEEKLY, 'soon')).toBeNull();
  });

  it('all day: on its date, for as many days (the end exclusive)', () => {
    const days = { start: '2026-12-12', end: '2026-12-14', all_day: true };
    expect(plannedTimes(days, '2027-03-06T00:00:00.000Z')).toEqual({
      start: '2027-03-06',
      end: '2027-03-08',
      all_day: true,
    });
  });
});

describe('the occurrence opened', () => {
  it('is the series’ texts at its own times when not changed apart', () => {
    const o = openedOccurrence(WEEKLY, opened('2026-12-08'));
    expect(o).toEqual({
      recurrence_id: rid('2026-12-08'),
      start: '2026-12-08T09:00:00.000Z',
      end: '2026-12-08T10:00:00.000Z',
      all_day: false,
      title: 'Weekly',
      description: 'Agenda',
      location: 'Room 1',
      planned: { start: rid('2026-12-08'), end: '2026-12-08T10:00:00.000Z', all_day: false },
      changed: false,
    });
    expect(o && isMoved(o)).toBe(false);
  });

  const LATE = {
    recurrence_id: rid('2026-12-08'),
    start: '2026-12-08T10:00:00.000Z',
    end: '2026-12-08T11:00:00.000Z',
    title: 'Weekly (late)',
    description: '',
    location: 'Room 2',
  };

  it('is what it became when changed apart: moved, its own texts', () => {
    const event = { ...WEEKLY, changed_occurrences: [LATE] };
    const o = openedOccurrence(event, opened('2026-12-08'));
    expect(o).toMatchObject({
      start: '2026-12-08T10:00:00.000Z',
      end: '2026-12-08T11:00:00.000Z',
      title: 'Weekly (late)',
      description: '',
      location: 'Room 2',
      changed: true,
    });
    expect(o && isMoved(o)).toBe(true);
    // The others are the series'.
    expect(openedOccurrence(event, opened('2026-12-15'))).toMatchObject({
      title: 'Weekly',
      changed: false,
    });
    // Changed texts alone: not moved.
    const retitled = {
      ...WEEKLY,
      changed_occurrences: [{ ...LATE, start: rid('2026-12-08'), end: '2026-12-08T10:00:00.000Z' }],
    };
    const r = openedOccurrence(retitled, opened('2026-12-08'));
    expect(r?.title).toBe('Weekly (late)');
    expect(r && isMoved(r)).toBe(false);
  });

  it('is none for a cancelled occurrence, a single event, another event’s', () => {
    const event = { ...WEEKLY, cancelled_occurrences: [rid('2026-12-15')] };
    expect(openedOccurrence(event, opened('2026-12-15'))).toBeNull();
    expect(openedOccurrence(event, opened('2026-12-08'))).not.toBeNull();
    expect(openedOccurrence({ ...WEEKLY, recurring: false }, opened('2026-12-08'))).toBeNull();
    expect(openedOccurrence(WEEKLY, opened('2026-12-08', 'other'))).toBeNull();
    expect(openedOccurrence(WEEKLY, null)).toBeNull();
  });

  it('is read from an answer link’s event too (no changes apart there)', () => {
    const linked = {
      id: 'w',
      recurring: true,
      title: 'Weekly',
      description: '',
      location: '',
      start: WEEKLY.start,
      end: WEEKLY.end,
      all_day: false,
    };
    expect(openedOccurrence(linked, opened('2026-12-08'))?.title).toBe('Weekly');
    expect(changesApart(linked)).toEqual({ changed: 0, cancelled: 0 });
  });
});

describe('changes apart', () => {
  it('counts the occurrences changed and those cancelled', () => {
    const c = { recurrence_id: '', start: '', end: '', title: '', description: '', location: '' };
    expect(
      changesApart({
        ...WEEKLY,
        changed_occurrences: [c, c],
        cancelled_occurrences: [rid('2026-12-15')],
      }),
    ).toEqual({ changed: 2, cancelled: 1 });
  });
});

describe('the series from an occurrence on', () => {
  const o = (day: string, event = WEEKLY) => {
    const x = openedOccurrence(event, opened(day));
    if (!x) throw new Error('no occurrence');
    return x;
  };

  it('knows the first occurrence, moved or not', () => {
    expect(isFirstOccurrence(WEEKLY, o('2026-12-01'))).toBe(true);
    expect(isFirstOccurrence(WEEKLY, o('2026-12-08'))).toBe(false);
    const moved = {
      ...WEEKLY,
      changed_occurrences: [
        {
          recurrence_id: rid('2026-12-01'),
          start: '2026-12-02T09:00:00.000Z',
          end: '2026-12-02T10:00:00.000Z',
          title: 'Weekly',
          description: '',
          location: '',
        },
      ],
    };
    expect(isFirstOccurrence(moved, o('2026-12-01', moved))).toBe(true);
    const days = { ...WEEKLY, start: '2026-12-01', end: '2026-12-02', all_day: true };
    const first = openedOccurrence(days, {
      event_id: 'w',
      recurrence_id: '2026-12-01T00:00:00.000Z',
    });
    expect(first && isFirstOccurrence(days, first)).toBe(true);
  });

  it('counts the rule’s starts before an occurrence; none for a rule it does not read', () => {
    expect(startsBefore(WEEKLY, 'FREQ=WEEKLY;COUNT=3', rid('2026-12-01'))).toBe(0);
    expect(startsBefore(WEEKLY, 'FREQ=WEEKLY;COUNT=3', rid('2026-12-15'))).toBe(2);
    expect(startsBefore(WEEKLY, 'FREQ=DAILY', rid('2026-12-15'))).toBe(14);
    expect(startsBefore(WEEKLY, 'FREQ=WEEKLY;BYDAY=TU,TH', rid('2026-12-15'))).toBeNull();
    expect(startsBefore(WEEKLY, 'FREQ=WEEKLY', 'soon')).toBeNull();
  });
});
