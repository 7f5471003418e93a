// The notification centre's notices (docs/api.md "Notices"): what the
// server kept of the notices told to this person — the first page when the
// shell mounts, older ones on demand, each live notice prepended as it
// comes, and the first page read again on every `hello` (live notices are
// never replayed: what came while the connection was down is only there).
// How many are unread; marking one or all read. What a notice says and
// where it leads is its module's (describeNotices, from the module's lazy
// notices chunk): a type no module describes is listed by its type.
import { api } from '../api';
import type { EventFrame, KeptNotice, NoticePage, Workspace } from '../api';
import { isNotice } from '../events/connection';
import type { I18n } from '../i18n';
import { Store } from '../util/store';
import { str } from './notices';

/** Notices per request (first page and each older one). */
export const NOTICE_PAGE = 30;

/** What the centre says of a notice: a sentence, a detail (its date…), where it leads. */
export interface NoticeSummary {
  title: string;
  body?: string;
  /** None: opening the notice only marks it read. */
  href?: string;
}

export interface NoticeContext {
  t: I18n['t'];
  locale: string;
  /** The person's workspaces (where a notice leads depends on what they open). */
  workspaces: readonly Workspace[];
}

/** A module's reading of its notices (null: not one it can read). */
export type NoticeDescriber = (e: EventFrame, c: NoticeContext) => NoticeSummary | null;

export interface NoticesState {
  /** Newest first. */
  notices: readonly KeptNotice[];
  /** Of all the person's notices, loaded or not. */
  unread: number;
  /** The first page: not asked yet, on its way, there, or refused. */
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** Older notices to page in. */
  more: boolean;
  loadingMore: boolean;
  /** Modules' describers by notice type. */
  kinds: ReadonlyMap<string, NoticeDescriber>;
}

/** A kept notice as the live frame that told it (what modules' readers take). */
export function noticeFrame(n: Pick<KeptNotice, 'type' | 'data'>): EventFrame {
  return { type: n.type, workspace_id: '', seq: 0, data: { ...n.data } };
}

/** The kept notice a live frame tells of (undefined: not a notice, or one not kept). */
export function noticeIdOf(e: EventFrame): string | undefined {
  if (!isNotice(e)) return undefined;
  return str(e.data?.notice_id) || undefined;
}

const newestFirst = (a: KeptNotice, b: KeptNotice) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export class NoticeCentre extends Store<NoticesState> {
  // Bumped by every first-page read and by stop(): older answers are dropped.
  private generation = 0;
  private started = false;
  // Live notices heard since the first page was asked for (it may not have them).
  private heardWhileLoading = new Set<string>();

  constructor() {
    super({
      notices: [],
      unread: 0,
      status: 'idle',
      more: false,
      loadingMore: false,
      kinds: new Map(),
    });
  }

  /** Signed in: reads the first page. */
  start(): void {
    this.started = true;
    void this.reread();
  }

  /** Signed out: forgets every notice (modules' describers stay). */
  stop(): void {
    this.started = false;
    this.generation++;
    this.heardWhileLoading.clear();
    this.replace({
      notices: [],
      unread: 0,
      status: 'idle',
      more: false,
      loadingMore: false,
      kinds: this.state.kinds,
    });
  }

  /** A frame of the live connection: `hello` (a (re)connection) or a notice. */
  hear(e: EventFrame): void {
    if (!this.started) return;
    if (e.type === 'hello') {
      void this.reread();
      return;
    }
    const id = noticeIdOf(e);
    if (!id || this.state.notices.some((n) => n.id === id)) return;
    this.heardWhileLoading.add(id);
    const n: KeptNotice = {
      id,
      type: e.type,
      data: e.data ?? {},
      created_at: e.at ?? new Date().toISOString(),
      read: false,
    };
    this.set({ notices: [n, ...this.state.notices], unread: this.state.unread + 1 });
  }

  /** The first page again; older notices already paged in stay. */
  async reread(): Promise<void> {
    const generation = ++this.generation;
    this.heardWhileLoading.clear();
    if (this.state.status !== 'ready') this.set({ status: 'loading' });
    let page: NoticePage;
    try {
      page = await api.me.notices({ limit: NOTICE_PAGE });
    } catch {
      if (generation === this.generation && this.state.status !== 'ready')
        this.set({ status: 'failed' });
      return;
    }
    if (generation !== this.generation) return;
    this.set(this.withFirstPage(page));
    this.heardWhileLoading.clear();
  }

  /** The next older page. */
  async more(): Promise<void> {
    const last = this.state.notices.at(-1);
    if (!this.state.more || this.state.loadingMore || !last) return;
    const generation = this.generation;
    this.set({ loadingMore: true });
    try {
      const page = await api.me.notices({ before: last.id, limit: NOTICE_PAGE });
      if (generation !== this.generation) return;
      const known = new Set(this.state.notices.map((n) => n.id));
      this.set({
        notices: [...this.state.notices, ...page.notices.filter((n) => !known.has(n.id))],
        unread: page.unread,
        more: page.notices.length >= NOTICE_PAGE,
        loadingMore: false,
      });
    } catch {
      if (generation === this.generation) this.set({ loadingMore: false });
    }
  }

  /** The person opened this notice (in the panel, or its toast). */
  async markRead(id: string): Promise<void> {
    const n = this.state.notices.find((x) => x.id === id);
    if (n?.read) return;
    if (n) {
      this.set({
        notices: this.state.notices.map((x) => (x.id === id ? { ...x, read: true } : x)),
        unread: Math.max(0, this.state.unread - 1),
      });
    }
    await this.send({ ids: [id] });
  }

  async markAllRead(): Promise<void> {
    if (this.state.unread === 0 && this.state.notices.every((n) => n.read)) return;
    this.set({ notices: this.state.notices.map((n) => ({ ...n, read: true })), unread: 0 });
    await this.send({ all: true });
  }

  /** A module says what its notices of these types say and where they lead. */
  describeNotices(types: readonly string[], describe: NoticeDescriber): void {
    const kinds = new Map(this.state.kinds);
    for (const type of types) kinds.set(type, describe);
    this.set({ kinds });
  }

  private async send(which: { ids: string[] } | { all: true }): Promise<void> {
    const generation = this.generation;
    try {
      const { unread } = await api.me.readNotices(which);
      if (generation === this.generation) this.set({ unread });
    } catch {
      // Not marked: what the server has is the truth.
      if (this.started) await this.reread();
    }
  }

  /**
   * The first page over what is loaded: its notices as the server has them;
   * those heard live meanwhile that it does not have yet; older ones paged
   * in, when the page is full (a shorter one is every notice there is).
   * Those gone from the server (a workspace left) go.
   */
  private withFirstPage(page: NoticePage): Partial<NoticesState> {
    const inPage = new Set(page.notices.map((n) => n.id));
    const full = page.notices.length >= NOTICE_PAGE;
    const oldest = page.notices.at(-1)?.id;
    const heard = this.state.notices.filter(
      (n) => !inPage.has(n.id) && this.heardWhileLoading.has(n.id),
    );
    const older =
      full && oldest ? this.state.notices.filter((n) => n.id < oldest && !inPage.has(n.id)) : [];
    return {
      notices: [...heard, ...page.notices, ...older].sort(newestFirst),
      unread: page.unread + heard.filter((n) => !n.read).length,
      status: 'ready',
      more: full && (older.length === 0 || this.state.more),
    };
  }
}

/** The app's notification centre. */
export const notices = new NoticeCentre();
