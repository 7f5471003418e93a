// The tasks of one workspace while its board is open: every task (all
// pages read), the caller's right, the workspace's people. Live events and
// our own answers go through logic/board.ts (the newest version of a task
// wins, so an event and the answer it repeats are one); components read
// it with useTasksState (useSyncExternalStore).
//
// A move shows at once and is taken back when the server refuses it (409
// blocked: the task waits for one that is not done). Back after a drop of
// the live connection (its `hello`), the board is read again: what was
// missed while away (a task deleted, say) is not left behind.
import { api, ApiError, isApiError } from '../../api';
import type { Access, EventFrame, Member, NewTask, Task, TaskChange, TaskStatus } from '../../api';
import { TASK_STATUSES } from '../../api';
import { liveEvents } from '../../events';
import { Store } from '../../util/store';
import { moduleAccess } from '../../workspaces';
import {
  EMPTY_BOARD,
  boardOf,
  dropPosition,
  isBlocked,
  moved,
  spacedOut,
  staysPut,
  withTask,
  withoutTask,
  type Board,
  type Place,
} from './logic/board';

/** Tasks read per request (the server's maximum). */
export const PAGE_SIZE = 1000;

export interface TasksState {
  /** The caller's right on tasks (read: the board only). */
  right: Access;
  archived: boolean;
  rightLoaded: boolean;
  members: readonly Member[];
  board: Board;
  loaded: boolean;
  /** The tasks could not be read (404: tasks are off for the caller). */
  failed: unknown;
}

const INITIAL: TasksState = {
  right: 'read',
  archived: false,
  rightLoaded: false,
  members: [],
  board: EMPTY_BOARD,
  loaded: false,
  failed: undefined,
};

const TASKS_EVENTS = ['task.*', 'member.*', 'workspace.updated', 'hello'];

/** Members who may see the workspace's tasks: who can be assigned one. */
export function taskPeople(members: readonly Member[]): Member[] {
  return members.filter((m) => (m.rights?.tasks ?? 'write') !== 'none');
}

function isTask(v: unknown): v is Task {
  const t = v as Partial<Task> | null;
  return (
    !!t &&
    typeof t.id === 'string' &&
    typeof t.version === 'number' &&
    typeof t.position === 'number' &&
    (TASK_STATUSES as readonly unknown[]).includes(t.status) &&
    Array.isArray(t.blocked_by) &&
    Array.isArray(t.assignee_ids) &&
    Array.isArray(t.labels)
  );
}

export class TasksStore extends Store<TasksState> {
  private readonly unsubscribes: (() => void)[] = [];
  private started = false;
  private generation = 0;
  /** Tasks heard of (events, answers) while the board is being read: the reading keeps them. */
  private touched: Set<string> | null = null;
  /** Deleted tasks: an event or answer arriving late does not bring them back. */
  private readonly deleted = new Set<string>();
  /** Moves waiting for the server's answer, per task (shown meanwhile). */
  private readonly moving = new Map<string, number>();

  constructor(
    readonly workspaceId: string,
    readonly me: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    super(INITIAL);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const conn = liveEvents();
    for (const type of TASKS_EVENTS) {
      this.unsubscribes.push(conn.subscribe(type, (e) => this.handleEvent(e)));
    }
    void this.loadRight();
    void this.loadMembers();
    void this.load();
  }

  stop(): void {
    this.started = false;
    this.generation++;
    this.unsubscribes.splice(0).forEach((u) => u());
  }

  get canWrite(): boolean {
    return this.state.right === 'write' && !this.state.archived;
  }

  // ---- loading -----------------------------------------------------------

  async loadRight(): Promise<void> {
    const access = await moduleAccess(this.workspaceId, 'tasks');
    this.set({ ...access, rightLoaded: true });
  }

  async loadMembers(): Promise<void> {
    try {
      this.set({ members: await api.workspaces.members(this.workspaceId) });
    } catch {
      // Names fall back to "former member".
    }
  }

  /**
   * Reads every task (page after page, until a short one). What events or
   * answers brought meanwhile is kept when newer than what was read.
   */
  async load(): Promise<void> {
    const g = ++this.generation;
    this.touched = new Set();
    try {
      const tasks: Task[] = [];
      for (let offset = 0; ; offset += PAGE_SIZE) {
        const page = await api.tasks.list(this.workspaceId, { limit: PAGE_SIZE, offset });
        if (g !== this.generation) return;
        tasks.push(...page);
        if (page.length < PAGE_SIZE) break;
      }
      let board = boardOf(tasks.filter((t) => !this.deleted.has(t.id)));
      const held = this.state.board;
      for (const id of this.touched) {
        const t = held.byId[id];
        board = t ? withTask(board, t) : withoutTask(board, id);
      }
      // A move not answered yet stays where it was dropped.
      for (const id of this.moving.keys()) {
        const t = held.byId[id];
        const read = board.byId[id];
        if (t && read && read.version <= t.version) board = withTask(board, t, true);
      }
      this.touched = null;
      this.set({ board, loaded: true, failed: undefined });
    } catch (e) {
      if (g !== this.generation) return;
      this.touched = null;
      this.set({ loaded: true, failed: e });
    }
  }

