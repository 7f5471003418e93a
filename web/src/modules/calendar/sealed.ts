// The calendar of an armoured workspace (docs/armoured.md, "Calendar").
// The server knows each event by a token (16 random bytes made by the
// browser that creates it) and keeps every fact of it — title,
// description, place, times, whether all day, zone and repetition — in one
// sealed card bound to the token and signed by whoever sealed it last.
// Here events are opened for the screens (as the plain calendar's events,
// or why not), and what the person writes is sealed before it leaves: a
// new event's card under a new token, a new card for any change. Who is
// invited stays in clear beside the card (members of the workspace only,
// by id, with their answers to the series): the server tells them, never
// what or when. An attendee's answers to single occurrences are sealed and
// signed by them (their start would say when the event is), opened here
// with their keys.
import { ApiError, api, isApiError } from '../../api';
import type {
  CalendarAnswer,
  CalendarAttendeeRequest,
  CalendarEvent,
  CalendarEventChange,
  NewCalendarEvent,
  NewSealedCalendarEvent,
  SealedAttendeeRequest,
  SealedCalendarEvent,
  SealedCalendarEventChange,
  SealedCalendarPage,
} from '../../api';
import {
  ArmourError,
  MAX_CUT_FROM,
  MAX_EVENT_ANSWERS,
  MAX_SEALED_BODY_BYTES,
  eventTimeMs,
  isEventDescription,
  isEventLocation,
  isEventTimes,
  isEventTitle,
  isEventZone,
  parseEventRule,
  type EventAnswer,
  type EventCard,
} from '../../armour/format';
import { sealStateOf, type Opened, type SealState, type WorkspaceKeys } from '../../armour/keys';
import { retrySealed } from '../../armour/sealedWrite';
import { withSeriesChange } from './logic/cardEdits';
import { madeInstances, type ExpandedEvent } from './logic/expand';
import { sameOccurrence } from './logic/invitations';
import type { OpenedFacts } from './logic/notices';

/** What the browser opened of an armoured event. */
export interface OpenedEvent {
  token: string;
  /** Its card: opened (the event's facts are its own), or why not. */
  card: SealState;
  /** The card's facts, once opened. */
  value: EventCard | null;
  /**
   * Each attendee's answers to single occurrences (by user id) whose text
   * opened here signed by them, to instances the card makes; an attendee
   * whose text did not open (or is not checked yet) is absent.
   */
  answers: Readonly<Record<string, readonly EventAnswer[]>>;
  /** The event as the server gave it. */
  raw: SealedCalendarEvent;
}

/** An armoured event as the screens show it: a plain event made from its card. */
export type ShownEvent = CalendarEvent & { opened: OpenedEvent };

/** What an armoured event opened, if it is one. */
export function openedOf(e: CalendarEvent): OpenedEvent | undefined {
  return (e as Partial<ShownEvent>).opened;
}

/** An armoured event's title and times, once its card opened here signed by its writer. */
export function factsOf(e: CalendarEvent): OpenedFacts | undefined {
  const o = openedOf(e);
  if (!o?.value || !o.card.verified) return undefined;
  return { title: e.title, start: e.start, end: e.end, all_day: e.all_day };
}

/** Whether `v` is an armoured event as the server sends it. */
export function isSealedEvent(v: unknown): v is SealedCalendarEvent {
  const e = v as Partial<SealedCalendarEvent> | null;
  return (
    !!e &&
    typeof e.id === 'string' &&
    typeof e.token === 'string' &&
    typeof e.sealed === 'string' &&
    typeof e.sealed_by === 'string' &&
    typeof e.version === 'number'
  );
}

/** Changes read per request of the sealed route (the server's maximum). */
export const SEALED_PAGE_SIZE = 1000;

/**
 * Reads an armoured calendar's changes after its version `after` (0: the
 * whole calendar), page after page, each given to `onPage` (and awaited;
 * the next one already asked for); resolves with
 * the version reached (the next reading's `after`), or null once
 * `stale()` says a newer reading started. A version the calendar never
 * reached (400 invalid_range: its data was replaced) reads it whole again,
 * `onReset` first. Rejects with the server's other errors.
 */
