// Who is in each workspace: read once (GET /workspaces/{id}/members), then
// kept true by the live events, which carry each change whole
// (member.added and member.updated: the member's entry as the list gives
// it; member.removed: their id). Every screen showing people (the modules,
// the home page, the settings, incoming calls) asks here, so that going
// from one module to another reads nothing again: with 20,000 members the
// list weighs ~5 MB.
//
// A list is as of an event (the answer's Ruche-Seq): events after it are
// applied, those before are in it already. A list read while the live
// connection follows the workspace misses nothing: what it delivered
// before the read is in the list, what it delivers later is applied, and
// after a drop it resumes where it was. One read before the connection
// followed the workspace is checked against the head its `hello` gives:
// older, it is read again. So is every list watched after the workspace's
// modules changed (`workspace.updated`: members' rights name the modules
// on); one nobody watches is dropped instead. Leaving the workspace, its
// deletion, a `hello` without it and signing out forget its list, telling
// nobody (its screens go away; a read would be refused).
//
// Lists nobody watches are kept, the `keep` last used, while events keep
// them true.
import { api, type EventFrame, type Member, type MemberList } from '../api';
import { useEffect, useState } from 'react';
import { liveEvents, type ConnectionState } from '../events';

export type MembersListener = () => void;

export interface MemberDirectoryDeps {
  read(workspaceId: string): Promise<MemberList>;
  subscribe(type: string, handler: (e: EventFrame) => void): () => void;
  onStateChange(listener: (s: ConnectionState) => void): () => void;
  /** Whether the live connection follows the workspace (will deliver every event after the last it gave). */
  following(workspaceId: string): boolean;
  /** The signed-in person (their own removal forgets the workspace). */
  me(): string | null;
  /** Date.now(): memberships that expired meanwhile are not listed. */
  now(): number;
}

interface Entry {
  /** What was read and changed since; null until the first read lands. */
  list: Member[] | null;
  /** The last event the list holds (null: unknown). */
  seq: number | null;
  /** Whether every later event reaches the list (else: checked at the next hello). */
  complete: boolean;
  /** The read under way, and the events heard since it was asked. */
  reading: Promise<Member[]> | null;
  heard: EventFrame[];
  listeners: Set<MembersListener>;
  used: number;
}

/** The order the server lists members in: by name, then id (byte order). */
function byName(a: Member, b: Member): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0;
}

function isMember(v: unknown): v is Member {
  const m = v as Partial<Member> | null;
  return (
    !!m &&
    typeof m.user_id === 'string' &&
    typeof m.name === 'string' &&
    typeof m.email === 'string' &&
    typeof m.role === 'string' &&
    typeof m.rights === 'object' &&
    m.rights !== null
  );
}

/** `list` after one member event (a new array when it changed, else `list`). */
export function applyMemberEvent(list: Member[], e: EventFrame): Member[] {
  if (e.type === 'member.removed') {
    const id = (e.data as { user_id?: unknown } | undefined)?.user_id;
    return list.some((m) => m.user_id === id) ? list.filter((m) => m.user_id !== id) : list;
  }
  if (!isMember(e.data)) return list;
  const m = e.data;
  const rest = list.filter((x) => x.user_id !== m.user_id);
  // Sorted already: the new entry goes where the server would put it.
  let at = rest.findIndex((x) => byName(m, x) < 0);
  if (at < 0) at = rest.length;
  return [...rest.slice(0, at), m, ...rest.slice(at)];
}

export class MemberDirectory {
  private readonly entries = new Map<string, Entry>();
  /** Each followed workspace's head, from the last hello. */
  private heads = new Map<string, number>();
  private clock = 0;

  constructor(
    private readonly deps: MemberDirectoryDeps,
    private readonly keep = 8,
  ) {
    for (const type of ['member.added', 'member.updated', 'member.removed']) {
      deps.subscribe(type, (e) => this.onMemberEvent(e));
    }
    deps.subscribe('workspace.updated', (e) => this.readAgain(e.workspace_id));
    deps.subscribe('workspace.deleted', (e) => {
      const id = (e.data as { workspace_id?: unknown } | undefined)?.workspace_id;
      this.forget(typeof id === 'string' ? id : e.workspace_id);
    });
    deps.subscribe('hello', (e) => this.onHello(e));
    deps.onStateChange((s) => {
      if (s === 'stopped') {
        this.heads = new Map();
        for (const id of [...this.entries.keys()]) this.forget(id);
      }
    });
  }

