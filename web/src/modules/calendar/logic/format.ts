// Dates and times in the reader's language (Intl), for titles, headers,
// chips and labels. Pure: the locale is given; times are on the browser's
// clock.
import type { CalendarOccurrence } from '../../../api';
import { addDays, dayStart, startOfWeek, weekDays, type DayKey, type View } from './dates';

const cache = new Map<string, Intl.DateTimeFormat>();

function fmt(locale: string, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(o)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, o);
    cache.set(key, f);
  }
  return f;
}

/** The first letter in capitals ("décembre 2026" → "Décembre 2026"), as a heading reads. */
export function capitalized(s: string, locale: string): string {
  return s.charAt(0).toLocaleUpperCase(locale) + s.slice(1);
}

/** Hours and minutes: "09:30" in French, "9:30 AM" in English. */
function timeOptions(locale: string): Intl.DateTimeFormatOptions {
  return { hour: locale.startsWith('fr') ? '2-digit' : 'numeric', minute: '2-digit' };
}

export function formatTime(at: Date | string, locale: string): string {
  return fmt(locale, timeOptions(locale)).format(typeof at === 'string' ? new Date(at) : at);
}

/** "09:00 – 10:30" / "9:00 – 10:30 AM". */
export function formatTimeRange(start: string, end: string, locale: string): string {
  const [s, e] = [new Date(start), new Date(end)];
  if (!(e > s)) return formatTime(s, locale);
  return fmt(locale, timeOptions(locale)).formatRange(s, e);
}

/** The hour labels of a week's time column: "00:00" … "23:00". */
export function hourLabels(locale: string): string[] {
  return Array.from({ length: 24 }, (_, h) => formatTime(new Date(2026, 0, 5, h), locale));
}

/** "Décembre 2026" (month), "7 – 13 décembre 2026" (week). */
export function periodTitle(view: View, day: DayKey, locale: string): string {
  if (view === 'day') return capitalized(dayLabel(day, locale), locale);
  if (view === 'month') {
    return capitalized(
      fmt(locale, { month: 'long', year: 'numeric' }).format(dayStart(day)),
      locale,
    );
  }
  const monday = startOfWeek(day);
  return fmt(locale, { day: 'numeric', month: 'long', year: 'numeric' }).formatRange(
    dayStart(monday),
    dayStart(addDays(monday, 6)),
  );
}

/** Monday to Sunday: "lun." … (short), "lundi" … (long). */
export function weekdayNames(locale: string, style: 'short' | 'long'): string[] {
  return weekDays('2026-01-05').map((d) => fmt(locale, { weekday: style }).format(dayStart(d)));
}

/** "jeudi 10 décembre 2026". */
export function dayLabel(day: DayKey, locale: string): string {
  return fmt(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(
    dayStart(day),
  );
}

/** "jeudi 10 décembre" (the year left out), for lists within a week. */
export function shortDayLabel(day: DayKey, locale: string): string {
  return fmt(locale, { weekday: 'long', day: 'numeric', month: 'long' }).format(dayStart(day));
}

/** "déc." of a day's month, shown by the 1st (a month grid shows three months' days). */
export function monthShort(day: DayKey, locale: string): string {
  return fmt(locale, { month: 'short' }).format(dayStart(day));
}

/**
 * The day an occurrence begins, without its weekday: "8 mars 2027" /
 * "March 8, 2027" (all day: its date as written; timed: on the browser's clock).
 */
export function dateText(o: Pick<CalendarOccurrence, 'start' | 'all_day'>, locale: string): string {
  if (!o.start) return '';
  const at = o.all_day ? dayStart(o.start.slice(0, 10)) : new Date(o.start);
  if (Number.isNaN(at.getTime())) return '';
  return fmt(locale, { day: 'numeric', month: 'long', year: 'numeric' }).format(at);
}

/**
 * When an occurrence or event takes place, in a sentence: "jeudi 10
 * décembre 2026, 09:00 – 10:00"; all day: "jeudi 10 décembre 2026" or
 * "jeudi 10 – samedi 12 décembre 2026" (the last day included).
 */
export function whenText(
  o: Pick<CalendarOccurrence, 'start' | 'end' | 'all_day'>,
  locale: string,
): string {
  if (!o.start) return '';
  const long: Intl.DateTimeFormatOptions = {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  };
  if (o.all_day) {
    const first = o.start.slice(0, 10);
    const end = o.end?.slice(0, 10);
    const last = end && end > first ? addDays(end, -1) : first;
    if (last === first) return fmt(locale, long).format(dayStart(first));
    return fmt(locale, long).formatRange(dayStart(first), dayStart(last));
  }
  const s = new Date(o.start);
  const e = o.end ? new Date(o.end) : s;
  const f = fmt(locale, { ...long, ...timeOptions(locale) });
  return e > s ? f.formatRange(s, e) : f.format(s);
}
