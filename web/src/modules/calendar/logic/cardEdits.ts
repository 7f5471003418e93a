// The changes of an armoured event's card (docs/armoured.md, "One
// occurrence"), made as the plain server makes them of an iCalendar
// object (docs/calendar.md): a series changed carries its instances
// changed apart and cancelled along (dropped, resp. moved with its start,
// when its times, zone or rule change; texts changed apart kept); one
// instance changed (an override: its times and the texts that differ from
// the series') or cancelled (its original start among the exdates); the
// series cut at an instance in two cards ("this and following"), or ended
// there. Instances are named by their original start, as the rule makes
// them (logic/expand.ts). Pure; errors are the server's codes (ApiError
// 400).
import { ApiError } from '../../../api';
import type { CalendarOccurrenceChange } from '../../../api';
import {
  MAX_EVENT_EXCEPTIONS,
  eventTimeMs,
  formatEventRule,
  isEventDescription,
  isEventLocation,
  isEventTimes,
  isEventTitle,
  parseEventRule,
  type EventCard,
  type EventOverride,
} from '../../../armour/format';
import { instanceOf, instancesBefore } from './expand';

const invalid = (code: string) => new ApiError(400, code, code);

const DAY_MS = 86_400_000;

/** ms (eventTimeMs) as a card's time of the kind `allDay` says: a date (UTC's), or an instant. */
function timeOf(ms: number, allDay: boolean): string {
  const iso = new Date(ms).toISOString();
  return allDay ? iso.slice(0, 10) : iso;
}

const TEXTS = ['title', 'description', 'location'] as const;

/** `o` with only the texts that differ from the series' (absent: the series'). */
function ownTexts(o: EventOverride, series: EventCard): EventOverride {
  const own: EventOverride = { recurrence_id: o.recurrence_id, start: o.start, end: o.end };
  for (const k of TEXTS) {
    const v = o[k];
    if (v !== undefined && v !== series[k]) own[k] = v;
  }
  return own;
}

/**
 * `next` (a card of the series' new facts, without instances apart) with
 * those of `was` carried over: when its start, length, all day, zone or
 * rule changed, the overrides dropped (their instances may be no more)
 * and the cancelled instances moved as its start moved (the same week's,
 * at its new hour); else the overrides kept (the texts now the series'
 * no longer theirs). None without a rule. The series it was cut from stay named.
 */
export function withSeriesChange(was: EventCard, next: EventCard): EventCard {
  if (was.cut_from) next = { ...next, cut_from: was.cut_from };
  if (next.rrule === null) return { ...next, exdates: [], overrides: [] };
  const [s0, s1] = [eventTimeMs(was.start, was.all_day), eventTimeMs(next.start, next.all_day)];
  const length = (c: EventCard) => eventTimeMs(c.end, c.all_day) - eventTimeMs(c.start, c.all_day);
  const moved =
    s0 !== s1 ||
    length(was) !== length(next) ||
    was.all_day !== next.all_day ||
    was.timezone !== next.timezone ||
    was.rrule !== next.rrule;
  if (moved) {
    const shifted = was.exdates.map((x) =>
      timeOf(eventTimeMs(x, was.all_day) + s1 - s0, next.all_day),
    );
    return { ...next, exdates: [...new Set(shifted)], overrides: [] };
  }
  const overrides = was.overrides.map((o) => ownTexts(o, next));
  return { ...next, exdates: was.exdates, overrides };
}

/** The instance `recurrenceId` names, not cancelled; ApiError invalid_recurrence_id else. */
function liveInstance(card: EventCard, recurrenceId: string) {
  const i = instanceOf(card, recurrenceId);
  if (!i || card.exdates.some((x) => eventTimeMs(x, card.all_day) === i.key))
    throw invalid('invalid_recurrence_id');
  return i;
}

const isOf = (card: EventCard, key: number) => (x: string) => eventTimeMs(x, card.all_day) === key;

/** Overrides in the order of their instances. */
function inOrder(card: EventCard, overrides: EventOverride[]): EventOverride[] {
  const key = (o: EventOverride) => eventTimeMs(o.recurrence_id, card.all_day);
  return [...overrides].sort((a, b) => key(a) - key(b));
}

/**
 * `card` with the instance `recurrenceId` changed by `change` (its title,
 * description, place, start and end; over what it had apart, else the
 * series' at its original start). An instance back as the series has it
 * is no longer apart. ApiError invalid_recurrence_id (no such instance, or
 * cancelled), invalid_title, invalid_description, invalid_location,
 * invalid_time, too_many_changes.
 */
