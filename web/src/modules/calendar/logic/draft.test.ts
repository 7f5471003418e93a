// The event form: what it sends for a new event, what it shows of one,
// and only the changed fields of an edit (of one occurrence: its texts and
// times alone; of it and the following ones: the series' fields from its
// times, the times left counted from it); the people invited (colleagues by id, anyone by email,
// never oneself nor the organizer; in an armoured workspace members who
// read the calendar only, by id), sent only when the list changed.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Access, Member } from '../../../api';
import {
  attendeeProblem,
  changesOf,
  draftOf,
  emptyDraft,
  followingChangesOf,
  followingDraftOf,
  invitablePeople,
  inviteesOf,
  isChanged,
  isEmailLike,
  isOccurrenceChanged,
  MAX_ATTENDEES,
  newEventOf,
  occurrenceChangesOf,
  occurrenceDraftOf,
  problemOf,
  withAllDay,
  withAttendee,
  withoutAttendee,
  withStart,
  type EventDraft,
} from './draft';
import { calendarEvent, member, occurrence } from './fixtures.test-util';
import { openedOccurrence } from './occurrences';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

const PARIS = 'Europe/Paris';
const draft = (extra: Partial<EventDraft>): EventDraft => ({
  ...emptyDraft('2026-12-10'),
  title: 'Réunion',
  ...extra,
});

