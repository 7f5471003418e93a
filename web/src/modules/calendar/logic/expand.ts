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
import type { CalendarOccurrence, CalendarPartstat } from '../../../api';
import {
  eventInstant,
  eventTimeMs,
  parseEventRule,
  type EventCard,
  type EventOverride,
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
  /** The reader's answer when invited, on each of its occurrences (absent: not invited). */
  partstat?: CalendarPartstat | null;
  /**
   * The reader's answers to single occurrences, by their original start as
   * the card names it (eventTimeMs): on those, over `partstat`.
   */
  answers?: ReadonlyMap<number, CalendarPartstat>;
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

/** How far the zone's clock is ahead of UTC at `t`, in ms, as Intl says it. */
function intlOffsetAt(t: number, f: Intl.DateTimeFormat): number {
  return utcOf(civilAt(t, f)) - t;
}

/** A zone's offsets over one UTC year: at its start, then each change (from `at` on). */
interface YearOffsets {
  first: number;
  changes: { at: number; offset: number }[];
}

const zoneYears = new WeakMap<Intl.DateTimeFormat, Map<number, YearOffsets>>();
const WEEK_MS = 7 * DAY_MS;

/**
 * The offsets of a zone over the UTC year `y`, read from Intl once: a
 * sample a week, and where two differ the instant of the change (to the
 * second, as zones change). A change undone within the same week would be
 * missed; no zone has had one.
 */
function yearOffsets(f: Intl.DateTimeFormat, y: number): YearOffsets {
  let years = zoneYears.get(f);
  if (!years) zoneYears.set(f, (years = new Map()));
  const hit = years.get(y);
  if (hit) return hit;
  const [from, to] = [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)];
  const first = intlOffsetAt(from, f);
  const changes: YearOffsets['changes'] = [];
  let [t, o] = [from, first];
  while (t < to) {
    const next = Math.min(t + WEEK_MS, to);
    const after = intlOffsetAt(next, f);
    if (after !== o) {
      // The first second at the new offset, in (t, next].
      let [lo, hi] = [t / 1000, next / 1000];
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (intlOffsetAt(mid * 1000, f) === o) lo = mid;
        else hi = mid;
      }
      changes.push({ at: hi * 1000, offset: after });
    }
    [t, o] = [next, after];
  }
  const read = { first, changes };
  years.set(y, read);
  return read;
}

/** How far the zone's clock is ahead of UTC at `t`, in ms (from the year's changes, read once). */
function offsetAt(t: number, f: Intl.DateTimeFormat): number {
  const { first, changes } = yearOffsets(f, new Date(t).getUTCFullYear());
  let o = first;
  for (const c of changes) {
    if (c.at > t) break;
    o = c.offset;
  }
  return o;
}

/** How far `zone`'s clock is ahead of UTC at `t`, in ms; null for a zone this browser does not know. */
export function zoneOffset(zone: string, t: number): number | null {
  const f = formatter(zone);
  return f ? offsetAt(t, f) : null;
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
export interface Instance {
  /** Its start, in ms (all day: local midnight), for the overlap and the order. */
  at: number;
  until: number;
  start: string;
  end: string;
  /** Its start as the card names it (eventTimeMs: all day, the date's midnight UTC). */
  key: number;
}

/** An occurrence, and its start in ms (all day: local midnight) to order them by. */
type Placed = CalendarOccurrence & { at: number };

/** How a card's instances are made: its rule, the first's civil time, each instance from its own. */
interface Repetition {
  card: EventCard;
  rule: EventRule | null;
  base: Civil;
  /** The first instance's start, and every instance's length, in ms. */
  first: number;
  length: number;
  instance(c: Civil): Instance;
  /** Whether the rule's UNTIL allows an instance. */
  beforeUntil(c: Civil, i: Instance): boolean;
}

const civilDate = (s: string): Civil => {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  return { y, m, d, h: 0, mi: 0, s: 0, ms: 0 };
};

/** Where an all-day span of dates is on the reader's days: local midnight to local midnight. */
function daySpan(start: string, end: string): Pick<Instance, 'at' | 'until'> {
  const [a, b] = [civilDate(start), civilDate(end)];
  return {
    at: new Date(a.y, a.m - 1, a.d).getTime(),
    until: new Date(b.y, b.m - 1, b.d).getTime(),
  };
}

function seriesOf(card: EventCard): Repetition {
  const rule = card.rrule ? parseEventRule(card.rrule) : null;
  let base: Civil;
  let instance: (c: Civil) => Instance;
  let first: number;
  let length: number;
  if (card.all_day) {
    base = civilDate(card.start);
    const e = civilDate(card.end);
    const days = Math.round(
      (Date.UTC(e.y, e.m - 1, e.d) - Date.UTC(base.y, base.m - 1, base.d)) / DAY_MS,
    );
    instance = (c) => {
      const [start, end] = [dateKey(c), dateKey(plusDays(c, days))];
      return { ...daySpan(start, end), start, end, key: Date.UTC(c.y, c.m - 1, c.d) };
    };
    first = instance(base).at;
    length = days * DAY_MS;
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
        key: at,
      };
    };
  }
  const until = rule?.until;
  const beforeUntil: Repetition['beforeUntil'] =
    until && 'date' in until
      ? (c) => dateKey(c) <= until.date
      : until
        ? (_, i) => i.at <= until.instant
        : () => true;
  return { card, rule, base, first, length, instance, beforeUntil };
}