  // ---- events and answers ------------------------------------------------

  handleEvent(e: EventFrame): void {
    if (e.type === 'hello') {
      // Back after a drop: read the board again (what was missed is not replayed for sure).
      if (this.state.loaded) {
        void this.load();
        void this.loadMembers();
      }
      return;
    }
    if (e.workspace_id !== this.workspaceId) return;
    if (e.type.startsWith('member.') || e.type === 'workspace.updated') {
      const d = (e.data ?? {}) as { user_id?: unknown };
      if (e.type === 'workspace.updated' || d.user_id === this.me) void this.loadRight();
      if (e.type.startsWith('member.')) void this.loadMembers();
      return;
    }
    if (e.type === 'task.created' || e.type === 'task.updated') {
      if (isTask(e.data)) this.heard(e.data);
    } else if (e.type === 'task.deleted') {
      const id = (e.data as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string') this.forget(id);
    }
  }

  /** A task as the server sent it (an event, an answer): kept if newer than the one held. */
  private heard(t: Task): void {
    if (t.workspace_id && t.workspace_id !== this.workspaceId) return;
    if (this.deleted.has(t.id)) return;
    this.touched?.add(t.id);
    const board = withTask(this.state.board, t);
    if (board !== this.state.board) this.set({ board });
  }

  private forget(id: string): void {
    this.deleted.add(id);
    this.touched?.add(id);
    const board = withoutTask(this.state.board, id);
    if (board !== this.state.board) this.set({ board });
  }

  // ---- changes -------------------------------------------------------------

  async create(b: NewTask): Promise<Task> {
    const t = await api.tasks.create(this.workspaceId, b);
    this.heard(t);
    return t;
  }

  /**
   * Changes a task; with `version`, only if it is still at that version
   * (412 precondition_failed: the newer one is fetched, and the error
   * thrown on).
   */
  async update(id: string, change: TaskChange, version?: number): Promise<Task> {
    try {
      const t = await api.tasks.update(id, change, version);
      this.heard(t);
      return t;
    } catch (e) {
      if (isApiError(e, 'precondition_failed')) void this.refresh(id);
      throw e;
    }
  }

  async remove(id: string, version?: number): Promise<void> {
    try {
      await api.tasks.remove(id, version);
    } catch (e) {
      if (isApiError(e, 'precondition_failed')) void this.refresh(id);
      if (!isApiError(e) || e.status !== 404) throw e;
    }
    this.forget(id);
  }

  /** One task again from the server (gone: out of the board). */
  async refresh(id: string): Promise<void> {
    try {
      this.heard(await api.tasks.get(id));
    } catch (e) {
      if (isApiError(e) && e.status === 404) this.forget(id);
    }
  }

  /**
   * Moves a task to a column, at a place in it (the end when none), shown
   * at once and taken back if the server refuses. A task that waits for one
   * that is not done cannot be done: refused here already (409 blocked, as
   * the server would).
   */
  async move(id: string, status: TaskStatus, place: Place = {}): Promise<void> {
    const before = this.state.board.byId[id];
    if (!before) throw new ApiError(404, 'not_found', 'no such task');
    if (status === 'done' && before.status !== 'done' && isBlocked(this.state.board, before)) {
      throw new ApiError(409, 'blocked', 'the task waits for a task that is not done');
    }
    // Dropped where it is: nothing to do.
    if (before.status === status && staysPut(this.state.board.columns[status], id, place)) return;
    let position = dropPosition(this.state.board.columns[status], id, place);
    if (position === null) {
      await this.spaceOut(status, id);
      position = dropPosition(this.state.board.columns[status], id, place) ?? 0;
    }
    const from = this.state.board.byId[id] ?? before;
    if (from.status === status && from.position === position) return;
    const shown = moved(from, status, position, this.now().toISOString());
    this.set({ board: withTask(this.state.board, shown, true) });
    this.moving.set(id, (this.moving.get(id) ?? 0) + 1);
    try {
      this.heard(await api.tasks.update(id, { status, position }));
    } catch (e) {
      // Taken back, unless the task changed since (its newer version is shown).
      const now = this.state.board.byId[id];
      if (now && now.version === from.version) {
        this.set({ board: withTask(this.state.board, from, true) });
      }
      throw e;
    } finally {
      const n = (this.moving.get(id) ?? 1) - 1;
      if (n > 0) this.moving.set(id, n);
      else this.moving.delete(id);
    }
  }

  /** No room between two neighbours any more: the column's positions 1024 apart again. */
  private async spaceOut(status: TaskStatus, moving: string): Promise<void> {
    const column = this.state.board.columns[status].filter((t) => t.id !== moving);
    for (const c of spacedOut(column)) {
      this.heard(await api.tasks.update(c.id, { position: c.position }));
    }
  }
}
