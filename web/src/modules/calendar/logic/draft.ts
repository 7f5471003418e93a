// The event form: what it holds (local dates and times as the inputs give
// them; an all-day event's last day, inclusive; the people invited), what
// it sends (UTC instants, or dates with the exclusive end the server wants;
// colleagues by id, anyone else by email; in an armoured workspace members
// only, by id), and, for an edit, only the
// fields that changed; for one occurrence of a recurring event, its texts
// and times alone; for it and the following ones, the series' fields from
// its times on. Pure: the browser's zone is given.
import {
  moduleRight,
  type CalendarAttendeeRequest,
  type CalendarEvent,
  type CalendarEventChange,
  type CalendarOccurrenceChange,
  type CalendarPartstat,
  type Member,
  type NewCalendarEvent,
} from '../../../api';
import {
  addDays,
  dayKey,
  dayStart,
  daysBetween,
  exclusiveEnd,
  inclusiveEnd,
  isDayKey,
  isoToLocal,
  localToIso,
  timeOfDay,
  type DayKey,
} from './dates';
import { startsBefore, type OwnOccurrence } from './occurrences';
import { MAX_COUNT, repeatOf, rruleOf, type Repeat } from './rrule';

/** Someone invited: a colleague picked from the list, an address typed, or one the event has. */
export interface DraftAttendee {
  /** A colleague picked here (sent by id). */
  user_id?: string;
  email: string;
  /** May be empty (an address typed). */
  name: string;
  /** Their answer, for those the event already invites. */
  partstat?: CalendarPartstat;
}

/** The server's limit (docs/calendar.md). */
export const MAX_ATTENDEES = 100;

export interface EventDraft {
  title: string;
  allDay: boolean;
  startDate: string;
  /** "HH:MM", local; unused all day. */
  startTime: string;
  /** All day: the last day (inclusive). */
  endDate: string;
  endTime: string;
  location: string;
  description: string;
  repeat: Repeat | 'custom';
  repeatEnd: 'never' | 'until' | 'count';
  /** The last day of the repetition (repeatEnd "until"). */
  until: string;
  /** How many times (repeatEnd "count"), as typed. */
  count: string;
  /** The rule as read: kept as it is while `repeat` stays "custom". */
  rrule: string | null;
  attendees: DraftAttendee[];
  /**
   * The person's own reminders, minutes before the start; null where they
   * are not set here (an armoured event: the server cannot read its times).
   */
  reminders: number[] | null;
}

/** What the form refuses before asking the server. */
export type DraftProblem = 'title' | 'time' | 'end_before_start' | 'count' | 'until';

const pad = (n: number) => String(n).padStart(2, '0');

