// The calendar's addresses: /w/{id}/calendar[/{event}][?view=week][&date=YYYY-MM-DD],
// and the file of the whole calendar (CalDAV's GET of the collection).
import type { DayKey, View } from './logic/dates';

/** The calendar's address: the event open (if any), the view and the day it is at. */
export function calendarPath(
  ws: string,
  o: { eventId?: string | null; view?: View; day?: DayKey | null } = {},
): string {
  const q = new URLSearchParams();
  if (o.view === 'week') q.set('view', 'week');
  if (o.day) q.set('date', o.day);
  const qs = q.toString();
  const path = `/w/${encodeURIComponent(ws)}/calendar${o.eventId ? `/${encodeURIComponent(o.eventId)}` : ''}`;
  return qs ? `${path}?${qs}` : path;
}

/**
 * The workspace calendar as one .ics file, as `userId` reaches it over
 * CalDAV (the session's cookie is enough for a GET): every event, for any
 * calendar application (docs/calendar.md "CalDAV").
 */
export function calendarFileUrl(userId: string, ws: string): string {
  return `/dav/calendars/${encodeURIComponent(userId)}/${encodeURIComponent(ws)}/`;
}
