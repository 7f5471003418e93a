// The calendar's addresses: /w/{id}/calendar[/{event}][?view=week][&date=YYYY-MM-DD].
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