/** A new event on `day`: all day, or an hour from `minutes` after midnight (default 9:00). */
export function emptyDraft(
  day: DayKey,
  o: { allDay?: boolean; minutes?: number } = {},
): EventDraft {
  const minutes = Math.max(0, Math.min(23 * 60, o.minutes ?? 9 * 60));
  const start = `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  const end = minutes + 60;
  return {
    title: '',
    allDay: o.allDay ?? false,
    startDate: day,
    startTime: start,
    endDate: end >= 24 * 60 ? addDays(day, 1) : day,
    endTime: `${pad(Math.floor((end % (24 * 60)) / 60))}:${pad(end % 60)}`,
    location: '',
    description: '',
    repeat: 'none',
    repeatEnd: 'never',
    until: '',
    count: '10',
    rrule: null,
    attendees: [],
    reminders: [],
  };
}

/** What the form is filled from: an event, or one occurrence of a recurring event. */
type Filled = Pick<
  CalendarEvent,
  'title' | 'all_day' | 'location' | 'description' | 'start' | 'end' | 'rrule' | 'attendees'
> &
  Pick<Partial<CalendarEvent>, 'reminders'>;

/** A new event's form filled from `e` ("Duplicate"): its series, its people not yet answered. */
export function duplicateOf(e: Filled): EventDraft {
  const d = draftOf(e);
  return {
    ...d,
    attendees: d.attendees.map((a) => ({
      ...(a.user_id ? { user_id: a.user_id } : {}),
      email: a.email,
      name: a.name,
    })),
  };
}

/** The form filled from an event. */
export function draftOf(e: Filled): EventDraft {
  const base = emptyDraft(e.start?.slice(0, 10) ?? '');
  const rule = repeatOf(e.rrule);
  const d: EventDraft = {
    ...base,
    title: e.title,
    allDay: e.all_day,
    location: e.location,
    description: e.description,
    repeat: rule.repeat,
    repeatEnd: rule.end.kind,
    until: rule.end.kind === 'until' ? rule.end.date : '',
    count: rule.end.kind === 'count' ? String(rule.end.count) : base.count,
    rrule: e.rrule,
    attendees: e.attendees.map((a) => ({
      user_id: a.user_id,
      email: a.email,
      name: a.name,
      partstat: a.partstat,
    })),
    reminders: e.reminders ?? null,
  };
  if (e.all_day) {
    const first = e.start?.slice(0, 10) ?? '';
    const end = e.end?.slice(0, 10);
    d.startDate = first;
    d.endDate = end && end > first ? inclusiveEnd(end) : first;
    return d;
  }
  const s = e.start ? isoToLocal(e.start) : null;
  const f = e.end ? isoToLocal(e.end) : s;
  if (s) {
    d.startDate = s.date;
    d.startTime = s.time;
  }
  if (f) {
    d.endDate = f.date;
    d.endTime = f.time;
  }
  return d;
}

function startOf(d: EventDraft): number {
  return d.allDay
    ? dayStart(d.startDate).getTime()
    : new Date(localToIso(d.startDate, d.startTime) ?? NaN).getTime();
}

function endOf(d: EventDraft): number {
  return d.allDay
    ? dayStart(d.endDate).getTime()
    : new Date(localToIso(d.endDate, d.endTime) ?? NaN).getTime();
}

/** The start moved: the end moves with it, so that the event keeps its length. */
export function withStart(d: EventDraft, date: string, time: string = d.startTime): EventDraft {
  const next = { ...d, startDate: date, startTime: time };
  if (!isDayKey(date) || !isDayKey(d.startDate) || !isDayKey(d.endDate)) return next;
  if (d.allDay)
    return { ...next, endDate: addDays(date, Math.max(0, daysBetween(d.startDate, d.endDate))) };
  const length = endOf(d) - startOf(d);
  const start = startOf(next);
  if (Number.isNaN(length) || Number.isNaN(start) || length < 0) return next;
  const end = new Date(start + length);
  return { ...next, endDate: dayKey(end), endTime: timeOfDay(end) };
}

/**
 * All day on or off: the days stay; times come back as an hour from 9:00
 * (or as they were); a reminder chosen goes (a timed event's and an all-day
 * one's are not the same choices).
 */
export function withAllDay(d: EventDraft, allDay: boolean): EventDraft {
  if (d.allDay === allDay) return d;
  const next = { ...d, allDay, reminders: d.reminders && [] };
  if (!allDay && d.startDate === d.endDate && d.endTime <= d.startTime) {
    return { ...next, startTime: '09:00', endTime: '10:00' };
  }
  return next;
}

/** What stops the form from being sent, the first found; null when it may go. */
export function problemOf(d: EventDraft): DraftProblem | null {
  if (!d.title.trim()) return 'title';
  const [s, e] = [startOf(d), endOf(d)];
  if (Number.isNaN(s) || Number.isNaN(e)) return 'time';
  if (e < s) return 'end_before_start';
  if (d.repeat !== 'none' && d.repeat !== 'custom') {
    if (d.repeatEnd === 'count') {
      const n = Number(d.count);
      if (!/^\d+$/.test(d.count.trim()) || n < 1 || n > MAX_COUNT) return 'count';
    }
    if (d.repeatEnd === 'until' && (!isDayKey(d.until) || d.until < d.startDate)) return 'until';
  }
  return null;
}

/** The times as the server takes them; `timeZone` for timed events (their local hour kept). */
export function timesOf(
  d: EventDraft,
  timeZone: string | null,
): Pick<NewCalendarEvent, 'start' | 'end' | 'all_day' | 'timezone'> {
  if (d.allDay) {
    return { start: d.startDate, end: exclusiveEnd(d.endDate), all_day: true };
  }
  return {
    start: localToIso(d.startDate, d.startTime) ?? '',
    end: localToIso(d.endDate, d.endTime) ?? '',
    all_day: false,
    timezone: timeZone,
  };
}

/** The RRULE the form stands for (the one read, while "custom"). */
export function ruleOf(d: EventDraft): string | null {
  if (d.repeat === 'custom') return d.rrule;
  const end =
    d.repeatEnd === 'count'
      ? { kind: 'count' as const, count: Number(d.count) }
      : d.repeatEnd === 'until'
        ? { kind: 'until' as const, date: d.until }
        : { kind: 'never' as const };
  return rruleOf(d.repeat, end, d.allDay);
}

/** POST body of a new event. */
export function newEventOf(d: EventDraft, timeZone: string | null): NewCalendarEvent {
  const body: NewCalendarEvent = {
    title: d.title.trim(),
    ...timesOf(d, timeZone),
  };
  if (d.location.trim()) body.location = d.location.trim();
  if (d.description.trim()) body.description = d.description;
  const rule = ruleOf(d);
  if (rule) body.rrule = rule;
  if (d.attendees.length) body.attendees = attendeesOf(d);
  if (d.reminders?.length) body.reminders = d.reminders;
  return body;
}

const sameTimes = (a: EventDraft, b: EventDraft) =>
  a.allDay === b.allDay &&
  a.startDate === b.startDate &&
  a.endDate === b.endDate &&
  (a.allDay || (a.startTime === b.startTime && a.endTime === b.endTime));

const sameRepeat = (a: EventDraft, b: EventDraft) =>
  a.repeat === b.repeat &&
  (a.repeat === 'none' ||
    a.repeat === 'custom' ||
    (a.repeatEnd === b.repeatEnd &&
      (a.repeatEnd !== 'until' || a.until === b.until) &&
      (a.repeatEnd !== 'count' || a.count.trim() === b.count.trim())));

/**
 * PATCH body: the fields the form changed from `event`. New times keep
 * the event's own zone (the browser's when it has none); a rule that ends
 * on a day is sent again with them, its UNTIL following the start's type.
 */
export function changesOf(
  event: CalendarEvent,
  d: EventDraft,
  timeZone: string | null,
): CalendarEventChange {
  return changesFrom(draftOf(event), d, event.timezone ?? timeZone);
}

/** The fields the form changed from `base`, new times in `zone`. */
function changesFrom(base: EventDraft, d: EventDraft, zone: string | null): CalendarEventChange {
  const change: CalendarEventChange = textChanges(base, d);
  const timesChanged = !sameTimes(d, base);
  if (timesChanged) Object.assign(change, timesOf(d, zone));
  const untilFollows =
    timesChanged && d.repeat !== 'custom' && d.repeat !== 'none' && d.repeatEnd === 'until';
  if (!sameRepeat(d, base) || untilFollows) change.rrule = ruleOf(d);
  if (!sameAttendees(d.attendees, base.attendees)) change.attendees = attendeesOf(d);
  if (d.reminders && base.reminders && d.reminders.join() !== base.reminders.join())
    change.reminders = d.reminders;
  return change;
}

export function isChanged(event: CalendarEvent, d: EventDraft, timeZone: string | null): boolean {
  return Object.keys(changesOf(event, d, timeZone)).length > 0;
}

/** The title, location and description the form changed from `base`. */
function textChanges(base: EventDraft, d: EventDraft): CalendarOccurrenceChange {
  const change: CalendarOccurrenceChange = {};
  if (d.title.trim() !== base.title.trim()) change.title = d.title.trim();
  if (d.location.trim() !== base.location.trim()) change.location = d.location.trim();
  if (d.description !== base.description) change.description = d.description;
  return change;
}

/**
 * The form of another scope (`next`) keeping what was typed in `d` over
 * its own form `base`: the texts always; the times when both forms are of
 * the same occurrence (not the series', which starts at its first); the
 * people when both have them (not one occurrence's).
 */
export function withTyped(
  next: EventDraft,
  d: EventDraft,
  base: EventDraft,
  keep: { times: boolean; attendees: boolean },
): EventDraft {
  const out = { ...next };
  const carry = <K extends keyof EventDraft>(k: K) => {
    if (d[k] !== base[k]) out[k] = d[k];
  };
  for (const k of ['title', 'location', 'description'] as const) carry(k);
  if (keep.times)
    for (const k of ['allDay', 'startDate', 'startTime', 'endDate', 'endTime'] as const) carry(k);
  if (keep.attendees) carry('attendees');
  return out;
}

// ---- One occurrence ----------------------------------------------------------

/** The form for one occurrence of a recurring event: its own texts and times (no repeat, nobody invited). */
export function occurrenceDraftOf(o: OwnOccurrence): EventDraft {
  return draftOf({ ...o, rrule: null, attendees: [] });
}

/**
 * PATCH body of one occurrence (sent with its `recurrence_id`): the texts
 * and times the form changed from `o`. Never a zone (the series keeps its
 * own) nor all day (the series').
 */
export function occurrenceChangesOf(o: OwnOccurrence, d: EventDraft): CalendarOccurrenceChange {
  const base = occurrenceDraftOf(o);
  const change = textChanges(base, d);
  if (!sameTimes(d, base)) {
    const { start, end } = timesOf(d, null);
    Object.assign(change, { start, end });
  }
  return change;
}

export function isOccurrenceChanged(o: OwnOccurrence, d: EventDraft): boolean {
  return Object.keys(occurrenceChangesOf(o, d)).length > 0;
}

// ---- This and following ------------------------------------------------------

/**
 * The form for an occurrence and the following ones: the series' (texts,
 * repeat, people) at that occurrence's times (its own, when moved). A
 * number of times counts those left from it on, as the server leaves them
 * to the new event (the rule's starts before it taken off, 1 at least).
 */
export function followingDraftOf(event: CalendarEvent, o: OwnOccurrence): EventDraft {
  const d = draftOf({ ...event, start: o.start, end: o.end });
  if (d.repeat === 'none' || d.repeat === 'custom' || d.repeatEnd !== 'count') return d;
  const count = Number(d.count);
  const rule = rruleOf(d.repeat, { kind: 'count', count }, event.all_day);
  const before = rule ? startsBefore(event, rule, o.recurrence_id) : null;
  return before === null ? d : { ...d, count: String(Math.max(1, count - before)) };
}

/**
 * PATCH body of an occurrence and the following ones (sent with its
 * `recurrence_id` and scope "following"): the fields the form changed from
 * followingDraftOf, as changesOf; new times are that occurrence's (the
 * new event's first).
 */
export function followingChangesOf(
  event: CalendarEvent,
  o: OwnOccurrence,
  d: EventDraft,
  timeZone: string | null,
): CalendarEventChange {
  return changesFrom(followingDraftOf(event, o), d, event.timezone ?? timeZone);
}

// ---- Attendees -------------------------------------------------------------

/** How attendees are told apart: their address, in lower case. */
export const emailKey = (email: string) => email.trim().toLowerCase();

/** Looks like an email address: something@something, no spaces (the server checks further). */
export function isEmailLike(s: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(s.trim());
}

/** The list as the server takes it: colleagues picked here by id, anyone else by email. */
export function attendeesOf(d: EventDraft): CalendarAttendeeRequest[] {
  return d.attendees.map((a) =>
    a.user_id
      ? { user_id: a.user_id }
      : a.name.trim()
        ? { email: a.email.trim(), name: a.name.trim() }
        : { email: a.email.trim() },
  );
}

/** Whether two lists invite the same people (whatever the order). */
function sameAttendees(a: readonly DraftAttendee[], b: readonly DraftAttendee[]): boolean {
  const keys = (l: readonly DraftAttendee[]) => l.map((x) => emailKey(x.email)).sort();
  const [x, y] = [keys(a), keys(b)];
  return x.length === y.length && x.every((k, i) => k === y[i]);
}

/**
 * Who may not be invited: oneself, and the event's organizer (not an
 * attendee of their own event); with `membersOnly` (an armoured
 * workspace's event), anyone but the members who read the calendar.
 */
export interface Uninvitable {
  me: { id: string; email: string };
  organizer?: string | null;
  membersOnly?: boolean;
}

function refused(email: string, not: Uninvitable): boolean {
  const key = emailKey(email);
  return key === emailKey(not.me.email) || (!!not.organizer && key === emailKey(not.organizer));
}

/**
 * The members who may be invited at all: every one, or with `membersOnly`
 * those who read the calendar (the server refuses the others there: the
 * event would not open for them).
 */
export function inviteesOf(people: readonly Member[], not: Uninvitable): readonly Member[] {
  return not.membersOnly
    ? people.filter((p) => moduleRight(p.rights, p.role, 'calendar') !== 'none')
    : people;
}

/** The colleagues one may still add: not oneself, nor the organizer, nor those already in. */
export function invitablePeople(
  people: readonly Member[],
  d: EventDraft,
  not: Uninvitable,
): Member[] {
  const taken = new Set(d.attendees.map((a) => emailKey(a.email)));
  return inviteesOf(people, not).filter(
    (p) => p.user_id !== not.me.id && !refused(p.email, not) && !taken.has(emailKey(p.email)),
  );
}

/** Why an attendee cannot be added; null when they can. */
export type AttendeeProblem = 'email' | 'member' | 'self' | 'organizer' | 'already' | 'too_many';

/** Why `a` cannot be added: a member picked has their `user_id`, an address typed none. */
export function attendeeProblem(
  d: EventDraft,
  a: Pick<DraftAttendee, 'email' | 'user_id'>,
  not: Uninvitable,
): AttendeeProblem | null {
  if (not.membersOnly && !a.user_id) return 'member';
  if (!isEmailLike(a.email)) return 'email';
  if (a.user_id === not.me.id || emailKey(a.email) === emailKey(not.me.email)) return 'self';
  if (not.organizer && emailKey(a.email) === emailKey(not.organizer)) return 'organizer';
  if (d.attendees.some((x) => emailKey(x.email) === emailKey(a.email))) return 'already';
  if (d.attendees.length >= MAX_ATTENDEES) return 'too_many';
  return null;
}

/** The draft with one more attendee (attendeeProblem says first whether they may be). */
export function withAttendee(d: EventDraft, a: DraftAttendee): EventDraft {
  return { ...d, attendees: [...d.attendees, { ...a, email: a.email.trim() }] };
}

export function withoutAttendee(d: EventDraft, email: string): EventDraft {
  return { ...d, attendees: d.attendees.filter((a) => emailKey(a.email) !== emailKey(email)) };
}
