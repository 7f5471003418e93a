// The shared calendar of one workspace while its page is open: the
// occurrences of the range shown, the caller's right. Occurrences are not
// patched from events (a changed rule moves every date): a
// calendar.event_* of this workspace, or a `hello` after a drop of the
// live connection, reads the range again, once per burst; so does a notice
// to this person about an event of this workspace (invited, no longer,
// answered: docs/calendar.md "Invitations"). Components read it with
// useSyncExternalStore.
//
// Changes go at the version the person saw (If-Match): one made meanwhile
// by someone else (412) fetches the event as it is now and says so
// (EventChangedError), so that nothing is overwritten unseen. An invitee's
// answer shows on the event's occurrences at once. The workspace's members
// are who the event form offers to invite.
import { api, isApiError } from '../../api';
import type {
  Access,
  CalendarAnswer,
  CalendarEvent,
  CalendarEventChange,
  CalendarOccurrence,
  EventFrame,
  Member,
  NewCalendarEvent,
} from '../../api';
import { liveEvents } from '../../events';
import { Store } from '../../util/store';
import { moduleAccess } from '../../workspaces';
import { readNotice } from './logic/notices';

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
};

const CALENDAR_EVENTS = ['calendar.*', 'member.*', 'workspace.updated', 'hello'];

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

  constructor(
    readonly workspaceId: string,
    readonly me: string,
    private readonly refetchDelayMs = REFETCH_DELAY_MS,
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
    void this.loadRight();
    void this.loadMembers();
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

  async loadRight(): Promise<void> {
    const access = await moduleAccess(this.workspaceId, 'calendar');
    this.set({ ...access, rightLoaded: true });
  }

  async loadMembers(): Promise<void> {
    try {
      this.set({ members: await api.workspaces.members(this.workspaceId) });
    } catch {
      // Nobody to suggest: addresses can still be typed.
    }
  }

  /** Shows a range: read now unless it is the one held. */
  show(range: CalendarRange): Promise<void> {
    const r = this.state.range;
    if (r && r.from === range.from && r.to === range.to) return Promise.resolve();
    this.set({ range });
    return this.load();
  }

  /** Reads the range shown again; only the last reading started is kept. */
  async load(): Promise<void> {
    const range = this.state.range;
    if (!range) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const g = ++this.generation;
    try {
      const list = await api.calendar.occurrences(this.workspaceId, range.from, range.to);
      if (g !== this.generation) return;
      this.set({
        occurrences: Array.isArray(list) ? list : [],
        shown: range,
        loaded: true,
        failed: undefined,
      });
    } catch (e) {
      if (g !== this.generation) return;
      this.set({ loaded: true, failed: e });
    }
  }

  /** Reads the range again after the burst of events this one belongs to. */
  private loadSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, this.refetchDelayMs);
  }

  handleEvent(e: EventFrame): void {
    if (e.type === 'hello') {
      // Back after a drop: what was missed is read again.
      if (this.state.loaded) {
        this.loadSoon();
        void this.loadMembers();
      }
      return;
    }
    const notice = readNotice(e);
    if (notice) {
      if (notice.workspace_id === this.workspaceId) this.loadSoon();
      return;
    }
    if (e.workspace_id !== this.workspaceId) return;
    if (e.type.startsWith('member.') || e.type === 'workspace.updated') {
      const d = (e.data ?? {}) as { user_id?: unknown };
      if (e.type === 'workspace.updated' || d.user_id === this.me) void this.loadRight();
      if (e.type.startsWith('member.')) void this.loadMembers();
      return;
    }
    if (
      e.type === 'calendar.event_created' ||
      e.type === 'calendar.event_updated' ||
      e.type === 'calendar.event_deleted'
    ) {
      this.loadSoon();
    }
  }

  // ---- changes -------------------------------------------------------------

  async create(b: NewCalendarEvent): Promise<CalendarEvent> {
    const created = await api.calendar.create(this.workspaceId, b);
    void this.load();
    return created;
  }

  event(id: string): Promise<CalendarEvent> {
    return api.calendar.get(id);
  }

  /** Changes an event at `version`; EventChangedError (with the event now) when it changed since. */
  async update(id: string, change: CalendarEventChange, version: number): Promise<CalendarEvent> {
    try {
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
    void this.load();
  }

  /** The caller's answer to an invitation: the event answered; its occurrences say it at once. */
  async reply(id: string, partstat: CalendarAnswer): Promise<CalendarEvent> {
    const answered = await api.calendar.reply(id, partstat);
    this.set({
      occurrences: this.state.occurrences.map((o) => (o.event_id === id ? { ...o, partstat } : o)),
    });
    void this.load();
    return answered;
  }

  /** A 412 as EventChangedError with the event read again; any other error as it is. */
  private async changedOr(id: string, e: unknown): Promise<unknown> {
    if (!isApiError(e) || (e.status !== 412 && e.code !== 'precondition_failed')) return e;
    void this.load();
    try {
      return new EventChangedError(await api.calendar.get(id));
    } catch (again) {
      return isApiError(again) && again.status === 404 ? new EventChangedError(null) : again;
    }
  }
}
