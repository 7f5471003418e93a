// The event form's availability strip (docs/calendar.md "Free and busy"):
// who is shown (the person writing, then the colleagues invited), the
// hours of the day it covers, where busy spans and the event go on it, who
// is busy at the chosen time, what it says in words, and the next time
// everyone is free. Times are instants in milliseconds; hours are on the
// browser's clock. Pure: the locale and the messages are given.
import type { CalendarEvent, CalendarFreeBusy, Member } from '../../../api';
import type { I18n } from '../../../i18n';
import { addDays, dayStart, type DayKey } from './dates';
import { emailKey, type DraftAttendee } from './draft';
import { formatTimeRange } from './format';

/** [start, end) in milliseconds. */
export interface Span {
  start: number;
  end: number;
}

/** The server's limit of people asked at once, the person writing included. */
export const MAX_FREEBUSY_PEOPLE = 20;

/** The working hours a strip shows at least (local clock). */
export const WORK_FROM_HOUR = 7;
export const WORK_TO_HOUR = 21;

const HOUR_MS = 3_600_000;

/** Someone on the strip. */
export interface FreeBusyPerson {
  user_id: string;
  name: string;
}

/**
 * The colleagues invited, who have a calendar here: those picked by id,
 * and those of an event read (sent back by address only) whose address is
 * a member's. Addresses typed for anyone else have none. Never `me`; at
 * most MAX_FREEBUSY_PEOPLE - 1 (the first ones), with `me` in front.
 */
export function colleaguesOf(
  attendees: readonly DraftAttendee[],
  people: readonly Member[],
  meId: string,
): FreeBusyPerson[] {
  const out: FreeBusyPerson[] = [];
  const seen = new Set<string>([meId]);
  for (const a of attendees) {
    const member = a.user_id
      ? people.find((p) => p.user_id === a.user_id)
      : people.find((p) => emailKey(p.email) === emailKey(a.email));
    const id = a.user_id ?? member?.user_id;
    if (!id || seen.has(id)) continue;
    seen.add(id);
    out.push({ user_id: id, name: a.name.trim() || member?.name.trim() || a.email });
  }
  return out.slice(0, MAX_FREEBUSY_PEOPLE - 1);
}

/** An hour of a local day, as an instant (a day of 23 or 25 hours keeps its wall clock). */
function atHour(day: DayKey, hour: number): number {
  const d = dayStart(day);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate(), hour).getTime();
}

/** The whole local day: what is asked of the server (times moved within it ask nothing again). */
export function dayRange(day: DayKey): Span {
  return { start: dayStart(day).getTime(), end: dayStart(addDays(day, 1)).getTime() };
}

/** The day's working hours. */
export function workingHours(day: DayKey): Span {
  return { start: atHour(day, WORK_FROM_HOUR), end: atHour(day, WORK_TO_HOUR) };
}

/**
 * What the strip shows: the working hours, widened to whole hours to take
 * in the event, never beyond the day.
 */
export function stripWindow(day: DayKey, event: Span | null): Span {
  const work = workingHours(day);
  const whole = dayRange(day);
  if (!event) return work;
  const floorHour = (t: number) => {
    const d = new Date(t);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours()).getTime();
  };
  const ceilHour = (t: number) => {
    const f = floorHour(t);
    return f === t ? t : f + HOUR_MS;
  };
  return {
    start: Math.max(whole.start, Math.min(work.start, floorHour(event.start))),
    end: Math.min(whole.end, Math.max(work.end, ceilHour(event.end))),
  };
}

/** The full hours within a window (for its tick marks). */
export function hoursIn(window: Span): number[] {
  const out: number[] = [];
  const first = new Date(window.start);
  first.setMinutes(0, 0, 0);
  let t = first.getTime() < window.start ? first.getTime() + HOUR_MS : first.getTime();
  for (; t <= window.end; t += HOUR_MS) out.push(t);
  return out;
}

/** A person's spans as the server gives them, in order; those that do not read are left out. */
export function spansOf(busy: CalendarFreeBusy['busy']): Span[] {
  return busy
    .map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) }))
    .filter((s) => !Number.isNaN(s.start) && !Number.isNaN(s.end) && s.end > s.start)
    .sort((a, b) => a.start - b.start);
}

/**
 * The spans without the event being edited: it makes its organizer and
 * those invited busy, but is not a conflict with itself. The server merges
 * spans and says nothing of events, so only a span that is exactly the
 * event's own time (as saved) is taken out; one merged with another event
 * stays (and may show a conflict that moving the event would not have).
 * Someone else's meeting at exactly the same time is taken out with it.
 */
export function withoutOwn(spans: readonly Span[], own: Span | null): Span[] {
  if (!own) return [...spans];
  return spans.filter((s) => s.start !== own.start || s.end !== own.end);
}

/**
 * An event's own time as saved, when timed (a recurring event's is its
 * first occurrence's, the one its form shows).
 */
export function ownSpan(e: Pick<CalendarEvent, 'start' | 'end' | 'all_day'>): Span | null {
  if (e.all_day || !e.start || !e.end) return null;
  const [start, end] = [Date.parse(e.start), Date.parse(e.end)];
  return Number.isNaN(start) || Number.isNaN(end) ? null : { start, end };
}

/** Where a span goes on the strip, in percent of its width; null when outside it. */
export function placed(span: Span, window: Span): { left: number; width: number } | null {
  const length = window.end - window.start;
  const start = Math.max(span.start, window.start);
  const end = Math.min(span.end, window.end);
  if (length <= 0 || end <= start) return null;
  return {
    left: ((start - window.start) / length) * 100,
    width: ((end - start) / length) * 100,
  };
}

/** Whether someone is busy during the event (an event of no length conflicts with nothing). */
export function busyDuring(spans: readonly Span[], event: Span): boolean {
  return event.end > event.start && spans.some((s) => s.start < event.end && s.end > event.start);
}

/** "Bob: busy 9:00 – 11:00 AM, 2:00 – 3:00 PM" / "Bob: free". */
export function summaryOf(name: string, spans: readonly Span[], t: I18n['t'], locale: string) {
  if (!spans.length) return t('calendar.freebusy.free', { name });
  const iso = (ms: number) => new Date(ms).toISOString();
  const times = spans.map((s) => formatTimeRange(iso(s.start), iso(s.end), locale)).join(', ');
  return t('calendar.freebusy.busy', { name, times });
}

/**
 * The first time at or after the event's start when everyone is free for
 * as long as it lasts, within `hours`; null when there is none (or the
 * event has no length).
 */
export function nextFreeSlot(
  everyone: readonly (readonly Span[])[],
  event: Span,
  hours: Span,
): Span | null {
  const length = event.end - event.start;
  if (!(length > 0)) return null;
  const busy = everyone.flat().sort((a, b) => a.start - b.start);
  let at = Math.max(event.start, hours.start);
  for (const s of busy) {
    if (s.end <= at) continue;
    if (s.start >= at + length) break;
    at = s.end;
  }
  return at + length <= hours.end ? { start: at, end: at + length } : null;
}
