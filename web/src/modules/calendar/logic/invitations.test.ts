// How the caller's answer to an invitation shows on an occurrence, and a
// recurring event's answers to single occurrences.
import { describe, expect, it } from 'vitest';
import { calendarEvent, occurrence } from './fixtures.test-util';
import {
  answerClass,
  answerOf,
  answersApart,
  knownPartstat,
  pickedOccurrence,
  sameOccurrence,
  withAnswer,
} from './invitations';

describe('an invitation in the views', () => {
  it('looks pending until answered, hatched for "maybe", struck through when declined', () => {
    expect(answerClass({ partstat: 'needs-action' })).toBe('cal-chip--pending');
    expect(answerClass({ partstat: 'tentative' })).toBe('cal-chip--tentative');
    expect(answerClass({ partstat: 'declined' })).toBe('cal-chip--declined');
    expect(answerClass({ partstat: 'accepted' })).toBe('');
    expect(answerClass({ partstat: null })).toBe('');
  });

  it('reads a calendar application’s other answers as not answered', () => {
    expect(knownPartstat('delegated')).toBe('needs-action');
    expect(knownPartstat('accepted')).toBe('accepted');
    expect(knownPartstat(null)).toBeNull();
    expect(knownPartstat('')).toBeNull();
  });
});

describe('answers to single occurrences', () => {
  const MARCH_8 = '2027-03-08T09:00:00.000Z';
  const MARCH_15 = '2027-03-15T09:00:00.000Z';
  const weekly = calendarEvent('w', {
    recurring: true,
    rrule: 'FREQ=WEEKLY',
    attendees: [
      { email: 'bob@ruche.test', name: 'Bob', partstat: 'accepted' },
      { email: 'eve@ruche.test', name: 'Eve', partstat: 'needs-action' },
    ],
    instance_answers: [
      { recurrence_id: MARCH_8, email: 'Bob@Ruche.test', partstat: 'declined' },
      { recurrence_id: MARCH_15, email: 'bob@ruche.test', partstat: 'tentative' },
    ],
  });

  it('takes an occurrence’s own answer, else the series’', () => {
    expect(answerOf(weekly, 'bob@ruche.test', MARCH_8)).toBe('declined');
    // The same instant, written otherwise.
    expect(answerOf(weekly, 'bob@ruche.test', '2027-03-08T10:00:00+01:00')).toBe('declined');
    expect(answerOf(weekly, 'bob@ruche.test', '2027-03-22T09:00:00.000Z')).toBe('accepted');
    expect(answerOf(weekly, 'bob@ruche.test', null)).toBe('accepted');
    expect(answerOf(weekly, 'eve@ruche.test', MARCH_8)).toBe('needs-action');
    expect(answerOf(weekly, 'nobody@ruche.test', MARCH_8)).toBeNull();
    // An answer link's event may carry none.
    expect(answerOf({ attendees: weekly.attendees }, 'bob@ruche.test', MARCH_8)).toBe('accepted');
  });

  it('counts who answered some occurrences apart', () => {
    expect(answersApart(weekly, 'BOB@ruche.test')).toHaveLength(2);
    expect(answersApart(weekly, 'eve@ruche.test')).toEqual([]);
  });

  it('knows the occurrence opened only for a recurring event’s own occurrence', () => {
    const o = occurrence('w', MARCH_8, '2027-03-08T10:00:00.000Z', { recurrence_id: MARCH_8 });
    expect(pickedOccurrence(weekly, o)).toBe(MARCH_8);
    expect(pickedOccurrence(weekly, { ...o, event_id: 'other' })).toBeNull();
    expect(pickedOccurrence(weekly, null)).toBeNull();
    expect(pickedOccurrence({ ...weekly, recurring: false }, o)).toBeNull();
    expect(sameOccurrence(MARCH_8, MARCH_15)).toBe(false);
    expect(sameOccurrence('x', 'y')).toBe(false);
  });

  it('shows an answer on the series’ occurrences, or on the one answered', () => {
    const list = [MARCH_8, MARCH_15].map((at) =>
      occurrence('w', at, at, { recurrence_id: at, partstat: 'accepted' }),
    );
    const other = occurrence('x', MARCH_8, MARCH_8, { partstat: 'needs-action' });
    const partstats = (l: typeof list) => l.map((o) => o.partstat);
    expect(partstats(withAnswer([...list, other], 'w', 'declined', MARCH_15))).toEqual([
      'accepted',
      'declined',
      'needs-action',
    ]);
    expect(partstats(withAnswer([...list, other], 'w', 'tentative', null))).toEqual([
      'tentative',
      'tentative',
      'needs-action',
    ]);
  });
});