export async function readSealedChanges(
  workspaceId: string,
  after: number,
  o: {
    onPage(page: SealedCalendarPage): void | Promise<void>;
    onReset(): void;
    stale?(): boolean;
  },
): Promise<number | null> {
  let version = after;
  let asked: Promise<SealedCalendarPage> | null = null;
  const ask = (v: number) => {
    const p = api.calendar.sealed.list(workspaceId, v, SEALED_PAGE_SIZE);
    p.catch(() => undefined); // awaited below, unless this reading stops first
    return p;
  };
  for (;;) {
    let page;
    try {
      page = await (asked ?? ask(version));
    } catch (e) {
      if (version === 0 || !isApiError(e, 'invalid_range')) throw e;
      if (o.stale?.()) return null;
      version = 0;
      o.onReset();
      continue;
    } finally {
      asked = null;
    }
    if (o.stale?.()) return null;
    const next = Math.max(version, page.version);
    // The next page is asked for before this one is opened: they overlap.
    if (page.more) asked = ask(next);
    await o.onPage(page);
    if (o.stale?.()) return null;
    version = next;
    if (!page.more) return version;
  }
}

// ---- what is sealed, checked first (the server's codes, docs/calendar.md) ---

const invalid = (code: string) => new ApiError(400, code, code);

/**
 * An event's fields as its card seals them (its attendees are not in it):
 * the title and place trimmed; ApiError invalid_title,
 * invalid_description, invalid_location, invalid_time, invalid_timezone or
 * invalid_rrule over the limits (what the server answers a plain event).
 */
export function sealableCard(b: NewCalendarEvent): EventCard {
  const card: EventCard = {
    title: b.title.trim(),
    description: b.description ?? '',
    location: (b.location ?? '').trim(),
    start: b.start,
    end: b.end,
    all_day: b.all_day ?? false,
    timezone: b.timezone ?? null,
    rrule: b.rrule ?? null,
    exdates: [],
    overrides: [],
  };
  if (!isEventTitle(card.title)) throw invalid('invalid_title');
  if (!isEventDescription(card.description)) throw invalid('invalid_description');
  if (!isEventLocation(card.location)) throw invalid('invalid_location');
  if (!isEventTimes(card)) throw invalid('invalid_time');
  if (card.timezone !== null && !isEventZone(card.timezone)) throw invalid('invalid_timezone');
  if (card.rrule !== null && !parseEventRule(card.rrule)) throw invalid('invalid_rrule');
  return card;
}

/**
 * The events of one armoured workspace's calendar as its key manager opens
 * them. Each event the server sends is opened once per key change
 * (verified ones for good); what the person writes is sealed under the
 * workspace's current key and sent, sealed again once when the server
 * answers that the key moved on (retrySealed).
 */
export class CalendarArmour {
  private readonly events = new WeakMap<
    SealedCalendarEvent,
    { shown: ShownEvent; version: number; final: boolean }
  >();

  constructor(
    readonly workspaceId: string,
    readonly keys: WorkspaceKeys,
  ) {}

  /**
   * An event as the screens show it: its facts once its card opens (empty,
   * with why, until then), and the answers to single occurrences whose
   * attendee's signature checks (the others left out).
   */
  open(raw: SealedCalendarEvent): ShownEvent {
    const version = this.keys.getState().version;
    const hit = this.events.get(raw);
    if (hit && (hit.final || hit.version === version)) return hit.shown;
    const { card, answers: opened } = this.openTexts(raw);
    let final = card.kind === 'open' && card.verified;
    const answers: Record<string, readonly EventAnswer[]> = {};
    for (const [userId, r] of opened) {
      if (r.kind === 'open' && r.verified) answers[userId] = r.value;
      else final = false;
    }
    const shown = shownOf(raw, card, answers);
    this.events.set(raw, { shown, version, final });
    return shown;
  }

