// Where occurrences go on screen: the local days each covers, their order
// in a day (all day first, then by start), the chips a month cell has room
// for, and the blocks of a week's day column (by time, side by side when
// they overlap). Pure.
import type { CalendarOccurrence } from '../../../api';
import { addDays, dayKey, dayStart, minutesOfDay, type DayKey } from './dates';

const DAY_MS = 86_400_000;
const MINUTES = 24 * 60;

/** One occurrence's identity (a recurring event has one per date). */
export function occurrenceKey(o: CalendarOccurrence): string {
  return `${o.event_id}|${o.recurrence_id ?? o.start ?? ''}`;
}

function instant(s: string | null): number {
  return s === null ? NaN : new Date(s).getTime();
}

/**
 * The first and last local day an occurrence shows on; null when it has no
 * start. All-day: its dates, the end exclusive. Timed: the days of its
 * instants, an end at midnight sparing the next day.
 */
export function daysOf(o: CalendarOccurrence): { first: DayKey; last: DayKey } | null {
  if (!o.start) return null;
  if (o.all_day) {
    const first = o.start.slice(0, 10);
    const end = o.end?.slice(0, 10);
    const last = end && end > first ? addDays(end, -1) : first;
    return { first, last };
  }
  const start = instant(o.start);
  if (Number.isNaN(start)) return null;
  const end = instant(o.end);
  const first = dayKey(new Date(start));
  const last = end > start ? dayKey(new Date(end - 1)) : first;
  return { first, last };
}

/** Shown in a day's all-day part: all-day occurrences, and timed ones of a day or more. */
export function inAllDayRow(o: CalendarOccurrence): boolean {
  if (o.all_day) return true;
  return instant(o.end) - instant(o.start) >= DAY_MS;
}

/** A day's order: all-day first (the longest first), then by start, the longest first, then by title. */
export function compareOccurrences(a: CalendarOccurrence, b: CalendarOccurrence): number {
  const [aa, ba] = [inAllDayRow(a), inAllDayRow(b)];
  if (aa !== ba) return aa ? -1 : 1;
  const [as, bs] = [sortStart(a), sortStart(b)];
  if (as !== bs) return as < bs ? -1 : 1;
  const [al, bl] = [length(a), length(b)];
  if (al !== bl) return al > bl ? -1 : 1;
  const t = a.title.localeCompare(b.title);
  if (t !== 0) return t;
  const [ak, bk] = [occurrenceKey(a), occurrenceKey(b)];
  return ak < bk ? -1 : ak > bk ? 1 : 0;
}

/** A start comparable across all-day (local midnight of its date) and timed occurrences. */
function sortStart(o: CalendarOccurrence): number {
  if (!o.start) return Infinity;
  return o.all_day ? dayStart(o.start.slice(0, 10)).getTime() : instant(o.start);
}

function length(o: CalendarOccurrence): number {
  const d = daysOf(o);
  if (!d) return 0;
  if (o.all_day) return dayStart(d.last).getTime() - dayStart(d.first).getTime() + DAY_MS;
  const n = instant(o.end) - instant(o.start);
  return Number.isNaN(n) ? 0 : n;
}

/** The occurrences of each of `days`, in a day's order; days without any hold []. */
export function byDay(
  occurrences: readonly CalendarOccurrence[],
  days: readonly DayKey[],
): Map<DayKey, CalendarOccurrence[]> {
  const out = new Map<DayKey, CalendarOccurrence[]>(days.map((d) => [d, []]));
  const [first, last] = [days[0], days[days.length - 1]];
  if (first === undefined || last === undefined) return out;
  for (const o of occurrences) {
    const span = daysOf(o);
    if (!span || span.last < first || span.first > last) continue;
    for (let d = span.first < first ? first : span.first; d <= span.last && d <= last;) {
      out.get(d)?.push(o);
      d = addDays(d, 1);
    }
  }
  for (const list of out.values()) list.sort(compareOccurrences);
  return out;
}

/** Whether an occurrence began on a day before `day` (its chip then says it goes on). */
export function continuesFrom(o: CalendarOccurrence, day: DayKey): boolean {
  const span = daysOf(o);
  return !!span && span.first < day;
}

/**
 * The chips a month cell shows, `max` at most: when there are more, one
 * place goes to "+N" (N the ones not shown).
 */
export function visibleChips<T>(list: readonly T[], max = 3): { shown: T[]; more: number } {
  if (list.length <= max) return { shown: [...list], more: 0 };
  const shown = list.slice(0, Math.max(0, max - 1));
  return { shown, more: list.length - shown.length };
}

/** A timed occurrence's block in one day column: minutes from midnight, its lane among overlaps. */
export interface TimedBlock {
  occurrence: CalendarOccurrence;
  /** Minutes from local midnight, on the local clock (0 … 1440). */
  top: number;
  bottom: number;
  /** It began before this day / goes on after it. */
  fromBefore: boolean;
  goesOn: boolean;
  lane: number;
  /** Lanes of the overlapping group it belongs to (its width is 1 / lanes). */
  lanes: number;
}

/** The shortest a block is drawn (minutes), so that short events stay readable. */
export const MIN_BLOCK_MINUTES = 20;

/**
 * The timed blocks of a day column: the occurrences that are not in the
 * all-day row, cut to the day, and side by side where they overlap (each
 * group of overlapping blocks shares the column's width).
 */
export function timedLayout(occurrences: readonly CalendarOccurrence[], day: DayKey): TimedBlock[] {
  const from = dayStart(day).getTime();
  const to = dayStart(addDays(day, 1)).getTime();
  const blocks: TimedBlock[] = [];
  for (const o of occurrences) {
    if (!o.start || inAllDayRow(o)) continue;
    const s = instant(o.start);
    const e = Math.max(s, instant(o.end) || s);
    if (Number.isNaN(s) || s >= to || (e <= from && !(s === e && s >= from))) continue;
    const fromBefore = s < from;
    const goesOn = e > to;
    const top = fromBefore ? 0 : minutesOfDay(new Date(s));
    let bottom = e >= to ? MINUTES : minutesOfDay(new Date(e));
    // Shown on the clock: a block never ends above where it starts.
    bottom = Math.min(MINUTES, Math.max(bottom, top + MIN_BLOCK_MINUTES));
    blocks.push({ occurrence: o, top, bottom, fromBefore, goesOn, lane: 0, lanes: 1 });
  }
  blocks.sort(
    (a, b) =>
      a.top - b.top || b.bottom - a.bottom || compareOccurrences(a.occurrence, b.occurrence),
  );
  let group: TimedBlock[] = [];
  let laneEnds: number[] = [];
  let groupEnd = -1;
  const close = () => {
    for (const b of group) b.lanes = laneEnds.length;
    group = [];
    laneEnds = [];
  };
  for (const b of blocks) {
    if (b.top >= groupEnd) close();
    let lane = laneEnds.findIndex((end) => end <= b.top);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(b.bottom);
    } else {
      laneEnds[lane] = b.bottom;
    }
    b.lane = lane;
    group.push(b);
    groupEnd = Math.max(groupEnd, b.bottom);
  }
  close();
  return blocks;
}

/** Where "now" is in a day column (minutes), or null on another day. */
export function nowMinutes(day: DayKey, now: Date): number | null {
  return dayKey(now) === day ? minutesOfDay(now) : null;
}

export { MINUTES as MINUTES_PER_DAY };
