// The comments of the task open in the pane: read a page at a time (oldest
// first; "Load more" reads the next one), followed live (written, edited,
// deleted by anyone), and written by people with the write right. Events
// and our own answers go through logic/comments.ts (each comment once).
// Back after a drop of the live connection (its `hello`), the pages read
// are read again: what was missed while away is not left behind. In an
// armoured workspace each comment is opened as it comes (sealed.ts: its
// body, or why not), again when the keys change, and what the person
// writes is sealed for the task's token.
import { api, isApiError } from '../../api';
import type { EventFrame, TaskComment } from '../../api';
import { liveEvents } from '../../events';
import { Store } from '../../util/store';
import {
  commentEventOf,
  cursorBefore,
  mergeComments,
  splitAtCursor,
  withoutComment,
} from './logic/comments';
import { onKeysChange } from '../../armour/keyring';
import { rawComment, type TasksArmour } from './sealed';
import { MENTION_NOTICE, readMention } from './logic/notices';

/** Comments read per request (the server's default; at most 200). */
export const COMMENTS_PAGE = 100;

/** An armoured workspace's comments: its tasks' sealer, and the task's token. */
export interface CommentsSealing {
  armour: TasksArmour;
  token: string;
}

export interface CommentsState {
  /** Oldest first (armoured: as opened, ShownComment). */
  comments: readonly TaskComment[];
  /** The last comment read page after page: the next page comes after it. */
  cursor: string | null;
  /** Every page is read: new comments are added as they come. */
  complete: boolean;
  loading: boolean;
  /** The first page was read (or could not be). */
  loaded: boolean;
  failed: unknown;
}

const INITIAL: CommentsState = {
  comments: [],
  cursor: null,
  complete: false,
  loading: false,
  loaded: false,
  failed: undefined,
};

const COMMENT_EVENTS = [
  'task.comment_created',
  'task.comment_updated',
  'task.comment_deleted',
  'hello',
];

export class CommentsStore extends Store<CommentsState> {
  private readonly unsubscribes: (() => void)[] = [];
  private generation = 0;
  /** Deleted comments: an event or a page arriving late does not bring them back. */
  private readonly deleted = new Set<string>();
  /** New comments heard of while a page is being read (kept if that page is the last). */
  private heardWhileReading: TaskComment[] = [];

  constructor(
    readonly workspaceId: string,
    readonly taskId: string,
    private readonly pageSize = COMMENTS_PAGE,
    readonly sealing: CommentsSealing | null = null,
  ) {
    super(INITIAL);
  }

  start(): void {
    if (this.unsubscribes.length) return;
    const conn = liveEvents();
    for (const type of COMMENT_EVENTS) {
      this.unsubscribes.push(conn.subscribe(type, (e) => this.handleEvent(e)));
    }
    // Mentioned in a comment of this task: read it, if not heard of already.
    this.unsubscribes.push(conn.subscribe(MENTION_NOTICE, (e) => this.handleMention(e)));
    const keys = this.sealing?.armour.keys;
    if (keys)
      this.unsubscribes.push(
        onKeysChange(keys, () =>
          this.set({ comments: this.state.comments.map((c) => this.shown(rawComment(c))) }),
        ),
      );
    void this.more();
  }

  /** A comment of the server's as shown (armoured: opened). */
  private shown(c: TaskComment): TaskComment {
    const s = this.sealing;
    return s ? s.armour.openComment(s.token, c) : c;
  }

  /** A comment's body as it goes to the server (armoured: sealed), sent again once on a stale key. */
  private send(write: (body: string) => Promise<TaskComment>, body: string): Promise<TaskComment> {
    const s = this.sealing;
    if (!s) return write(body);
    return s.armour.write(async () => write(await s.armour.sealComment(s.token, body)));
  }

  stop(): void {
    this.generation++;
    this.unsubscribes.splice(0).forEach((u) => u());
    // A page being read is dropped: started again, the store reads it again.
    if (this.state.loading) this.set({ loading: false });
  }

  /** Reads the next page (the first one first). */
  async more(): Promise<void> {
    if (this.state.loading || this.state.complete) return;
    const g = this.generation;
    this.heardWhileReading = [];
    this.set({ loading: true });
    try {
      const page = await api.tasks.comments.list(this.taskId, {
        after: this.state.cursor ?? undefined,
        limit: this.pageSize,
      });
      if (g !== this.generation) return;
      this.read(page, this.state.comments, this.state.cursor);
    } catch (e) {
      if (g !== this.generation) return;
      if (isApiError(e, 'invalid_after')) {
        // The last comment read was deleted meanwhile (not heard of yet): read again.
        this.set({ loading: false });
        await this.reload();
        return;
      }
      this.set({ loading: false, loaded: true, failed: e });
    }
  }