  /**
   * Checks off the page's thread, part after part, the signatures of the
   * events' cards and answers never checked in this browser (a first
   * visit's pages: WorkspaceKeys.checkAhead), each part opened as it is checked.
   */
  checkAhead(raws: readonly SealedCalendarEvent[]): Promise<void> {
    const todo = raws.filter((raw) => !this.events.get(raw)?.final);
    return this.keys.checkAhead(todo, (raw) => this.openTexts(raw));
  }

  /**
   * An event's card and its attendees' answers to single occurrences, each
   * opened: for the event's token, or for a series it was cut from
   * (`answers_token`) when its card, signed by its author, names that one
   * (else the server said so alone, and they are not shown).
   */
  private openTexts(raw: SealedCalendarEvent): {
    card: Opened<EventCard>;
    answers: [string, Opened<EventAnswer[]>][];
  } {
    const card = this.keys.openEventCard(raw.token, raw.sealed, raw.sealed_by);
    const answers: [string, Opened<EventAnswer[]>][] = [];
    for (const a of raw.attendees ?? []) {
      if (!a.sealed_answers) continue;
      const token = a.answers_token ?? raw.token;
      let r: Opened<EventAnswer[]>;
      if (token === raw.token) r = this.keys.openEventAnswers(token, a.sealed_answers, a.user_id);
      else if (card.kind !== 'open')
        r = { kind: card.kind === 'pending' ? 'pending' : 'unreadable' };
      else if (!card.value.cut_from?.includes(token)) r = { kind: 'unreadable' };
      else r = this.keys.openEventAnswers(token, a.sealed_answers, a.user_id);
      answers.push([a.user_id, r]);
    }
    return { card, answers };
  }

  /**
   * A new event's body for the server: its card sealed for `token` (a new
   * one when absent), and the members it invites (as sealNewCard).
   */
  async sealNew(b: NewCalendarEvent, token?: string): Promise<NewSealedCalendarEvent> {
    return this.sealNewCard(sealableCard(b), b.attendees, token);
  }

  /**
   * A new event's body for the server made of `card` (a new token when
   * absent), inviting `attendees`; ApiError invalid_attendees for anyone
   * named by address alone.
   */
  async sealNewCard(
    card: EventCard,
    attendees: readonly CalendarAttendeeRequest[] = [],
    token?: string,
  ): Promise<NewSealedCalendarEvent> {
    const invited = this.invited(attendees);
    const t = token ?? (await this.keys.newToken());
    const body: NewSealedCalendarEvent = { token: t, sealed: await this.seal(t, card) };
    if (invited.length) body.attendees = invited;
    return body;
  }

  /**
   * The PATCH body cutting the series `token` in two: its card `early`
   * (ending before the cut) and a new event (a new token) of the card
   * `late`, its people the series' (their answers kept) unless `attendees`
   * names others. The new card names the series (cut_from): its people's
   * answers apart come with them, sealed for the series' token. Errors as
   * sealNewCard.
   */
  async sealCut(
    token: string,
    early: EventCard,
    late: EventCard,
    attendees?: readonly CalendarAttendeeRequest[],
  ): Promise<SealedCalendarEventChange> {
    const t = await this.keys.newToken();
    const cutFrom = [...(late.cut_from ?? []).filter((x) => x !== token), token];
    const rest: EventCard = { ...late, cut_from: cutFrom.slice(-MAX_CUT_FROM) };
    const following: NewSealedCalendarEvent = { token: t, sealed: await this.seal(t, rest) };
    if (attendees) following.attendees = this.invited(attendees);
    return { sealed: await this.seal(token, early), following };
  }

  /**
   * The PATCH body of a change of `event`: a new card when a fact of it
   * changed (sealChange), the members invited when the list did; a change
   * of the people alone seals nothing. Errors as sealChange and sealNewCard.
   */
  async changeOf(
    event: CalendarEvent,
    change: CalendarEventChange,
  ): Promise<SealedCalendarEventChange> {
    const { attendees, ...facts } = change;
    const body: SealedCalendarEventChange = {};
    if (attendees) body.attendees = this.invited(attendees);
    if (Object.keys(facts).length) body.sealed = await this.sealChange(event, facts);
    return body;
  }