  /**
   * The workspace's members, sorted by name: those held (no request) or
   * one read shared by every caller asking meanwhile. Rejects when the
   * read fails (the next call tries again).
   */
  async members(workspaceId: string): Promise<Member[]> {
    const entry = this.entry(workspaceId);
    entry.used = ++this.clock;
    if (entry.list) return this.current(entry.list);
    return this.current(await this.read(workspaceId, entry));
  }

  /** The members held now, without reading (undefined: not read yet). */
  peek(workspaceId: string): Member[] | undefined {
    const list = this.entries.get(workspaceId)?.list;
    return list ? this.current(list) : undefined;
  }

  /**
   * Calls `listener` after each change of the workspace's members (read
   * them with members()); a list watched is read again rather than dropped
   * when it may be stale. Returns the function that stops it.
   */
  watch(workspaceId: string, listener: MembersListener): () => void {
    const entry = this.entry(workspaceId);
    entry.listeners.add(listener);
    return () => {
      entry.listeners.delete(listener);
      this.trim();
    };
  }

  /**
   * What a change made here answered (the member after it, or one
   * removed), shown at once; its event, later, says the same.
   */
  answered(workspaceId: string, change: Member | { removed: string }): void {
    const entry = this.entries.get(workspaceId);
    if (!entry?.list) return;
    const e = ('removed' in change
      ? { type: 'member.removed', data: { user_id: change.removed } }
      : { type: 'member.updated', data: change }) as unknown as EventFrame;
    const list = applyMemberEvent(entry.list, e);
    if (list === entry.list) return;
    entry.list = list;
    this.changed(entry);
  }

  private entry(workspaceId: string): Entry {
    let entry = this.entries.get(workspaceId);
    if (!entry) {
      entry = {
        list: null,
        seq: null,
        complete: false,
        reading: null,
        heard: [],
        listeners: new Set(),
        used: ++this.clock,
      };
      this.entries.set(workspaceId, entry);
      this.trim();
    }
    return entry;
  }

  private read(workspaceId: string, entry: Entry): Promise<Member[]> {
    if (entry.reading) return entry.reading;
    entry.heard = [];
    const following = this.deps.following(workspaceId);
    const reading = this.deps.read(workspaceId).then(
      ({ members, seq }) => {
        let list = members;
        for (const e of entry.heard)
          if (seq === null || e.seq > seq) list = applyMemberEvent(list, e);
        if (this.entries.get(workspaceId) !== entry || entry.reading !== reading) return list;
        entry.reading = null;
        entry.list = list;
        entry.seq = entry.heard.reduce((s, e) => (s === null ? s : Math.max(s, e.seq)), seq);
        entry.heard = [];
        entry.complete = following;
        this.changed(entry);
        this.settle(workspaceId, entry);
        return list;
      },
      (err: unknown) => {
        if (entry.reading === reading) entry.reading = null;
        // Nothing held and nobody waiting for changes: the next call reads.
        if (!entry.list && entry.listeners.size === 0) this.drop(workspaceId, entry);
        throw err;
      },
    );
    entry.reading = reading;
    return reading;
  }

  /** A list read before the connection followed its workspace: kept if as recent as the head, else read again. */
  private settle(workspaceId: string, entry: Entry) {
    if (entry.complete || entry.reading || !entry.list) return;
    const head = this.heads.get(workspaceId);
    if (head === undefined) return; // no hello yet
    if (entry.seq !== null && entry.seq >= head) entry.complete = true;
    else this.readAgain(workspaceId);
  }

  private readAgain(workspaceId: string) {
    const entry = this.entries.get(workspaceId);
    if (!entry) return;
    if (entry.listeners.size === 0) {
      this.drop(workspaceId, entry);
      return;
    }
    // A read under way may have been answered before the change: another one.
    entry.reading = null;
    this.read(workspaceId, entry).catch(() => {
      // The list held stays; the next hello reads again.
      entry.complete = false;
    });
  }

