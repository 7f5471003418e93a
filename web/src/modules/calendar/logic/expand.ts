// The instances of an armoured workspace's events (docs/armoured.md,
// "Calendar"): the server does not know when they take place, so the
// browser works out each opened card's repetitions itself, in the shape of
// the plain server's occurrences (docs/calendar.md) so that the views draw
// them alike. An instance starts every INTERVAL days, weeks, months or
// years after the first at the same wall-clock time in the event's zone
// (UTC without one; Intl converts), all-day events by dates on the
// reader's calendar; a monthly event on the 31st skips the months without
// one, a yearly one on 29 February the years without it, and those skipped
// are not instances (COUNT does not count them: RFC 5545); UNTIL is the
// last start allowed; each instance lasts as long as the first. Pure: the
// range is given, and at most MAX_RULE_STEPS steps of a rule are taken per
// event and range (as the server bounds its own expansion).
import type { CalendarOccurrence } from '../../../api';
import {
  eventInstant,
  parseEventRule,
  type EventCard,
  type EventRule,
} from '../../../armour/format';

/** Steps of a rule taken per event and range, at most (the server's bound, SECURITY.md IO-2). */
export const MAX_RULE_STEPS = 20_000;
/** Occurrences of a range, at most (the earliest), as the server answers. */
export const MAX_OCCURRENCES = 2000;

const DAY_MS = 86_400_000;

/** An event opened: its id, workspace and card. */
export interface ExpandedEvent {
  id: string;
  workspace_id: string | null;
  card: EventCard;
}

/** A date and time of day on some clock (month 1..12). */
interface Civil {
  y: number;
  m: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
}

// ---- zones -----------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** A formatter giving a zone's wall clock, or null for a zone this browser does not know. */
function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return f;
}

/** The wall clock of `zone` at `t` (ms); UTC's for a null formatter. */
function civilAt(t: number, f: Intl.DateTimeFormat | null): Civil {
  const ms = ((t % 1000) + 1000) % 1000;
  if (!f) {
    const d = new Date(t);
    return {
      y: d.getUTCFullYear(),
      m: d.getUTCMonth() + 1,
      d: d.getUTCDate(),
      h: d.getUTCHours(),
      mi: d.getUTCMinutes(),
      s: d.getUTCSeconds(),
      ms,
    };
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(t)) p[part.type] = Number(part.value);
  return {
    y: p.year ?? 0,
    m: p.month ?? 1,
    d: p.day ?? 1,
    h: (p.hour ?? 0) % 24,
    mi: p.minute ?? 0,
    s: p.second ?? 0,
    ms,
  };
}

const utcOf = (c: Civil) => Date.UTC(c.y, c.m - 1, c.d, c.h, c.mi, c.s, c.ms);

/** How far the zone's clock is ahead of UTC at `t`, in ms. */
function offsetAt(t: number, f: Intl.DateTimeFormat): number {
  return utcOf(civilAt(t, f)) - t;
}

/**
 * The instant the zone's clock shows `c`. Shown twice (the hour the clocks
 * go back): the first; never shown (the hour they go forward): read with
 * the offset before the change, so 02:30 becomes 03:30 (RFC 5545, 3.3.5).
 */
function instantOf(c: Civil, f: Intl.DateTimeFormat | null): number {
  const guess = utcOf(c);
  if (!f) return guess;
  const offsets = [
    ...new Set([guess - DAY_MS, guess, guess + DAY_MS].map((t) => offsetAt(t, f))),
  ].sort((a, b) => b - a);
  for (const o of offsets) if (offsetAt(guess - o, f) === o) return guess - o;
  return guess - Math.min(...offsets);
}