  /**
   * The members a list invites, by id. The caller is left out: whoever
   * sends the list becomes the event's organizer, who is not one of its
   * attendees (the server refuses the caller among them).
   */
  private invited(list: readonly CalendarAttendeeRequest[]): SealedAttendeeRequest[] {
    return list.flatMap((a) => {
      if (!('user_id' in a)) throw invalid('invalid_attendees');
      return a.user_id === this.keys.me ? [] : [{ user_id: a.user_id }];
    });
  }

  /**
   * The card of `event` as opened now. ArmourError 'unreadable' when it
   * does not open here (a new card would lose what it holds).
   */
  cardOf(event: CalendarEvent): { token: string; card: EventCard } {
    const o = openedOf(event);
    if (!o?.value) throw new ArmourError('unreadable', 'the event’s card does not open here');
    return { token: o.token, card: o.value };
  }

  /**
   * A change of `event`'s series as a new card: the fields changed over
   * the others as opened now, its occurrences apart carried along
   * (logic/cardEdits.ts). ArmourError 'unreadable' as cardOf.
   */
  async sealChange(event: CalendarEvent, change: CalendarEventChange): Promise<string> {
    const { token, card } = this.cardOf(event);
    return this.seal(token, seriesChanged(card, change));
  }

  /** `card` (of `token`) sealed; ApiError event_too_large past what the server keeps (64 KiB). */
  async seal(token: string, card: EventCard): Promise<string> {
    const sealed = await this.keys.sealEventCard(token, card);
    if (sealed.length > MAX_SEALED_BODY_BYTES) throw invalid('event_too_large');
    return sealed;
  }

  /**
   * The caller's answer to the occurrence `recurrenceId` of `event` alone:
   * their answers apart as opened here with this one (in place of any to
   * that occurrence; one the same as their series' answer is none apart),
   * sealed by them and sent as their answers apart. The event answered.
   * ArmourError 'unreadable' when their answers apart do not open here (a
   * new text would lose them); ApiError too_many_answers past 1,000 or
   * what the server keeps (64 KiB).
   */
  async answerApart(
    event: CalendarEvent,
    partstat: CalendarAnswer,
    recurrenceId: string,
  ): Promise<SealedCalendarEvent> {
    const o = openedOf(event);
    const me = this.keys.me;
    const attendee = o?.raw.attendees?.find((a) => a.user_id === me);
    const held = o?.answers[me];
    if (!o || (attendee?.sealed_answers && !held))
      throw new ArmourError('unreadable', 'your answers to occurrences do not open here');
    const answers = (held ?? []).filter((a) => !sameOccurrence(a.recurrence_id, recurrenceId));
    if (partstat !== attendee?.partstat) answers.push({ recurrence_id: recurrenceId, partstat });
    if (answers.length > MAX_EVENT_ANSWERS) throw invalid('too_many_answers');
    return this.write(async () =>
      api.calendar.sealed.reply(event.id, {
        sealed_answers: answers.length ? await this.sealAnswers(o.token, answers) : null,
      }),
    );
  }

  /** Our answers apart to the event `token` sealed; ApiError too_many_answers past 64 KiB. */
  private async sealAnswers(token: string, answers: readonly EventAnswer[]): Promise<string> {
    const sealed = await this.keys.sealEventAnswers(token, answers);
    if (sealed.length > MAX_SEALED_BODY_BYTES) throw invalid('too_many_answers');
    return sealed;
  }

  /**
   * Seals (in `send`) and sends; when the server answers that the key
   * moved on (stale_key, key_rotation_required, no_workspace_key), brings
   * the keys up to date and seals again, once.
   */
  write<T>(send: () => Promise<T>): Promise<T> {
    return retrySealed({ send, stale: () => this.keys.sync() });
  }
}

