// The shared calendar of one workspace while its page is open (or, with
// no workspace, the person's own view: their calendar, the calendars they
// subscribed to, every workspace calendar they read and the events they
// are invited to): the
// occurrences of the range shown, the caller's right. Occurrences are not
// patched from events (a changed rule moves every date): a
// calendar.event_* of this workspace, or a `hello` after a drop of the
// live connection, reads the range again, once per burst; so does a notice
// to this person about an event of this workspace (invited, no longer,
// changed, answered: docs/calendar.md "Invitations"). Components read it
// with useSyncExternalStore.
//
// Changes go at the version the person saw (If-Match): one made meanwhile
// by someone else (412) fetches the event as it is now and says so
// (EventChangedError), so that nothing is overwritten unseen. A recurring
// event's occurrence may be changed or cancelled alone, or with the
// following ones (the series cut in two events there; armoured, the
// browser changes or cuts the card itself: logic/cardEdits.ts). An invitee's
// answer shows at once on the event's occurrences (an answer to one
// occurrence of a recurring event, on that one). The workspace's members
// are who the event form offers to invite.
//
// The person's own view (workspaceId null) reads /me/calendar/events, with
// the occurrences `others` adds (the armoured workspaces' calendars, which
// only the browser can expand: sealedAgenda.ts); it reads again on any
// calendar's change (calendar.changed for the person's own calendar and
// subscriptions), on a notice, and when the person's access changes. New
// events go into the personal calendar, which its owner writes.
//
// In an armoured workspace (docs/armoured.md, "Calendar") the server does
// not know when events are: the store reads the whole calendar (pages of
// the sealed route), then only what changed after the version it holds
// (on `hello`), keeps every event as this browser opened it (sealed.ts;
// opened again when the keys change), applies calendar.event_* events as
// they come and works out the occurrences of the range shown itself
// (logic/expand.ts). What the person writes is sealed before it is sent;
// who is invited goes in clear beside the card (members only), with their
// answers to the series; an invitee's answers to single occurrences are
// sealed by them (sealed.ts).
import { api, isApiError } from '../../api';
import type {
  Access,
  CalendarAnswer,
  CalendarEvent,
  CalendarEventChange,
  CalendarOccurrence,
  CalendarOccurrenceChange,
  EventFrame,
  Member,
  NewCalendarEvent,
  SealedCalendarEvent,
} from '../../api';
import { onKeysChange } from '../../armour/keyring';
import { liveEvents } from '../../events';
import { memberDirectory } from '../../workspaces/members';
import { Store } from '../../util/store';
import { moduleAccess } from '../../workspaces';
import { browserTimeZone } from '../../util/timeZone';
import { changesOf, draftOf, occurrenceChangesOf, occurrenceDraftOf } from './logic/draft';
import { MAX_OCCURRENCES, expandEvents, inStartOrder, type ExpandedEvent } from './logic/expand';
import { movedDraft, type Moved } from './logic/move';
import { openedOccurrence } from './logic/occurrences';
import { withAnswer } from './logic/invitations';
import { readNotice, type OpenedFacts } from './logic/notices';
import type { EventCard } from '../../armour/format';
import {
  cutAt,
  endedBefore,
  isFirstInstance,
  withOccurrenceCancelled,
  withOccurrenceChange,
} from './logic/cardEdits';
import { holdOpened } from './opened';
import {
  expandedOf,
  factsOf,
  isSealedEvent,
  openedOf,
  readSealedChanges,
  seriesChanged,
  type CalendarArmour,
} from './sealed';

export interface CalendarRange {
  /** ISO instants: [from, to). */
  from: string;
  to: string;
}

export interface CalendarState {
  /** The caller's right on the calendar (read: no changes). */
  right: Access;
  archived: boolean;
  rightLoaded: boolean;
  /** The workspace's members (who may be invited). */
  members: readonly Member[];
  /** The range asked for, and the occurrences read for it (`shown`: the range they are of). */
  range: CalendarRange | null;
  shown: CalendarRange | null;
  occurrences: readonly CalendarOccurrence[];
  loaded: boolean;
  /** The range could not be read (404: the calendar is off for the caller). */
  failed: unknown;
  /** Armoured: every event of the calendar as opened here, by id (plain: none). */
  events: Readonly<Record<string, CalendarEvent>>;
}

