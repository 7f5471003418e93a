// An occurrence dragged (Paris time): the form's draft moved by days and
// minutes, its length kept, its local hour kept across daylight saving;
// what moves at all.
import { beforeAll, describe, expect, it } from 'vitest';
import { changesOf, draftOf } from './draft';
import { calendarEvent, occurrence } from './fixtures.test-util';
import { movable, movedDraft, snappedMinutes } from './move';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

describe('moving', () => {
  it('snaps to quarter hours', () => {
    expect(snappedMinutes(0)).toBe(0);
    expect(snappedMinutes(1 / 96)).toBe(15); // a quarter hour of a day's height
    expect(snappedMinutes(0.004)).toBe(0); // 5.76 minutes
    expect(snappedMinutes(-0.1)).toBe(-150); // 144 minutes, to the nearest quarter
    expect(snappedMinutes(-0.004)).toBe(0); // not -0
  });

  it('moves a timed event by days and minutes, its length kept', () => {
    const e = calendarEvent('a', {
      start: '2026-12-10T08:00:00.000Z', // 09:00 in Paris
      end: '2026-12-10T09:30:00.000Z',
    });
    const d = movedDraft(draftOf(e), { days: 2, minutes: 75 });
    expect(d && [d.startDate, d.startTime, d.endDate, d.endTime]).toEqual([
      '2026-12-12',
      '10:15',
      '2026-12-12',
      '11:45',
    ]);
    // Sent as the edit dialog sends it: the new instants, the event's zone.
    expect(d && changesOf(e, d, 'Europe/Paris')).toEqual({
      start: '2026-12-12T09:15:00.000Z',
      end: '2026-12-12T10:45:00.000Z',
      all_day: false,
      timezone: 'Europe/Paris',
    });
    // Late in the evening, past midnight: the next day.
    const late = movedDraft(draftOf(e), { days: 0, minutes: 15 * 60 });
    expect(late && [late.startDate, late.startTime, late.endDate, late.endTime]).toEqual([
      '2026-12-11',
      '00:00',
      '2026-12-11',
      '01:30',
    ]);
  });

  it('keeps the local hour across a change of daylight saving time', () => {
    // Saturday 27 March 2027, 09:00 in Paris (UTC+1); a day later is summer time.
    const e = calendarEvent('a', {
      start: '2027-03-27T08:00:00.000Z',
      end: '2027-03-27T09:00:00.000Z',
    });
    const d = movedDraft(draftOf(e), { days: 1, minutes: 0 });
    expect(d && [d.startDate, d.startTime, d.endTime]).toEqual(['2027-03-28', '09:00', '10:00']);
    expect(d && changesOf(e, d, 'Europe/Paris').start).toBe('2027-03-28T07:00:00.000Z');
  });

  it('moves an all-day event by whole days, the minutes ignored', () => {
    const e = calendarEvent('a', { start: '2026-12-10', end: '2026-12-12', all_day: true });
    const d = movedDraft(draftOf(e), { days: -3, minutes: 45 });
    expect(d && [d.startDate, d.endDate]).toEqual(['2026-12-07', '2026-12-08']);
    expect(d && changesOf(e, d, 'Europe/Paris')).toEqual({
      start: '2026-12-07',
      end: '2026-12-09',
      all_day: true,
    });
  });

  it('moves a timed event’s end alone, a quarter of an hour after its start at least', () => {
    const e = calendarEvent('a', {
      start: '2026-12-10T08:00:00.000Z', // 09:00 – 10:30 in Paris
      end: '2026-12-10T09:30:00.000Z',
    });
    const longer = movedDraft(draftOf(e), { days: 0, minutes: 45, edge: 'end' });
    expect(longer && [longer.startTime, longer.endDate, longer.endTime]).toEqual([
      '09:00',
      '2026-12-10',
      '11:15',
    ]);
    expect(longer && changesOf(e, longer, 'Europe/Paris')).toEqual({
      start: '2026-12-10T08:00:00.000Z',
      end: '2026-12-10T10:15:00.000Z',
      all_day: false,
      timezone: 'Europe/Paris',
    });
    const shortest = movedDraft(draftOf(e), { days: 0, minutes: -600, edge: 'end' });
    expect(shortest && [shortest.endDate, shortest.endTime]).toEqual(['2026-12-10', '09:15']);
    const allDay = calendarEvent('b', { start: '2026-12-10', end: '2026-12-11', all_day: true });
    expect(movedDraft(draftOf(allDay), { days: 0, minutes: 60, edge: 'end' })).toBeNull();
  });

  it('moves events only: not an invitation, a subscription’s copy, nor a to-do', () => {
    const at = ['2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z'] as const;
    expect(movable(occurrence('a', ...at))).toBe(true);
    expect(movable(occurrence('b', ...at, { partstat: 'needs-action' }))).toBe(false);
    expect(movable(occurrence('c', ...at, { subscription_id: 's1', workspace_id: null }))).toBe(
      false,
    );
    expect(movable(occurrence('d', ...at, { kind: 'todo' }))).toBe(false);
  });
});
