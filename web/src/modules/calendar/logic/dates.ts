// Days of the reader's calendar and the instants the server speaks in. A
// day is a key "YYYY-MM-DD" of the browser's local calendar; its start is
// local midnight (a day has 23 or 25 hours across a change of daylight
// saving time, which Date(y, m, d) handles). Pure: "today" is given.

/** "2026-12-10": a day of the local calendar (as <input type="date"> gives it). */
export type DayKey = string;

/** The calendar's two views. */
export type View = 'month' | 'week' | 'day';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local day a Date falls on. */
export function dayKey(d: Date): DayKey {
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Whether `s` names a day that exists ("2026-02-30" does not). */
export function isDayKey(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return dayKey(d) === s;
}

/** Local midnight starting a day (an invalid Date for a malformed key). */
export function dayStart(key: DayKey): Date {
  const m = DAY.exec(key);
  if (!m) return new Date(NaN);
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

export function addDays(key: DayKey, n: number): DayKey {
  const d = dayStart(key);
  return dayKey(new Date(d.getFullYear(), d.getMonth(), d.getDate() + n));
}

/** The same day `n` months later, or the month's last day when it has fewer (31 Jan + 1: 28 Feb). */
export function addMonths(key: DayKey, n: number): DayKey {
  const d = dayStart(key);
  const first = new Date(d.getFullYear(), d.getMonth() + n, 1);
  const last = new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
  return dayKey(new Date(first.getFullYear(), first.getMonth(), Math.min(d.getDate(), last)));
}

/** Days from `a` to `b` (negative when b is before a), counted on the calendar. */
export function daysBetween(a: DayKey, b: DayKey): number {
  const [x, y] = [dayStart(a), dayStart(b)];
  // UTC dates of the same y/m/d: whole days, whatever the local clock did.
  const utc = (d: Date) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
  return Math.round((utc(y) - utc(x)) / 86_400_000);
}

/** 0 for Monday … 6 for Sunday (weeks start on Monday, as in France). */
export function weekdayIndex(key: DayKey): number {
  return (dayStart(key).getDay() + 6) % 7;
}

/** The Monday of the week holding `key`. */
export function startOfWeek(key: DayKey): DayKey {
  return addDays(key, -weekdayIndex(key));
}

/** The 7 days of the week holding `key`, Monday first. */
export function weekDays(key: DayKey): DayKey[] {
  const monday = startOfWeek(key);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The first day of the month holding `key`. */
export function startOfMonth(key: DayKey): DayKey {
  return `${key.slice(0, 7)}-01`;
}

/**
 * The month view of the month holding `key`: 6 weeks (42 days), from the
 * Monday on or before the 1st, so that every month fits whatever its
 * first weekday and length.
 */
export function monthGrid(key: DayKey): DayKey[] {
  const first = startOfWeek(startOfMonth(key));
  return Array.from({ length: 42 }, (_, i) => addDays(first, i));
}

/** The days a view shows around `key`. */
export function visibleDays(view: View, key: DayKey): DayKey[] {
  return view === 'month' ? monthGrid(key) : view === 'week' ? weekDays(key) : [key];
}

/** [from, to): the instants a view covers (local midnight to local midnight), as ISO strings. */
export function rangeOf(view: View, key: DayKey): { from: string; to: string } {
  const days = visibleDays(view, key);
  const first = days[0] ?? key;
  const last = days[days.length - 1] ?? key;
  return { from: dayStart(first).toISOString(), to: dayStart(addDays(last, 1)).toISOString() };
}

/** The day `n` periods (months, weeks or days) away. */
export function shiftPeriod(view: View, key: DayKey, n: number): DayKey {
  return view === 'month' ? addMonths(key, n) : addDays(key, (view === 'week' ? 7 : 1) * n);
}

/** Whether two days fall in the same period of a view (the same month, week, or day). */
export function samePeriod(view: View, a: DayKey, b: DayKey): boolean {
  if (view === 'day') return a === b;
  return view === 'month' ? a.slice(0, 7) === b.slice(0, 7) : startOfWeek(a) === startOfWeek(b);
}

// ---- times -----------------------------------------------------------------

/** "09:30" of a Date, on the local clock. */
export function timeOfDay(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Minutes since local midnight on the local clock (wall time: 0 … 1439). */
export function minutesOfDay(d: Date): number {
  return d.getHours() * 60 + d.getMinutes();
}

/**
 * A local date and time (as the form's inputs give them) as a UTC ISO
 * instant; null when either does not read. A time that does not exist
 * (skipped when clocks go forward) is taken an hour later, as Date does.
 */
export function localToIso(date: string, time: string): string | null {
  const d = DAY.exec(date);
  const t = TIME.exec(time);
  if (!d || !t || !isDayKey(date)) return null;
  const [h, m] = [Number(t[1]), Number(t[2])];
  if (h > 23 || m > 59) return null;
  const at = new Date(Number(d[1]), Number(d[2]) - 1, Number(d[3]), h, m);
  return at.toISOString();
}

/** An instant's local date and time, for the form's inputs. */
export function isoToLocal(iso: string): { date: DayKey; time: string } | null {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return { date: dayKey(d), time: timeOfDay(d) };
}

/**
 * All-day events end on the day after their last (RFC 5545's exclusive
 * end, as the server sends it): the last day a person reads and picks.
 */
export function inclusiveEnd(exclusive: DayKey): DayKey {
  return addDays(exclusive, -1);
}

/** The exclusive end the server wants for an all-day event ending on `lastDay`. */
export function exclusiveEnd(lastDay: DayKey): DayKey {
  return addDays(lastDay, 1);
}