/**
 * `was` with a change of its series (the fields given over its own,
 * checked as sealableCard does), its occurrences apart carried along.
 */
export function seriesChanged(was: EventCard, change: CalendarEventChange): EventCard {
  const next = sealableCard({
    title: change.title ?? was.title,
    description: change.description ?? was.description,
    location: change.location ?? was.location,
    start: change.start ?? was.start,
    end: change.end ?? was.end,
    all_day: change.all_day ?? was.all_day,
    timezone: change.timezone !== undefined ? change.timezone : was.timezone,
    rrule: change.rrule !== undefined ? change.rrule : was.rrule,
  });
  return withSeriesChange(was, next);
}

/**
 * An event whose card opened, as expandEvents takes it, with `me`'s answer
 * when invited: to the series, and to the occurrences they answered apart;
 * null when its card did not open.
 */
export function expandedOf(e: CalendarEvent, me: string): ExpandedEvent | null {
  const o = openedOf(e);
  const card = o?.value;
  if (!card) return null;
  const partstat = e.attendees.find((a) => a.user_id === me)?.partstat ?? null;
  const x: ExpandedEvent = { id: e.id, workspace_id: e.workspace_id, card, partstat };
  const apart = o.answers[me];
  if (apart?.length)
    x.answers = new Map(apart.map((a) => [eventTimeMs(a.recurrence_id, card.all_day), a.partstat]));
  return x;
}

/**
 * Answers to single occurrences, each attendee's, less those to instances
 * the card does not make (read as none: docs/armoured.md).
 */
function answersMade(
  card: EventCard,
  answers: Readonly<Record<string, readonly EventAnswer[]>>,
): Record<string, readonly EventAnswer[]> {
  const lists = Object.entries(answers);
  const made = madeInstances(
    card,
    lists.flatMap(([, list]) => list.map((a) => a.recurrence_id)),
  );
  return Object.fromEntries(
    lists.map(([id, list]) => [
      id,
      list.filter((a) => made.has(eventTimeMs(a.recurrence_id, card.all_day))),
    ]),
  );
}

/**
 * An armoured event in the plain event's shape: its card's facts, who is
 * invited with their answers to the series, and the answers to single
 * occurrences opened (`answers`, by attendee) to instances the card makes.
 */
function shownOf(
  raw: SealedCalendarEvent,
  card: Opened<EventCard>,
  opened: Readonly<Record<string, readonly EventAnswer[]>>,
): ShownEvent {
  const v = card.kind === 'open' ? card.value : null;
  const answers = v ? answersMade(v, opened) : {};
  const attendees = raw.attendees ?? [];
  return {
    id: raw.id,
    workspace_id: raw.workspace_id,
    uid: raw.token,
    kind: 'event',
    title: v?.title ?? '',
    description: v?.description ?? '',
    location: v?.location ?? '',
    start: v?.start ?? null,
    end: v?.end ?? null,
    all_day: v?.all_day ?? false,
    timezone: v?.timezone ?? null,
    rrule: v?.rrule ?? null,
    recurring: !!v?.rrule,
    organizer: raw.organizer ?? null,
    attendees,
    instance_answers: attendees.flatMap((a) =>
      (answers[a.user_id] ?? []).map((x) => ({
        recurrence_id: x.recurrence_id,
        email: a.email,
        partstat: x.partstat,
      })),
    ),
    changed_occurrences: (v?.overrides ?? []).map((o) => ({
      recurrence_id: o.recurrence_id,
      start: o.start,
      end: o.end,
      title: o.title ?? v?.title ?? '',
      description: o.description ?? v?.description ?? '',
      location: o.location ?? v?.location ?? '',
    })),
    cancelled_occurrences: v?.exdates ?? [],
    created_by: raw.created_by,
    created_at: raw.created_at,
    updated_at: raw.updated_at,
    version: raw.version,
    opened: { token: raw.token, card: sealStateOf(card), value: v, answers, raw },
  };
}