/** A daily all-day series from 14 December, five times, and its occurrence of `day` opened. */
function dailyOpened(day: string, next: string) {
  const days = calendarEvent('d', {
    start: '2026-12-14',
    end: '2026-12-15',
    all_day: true,
    rrule: 'FREQ=DAILY;COUNT=5',
    recurring: true,
  });
  const o = openedOccurrence(
    days,
    occurrence('d', day, next, {
      all_day: true,
      recurring: true,
      recurrence_id: `${day}T00:00:00.000Z`,
    }),
  );
  if (!o) throw new Error('no occurrence');
  return { days, o };
}

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

  it('drops the reminder chosen when all day is turned on or off (not the same choices)', () => {
    expect(withAllDay(draft({ reminders: [15] }), true).reminders).toEqual([]);
    expect(withAllDay(draft({ reminders: null }), true).reminders).toBeNull();
    expect(withAllDay(draft({ reminders: [15] }), false).reminders).toEqual([15]);
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

  it('sends the reader’s reminders when they changed, never where they were not read', () => {
    const reminded = calendarEvent('r', { reminders: [15] });
    expect(draftOf(reminded).reminders).toEqual([15]);
    expect(changesOf(reminded, draftOf(reminded), PARIS)).toEqual({});
    expect(changesOf(reminded, { ...draftOf(reminded), reminders: [] }, PARIS)).toEqual({
      reminders: [],
    });
    expect(changesOf(reminded, { ...draftOf(reminded), reminders: [60] }, PARIS)).toEqual({
      reminders: [60],
    });
    // Unknown (an armoured event's, opened in the browser): neither shown nor sent.
    expect(draftOf(event).reminders).toBeNull();
    expect(changesOf(event, { ...draftOf(event), reminders: [5] }, PARIS)).toEqual({});
    expect(newEventOf(draft({ reminders: [10] }), PARIS).reminders).toEqual([10]);
    expect(newEventOf(draft({ reminders: [] }), PARIS)).not.toHaveProperty('reminders');
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

describe('an edit of one occurrence', () => {
  // Weekly at 10:00 Paris with two people invited; the occurrence of 15 December.
  const rid = '2026-12-15T09:00:00.000Z';
  const weekly = calendarEvent('w', {
    title: 'Point',
    location: 'Salle 1',
    start: '2026-12-08T09:00:00.000Z',
    end: '2026-12-08T10:00:00.000Z',
    rrule: 'FREQ=WEEKLY;COUNT=4',
    recurring: true,
    attendees: [{ email: 'alix@ruche.test', name: 'Alix', partstat: 'accepted' }],
  });
  const own = (event = weekly) => {
    const o = openedOccurrence(
      event,
      occurrence('w', rid, rid, { recurring: true, recurrence_id: rid }),
    );
    if (!o) throw new Error('no occurrence');
    return o;
  };

  it('shows the occurrence at its own times, without the series’ repeat or people', () => {
    expect(occurrenceDraftOf(own())).toMatchObject({
      title: 'Point',
      location: 'Salle 1',
      allDay: false,
      startDate: '2026-12-15',
      startTime: '10:00',
      endDate: '2026-12-15',
      endTime: '11:00',
      repeat: 'none',
      rrule: null,
      attendees: [],
    });
    const moved = own({
      ...weekly,
      changed_occurrences: [
        {
          recurrence_id: rid,
          start: '2026-12-16T13:00:00.000Z',
          end: '2026-12-16T14:30:00.000Z',
          title: 'Point (mercredi)',
          description: 'Décalé',
          location: '',
        },
      ],
    });
    expect(occurrenceDraftOf(moved)).toMatchObject({
      title: 'Point (mercredi)',
      description: 'Décalé',
      location: '',
      startDate: '2026-12-16',
      startTime: '14:00',
      endTime: '15:30',
    });
  });

  it('sends only its texts and times that changed: never a zone, a rule or people', () => {
    const o = own();
    expect(occurrenceChangesOf(o, occurrenceDraftOf(o))).toEqual({});
    expect(isOccurrenceChanged(o, occurrenceDraftOf(o))).toBe(false);
    expect(occurrenceChangesOf(o, { ...occurrenceDraftOf(o), location: ' Salle 2 ' })).toEqual({
      location: 'Salle 2',
    });
    const later = withStart(occurrenceDraftOf(o), '2026-12-15', '11:00');
    expect(occurrenceChangesOf(o, later)).toEqual({
      start: '2026-12-15T10:00:00.000Z',
      end: '2026-12-15T11:00:00.000Z',
    });
    expect(isOccurrenceChanged(o, later)).toBe(true);
  });

  it('sends an all-day occurrence’s new days as dates, the end exclusive', () => {
    const { o } = dailyOpened('2026-12-15', '2026-12-16');
    const d = occurrenceDraftOf(o);
    expect([d.allDay, d.startDate, d.endDate]).toEqual([true, '2026-12-15', '2026-12-15']);
    expect(occurrenceChangesOf(o, withStart(d, '2026-12-18'))).toEqual({
      start: '2026-12-18',
      end: '2026-12-19',
    });
  });
});

describe('an edit of an occurrence and the following ones', () => {
  // Weekly at 10:00 Paris, 4 times from 8 December, Alix invited; the third, 22 December.
  const rid = '2026-12-22T09:00:00.000Z';
  const weekly = calendarEvent('w', {
    title: 'Point',
    location: 'Salle 1',
    start: '2026-12-08T09:00:00.000Z',
    end: '2026-12-08T10:00:00.000Z',
    timezone: PARIS,
    rrule: 'FREQ=WEEKLY;COUNT=4',
    recurring: true,
    attendees: [{ email: 'alix@ruche.test', name: 'Alix', partstat: 'accepted' }],
  });
  const own = (event = weekly, id = rid) => {
    const o = openedOccurrence(
      event,
      occurrence('w', id, id, { recurring: true, recurrence_id: id }),
    );
    if (!o) throw new Error('no occurrence');
    return o;
  };

  it('shows the series’ fields at this occurrence’s times, the times left from it on', () => {
    expect(followingDraftOf(weekly, own())).toMatchObject({
      title: 'Point',
      location: 'Salle 1',
      allDay: false,
      startDate: '2026-12-22',
      startTime: '10:00',
      endDate: '2026-12-22',
      endTime: '11:00',
      repeat: 'weekly',
      repeatEnd: 'count',
      // Two before it: two left.
      count: '2',
      attendees: [{ email: 'alix@ruche.test', name: 'Alix', partstat: 'accepted' }],
    });
    // Those cancelled count (as COUNT counts them); the last one leaves one.
    const cancelled = { ...weekly, cancelled_occurrences: ['2026-12-15T09:00:00.000Z'] };
    expect(followingDraftOf(cancelled, own(cancelled)).count).toBe('2');
    expect(followingDraftOf(weekly, own(weekly, '2026-12-29T09:00:00.000Z')).count).toBe('1');
    // A rule ending on a day, or never, as the series'.
    const until = { ...weekly, rrule: 'FREQ=WEEKLY;UNTIL=20270131T225959Z' };
    expect(followingDraftOf(until, own(until))).toMatchObject({
      repeatEnd: 'until',
      until: '2027-01-31',
    });
  });

  it('starts from where a moved occurrence is, with the series’ texts', () => {
    const moved = {
      ...weekly,
      changed_occurrences: [
        {
          recurrence_id: rid,
          start: '2026-12-23T13:00:00.000Z',
          end: '2026-12-23T14:30:00.000Z',
          title: 'Point (mercredi)',
          description: '',
          location: '',
        },
      ],
    };
    expect(followingDraftOf(moved, own(moved))).toMatchObject({
      title: 'Point',
      location: 'Salle 1',
      startDate: '2026-12-23',
      startTime: '14:00',
      endTime: '15:30',
    });
  });

  it('counts the times left on the reader’s days all day, and across a change of hour', () => {
    const { days, o } = dailyOpened('2026-12-16', '2026-12-17');
    expect(followingDraftOf(days, o)).toMatchObject({
      allDay: true,
      startDate: '2026-12-16',
      endDate: '2026-12-16',
      count: '3',
    });
    // Weekly at 10:00 Paris from March into summer time: the 5th is still the 5th.
    const spring = {
      ...weekly,
      start: '2027-03-08T09:00:00.000Z',
      end: '2027-03-08T10:00:00.000Z',
      rrule: 'FREQ=WEEKLY;COUNT=10',
    };
    expect(followingDraftOf(spring, own(spring, '2027-04-05T08:00:00.000Z'))).toMatchObject({
      startDate: '2027-04-05',
      startTime: '10:00',
      count: '6',
    });
  });

  it('sends only what changed from there: the new times with the series’ zone, a new rule, people', () => {
    const o = own();
    const d = followingDraftOf(weekly, o);
    expect(followingChangesOf(weekly, o, d, 'America/New_York')).toEqual({});
    expect(followingChangesOf(weekly, o, withStart(d, '2026-12-22', '11:00'), null)).toEqual({
      start: '2026-12-22T10:00:00.000Z',
      end: '2026-12-22T11:00:00.000Z',
      all_day: false,
      timezone: PARIS,
    });
    // The times left unchanged are not a new rule; another number is.
    expect(followingChangesOf(weekly, o, { ...d, title: 'Point 2' }, null)).toEqual({
      title: 'Point 2',
    });
    expect(followingChangesOf(weekly, o, { ...d, count: '6' }, null)).toEqual({
      rrule: 'FREQ=WEEKLY;COUNT=6',
    });
    expect(followingChangesOf(weekly, o, { ...d, attendees: [] }, null)).toEqual({
      attendees: [],
    });
  });
});

describe('attendees', () => {
  const ME = { id: 'me', email: 'Camille@Ruche.test' };
  const PEOPLE = [
    member('me', 'Camille Durand', 'camille@ruche.test'),
    member('u1', 'Alix Martin', 'alix@ruche.test'),
    member('u2', 'Bo Petit', 'bo@ruche.test'),
    member('u3', 'Dana Roux', 'dana@ruche.test'),
  ];
  const invited = calendarEvent('i', {
    title: 'Réunion',
    organizer: { email: 'dana@ruche.test', name: 'Dana Roux' },
    attendees: [
      { email: 'alix@ruche.test', name: 'Alix Martin', partstat: 'accepted' },
      { email: 'guest@example.org', name: '', partstat: 'needs-action' },
    ],
  });

  it('looks for something@something in what is typed', () => {
    expect(isEmailLike(' guest@example.org ')).toBe(true);
    expect(isEmailLike('a@b')).toBe(true);
    expect(isEmailLike('guest')).toBe(false);
    expect(isEmailLike('guest@')).toBe(false);
    expect(isEmailLike('@example.org')).toBe(false);
    expect(isEmailLike('a b@example.org')).toBe(false);
    expect(isEmailLike('a@b@c')).toBe(false);
  });

  it('sends a new event’s attendees: colleagues by id, anyone else by email', () => {
    let d = draft({});
    expect(newEventOf(d, PARIS).attendees).toBeUndefined();
    d = withAttendee(d, { user_id: 'u1', email: 'alix@ruche.test', name: 'Alix Martin' });
    d = withAttendee(d, { email: ' guest@example.org ', name: '' });
    d = withAttendee(d, { email: 'Zoé@example.org', name: 'Zoé' });
    expect(newEventOf(d, PARIS).attendees).toEqual([
      { user_id: 'u1' },
      { email: 'guest@example.org' },
      { email: 'Zoé@example.org', name: 'Zoé' },
    ]);
    expect(withoutAttendee(d, 'GUEST@example.org').attendees.map((a) => a.email)).toEqual([
      'alix@ruche.test',
      'Zoé@example.org',
    ]);
  });

  it('shows an event’s attendees with their answers', () => {
    expect(draftOf(invited).attendees).toEqual([
      { email: 'alix@ruche.test', name: 'Alix Martin', partstat: 'accepted' },
      { email: 'guest@example.org', name: '', partstat: 'needs-action' },
    ]);
  });

  it('does not send the list again when only something else changed', () => {
    expect(changesOf(invited, { ...draftOf(invited), title: 'Point' }, PARIS)).toEqual({
      title: 'Point',
    });
    // Removed and added back, in another order: the same people.
    const d = draftOf(invited);
    const again = withAttendee(withoutAttendee(d, 'alix@ruche.test'), {
      user_id: 'u1',
      email: 'ALIX@ruche.test',
      name: 'Alix Martin',
    });
    expect(changesOf(invited, again, PARIS)).toEqual({});
    expect(isChanged(invited, again, PARIS)).toBe(false);
  });

  it('sends the whole list when people were added or removed', () => {
    const d = draftOf(invited);
    const more = withAttendee(d, { user_id: 'u2', email: 'bo@ruche.test', name: 'Bo Petit' });
    expect(changesOf(invited, more, PARIS)).toEqual({
      attendees: [
        { email: 'alix@ruche.test', name: 'Alix Martin' },
        { email: 'guest@example.org' },
        { user_id: 'u2' },
      ],
    });
    const none = withoutAttendee(withoutAttendee(d, 'alix@ruche.test'), 'guest@example.org');
    expect(changesOf(invited, none, PARIS)).toEqual({ attendees: [] });
  });

  it('never offers oneself, the organizer, or who is already invited', () => {
    const not = { me: ME, organizer: 'Dana@ruche.test' };
    expect(invitablePeople(PEOPLE, draftOf(invited), not).map((p) => p.user_id)).toEqual(['u2']);
    expect(invitablePeople(PEOPLE, draft({}), { me: ME }).map((p) => p.user_id)).toEqual([
      'u1',
      'u2',
      'u3',
    ]);
  });

  it('says why someone cannot be added', () => {
    const not = { me: ME, organizer: 'dana@ruche.test' };
    const d = draftOf(invited);
    expect(attendeeProblem(d, { email: 'guest' }, not)).toBe('email');
    expect(attendeeProblem(d, { email: 'camille@ruche.test' }, not)).toBe('self');
    expect(attendeeProblem(d, { email: 'other@x', user_id: 'me' }, not)).toBe('self');
    expect(attendeeProblem(d, { email: 'DANA@ruche.test' }, not)).toBe('organizer');
    expect(attendeeProblem(d, { email: 'Guest@Example.org' }, not)).toBe('already');
    expect(attendeeProblem(d, { email: 'new@example.org' }, not)).toBeNull();
    const full = {
      ...d,
      attendees: Array.from({ length: MAX_ATTENDEES }, (_, i) => ({
        email: `p${i}@example.org`,
        name: '',
      })),
    };
    expect(attendeeProblem(full, { email: 'new@example.org' }, not)).toBe('too_many');
  });

  it('in an armoured workspace, offers the members who read the calendar only, and refuses any address', () => {
    const reader = (m: Member, calendar: Access) => ({ ...m, rights: { calendar } });
    const people = PEOPLE.map((m, i) => reader(m, i === 2 ? 'none' : i === 3 ? 'read' : 'write'));
    const not = { me: ME, membersOnly: true };
    expect(invitablePeople(people, draft({}), not).map((p) => p.user_id)).toEqual(['u1', 'u3']);
    expect(inviteesOf(people, { me: ME })).toBe(people);
    expect(attendeeProblem(draft({}), { email: 'guest@example.org' }, not)).toBe('member');
    expect(attendeeProblem(draft({}), { email: 'dana@ruche.test', user_id: 'u3' }, not)).toBeNull();
  });

  it('keeps the members an armoured event invites by id: its list is sent back by id', () => {
    const sealed = calendarEvent('s', {
      organizer: { user_id: 'u3', email: 'dana@ruche.test', name: 'Dana Roux' },
      attendees: [
        { user_id: 'u1', email: 'alix@ruche.test', name: 'Alix Martin', partstat: 'accepted' },
      ],
    });
    const d = withAttendee(draftOf(sealed), { user_id: 'u2', email: 'bo@ruche.test', name: '' });
    expect(changesOf(sealed, d, PARIS)).toEqual({
      attendees: [{ user_id: 'u1' }, { user_id: 'u2' }],
    });
  });
});
