// Invitations in the calendar's views: the answers an invitee gives, how
// an occurrence shows the caller's answer (pending, maybe, declined), and
// a recurring event's answers to single occurrences (an attendee's answer
// to one occurrence is its own answer there, else their series' answer).
// Pure.
import {
  CALENDAR_PARTSTATS,
  type CalendarAnswer,
  type CalendarAttendee,
  type CalendarInstanceAnswer,
  type CalendarOccurrence,
  type CalendarPartstat,
} from '../../../api';
import { emailKey } from './draft';

/** The answers an invitee gives, in the order offered. */
export const ANSWERS: readonly CalendarAnswer[] = ['accepted', 'tentative', 'declined'];

/** A calendar application's other PARTSTAT (delegated…) reads as not answered; null: not invited. */
export function knownPartstat(p: string | null | undefined): CalendarPartstat | null {
  if (!p) return null;
  return (CALENDAR_PARTSTATS as readonly string[]).includes(p)
    ? (p as CalendarPartstat)
    : 'needs-action';
}

/**
 * The class an occurrence takes for the caller's answer: an invitation not
 * answered looks pending, "maybe" hatched, declined struck through; an
 * accepted one (or none) looks like any event.
 */
export function answerClass(o: Pick<CalendarOccurrence, 'partstat'>): string {
  switch (knownPartstat(o.partstat)) {
    case 'needs-action':
      return 'cal-chip--pending';
    case 'tentative':
      return 'cal-chip--tentative';
    case 'declined':
      return 'cal-chip--declined';
    default:
      return '';
  }
}

/**
 * What a change or a deletion is for: the occurrence opened alone, it and
 * the following ones (the series cut there), or the whole series.
 */
export type OccurrenceScope = 'one' | 'following' | 'all';

/** What an answer is for: the occurrence opened alone, or the series (no answer from one on). */
export type ReplyScope = Exclude<OccurrenceScope, 'following'>;

/**
 * The occurrence of `event` opened, by its `recurrence_id`: null for a
 * single event, or an occurrence not known (or of another event).
 */
export function pickedOccurrence(
  event: { id?: string; recurring: boolean },
  o: Pick<CalendarOccurrence, 'event_id' | 'recurrence_id'> | null | undefined,
): string | null {
  if (!event.recurring || !o || !event.id || o.event_id !== event.id) return null;
  return o.recurrence_id;
}

/** Whether two recurrence ids name the same occurrence (the same instant, however written). */
export function sameOccurrence(a: string, b: string): boolean {
  if (a === b) return true;
  const [x, y] = [Date.parse(a), Date.parse(b)];
  return !Number.isNaN(x) && x === y;
}

/** An event's answers as this module reads them (an answer link's event may lack those apart). */
export interface Answers {
  attendees: readonly CalendarAttendee[];
  instance_answers?: readonly CalendarInstanceAnswer[];
}

/** The answers `email` gave to single occurrences (apart from the series). */
export function answersApart(event: Answers, email: string): CalendarInstanceAnswer[] {
  const key = emailKey(email);
  return (event.instance_answers ?? []).filter((a) => emailKey(a.email) === key);
}

/**
 * `email`'s answer to the occurrence `recurrenceId` names (their answer
 * apart, else the series'), or to the series (null); null: not invited.
 */
export function answerOf(
  event: Answers,
  email: string,
  recurrenceId: string | null,
): CalendarPartstat | null {
  const key = emailKey(email);
  const attendee = event.attendees.find((a) => emailKey(a.email) === key);
  if (!attendee) return null;
  const apart =
    recurrenceId === null
      ? undefined
      : answersApart(event, email).find((a) => sameOccurrence(a.recurrence_id, recurrenceId));
  return knownPartstat(apart?.partstat ?? attendee.partstat);
}

/**
 * The occurrences as they say the caller's answer once it is given: to the
 * series, every occurrence of the event; to one occurrence, that one.
 */
export function withAnswer<
  T extends Pick<CalendarOccurrence, 'event_id' | 'recurrence_id' | 'partstat'>,
>(list: readonly T[], eventId: string, partstat: CalendarAnswer, recurrenceId: string | null): T[] {
  const answered = (o: T) =>
    o.event_id === eventId &&
    (recurrenceId === null ||
      (o.recurrence_id !== null && sameOccurrence(o.recurrence_id, recurrenceId)));
  return list.map((o) => (answered(o) ? { ...o, partstat } : o));
}
