// The event form: what it sends for a new event, what it shows of one,
// and only the changed fields of an edit.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  changesOf,
  draftOf,
  emptyDraft,
  isChanged,
  newEventOf,
  problemOf,
  withAllDay,
  withStart,
  type EventDraft,
} from './draft';
import { calendarEvent } from './fixtures.test-util';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

const PARIS = 'Europe/Paris';
const draft = (extra: Partial<EventDraft>): EventDraft => ({
  ...emptyDraft('2026-12-10'),
  title: 'Réunion',
  ...extra,
});

describe('a new event', () => {
  it('starts at 9:00 for an hour, or where the slot was', () => {
    expect(emptyDraft('2026-12-10')).toMatchObject({
      startDate: '2026-12-10',
      startTime: '09:00',
      endDate: '2026-12-10',
      endTime: '10:00',
      allDay: false,
    });
    expect(emptyDraft('2026-12-10', { minutes: 23 * 60 + 30 })).toMatchObject({
      startTime: '23:00',
      endDate: '2026-12-11',
      endTime: '00:00',
    });
    expect(emptyDraft('2026-12-10', { minutes: 14 * 60 + 30 })).toMatchObject({
      startTime: '14:30',
      endTime: '15:30',
    });
  });

  it('sends timed events as UTC instants with the browser’s zone', () => {
    expect(newEventOf(draft({ location: ' Salle 2 ' }), PARIS)).toEqual({
      title: 'Réunion',
      start: '2026-12-10T08:00:00.000Z',
      end: '2026-12-10T09:00:00.000Z',
      all_day: false,
      timezone: PARIS,
      location: 'Salle 2',
    });
  });

  it('sends all-day events as dates, the end exclusive (the day after the last)', () => {
    expect(newEventOf(draft({ allDay: true }), PARIS)).toEqual({
      title: 'Réunion',
      start: '2026-12-10',
      end: '2026-12-11',
      all_day: true,
    });
    expect(newEventOf(draft({ allDay: true, endDate: '2026-12-12' }), PARIS)).toMatchObject({
      start: '2026-12-10',
      end: '2026-12-13',
    });
  });

  it('sends the repeat as an rrule', () => {
    expect(newEventOf(draft({ repeat: 'weekly' }), PARIS).rrule).toBe('FREQ=WEEKLY');
    expect(
      newEventOf(draft({ repeat: 'daily', repeatEnd: 'count', count: '5' }), PARIS).rrule,
    ).toBe('FREQ=DAILY;COUNT=5');
    expect(
      newEventOf(
        draft({ allDay: true, repeat: 'yearly', repeatEnd: 'until', until: '2030-12-10' }),
        PARIS,
      ).rrule,
    ).toBe('FREQ=YEARLY;UNTIL=20301210');
    expect(newEventOf(draft({}), PARIS).rrule).toBeUndefined();
  });

  it('refuses an empty title, an end before the start, a bad count or end day', () => {
    expect(problemOf(draft({ title: '  ' }))).toBe('title');
    expect(problemOf(draft({ endTime: '08:00' }))).toBe('end_before_start');
    expect(problemOf(draft({ allDay: true, endDate: '2026-12-09' }))).toBe('end_before_start');
    // One all-day day: the last day is the first.
    expect(problemOf(draft({ allDay: true }))).toBeNull();
    expect(problemOf(draft({ startTime: '' }))).toBe('time');
    expect(problemOf(draft({ repeat: 'weekly', repeatEnd: 'count', count: '0' }))).toBe('count');
    expect(problemOf(draft({ repeat: 'weekly', repeatEnd: 'until', until: '2026-12-01' }))).toBe(
      'until',
    );
    expect(problemOf(draft({ repeat: 'none', repeatEnd: 'count', count: 'x' }))).toBeNull();
  });
});