/**
 * The instances the rule of a repeating series makes overlapping [from,
 * to) (ms), in start order, cancelled and changed ones included; at most
 * `maxSteps` steps. `counted` is told each instance COUNT counts.
 */
function ruleInstances(
  s: Repetition,
  rule: EventRule,
  from: number,
  to: number,
  maxSteps: number,
  counted?: (i: Instance) => void,
): Instance[] {
  const out: Instance[] = [];
  let n = 0;
  const k0 = firstStep(s.base, s.first, rule, from - s.length);
  for (let k = k0; k < k0 + maxSteps; k++) {
    const c = stepped(s.base, rule, k);
    if (!c) continue;
    if (rule.count !== null && ++n > rule.count) break;
    const i = s.instance(c);
    if (!s.beforeUntil(c, i) || i.at >= to) break;
    counted?.(i);
    if (overlaps(i.at, i.until, from, to)) out.push(i);
  }
  return out;
}

/**
 * The instances the rule of a series makes at these original starts (as
 * the card names them), cancelled or changed ones included, by key: one
 * walk from the earliest to the latest, `maxSteps` steps at most.
 */
function instancesAt(
  s: Repetition,
  rule: EventRule,
  recurrenceIds: readonly string[],
  maxSteps: number,
): Map<number, Instance> {
  const wanted = new Set<number>();
  // Folded, not spread: 100 attendees' answers name up to 100,000 starts.
  let [from, last] = [Infinity, -Infinity];
  for (const r of recurrenceIds) {
    const key = eventTimeMs(r, s.card.all_day);
    if (Number.isNaN(key)) continue;
    wanted.add(key);
    const at = s.card.all_day ? daySpan(r, r).at : key;
    [from, last] = [Math.min(from, at), Math.max(last, at)];
  }
  const made = new Map<number, Instance>();
  if (!wanted.size) return made;
  for (const i of ruleInstances(s, rule, from, last + 1, maxSteps))
    if (wanted.has(i.key)) made.set(i.key, i);
  return made;
}

/**
 * The instance of a repeating card that starts at `recurrenceId` (as the
 * card names it), cancelled or changed ones included; null when its rule
 * makes none then (or the card does not repeat).
 */
export function instanceOf(card: EventCard, recurrenceId: string): Instance | null {
  const s = seriesOf(card);
  if (!s.rule) return null;
  const key = eventTimeMs(recurrenceId, card.all_day);
  return instancesAt(s, s.rule, [recurrenceId], MAX_RULE_STEPS).get(key) ?? null;
}

/**
 * Which of `recurrenceIds` name an instance the rule of a repeating card
 * makes (cancelled or changed ones included), by their start as the card
 * names it (eventTimeMs); none when the card does not repeat. One walk of
 * the rule, MAX_RULE_STEPS steps at most.
 */
