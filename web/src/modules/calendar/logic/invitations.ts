// Invitations in the calendar's views: the answers an invitee gives, and
// how an occurrence shows the caller's answer (pending, maybe, declined).
// Pure.
import {
  CALENDAR_PARTSTATS,
  type CalendarAnswer,
  type CalendarOccurrence,
  type CalendarPartstat,
} from '../../../api';

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