export function withOccurrenceChange(
  card: EventCard,
  recurrenceId: string,
  change: CalendarOccurrenceChange,
): EventCard {
  const i = liveInstance(card, recurrenceId);
  const mine = isOf(card, i.key);
  const was = card.overrides.find((o) => mine(o.recurrence_id));
  const o: EventOverride = was
    ? { ...was }
    : { recurrence_id: i.start, start: i.start, end: i.end };
  if (change.title !== undefined) o.title = change.title.trim();
  if (change.description !== undefined) o.description = change.description;
  if (change.location !== undefined) o.location = change.location.trim();
  if (change.start !== undefined) o.start = change.start;
  if (change.end !== undefined) o.end = change.end;
  if (o.title !== undefined && !isEventTitle(o.title)) throw invalid('invalid_title');
  if (o.description !== undefined && !isEventDescription(o.description))
    throw invalid('invalid_description');
  if (o.location !== undefined && !isEventLocation(o.location)) throw invalid('invalid_location');
  if (!isEventTimes({ start: o.start, end: o.end, all_day: card.all_day }))
    throw invalid('invalid_time');
  const own = ownTexts(o, card);
  const others = card.overrides.filter((x) => x !== was);
  const ms = (s: string) => eventTimeMs(s, card.all_day);
  const apart =
    TEXTS.some((k) => own[k] !== undefined) ||
    ms(own.start) !== ms(i.start) ||
    ms(own.end) !== ms(i.end);
  if (!apart) return { ...card, overrides: others };
  if (!was && others.length >= MAX_EVENT_EXCEPTIONS) throw invalid('too_many_changes');
  return { ...card, overrides: inOrder(card, [...others, own]) };
}

/**
 * `card` without the instance `recurrenceId`: its original start among
 * the exdates, its override gone. ApiError invalid_recurrence_id,
 * too_many_changes.
 */
export function withOccurrenceCancelled(card: EventCard, recurrenceId: string): EventCard {
  const i = liveInstance(card, recurrenceId);
  if (card.exdates.length >= MAX_EVENT_EXCEPTIONS) throw invalid('too_many_changes');
  const mine = isOf(card, i.key);
  const exdates = [...card.exdates, i.start].sort(
    (a, b) => eventTimeMs(a, card.all_day) - eventTimeMs(b, card.all_day),
  );
  return { ...card, exdates, overrides: card.overrides.filter((o) => !mine(o.recurrence_id)) };
}

/** Whether `recurrenceId` names the series' first instance (cutting there is changing it all). */
export function isFirstInstance(card: EventCard, recurrenceId: string): boolean {
  return eventTimeMs(recurrenceId, card.all_day) === eventTimeMs(card.start, card.all_day);
}

/**
 * The series ended before its instance `recurrenceId` (after the first):
 * its rule ends the second (all day: the day) before, COUNT given up for
 * UNTIL (RFC 5545, 3.3.10); the instances apart from then on gone.
 * ApiError invalid_recurrence_id.
 */
export function endedBefore(card: EventCard, recurrenceId: string): EventCard {
  return cutPoint(card, recurrenceId).early;
}

/** Where a series is cut at its instance `recurrenceId` (after the first): that instance, its rule, the series before. */
function cutPoint(card: EventCard, recurrenceId: string) {
  const i = liveInstance(card, recurrenceId);
  const rule = parseEventRule(card.rrule ?? '');
  if (!rule || isFirstInstance(card, recurrenceId)) throw invalid('invalid_recurrence_id');
  const until = card.all_day ? { date: timeOf(i.key - DAY_MS, true) } : { instant: i.key - 1000 };
  const before = (x: string) => eventTimeMs(x, card.all_day) < i.key;
  const early: EventCard = {
    ...card,
    rrule: formatEventRule({ ...rule, count: null, until }),
    exdates: card.exdates.filter(before),
    overrides: card.overrides.filter((o) => before(o.recurrence_id)),
  };
  return { i, rule, early };
}

/**
 * The series cut at its instance `recurrenceId` (after the first), as
 * calendar applications split one ("this and following"): the series
 * until then (endedBefore), and from then on a card of its own starting
 * at that instance (the same times of day and length), COUNT less the
 * instances before (cancelled ones counted, as COUNT counts them), the
 * instances apart from then on. ApiError invalid_recurrence_id.
 */
export function cutAt(card: EventCard, recurrenceId: string): [EventCard, EventCard] {
  const { i, rule, early } = cutPoint(card, recurrenceId);
  const count = rule.count === null ? null : Math.max(1, rule.count - instancesBefore(card, i.key));
  const after = (x: string) => eventTimeMs(x, card.all_day) >= i.key;
  const late: EventCard = {
    ...card,
    start: i.start,
    end: i.end,
    rrule: formatEventRule({ ...rule, count }),
    exdates: card.exdates.filter(after),
    overrides: card.overrides.filter((o) => after(o.recurrence_id)),
  };
  return [early, late];
}