export function madeInstances(card: EventCard, recurrenceIds: readonly string[]): Set<number> {
  const s = seriesOf(card);
  return s.rule
    ? new Set(instancesAt(s, s.rule, recurrenceIds, MAX_RULE_STEPS).keys())
    : new Set<number>();
}

/**
 * How many instances the rule of a repeating card makes before `ms` (as
 * the card names times), cancelled ones included: what COUNT has counted
 * there (RFC 5545). At most MAX_RULE_STEPS steps.
 */
export function instancesBefore(card: EventCard, ms: number): number {
  const s = seriesOf(card);
  if (!s.rule) return 0;
  let n = 0;
  const to = s.card.all_day ? ms + DAY_MS : ms;
  ruleInstances(s, s.rule, s.first, to, MAX_RULE_STEPS, (i) => {
    if (i.key < ms) n++;
  });
  return n;
}

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

const byStart = (a: Placed, b: Placed) => a.at - b.at || (a.event_id < b.event_id ? -1 : 1);

/**
 * The occurrences of a card overlapping [from, to): its rule's instances,
 * less those cancelled, each changed one where it is now (one moved into
 * the range from far away included, one whose instance the rule no longer
 * makes left out).
 */
function placed(e: ExpandedEvent, from: number, to: number, maxSteps: number): Placed[] {
  const card = e.card;
  const s = seriesOf(card);
  const rule = s.rule;
  const occurrence = (i: Instance, o?: EventOverride): Placed => ({
    event_id: e.id,
    workspace_id: e.workspace_id,
    kind: 'event',
    title: o?.title ?? card.title,
    location: o?.location ?? card.location,
    start: i.start,
    end: i.end,
    all_day: card.all_day,
    recurring: rule !== null,
    recurrence_id: rule ? i.start : null,
    partstat: e.answers?.get(i.key) ?? e.partstat ?? null,
    at: i.at,
  });

  if (!rule) {
    const i = s.instance(s.base);
    return overlaps(i.at, i.until, from, to) ? [occurrence(i)] : [];
  }
  const key = (t: string) => eventTimeMs(t, card.all_day);
  const cancelled = new Set(card.exdates.map(key));
  const changed = new Map(card.overrides.map((o) => [key(o.recurrence_id), o]));
  const out: Placed[] = [];
  for (const i of ruleInstances(s, rule, from, to, maxSteps))
    if (!cancelled.has(i.key) && !changed.has(i.key)) out.push(occurrence(i));

  // The changed instances now in the range, if the rule still makes them
  // (one walk over their original starts).
  const moved: { o: EventOverride; at: number; until: number }[] = [];
  for (const o of card.overrides) {
    if (cancelled.has(key(o.recurrence_id))) continue;
    const span = card.all_day
      ? daySpan(o.start, o.end)
      : { at: eventInstant(o.start), until: eventInstant(o.end) };
    if (overlaps(span.at, span.until, from, to)) moved.push({ o, ...span });
  }
  if (moved.length) {
    const made = instancesAt(
      s,
      rule,
      moved.map(({ o }) => o.recurrence_id),
      maxSteps,
    );
    for (const { o, at, until } of moved) {
      const i = made.get(key(o.recurrence_id));
      if (!i) continue;
      const start = card.all_day ? o.start : new Date(at).toISOString();
      const end = card.all_day ? o.end : new Date(until).toISOString();
      out.push({ ...occurrence({ ...i, at, until, start, end }, o), recurrence_id: i.start });
    }
    out.sort(byStart);
  }
  return out;
}

/** Occurrences sorted as expandEvents gives them: by start (all day: local midnight), then event. */
export function inStartOrder(list: readonly CalendarOccurrence[]): CalendarOccurrence[] {
  const at = (o: CalendarOccurrence) =>
    o.all_day && o.start ? daySpan(o.start, o.start).at : Date.parse(o.start ?? '');
  return list
    .map((o) => ({ ...o, at: at(o) }))
    .sort(byStart)
    .map(withoutAt);
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
  all.sort(byStart);
  return all.slice(0, MAX_OCCURRENCES).map(withoutAt);
}
