// The calendars' addresses: a workspace's, /w/{id}/calendar[/{event}], and
// the person's own view, /calendar[/{event}] (ws null), each with
// [?view=week|day][&date=YYYY-MM-DD]; and the file of a whole calendar
// (CalDAV's GET of the collection).
import type { DayKey, View } from './logic/dates';

/** A calendar's address: the event open (if any), the view and the day it is at. */
export function calendarPath(
  ws: string | null,
  o: { eventId?: string | null; view?: View; day?: DayKey | null } = {},
): string {
  const q = new URLSearchParams();
  if (o.view && o.view !== 'month') q.set('view', o.view);
  if (o.day) q.set('date', o.day);
  const qs = q.toString();
  const base = ws === null ? '/calendar' : `/w/${encodeURIComponent(ws)}/calendar`;
  const path = `${base}${o.eventId ? `/${encodeURIComponent(o.eventId)}` : ''}`;
  return qs ? `${path}?${qs}` : path;
}

/**
 * A workspace's calendar (ws null: the personal one) as one .ics file, as
 * `userId` reaches it over CalDAV (the session's cookie is enough for a
 * GET): every event, for any calendar application (docs/calendar.md
 * "CalDAV").
 */
export function calendarFileUrl(userId: string, ws: string | null): string {
  return `/dav/calendars/${encodeURIComponent(userId)}/${ws === null ? 'personal' : encodeURIComponent(ws)}/`;
}