const INITIAL: CalendarState = {
  right: 'read',
  archived: false,
  rightLoaded: false,
  members: [],
  range: null,
  shown: null,
  occurrences: [],
  loaded: false,
  failed: undefined,
  events: {},
};

const CALENDAR_EVENTS = ['calendar.*', 'member.*', 'workspace.updated', 'hello'];

/** Armoured: deleted events whose title a notice may still say. */
const GONE_KEPT = 50;

/** Bursts of live events within this time cause one reading. */
export const REFETCH_DELAY_MS = 300;

/**
 * The event changed (or was deleted) since the version a change was made
 * at: `latest` is how it is now (null: deleted).
 */
export class EventChangedError extends Error {
  constructor(readonly latest: CalendarEvent | null) {
    super(latest ? 'the event changed meanwhile' : 'the event was deleted meanwhile');
    this.name = 'EventChangedError';
  }
}

export class CalendarStore extends Store<CalendarState> {
  private readonly unsubscribes: (() => void)[] = [];
  private started = false;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Armoured: the calendar's version read up to (the next reading's `after`). */
  private version = 0;
  /** Armoured: events deleted; an event or answer arriving late does not bring them back. */
  private readonly deleted = new Set<string>();
  /**
   * Armoured: what the last events deleted here said (GONE_KEPT at most),
   * for the cancellation notice that follows their deletion.
   */
  private readonly gone = new Map<string, OpenedFacts>();

  /** The person's own view: the occurrences the server does not have (setOthers). */
  private others: ((range: CalendarRange) => Promise<CalendarOccurrence[]>) | null = null;

  /**
   * `workspaceId` null: the person's own view. `armour`: the workspace is
   * armoured, its events opened and sealed with its keys.
   */
  constructor(
    readonly workspaceId: string | null,
    readonly me: string,
    private readonly refetchDelayMs = REFETCH_DELAY_MS,
    readonly armour: CalendarArmour | null = null,
  ) {
    super(INITIAL);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const conn = liveEvents();
    for (const type of CALENDAR_EVENTS) {
      this.unsubscribes.push(conn.subscribe(type, (e) => this.handleEvent(e)));
    }
    const keys = this.armour?.keys;
    if (keys) {
      this.unsubscribes.push(
        onKeysChange(keys, () => this.reopen()),
        // What a notice of these events may say: the cards opened here.
        holdOpened((ws, id) => {
          if (ws !== this.workspaceId) return undefined;
          const e = this.state.events[id];
          return e ? factsOf(e) : this.gone.get(id);
        }),
      );
    }
    void this.loadRight();
    const ws = this.workspaceId;
    if (ws !== null) {
      this.unsubscribes.push(memberDirectory().watch(ws, () => void this.loadMembers()));
      void this.loadMembers();
    }
    if (this.state.range) void this.load();
  }

  stop(): void {
    this.started = false;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.unsubscribes.splice(0).forEach((u) => u());
  }

  get canWrite(): boolean {
    return this.state.right === 'write' && !this.state.archived;
  }

  // ---- reading -------------------------------------------------------------

  /**
   * The person's own view: the occurrences of a range that `others` gives
   * besides the server's (the armoured calendars', expanded here), the
   * range shown read again with them; null: none.
   */
  setOthers(others: ((range: CalendarRange) => Promise<CalendarOccurrence[]>) | null): void {
    const before = this.others;
    this.others = others;
    if ((before || others) && this.started && this.state.range) void this.load();
  }

  /** The caller's right on the workspace's calendar (the person's own: they write it). */
  async loadRight(): Promise<void> {
    if (this.workspaceId === null) {
      this.set({ right: 'write', archived: false, rightLoaded: true });
      return;
    }
    const access = await moduleAccess(this.workspaceId, 'calendar');
    this.set({ ...access, rightLoaded: true });
  }

  async loadMembers(): Promise<void> {
    if (this.workspaceId === null) return;
    try {
      this.set({ members: await memberDirectory().members(this.workspaceId) });
    } catch {
      // Nobody to suggest: addresses can still be typed.
    }
  }

  /** Shows a range: read now unless it is the one held (armoured: worked out from the events held). */
  show(range: CalendarRange): Promise<void> {
    const r = this.state.range;
    if (r && r.from === range.from && r.to === range.to) return Promise.resolve();
    this.set({ range });
    if (this.armour && this.state.loaded && !this.state.failed) {
      this.expand();
      return Promise.resolve();
    }
    return this.load();
  }

  /** Reads the range shown again; only the last reading started is kept. */
  async load(): Promise<void> {
    if (this.armour) return this.loadSealed();
    const range = this.state.range;
    if (!range) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const g = ++this.generation;
    try {
      const list = await this.read(range);
      if (g !== this.generation) return;
      this.set({
        occurrences: list,
        shown: range,
        loaded: true,
        failed: undefined,
      });
    } catch (e) {
      if (g !== this.generation) return;
      this.set({ loaded: true, failed: e });
    }
  }

  /** The occurrences of `range`: the workspace's, or the person's own view's with the others'. */
  private async read(range: CalendarRange): Promise<CalendarOccurrence[]> {
    const ws = this.workspaceId;
    if (ws !== null) {
      const list = await api.calendar.occurrences(ws, range.from, range.to);
      return Array.isArray(list) ? list : [];
    }
    const [mine, more] = await Promise.all([
      api.calendar.mine(range.from, range.to),
      this.others ? this.others(range) : [],
    ]);
    const list = Array.isArray(mine) ? mine : [];
    return more.length ? inStartOrder([...list, ...more]) : list;
  }

  /**
   * Armoured: reads what changed after the version held (everything, the
   * first time), page after page, then works out the range's occurrences.
   * A version the calendar never reached (400 invalid_range: the server's
   * data was replaced) reads it whole again.
   */
  private async loadSealed(): Promise<void> {
    const a = this.armour;
    if (!a) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const g = ++this.generation;
    try {
      const version = await readSealedChanges(a.workspaceId, this.version, {
        onPage: async (page) => {
          // A first visit's cards, their signatures checked off this thread.
          await a.checkAhead(page.events);
          if (g === this.generation) this.apply(page.events, page.deleted);
        },
        onReset: () => {
          this.version = 0;
          this.set({ events: {} });
        },
        stale: () => g !== this.generation,
      });
      if (version === null) return;
      this.version = version;
      this.set({ loaded: true, failed: undefined });
      this.expand();
    } catch (e) {
      if (g !== this.generation) return;
      this.set({ loaded: true, failed: e });
    }
  }

  /** Armoured: events as the server sent them (kept when newer than those held), and deletions. */
  private apply(raws: readonly SealedCalendarEvent[], deleted: readonly string[] = []): void {
    const a = this.armour;
    if (!a) return;
    // One copy of the events held for the whole page (not one per event: a
    // thousand cards would copy a thousand times).
    const held = this.state.events;
    let events: Record<string, CalendarEvent> | null = null;
    for (const raw of raws) {
      const was = (events ?? held)[raw.id];
      if (this.deleted.has(raw.id) || (was && was.version >= raw.version)) continue;
      (events ??= { ...held })[raw.id] = a.open(raw);
    }
    for (const id of deleted) {
      this.deleted.add(id);
      const was = (events ?? held)[id];
      const facts = was && factsOf(was);
      if (!facts) continue;
      this.gone.set(id, facts);
      // The oldest first (insertion order).
      if (this.gone.size > GONE_KEPT) this.gone.delete(this.gone.keys().next().value as string);
    }
    const now = events ?? held;
    if (deleted.some((id) => now[id])) {
      events = Object.fromEntries(Object.entries(now).filter(([id]) => !this.deleted.has(id)));
    }
    if (events) this.set({ events });
  }

  /** Armoured: an event heard of (an event, an answer): kept, and the occurrences worked out again. */
  private heard(raw: SealedCalendarEvent, deleted: readonly string[] = []): void {
    const before = this.state.events;
    this.apply(
      [raw].filter((r) => r.workspace_id === this.workspaceId),
      deleted,
    );
    if (this.state.events !== before && this.state.loaded) this.expandOne(raw.id);
  }

  /** Armoured: every event opened again (after a change of keys). */
  private reopen(): void {
    const a = this.armour;
    if (!a) return;
    const events: Record<string, CalendarEvent> = {};
    for (const [id, e] of Object.entries(this.state.events)) {
      const raw = openedOf(e)?.raw;
      events[id] = raw ? a.open(raw) : e;
    }
    this.set({ events });
    if (this.state.loaded) this.expand();
  }

  /** Armoured: the occurrences of the range shown, from the events whose cards opened. */
  private expand(): void {
    const range = this.state.range;
    if (!range) return;
    const opened: ExpandedEvent[] = [];
    for (const e of Object.values(this.state.events)) {
      const x = expandedOf(e, this.me);
      if (x) opened.push(x);
    }
    this.set({ occurrences: expandEvents(opened, range.from, range.to), shown: range });
  }

  /**
   * Armoured: the occurrences of the range shown with those of one event
   * (changed, new or gone) worked out again, the others kept: an event
   * heard does not expand the whole calendar. The whole is worked out when
   * the range is at its cap (what was left out may come back).
   */
  private expandOne(id: string): void {
    const range = this.state.range;
    const shown = this.state.occurrences;
    if (!range || this.state.shown !== range || shown.length >= MAX_OCCURRENCES)
      return this.expand();
    const e = this.state.events[id];
    const x = e ? expandedOf(e, this.me) : null;
    const mine = x ? expandEvents([x], range.from, range.to) : [];
    const others = shown.filter((o) => o.event_id !== id);
    if (others.length + mine.length > MAX_OCCURRENCES) return this.expand();
    this.set({ occurrences: inStartOrder([...others, ...mine]) });
  }

  /** Reads the range again after the burst of events this one belongs to. */
  loadSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, this.refetchDelayMs);
  }

  handleEvent(e: EventFrame): void {
    if (e.type === 'hello') {
      // Back after a drop: what was missed is read again.
      if (this.state.loaded) this.loadSoon();
      return;
    }
    if (this.workspaceId === null) return this.heardMine(e);
    const notice = readNotice(e);
    if (notice) {
      if (notice.workspace_id === this.workspaceId) this.loadSoon();
      return;
    }
    if (e.workspace_id !== this.workspaceId) return;
    if (e.type.startsWith('member.') || e.type === 'workspace.updated') {
      const d = (e.data ?? {}) as { user_id?: unknown };
      if (e.type === 'workspace.updated' || d.user_id === this.me) void this.loadRight();
      return;
    }
    if (
      e.type === 'calendar.event_created' ||
      e.type === 'calendar.event_updated' ||
      e.type === 'calendar.event_deleted'
    ) {
      if (this.armour) this.heardLive(e);
      else this.loadSoon();
    }
  }

  /**
   * The person's own view: any calendar's change (theirs, a subscription's,
   * a workspace's), a notice, or a change of what they may read, reads the
   * range again.
   */
  private heardMine(e: EventFrame): void {
    if (e.type.startsWith('calendar.') || e.type === 'workspace.updated') return this.loadSoon();
    if (e.type.startsWith('member.')) {
      const d = (e.data ?? {}) as { user_id?: unknown };
      if (d.user_id === this.me) this.loadSoon();
    }
  }

  /** Armoured: a live event applied as it comes (the event it carries, or the id deleted). */
  private heardLive(e: EventFrame): void {
    if (e.type === 'calendar.event_deleted') {
      const id = (e.data as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string') this.forget(id);
    } else if (isSealedEvent(e.data)) {
      this.heard(e.data);
    }
  }

  /** Armoured: an event deleted, out of the calendar for good. */
  private forget(id: string): void {
    const before = this.state.events;
    this.apply([], [id]);
    if (this.state.events !== before && this.state.loaded) this.expandOne(id);
  }

  // ---- changes -------------------------------------------------------------

  /**
   * Creates an event (armoured: its card sealed under a new token, the
   * members invited beside it); resolves with it as shown.
   */
  async create(b: NewCalendarEvent): Promise<CalendarEvent> {
    const a = this.armour;
    if (a) {
      const token = await a.keys.newToken();
      const raw = await a.write(async () =>
        api.calendar.sealed.create(a.workspaceId, await a.sealNew(b, token)),
      );
      this.heard(raw);
      return a.open(raw);
    }
    const created = await api.calendar.create(this.workspaceId, b);
    void this.load();
    return created;
  }

  /** An event as it is now (armoured: the one held, else read and opened). */
  event(id: string): Promise<CalendarEvent> {
    const held = this.state.events[id];
    return held ? Promise.resolve(held) : this.fetch(id);
  }

  /** An event read from the server (armoured: opened, and held). */
  private async fetch(id: string): Promise<CalendarEvent> {
    const a = this.armour;
    if (!a) return api.calendar.get(id);
    const raw = await api.calendar.sealed.get(id);
    this.heard(raw);
    return a.open(raw);
  }

  /**
   * Changes an event at `version` (armoured: a new card, sealed over the
   * facts opened here — ArmourError 'unreadable' when they did not open —,
   * and the members invited; a change of the people alone seals nothing);
   * EventChangedError (with the event now) when it changed since.
   */
  async update(id: string, change: CalendarEventChange, version: number): Promise<CalendarEvent> {
    try {
      const a = this.armour;
      if (a) {
        const held = this.state.events[id] ?? (await this.fetch(id));
        const raw = await a.write(async () =>
          api.calendar.sealed.update(id, await a.changeOf(held, change), version),
        );
        this.heard(raw);
        return a.open(raw);
      }
      const saved = await api.calendar.update(id, change, version);
      void this.load();
      return saved;
    } catch (e) {
      throw await this.changedOr(id, e);
    }
  }

  /** Deletes an event at `version` (already gone: done); EventChangedError when it changed since. */
  async remove(id: string, version: number): Promise<void> {
    try {
      await api.calendar.remove(id, version);
    } catch (e) {
      if (!(isApiError(e) && e.status === 404)) throw await this.changedOr(id, e);
    }
    if (this.armour) this.forget(id);
    else void this.load();
  }

  /**
   * Moves occurrence `o` by `m` (dragged on the grid: logic/move.ts): the
   * whole event when it does not repeat, else that occurrence alone, as the
   * edit dialog would send it. Resolves with the event; EventChangedError
   * when it changed since it was read.
   */
  async move(o: CalendarOccurrence, m: Moved): Promise<CalendarEvent> {
    const event = await this.event(o.event_id);
    if (!event.recurring) {
      const d = movedDraft(draftOf(event), m);
      if (!d) throw new Error('the event has no times to move');
      return this.update(event.id, changesOf(event, d, browserTimeZone()), event.version);
    }
    const own = openedOccurrence(event, o);
    const d = own && movedDraft(occurrenceDraftOf(own), m);
    if (!own || !d) throw new Error('the occurrence is no longer in the event');
    return this.updateOccurrence(
      event.id,
      own.recurrence_id,
      occurrenceChangesOf(own, d),
      event.version,
    );
  }

  /**
   * Changes one occurrence of a recurring event (its `recurrence_id`) at
   * the event's `version`: its texts and times, the series left as it is;
   * resolves with the event. EventChangedError when it changed since.
   * Armoured: the card sealed again with that occurrence apart.
   */
  updateOccurrence(
    id: string,
    recurrenceId: string,
    change: CalendarOccurrenceChange,
    version: number,
  ): Promise<CalendarEvent> {
    if (this.armour)
      return this.sealApart(
        id,
        (card) => withOccurrenceChange(card, recurrenceId, change),
        version,
      );
    return this.changeApart(id, () =>
      api.calendar.updateOccurrence(id, recurrenceId, change, version),
    );
  }

  /**
   * Changes an occurrence of a recurring event and the following ones at
   * the event's `version`, any field (`start`, `end`: that occurrence's):
   * the series is cut there. Resolves with the new event holding them
   * (another id; from the first occurrence, the event itself). As
   * updateOccurrence otherwise; armoured, both cards sealed here go in one
   * request (the series ended, the new event with the series' people and
   * their answers unless the change names others): the server keeps both
   * or neither.
   */
  async updateFollowing(
    id: string,
    recurrenceId: string,
    change: CalendarEventChange,
    version: number,
  ): Promise<CalendarEvent> {
    const a = this.armour;
    if (!a)
      return this.changeApart(id, () =>
        api.calendar.updateFollowing(id, recurrenceId, change, version),
      );
    const held = await this.event(id);
    const { token, card } = a.cardOf(held);
    if (isFirstInstance(card, recurrenceId)) return this.update(id, change, version);
    const [early, late] = cutAt(card, recurrenceId);
    let cut: SealedCalendarEvent & { series?: SealedCalendarEvent };
    try {
      cut = await a.write(async () =>
        api.calendar.sealed.update(
          id,
          await a.sealCut(token, early, seriesChanged(late, change), change.attendees),
          version,
        ),
      );
    } catch (e) {
      throw await this.changedOr(id, e);
    }
    const { series, ...created } = cut;
    if (series) this.heard(series);
    this.heard(created);
    return a.open(created);
  }

  /**
   * Cancels one occurrence of a recurring event at the event's `version`
   * (the event already gone: done); the series goes on without it. As
   * updateOccurrence otherwise.
   */
  async cancelOccurrence(id: string, recurrenceId: string, version: number): Promise<void> {
    if (!this.armour)
      return this.removeApart(id, () => api.calendar.cancelOccurrence(id, recurrenceId, version));
    await this.unlessGone(id, () =>
      this.sealApart(id, (card) => withOccurrenceCancelled(card, recurrenceId), version),
    );
  }

  /**
   * Deletes an occurrence of a recurring event and the following ones at
   * the event's `version`: the series ends before it (from the first, the
   * event is deleted). As cancelOccurrence otherwise.
   */
  async removeFollowing(id: string, recurrenceId: string, version: number): Promise<void> {
    const a = this.armour;
    if (!a)
      return this.removeApart(id, () => api.calendar.removeFollowing(id, recurrenceId, version));
    await this.unlessGone(id, async () => {
      const { card } = a.cardOf(await this.event(id));
      if (isFirstInstance(card, recurrenceId)) return this.remove(id, version);
      await this.sealApart(id, (c) => endedBefore(c, recurrenceId), version);
    });
  }

  /** Armoured: a deletion of some occurrences (`f`); the event already gone (404) is done, out of the calendar. */
  private async unlessGone(id: string, f: () => Promise<unknown>): Promise<void> {
    try {
      await f();
    } catch (e) {
      if (!(isApiError(e) && e.status === 404)) throw e;
      this.forget(id);
    }
  }

  /** A change of some occurrences of event `id` (`send`), then the range read again. */
  private async changeApart(
    id: string,
    send: () => Promise<CalendarEvent>,
  ): Promise<CalendarEvent> {
    try {
      const saved = await send();
      void this.load();
      return saved;
    } catch (e) {
      throw await this.changedOr(id, e);
    }
  }

  /** Armoured: the card of event `id` as `edit` makes it, sealed and sent at `version`. */
  private async sealApart(
    id: string,
    edit: (card: EventCard) => EventCard,
    version: number,
  ): Promise<CalendarEvent> {
    const a = this.armour;
    if (!a) throw new Error('sealApart: not an armoured calendar');
    try {
      const { token, card } = a.cardOf(await this.event(id));
      const next = edit(card);
      const raw = await a.write(async () =>
        api.calendar.sealed.update(id, { sealed: await a.seal(token, next) }, version),
      );
      this.heard(raw);
      return a.open(raw);
    } catch (e) {
      throw await this.changedOr(id, e);
    }
  }

  /** A deletion of some occurrences of event `id` (`send`; the event gone: done), then the range read again. */
  private async removeApart(id: string, send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (e) {
      if (!(isApiError(e) && e.status === 404)) throw await this.changedOr(id, e);
    }
    void this.load();
  }

  /**
   * The caller's answer to an invitation: to the series, or with
   * `recurrenceId` to that occurrence alone; the event answered. The
   * occurrences answered say it at once. Armoured: an answer to the series
   * in clear (the server drops the answers apart), one to an occurrence
   * sealed with the caller's other answers apart (CalendarArmour.answerApart,
   * sealed again once for a stale key); the event answered held as it comes.
   */
  async reply(
    id: string,
    partstat: CalendarAnswer,
    recurrenceId: string | null = null,
  ): Promise<CalendarEvent> {
    const a = this.armour;
    if (a) {
      const raw =
        recurrenceId === null
          ? await api.calendar.sealed.reply(id, { partstat })
          : await a.answerApart(await this.event(id), partstat, recurrenceId);
      this.heard(raw);
      return a.open(raw);
    }
    const answered = await api.calendar.reply(id, partstat, recurrenceId);
    this.set({ occurrences: withAnswer(this.state.occurrences, id, partstat, recurrenceId) });
    void this.load();
    return answered;
  }

  /** A 412 as EventChangedError with the event read again; any other error as it is. */
  private async changedOr(id: string, e: unknown): Promise<unknown> {
    if (!isApiError(e) || (e.status !== 412 && e.code !== 'precondition_failed')) return e;
    if (!this.armour) void this.load();
    try {
      return new EventChangedError(await this.fetch(id));
    } catch (again) {
      if (!(isApiError(again) && again.status === 404)) return again;
      if (this.armour) this.forget(id);
      return new EventChangedError(null);
    }
  }
}