  /** Reads again, from the start, as many comments as were read page after page. */
  async reload(): Promise<void> {
    const g = ++this.generation;
    const wanted = splitAtCursor(this.state.comments, this.state.cursor, this.state.complete).read
      .length;
    this.heardWhileReading = [];
    this.set({ loading: true });
    try {
      const list: TaskComment[] = [];
      let cursor: string | null = null;
      let complete = false;
      for (;;) {
        const page = await api.tasks.comments.list(this.taskId, {
          after: cursor ?? undefined,
          limit: this.pageSize,
        });
        if (g !== this.generation) return;
        list.push(...page);
        cursor = page[page.length - 1]?.id ?? cursor;
        complete = page.length < this.pageSize;
        if (complete || list.length >= wanted) break;
      }
      this.read(list, [], null, complete);
    } catch (e) {
      if (g !== this.generation) return;
      this.set({ loading: false, failed: e });
    }
  }

  /** A page (or pages) read after `cursor`, into `held`. */
  private read(
    page: readonly TaskComment[],
    held: readonly TaskComment[],
    cursor: string | null,
    complete = page.length < this.pageSize,
  ): void {
    const fresh = page.filter((c) => !this.deleted.has(c.id)).map((c) => this.shown(c));
    let comments = mergeComments(held, fresh);
    if (complete) comments = mergeComments(comments, this.heardWhileReading);
    this.heardWhileReading = [];
    this.set({
      comments,
      cursor: page[page.length - 1]?.id ?? cursor,
      complete,
      loading: false,
      loaded: true,
      failed: undefined,
    });
  }

  /** A `task.mentioned` notice: its comment read again when it names this task and one not held. */
  handleMention(e: EventFrame): void {
    const n = readMention(e);
    if (!n || n.task_id !== this.taskId || !this.state.loaded) return;
    if (this.state.comments.some((c) => c.id === n.comment_id)) return;
    void this.reload();
  }

  handleEvent(e: EventFrame): void {
    if (e.type === 'hello') {
      // Back after a drop: what was missed is not replayed for sure.
      if (this.state.loaded) void this.reload();
      return;
    }
    if (e.workspace_id !== this.workspaceId) return;
    const ev = commentEventOf(e);
    if (!ev) return;
    if (ev.kind === 'delete') {
      if (ev.task_id === this.taskId) this.forget(ev.id);
      return;
    }
    if (ev.comment.task_id !== this.taskId || this.deleted.has(ev.comment.id)) return;
    const c = this.shown(ev.comment);
    const held = this.state.comments.some((x) => x.id === c.id);
    if (!held && !this.state.complete) {
      // Past the pages read: the page being read, or "Load more", brings it in its place.
      if (this.state.loading) this.heardWhileReading.push(c);
      return;
    }
    this.set({ comments: mergeComments(this.state.comments, [c]) });
  }

  private forget(id: string): void {
    this.deleted.add(id);
    const comments = withoutComment(this.state.comments, id);
    if (comments === this.state.comments) return;
    // The next page comes after a comment that is still there (the server refuses a deleted one).
    const cursor =
      this.state.cursor === id ? cursorBefore(this.state.comments, id) : this.state.cursor;
    this.set({ comments, cursor });
  }

  // ---- writing --------------------------------------------------------------

  /** Comments on the task (400 invalid_body, 409 too_many_comments). */
  async post(body: string): Promise<TaskComment> {
    const c = this.shown(await this.send((b) => api.tasks.comments.create(this.taskId, b), body));
    if (!this.deleted.has(c.id)) this.set({ comments: mergeComments(this.state.comments, [c]) });
    return c;
  }

  /** Changes one's own comment (403 not_author). */
  async edit(id: string, body: string): Promise<TaskComment> {
    const c = this.shown(
      await this.send((b) => api.tasks.comments.update(this.taskId, id, b), body),
    );
    if (!this.deleted.has(c.id)) this.set({ comments: mergeComments(this.state.comments, [c]) });
    return c;
  }

  /** Deletes a comment (its author, or an administrator); one already gone is not an error. */
  async remove(id: string): Promise<void> {
    try {
      await api.tasks.comments.remove(this.taskId, id);
    } catch (e) {
      if (!isApiError(e) || e.status !== 404) throw e;
    }
    this.forget(id);
  }
}
