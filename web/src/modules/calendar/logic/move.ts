// An occurrence dragged on the grid: how far it went (whole days, and in
// the week's hours a number of minutes, a quarter of an hour at a time),
// and the event form's draft moved by as much — the change then goes as
// the edit dialog would send it (draft.ts), the event's own zone and rule
// kept. Its length is kept; a timed event keeps its local hour across a
// change of daylight saving time, as the form would. Its end alone
// dragged (`edge: 'end'`, the week's blocks): longer or shorter, a
// quarter of an hour at least.
import type { CalendarOccurrence } from '../../../api';
import { addDays, isoToLocal, localToIso } from './dates';
import type { EventDraft } from './draft';
import { knownPartstat } from './invitations';

/** The week's hours move by this much. */
export const MOVE_STEP_MINUTES = 15;

export interface Moved {
  days: number;
  /** Timed events only (0 all day). */
  minutes: number;
  /** The end alone moves (by `minutes`; `days` is 0). */
  edge?: 'end';
}

/** The minutes a drag of `fraction` of a day's height stands for, in steps. */
export function snappedMinutes(fraction: number): number {
  const step = MOVE_STEP_MINUTES;
  return Math.round((fraction * 24 * 60) / step) * step || 0;
}

/** Local "YYYY-MM-DD" + "HH:MM" moved by whole days then minutes (wall clock). */
function movedLocal(date: string, time: string, m: Moved): { date: string; time: string } | null {
  const iso = localToIso(date, time);
  if (!iso) return null;
  const at = new Date(iso);
  at.setDate(at.getDate() + m.days);
  at.setMinutes(at.getMinutes() + m.minutes);
  return isoToLocal(at.toISOString());
}

/**
 * The draft moved by `m`, its length kept (or its end alone moved, a
 * quarter of an hour after its start at least); null when its times do
 * not read, or an all-day event's end would move.
 */
export function movedDraft(d: EventDraft, m: Moved): EventDraft | null {
  if (m.edge === 'end') {
    const start = localToIso(d.startDate, d.startTime);
    const to = !d.allDay && movedLocal(d.endDate, d.endTime, { days: 0, minutes: m.minutes });
    const end = to && localToIso(to.date, to.time);
    if (!start || !to || !end) return null;
    if (Date.parse(end) - Date.parse(start) < MOVE_STEP_MINUTES * 60_000) {
      const least = isoToLocal(
        new Date(Date.parse(start) + MOVE_STEP_MINUTES * 60_000).toISOString(),
      );
      return least && { ...d, endDate: least.date, endTime: least.time };
    }
    return { ...d, endDate: to.date, endTime: to.time };
  }
  if (d.allDay)
    return { ...d, startDate: addDays(d.startDate, m.days), endDate: addDays(d.endDate, m.days) };
  const start = localToIso(d.startDate, d.startTime);
  const end = localToIso(d.endDate, d.endTime);
  const to = movedLocal(d.startDate, d.startTime, m);
  if (!start || !end || !to) return null;
  const toIso = localToIso(to.date, to.time);
  if (!toIso) return null;
  const until = isoToLocal(
    new Date(Date.parse(toIso) + Date.parse(end) - Date.parse(start)).toISOString(),
  );
  if (!until) return null;
  return { ...d, startDate: to.date, startTime: to.time, endDate: until.date, endTime: until.time };
}

/**
 * Whether a person may drag `o` where they write the calendar: an event
 * (to-dos and journal entries are changed by their applications), not an
 * invitation (its organizer moves it), not a subscription's copy.
 */
export function movable(o: CalendarOccurrence): boolean {
  return o.kind === 'event' && !o.subscription_id && !knownPartstat(o.partstat) && !!o.start;
}