describe('moving the start', () => {
  it('keeps the length, across midnight', () => {
    const d = withStart(draft({ startTime: '09:00', endTime: '10:30' }), '2026-12-10', '23:00');
    expect(d).toMatchObject({ startTime: '23:00', endDate: '2026-12-11', endTime: '00:30' });
    const later = withStart(draft({}), '2026-12-24');
    expect(later).toMatchObject({ endDate: '2026-12-24', endTime: '10:00' });
  });

  it('keeps the number of days all day', () => {
    const d = withStart(draft({ allDay: true, endDate: '2026-12-12' }), '2026-12-30');
    expect(d).toMatchObject({ startDate: '2026-12-30', endDate: '2027-01-01' });
  });

  it('keeps the clock hours over a change of time', () => {
    // 09:00–10:00 moved to the day clocks go forward: still 09:00–10:00.
    const d = withStart(draft({}), '2026-03-29');
    expect(d).toMatchObject({ endDate: '2026-03-29', startTime: '09:00', endTime: '10:00' });
  });

  it('turns all day off with an hour from 9:00 when the times said nothing', () => {
    const d = withAllDay(draft({ allDay: true, startTime: '00:00', endTime: '00:00' }), false);
    expect(d).toMatchObject({ allDay: false, startTime: '09:00', endTime: '10:00' });
  });
});

describe('an event in the form', () => {
  it('shows an all-day event’s last day, inclusive', () => {
    const d = draftOf(
      calendarEvent('e', { all_day: true, start: '2026-12-10', end: '2026-12-13', timezone: null }),
    );
    expect(d).toMatchObject({ allDay: true, startDate: '2026-12-10', endDate: '2026-12-12' });
  });

  it('shows a timed event on the local clock, and its rule', () => {
    const d = draftOf(
      calendarEvent('e', {
        start: '2026-07-14T20:00:00.000Z',
        end: '2026-07-14T23:30:00.000Z',
        rrule: 'FREQ=YEARLY;COUNT=3',
      }),
    );
    expect(d).toMatchObject({
      startDate: '2026-07-14',
      startTime: '22:00',
      endDate: '2026-07-15',
      endTime: '01:30',
      repeat: 'yearly',
      repeatEnd: 'count',
      count: '3',
    });
  });
});

describe('an edit', () => {
  const event = calendarEvent('e', { title: 'Réunion', timezone: 'America/New_York' });

  it('sends nothing when nothing changed', () => {
    expect(changesOf(event, draftOf(event), PARIS)).toEqual({});
    expect(isChanged(event, draftOf(event), PARIS)).toBe(false);
  });

  it('sends only the title when only the title changed', () => {
    expect(changesOf(event, { ...draftOf(event), title: 'Réunion de chantier ' }, PARIS)).toEqual({
      title: 'Réunion de chantier',
    });
  });

  it('sends the times together, keeping the event’s own zone', () => {
    const d = withStart(draftOf(event), '2026-12-11');
    expect(changesOf(event, d, PARIS)).toEqual({
      start: '2026-12-11T08:00:00.000Z',
      end: '2026-12-11T09:00:00.000Z',
      all_day: false,
      timezone: 'America/New_York',
    });
    const utc = calendarEvent('u', { timezone: null });
    expect(changesOf(utc, withStart(draftOf(utc), '2026-12-11'), PARIS).timezone).toBe(PARIS);
  });

  it('turns a timed event into an all-day one', () => {
    const d = withAllDay(draftOf(event), true);
    expect(changesOf(event, d, PARIS)).toEqual({
      start: '2026-12-10',
      end: '2026-12-11',
      all_day: true,
    });
  });

  it('changes or removes the rule, and keeps one it cannot show', () => {
    expect(changesOf(event, { ...draftOf(event), repeat: 'weekly' }, PARIS)).toEqual({
      rrule: 'FREQ=WEEKLY',
    });
    const weekly = calendarEvent('w', { rrule: 'FREQ=WEEKLY', recurring: true });
    expect(changesOf(weekly, { ...draftOf(weekly), repeat: 'none' }, PARIS)).toEqual({
      rrule: null,
    });
    const custom = calendarEvent('c', { rrule: 'FREQ=WEEKLY;BYDAY=MO,TH', recurring: true });
    const d = { ...draftOf(custom), title: 'Autre' };
    expect(d.repeat).toBe('custom');
    expect(changesOf(custom, d, PARIS)).toEqual({ title: 'Autre' });
  });

  it('sends a rule ending on a day again when the times change (UNTIL follows the start)', () => {
    const until = calendarEvent('u', { rrule: 'FREQ=DAILY;UNTIL=20261231T225959Z' });
    const d = withAllDay(draftOf(until), true);
    expect(changesOf(until, d, PARIS)).toMatchObject({
      all_day: true,
      rrule: 'FREQ=DAILY;UNTIL=20261231',
    });
  });
});