  private onHello(e: EventFrame) {
    const heads = new Map<string, number>();
    const workspaces = (e.data as { workspaces?: unknown } | undefined)?.workspaces;
    for (const w of Array.isArray(workspaces) ? workspaces : []) {
      const { workspace_id: id, seq } = (w ?? {}) as { workspace_id?: unknown; seq?: unknown };
      if (typeof id === 'string' && typeof seq === 'number') heads.set(id, seq);
    }
    this.heads = heads;
    for (const [id, entry] of [...this.entries]) {
      if (!heads.has(id)) this.forget(id);
      else this.settle(id, entry);
    }
  }

  private onMemberEvent(e: EventFrame) {
    const entry = this.entries.get(e.workspace_id);
    if (!entry) return;
    const gone = (e.data as { user_id?: unknown } | undefined)?.user_id;
    if (e.type === 'member.removed' && gone !== undefined && gone === this.deps.me()) {
      this.forget(e.workspace_id);
      return;
    }
    if (entry.reading) entry.heard.push(e);
    if (!entry.list || (entry.seq !== null && e.seq <= entry.seq)) return;
    if (entry.seq !== null) entry.seq = e.seq;
    const list = applyMemberEvent(entry.list, e);
    if (list === entry.list) return;
    entry.list = list;
    this.changed(entry);
  }

  /**
   * The workspace is gone to this person (they left, it was deleted, they
   * signed out): its list is dropped and nobody is told, so that nothing is
   * read again (a 404, or a 401 after signing out); its screens go away.
   */
  private forget(workspaceId: string) {
    const entry = this.entries.get(workspaceId);
    if (entry) this.drop(workspaceId, entry);
  }

  private drop(workspaceId: string, entry: Entry) {
    if (this.entries.get(workspaceId) === entry) this.entries.delete(workspaceId);
    entry.reading = null;
  }

  /** Unwatched lists beyond `keep`, the least recently used first, are dropped. */
  private trim() {
    const idle = [...this.entries].filter(([, e]) => e.listeners.size === 0);
    if (idle.length <= this.keep) return;
    idle.sort(([, a], [, b]) => a.used - b.used);
    for (const [id, e] of idle.slice(0, idle.length - this.keep)) this.drop(id, e);
  }

  private changed(entry: Entry) {
    for (const l of [...entry.listeners]) {
      try {
        l();
      } catch (err) {
        console.warn('members listener failed', err);
      }
    }
  }

  /** The memberships not expired now. */
  private current(list: Member[]): Member[] {
    const now = this.deps.now();
    const expired = (m: Member) => m.expires_at !== null && Date.parse(m.expires_at) <= now;
    return list.some(expired) ? list.filter((m) => !expired(m)) : list;
  }
}

let directory: MemberDirectory | null = null;

/** The app's one directory, fed by the shared live connection. */
export function memberDirectory(): MemberDirectory {
  directory ??= new MemberDirectory({
    read: (ws) => api.workspaces.members(ws),
    subscribe: (type, handler) => liveEvents().subscribe(type, handler),
    onStateChange: (listener) => liveEvents().onStateChange(listener),
    following: (ws) => liveEvents().lastSeqOf(ws) !== undefined,
    me: () => liveEvents().userId,
    now: () => Date.now(),
  });
  return directory;
}

/** Tests: a fresh directory (what a reload of the page gives). */
export function resetMemberDirectory(): void {
  directory = null;
}

/**
 * The workspace's members while mounted, kept true by its events:
 * undefined while read, null when they could not be read.
 */
export function useMembers(workspaceId: string): Member[] | null | undefined {
  const [held, setHeld] = useState<{ id: string; members: Member[] | null }>();
  useEffect(() => {
    const directory = memberDirectory();
    let asked = 0;
    const read = () => {
      const n = ++asked;
      directory.members(workspaceId).then(
        (members) => {
          if (n === asked) setHeld({ id: workspaceId, members });
        },
        () => {
          // What was shown stays; nothing yet: could not be read.
          if (n === asked)
            setHeld((h) => (h?.id === workspaceId ? h : { id: workspaceId, members: null }));
        },
      );
    };
    const stop = directory.watch(workspaceId, read);
    read();
    return () => {
      asked = -1;
      stop();
    };
  }, [workspaceId]);
  return held?.id === workspaceId ? held.members : undefined;
}
