// One occurrence of a recurring event as it is: where the series puts it
// (its original start, the `recurrence_id`, and the series' length), and
// what it became when changed apart (the event's `changed_occurrences`:
// moved, or its own texts); cancelled ones are left out of the series
// (`cancelled_occurrences`). Whether it is the series' first, and how many
// times the rule starts before it (what "this and following" leaves to the
// series). Pure.
import type { CalendarEvent, CalendarOccurrence } from '../../../api';
import { parseEventRule } from '../../../armour/format';
import { addDays, daysBetween, isDayKey } from './dates';
import { instancesBefore } from './expand';
import { pickedOccurrence, sameOccurrence } from './invitations';

/** When an event takes place (null: it has no date). */
export type Times = Pick<CalendarOccurrence, 'start' | 'end' | 'all_day'>;

/** When an occurrence takes place: instants, or dates all day (the end exclusive). */
export interface Span {
  start: string;
  end: string;
  all_day: boolean;
}

/**
 * Where the series puts the occurrence `recurrenceId` names: that start,
 * and the series' length (all day: in days, as dates); null when it names
 * no instant.
 */
export function plannedTimes(series: Times, recurrenceId: string): Span | null {
  const at = Date.parse(recurrenceId);
  if (Number.isNaN(at)) return null;
  const start = new Date(at).toISOString();
  if (series.all_day) {
    // An all-day occurrence's id is its date's midnight, UTC.
    const [first, after] = [series.start?.slice(0, 10) ?? '', series.end?.slice(0, 10) ?? ''];
    const days = isDayKey(first) && isDayKey(after) ? Math.max(1, daysBetween(first, after)) : 1;
    const day = start.slice(0, 10);
    return { start: day, end: addDays(day, days), all_day: true };
  }
  const [from, to] = [Date.parse(series.start ?? ''), Date.parse(series.end ?? '')];
  const length = Number.isNaN(from) || Number.isNaN(to) ? 0 : Math.max(0, to - from);
  return { start, end: new Date(at + length).toISOString(), all_day: false };
}

/** A recurring event as this reads it (an answer link's event has no changes apart). */
export type Series = Times &
  Pick<CalendarEvent, 'recurring' | 'title' | 'description' | 'location'> &
  Partial<Pick<CalendarEvent, 'id' | 'changed_occurrences' | 'cancelled_occurrences'>>;

/** One occurrence of a recurring event as it is now (its times: when it takes place now). */
export interface OwnOccurrence extends Span {
  recurrence_id: string;
  title: string;
  description: string;
  location: string;
  /** Where the series puts it. */
  planned: Span;
  /** Changed apart from the series (moved, or its texts). */
  changed: boolean;
}

/**
 * The occurrence of `event` opened (by its `recurrence_id`) as it is now:
 * its own times and texts where it was changed apart, else the series' at
 * its original start. Null for a single event, an occurrence not known (or
 * of another event), or one cancelled.
 */
export function openedOccurrence(
  event: Series,
  o: Pick<CalendarOccurrence, 'event_id' | 'recurrence_id'> | null | undefined,
): OwnOccurrence | null {
  const id = pickedOccurrence(event, o);
  if (id === null) return null;
  if ((event.cancelled_occurrences ?? []).some((c) => sameOccurrence(c, id))) return null;
  const planned = plannedTimes(event, id);
  if (!planned) return null;
  const own = (event.changed_occurrences ?? []).find((c) => sameOccurrence(c.recurrence_id, id));
  return {
    recurrence_id: id,
    start: own?.start ?? planned.start,
    end: own?.end ?? planned.end,
    all_day: planned.all_day,
    title: own?.title ?? event.title,
    description: own?.description ?? event.description,
    location: own?.location ?? event.location,
    planned,
    changed: !!own,
  };
}

/** Whether an occurrence takes place at other times than the series puts it. */
export function isMoved(o: OwnOccurrence): boolean {
  const same = (a: string, b: string) => a === b || Date.parse(a) === Date.parse(b);
  return !same(o.start, o.planned.start) || !same(o.end, o.planned.end);
}

/** How many occurrences of a series are changed apart, and how many cancelled. */
export function changesApart(event: Series): { changed: number; cancelled: number } {
  return {
    changed: event.changed_occurrences?.length ?? 0,
    cancelled: event.cancelled_occurrences?.length ?? 0,
  };
}

/**
 * Whether `o` is the series' first occurrence (the one its start names):
 * "this and following" from it is the whole series.
 */
export function isFirstOccurrence(event: Times, o: OwnOccurrence): boolean {
  if (!event.start) return false;
  if (o.planned.all_day) return o.planned.start === event.start.slice(0, 10);
  return sameOccurrence(o.planned.start, event.start);
}

/**
 * How many times `rrule`, the rule of `series`, starts before the
 * occurrence `recurrenceId` names (those cancelled counted, as COUNT counts
 * them: RFC 5545); null for a rule logic/expand.ts does not read.
 */
export function startsBefore(
  series: Times & Pick<CalendarEvent, 'timezone'>,
  rrule: string,
  recurrenceId: string,
): number | null {
  const at = Date.parse(recurrenceId);
  if (!series.start || !series.end || Number.isNaN(at) || !parseEventRule(rrule)) return null;
  const allDay = series.all_day;
  const card = {
    title: '',
    description: '',
    location: '',
    start: allDay ? series.start.slice(0, 10) : series.start,
    end: allDay ? series.end.slice(0, 10) : series.end,
    all_day: allDay,
    timezone: series.timezone,
    rrule,
    exdates: [],
    overrides: [],
  };
  // All day: an occurrence's id is its date's midnight, UTC, as the card names dates.
  return instancesBefore(card, allDay ? Date.parse(new Date(at).toISOString().slice(0, 10)) : at);
}