// ---- dates -----------------------------------------------------------------

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const dateKey = (c: Pick<Civil, 'y' | 'm' | 'd'>) => `${pad(c.y, 4)}-${pad(c.m)}-${pad(c.d)}`;

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** `c` moved by `n` days on its calendar (its time of day kept). */
function plusDays(c: Civil, n: number): Civil {
  const t = new Date(Date.UTC(c.y, c.m - 1, c.d + n));
  return { ...c, y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** Step `k` of the rule from the first instance's date; null when that date does not exist. */
function stepped(base: Civil, rule: EventRule, k: number): Civil | null {
  const n = k * rule.interval;
  switch (rule.freq) {
    case 'DAILY':
      return plusDays(base, n);
    case 'WEEKLY':
      return plusDays(base, 7 * n);
    case 'MONTHLY': {
      const months = base.m - 1 + n;
      const y = base.y + Math.floor(months / 12);
      const m = (months % 12) + 1;
      return base.d <= daysIn(y, m) ? { ...base, y, m } : null;
    }
    case 'YEARLY': {
      const y = base.y + n;
      return base.d <= daysIn(y, base.m) ? { ...base, y } : null;
    }
  }
}

/**
 * The first step worth taking for instances that end after `t` (ms), a
 * step early to be safe across zone offsets and daylight saving. Only
 * without COUNT: with it, instances are counted from the first.
 */
function firstStep(base: Civil, start: number, rule: EventRule, t: number): number {
  if (rule.count !== null || t <= start) return 0;
  const at = new Date(t);
  let units: number;
  switch (rule.freq) {
    case 'DAILY':
      units = (t - start) / DAY_MS;
      break;
    case 'WEEKLY':
      units = (t - start) / (7 * DAY_MS);
      break;
    case 'MONTHLY':
      units = (at.getUTCFullYear() - base.y) * 12 + (at.getUTCMonth() + 1 - base.m);
      break;
    case 'YEARLY':
      units = at.getUTCFullYear() - base.y;
      break;
  }
  return Math.max(0, Math.floor(units / rule.interval) - 1);
}

// ---- expansion -------------------------------------------------------------

/** Whether [start, end) meets [from, to); an instant event, when it falls in it. */
function overlaps(start: number, end: number, from: number, to: number): boolean {
  return start < to && (end > from || (end === start && start >= from));
}

/** Where an instance is: when it starts and ends, as the occurrence says it. */
interface Instance {
  /** Its start, in ms (all day: local midnight), for the overlap and the order. */
  at: number;
  until: number;
  start: string;
  end: string;
}

/** An occurrence, and its start in ms (all day: local midnight) to order them by. */
type Placed = CalendarOccurrence & { at: number };

/**
 * The instances of one opened card overlapping [from, to) (ms), in start
 * order, as occurrences; `maxSteps` steps of its rule at most.
 */
export function occurrencesOf(
  e: ExpandedEvent,
  from: number,
  to: number,
  maxSteps = MAX_RULE_STEPS,
): CalendarOccurrence[] {
  return placed(e, from, to, maxSteps).map(withoutAt);
}

function withoutAt(p: Placed): CalendarOccurrence {
  const o: CalendarOccurrence & { at?: number } = { ...p };
  delete o.at;
  return o;
}

function placed(e: ExpandedEvent, from: number, to: number, maxSteps: number): Placed[] {
  const card = e.card;
  const rule = card.rrule ? parseEventRule(card.rrule) : null;
  const occurrence = (i: Instance): Placed => ({
    event_id: e.id,
    workspace_id: e.workspace_id,
    kind: 'event',
    title: card.title,
    location: card.location,
    start: i.start,
    end: i.end,
    all_day: card.all_day,
    recurring: rule !== null,
    recurrence_id: rule ? i.start : null,
    partstat: null,
    at: i.at,
  });

  let base: Civil;
  let instance: (c: Civil) => Instance;
  let first: number;
  let length: number;
  let beforeUntil: (c: Civil, i: Instance) => boolean = () => true;
  if (card.all_day) {
    const [y, m, d] = card.start.split('-').map(Number) as [number, number, number];
    base = { y, m, d, h: 0, mi: 0, s: 0, ms: 0 };
    const [ey, em, ed] = card.end.split('-').map(Number) as [number, number, number];
    const days = Math.round((Date.UTC(ey, em - 1, ed) - Date.UTC(y, m - 1, d)) / DAY_MS);
    // Dates are the reader's days: from local midnight to local midnight.
    instance = (c) => {
      const last = plusDays(c, days);
      return {
        at: new Date(c.y, c.m - 1, c.d).getTime(),
        until: new Date(last.y, last.m - 1, last.d).getTime(),
        start: dateKey(c),
        end: dateKey(last),
      };
    };
    first = instance(base).at;
    length = days * DAY_MS;
    const until = rule?.until;
    if (until && 'date' in until) beforeUntil = (c) => dateKey(c) <= until.date;
    else if (until) beforeUntil = (_, i) => i.at <= until.instant;
  } else {
    const f = card.timezone ? formatter(card.timezone) : null;
    first = eventInstant(card.start);
    length = eventInstant(card.end) - first;
    base = civilAt(first, f);
    instance = (c) => {
      const at = instantOf(c, f);
      return {
        at,
        until: at + length,
        start: new Date(at).toISOString(),
        end: new Date(at + length).toISOString(),
      };
    };
    const until = rule?.until;
    if (until && 'date' in until) beforeUntil = (c) => dateKey(c) <= until.date;
    else if (until) beforeUntil = (_, i) => i.at <= until.instant;
  }

  if (!rule) {
    const i = instance(base);
    return overlaps(i.at, i.until, from, to) ? [occurrence(i)] : [];
  }
  const out: Placed[] = [];
  let counted = 0;
  const k0 = firstStep(base, first, rule, from - length);
  for (let k = k0; k < k0 + maxSteps; k++) {
    const c = stepped(base, rule, k);
    if (!c) continue;
    if (rule.count !== null && ++counted > rule.count) break;
    const i = instance(c);
    if (!beforeUntil(c, i) || i.at >= to) break;
    if (overlaps(i.at, i.until, from, to)) out.push(occurrence(i));
  }
  return out;
}

/**
 * Every instance of the opened cards overlapping [from, to) (ISO instants),
 * in start order, the earliest MAX_OCCURRENCES.
 */
export function expandEvents(
  events: Iterable<ExpandedEvent>,
  from: string,
  to: string,
): CalendarOccurrence[] {
  const [f, t] = [Date.parse(from), Date.parse(to)];
  if (Number.isNaN(f) || Number.isNaN(t)) return [];
  const all: Placed[] = [];
  for (const e of events) all.push(...placed(e, f, t, MAX_RULE_STEPS));
  all.sort((a, b) => a.at - b.at || (a.event_id < b.event_id ? -1 : 1));
  return all.slice(0, MAX_OCCURRENCES).map(withoutAt);
}
