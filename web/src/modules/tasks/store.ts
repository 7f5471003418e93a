// The tasks of one workspace while its board is open: every task (all
// pages read), the caller's right, the workspace's people. Live events and
// our own answers go through logic/board.ts (the newest version of a task
// wins, so an event and the answer it repeats are one); components read
// it with useTasksState (useSyncExternalStore).
//
// A move shows at once and is taken back when the server refuses it (409
// blocked: the task waits for one that is not done). A checklist change
// shows at once too, kept beside the task (`pending`) rather than in it: a
// task heard meanwhile (someone ticking another item) does not hide it, and
// a refusal only has to drop it. A task's changes go to the server one
// after the other, in order. Back after a drop of the live connection (its
// `hello`), the board is read again: what was missed while away (a task
// deleted, say) is not left behind.
//
// In an armoured workspace (docs/armoured.md, "Tasks") the board holds the
// tasks as this browser opened them (sealed.ts: their cards' and items'
// texts, or why not; the server's task inside), opened again when the keys
// change; what the person writes is sealed before it is sent, and sealed
// again once when the server answers that the key moved on.
import { api, ApiError, isApiError } from '../../api';
import type {
  Access,
  ChecklistItem,
  ChecklistItemChange,
  EventFrame,
  Member,
  NewTask,
  SealedTaskChange,
  Task,
  TaskChange,
  TaskStatus,
} from '../../api';
import { TASK_STATUSES } from '../../api';
import { liveEvents } from '../../events';
import { memberDirectory } from '../../workspaces/members';
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
import {
  MAX_CHECKLIST_ITEMS,
  endPosition,
  pendingId,
  settledOps,
  shownChecklist,
  withChecklistChange,
  withOps,
  type ChecklistOp,
  type PendingByTask,
  type PendingOp,
} from './logic/checklist';
import { onKeysChange } from '../../armour/keyring';
import { rawOf, type TasksArmour } from './sealed';

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
  /** Checklist changes made here and not yet in the board, per task (see checklistOf). */
  pending: PendingByTask;
}

const INITIAL: TasksState = {
  right: 'read',
  archived: false,
  rightLoaded: false,
  members: [],
  board: EMPTY_BOARD,
  loaded: false,
  failed: undefined,
  pending: {},
};

const NO_OPS: readonly PendingOp[] = [];

/** A task's checklist as shown: its items with the changes made here not yet answered. */
export function checklistOf(s: TasksState, task: Task): readonly ChecklistItem[] {
  return shownChecklist(task.checklist, s.pending[task.id] ?? NO_OPS);
}

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
  /** Each task's checklist changes, sent one after the other: the last one sent. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private seq = 0;

  /** `armour`: the workspace is armoured, its tasks opened and sealed with its keys. */
  constructor(
    readonly workspaceId: string,
    readonly me: string,
    private readonly now: () => Date = () => new Date(),
    readonly armour: TasksArmour | null = null,
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
    const keys = this.armour?.keys;
    if (keys) this.unsubscribes.push(onKeysChange(keys, () => this.reopen()));
    void this.loadRight();
    this.unsubscribes.push(
      memberDirectory().watch(this.workspaceId, () => void this.loadMembers()),
    );
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

  /** A task of the server's as the board shows it (armoured: opened). */
  private shown(raw: Task): Task {
    return this.armour ? this.armour.open(raw) : raw;
  }

  /** Every task opened again from the server's (armoured, after a change of keys). */
  private reopen(): void {
    const a = this.armour;
    if (!a) return;
    const tasks = Object.values(this.state.board.byId);
    const board = boardOf(tasks.map((t) => a.open(rawOf(t))));
    this.set({ board });
  }

  /** Sends a write; armoured, sealed again once when the key moved on. */
  private send<T>(write: () => Promise<T>): Promise<T> {
    return this.armour ? this.armour.write(write) : write();
  }

  /** An item's text as it goes to the server (armoured: sealed for its task's token). */
  private async itemText(taskId: string, text: string): Promise<string> {
    if (!this.armour) return text;
    const task = this.state.board.byId[taskId];
    return this.armour.sealItem(task ? (rawOf(task).token ?? '') : '', text);
  }

  // ---- loading -----------------------------------------------------------

  async loadRight(): Promise<void> {
    const access = await moduleAccess(this.workspaceId, 'tasks');
    this.set({ ...access, rightLoaded: true });
  }

  async loadMembers(): Promise<void> {
    try {
      this.set({ members: await memberDirectory().members(this.workspaceId) });
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
      // A first visit's cards, their signatures checked off this thread.
      await this.armour?.checkAhead(tasks);
      if (g !== this.generation) return;
      let board = boardOf(tasks.filter((t) => !this.deleted.has(t.id)).map((t) => this.shown(t)));
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
      this.set({ board, loaded: true, failed: undefined, pending: this.settled(board) });
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
      if (this.state.loaded) void this.load();
      return;
    }
    if (e.workspace_id !== this.workspaceId) return;
    if (e.type.startsWith('member.') || e.type === 'workspace.updated') {
      const d = (e.data ?? {}) as { user_id?: unknown };
      if (e.type === 'workspace.updated' || d.user_id === this.me) void this.loadRight();
      return;
    }
    if (e.type === 'tasks.changed') {
      // Many tasks changed at once (a person assigned to them left): read the board again.
      if (this.state.loaded) void this.load();
    } else if (e.type === 'task.created' || e.type === 'task.updated') {
      if (isTask(e.data)) this.heard(e.data);
    } else if (e.type === 'task.deleted') {
      const id = (e.data as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string') this.forget(id);
    } else if (e.type.startsWith('task.comment_')) {
      // Comments are not the task's state (no new version): only their count follows.
      const d = (e.data ?? {}) as { task_id?: unknown; comment_count?: unknown };
      const held = typeof d.task_id === 'string' ? this.state.board.byId[d.task_id] : undefined;
      if (held && typeof d.comment_count === 'number' && d.comment_count !== held.comment_count) {
        const raw = { ...rawOf(held), comment_count: d.comment_count };
        this.set({ board: withTask(this.state.board, this.shown(raw), true) });
      }
    }
  }

  /** A task as the server sent it (an event, an answer): kept if newer than the one held. */
  private heard(t: Task): void {
    if (t.workspace_id && t.workspace_id !== this.workspaceId) return;
    if (this.deleted.has(t.id)) return;
    this.touched?.add(t.id);
    const board = withTask(this.state.board, this.shown(t));
    if (board === this.state.board) return;
    this.set({ board, pending: this.settled(board, t.id) });
  }

  /**
   * The checklist changes still to show over `board`: those answered are
   * dropped once the board holds the task's version that has them (for
   * `id` only, or every task).
   */
  private settled(board: Board, id?: string): PendingByTask {
    return settledOps(this.state.pending, (tid) => board.byId[tid]?.version ?? null, id);
  }

  private forget(id: string): void {
    this.deleted.add(id);
    this.touched?.add(id);
    const board = withoutTask(this.state.board, id);
    if (board !== this.state.board) this.set({ board });
  }

  // ---- changes -------------------------------------------------------------

  /**
   * Creates a task (armoured: under a new token, its card and checklist
   * sealed); resolves with it as the board shows it.
   */
  async create(b: NewTask): Promise<Task> {
    const a = this.armour;
    let t: Task;
    if (a) {
      const token = await a.keys.newToken();
      t = await a.write(async () => api.tasks.create(this.workspaceId, await a.sealNew(b, token)));
    } else {
      t = await api.tasks.create(this.workspaceId, b);
    }
    this.heard(t);
    return this.shown(t);
  }

  /**
   * Changes a task; with `version`, only if it is still at that version
   * (412 precondition_failed: the newer one is fetched, and the error
   * thrown on).
   */
  async update(id: string, change: TaskChange, version?: number): Promise<Task> {
    try {
      const t = await this.send(async () =>
        api.tasks.update(id, await this.wire(id, change), version),
      );
      this.heard(t);
      return this.shown(t);
    } catch (e) {
      if (isApiError(e, 'precondition_failed')) void this.refresh(id);
      throw e;
    }
  }

  /**
   * A change as it goes to the server: armoured, a change of the title,
   * description or labels is a new card, sealed with the others as this
   * browser opened them (ArmourError 'unreadable' when they did not open).
   */
  private async wire(id: string, change: TaskChange): Promise<TaskChange | SealedTaskChange> {
    if (!this.armour) return change;
    const task = this.state.board.byId[id];
    if (!task) throw new ApiError(404, 'not_found', 'no such task');
    return this.armour.sealChange(task, change);
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
    const shown = this.shown(moved(rawOf(from), status, position, this.now().toISOString()));
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

  // ---- checklists ----------------------------------------------------------

  /** Adds an item at the end of a task's checklist (shown at once, then as the server has it). */
  addItem(taskId: string, text: string): Promise<void> {
    const task = this.state.board.byId[taskId];
    if (!task) return Promise.reject(new ApiError(404, 'not_found', 'no such task'));
    const list = checklistOf(this.state, task);
    // Full: refused here already, as the server would.
    if (list.length >= MAX_CHECKLIST_ITEMS) {
      return Promise.reject(new ApiError(409, 'checklist_full', 'the checklist is full'));
    }
    const seq = ++this.seq;
    const item: ChecklistItem = {
      id: pendingId(seq),
      text,
      done: false,
      position: endPosition(list),
      done_by: null,
      done_at: null,
    };
    const known = task.checklist.map((x) => x.id);
    return this.checklistChange(taskId, { seq, kind: 'add', item, known }, async () => {
      const r = await this.send(async () =>
        api.tasks.checklist.add(taskId, { text: await this.itemText(taskId, text) }),
      );
      return { version: r.version, change: { item: r.value } };
    });
  }

  /** Ticks, unticks or rewrites an item. */
  changeItem(taskId: string, itemId: string, change: ChecklistItemChange): Promise<void> {
    const op: ChecklistOp = {
      seq: ++this.seq,
      kind: 'change',
      id: itemId,
      change,
      by: this.me,
      at: this.now().toISOString(),
    };
    return this.checklistChange(taskId, op, async () => {
      const r = await this.send(async () =>
        api.tasks.checklist.update(
          taskId,
          itemId,
          change.text === undefined
            ? change
            : { ...change, text: await this.itemText(taskId, change.text) },
        ),
      );
      return { version: r.version, change: { item: r.value } };
    });
  }

  /** Deletes an item (one already gone is not an error). */
  removeItem(taskId: string, itemId: string): Promise<void> {
    return this.checklistChange(
      taskId,
      { seq: ++this.seq, kind: 'remove', id: itemId },
      async () => {
        try {
          const r = await api.tasks.checklist.remove(taskId, itemId);
          return { version: r.version, change: { removed: itemId } };
        } catch (e) {
          // Gone already (or its task): nothing left to delete.
          if (!isApiError(e) || e.status !== 404) throw e;
          return { version: null, change: { removed: itemId } };
        }
      },
    );
  }

  /**
   * Moves an item before or after another (between its neighbours, as the
   * board places a task); when two neighbours leave no room, the list is
   * spaced out first.
   */
  async moveItem(taskId: string, itemId: string, place: Place): Promise<void> {
    const task = this.state.board.byId[taskId];
    if (!task) throw new ApiError(404, 'not_found', 'no such task');
    const list = checklistOf(this.state, task);
    if (staysPut(list, itemId, place)) return;
    let position = dropPosition(list, itemId, place);
    const sent: Promise<void>[] = [];
    if (position === null) {
      for (const c of spacedOut(list.filter((x) => x.id !== itemId))) {
        sent.push(this.changeItem(taskId, c.id, { position: c.position }));
      }
      position = dropPosition(checklistOf(this.state, task), itemId, place) ?? 0;
    }
    sent.push(this.changeItem(taskId, itemId, { position }));
    await Promise.all(sent);
  }

  /**
   * Shows a checklist change at once and sends it after the task's earlier
   * ones. Answered, the task's new version is made from the one held when
   * that is the version just before (else read again, or left to its
   * event); refused, the change is dropped (nothing else to take back) and
   * the error thrown on.
   */
  private async checklistChange(
    taskId: string,
    op: ChecklistOp,
    send: () => Promise<{
      version: number | null;
      change: { item: ChecklistItem } | { removed: string };
    }>,
  ): Promise<void> {
    this.setOps(taskId, (ops) => [...ops, op]);
    const previous = this.queues.get(taskId) ?? Promise.resolve();
    const run = previous.then(send, send);
    const tail = run.catch(() => undefined);
    this.queues.set(taskId, tail);
    void tail.then(() => {
      if (this.queues.get(taskId) === tail) this.queues.delete(taskId);
    });
    let answer;
    try {
      answer = await run;
    } catch (e) {
      this.setOps(taskId, (ops) => ops.filter((o) => o.seq !== op.seq));
      if (isApiError(e) && e.status === 404) void this.refresh(taskId);
      throw e;
    }
    const { version, change } = answer;
    const held = this.state.board.byId[taskId];
    if (version === null || !held) {
      this.setOps(taskId, (ops) => ops.filter((o) => o.seq !== op.seq));
      void this.refresh(taskId);
      return;
    }
    this.setOps(taskId, (ops) => ops.map((o) => (o.seq === op.seq ? { ...o, until: version } : o)));
    if (held.version === version - 1) this.heard(withChecklistChange(rawOf(held), version, change));
    else if (held.version < version) void this.refresh(taskId);
    else this.set({ pending: this.settled(this.state.board, taskId) });
  }

  private setOps(taskId: string, f: (ops: readonly PendingOp[]) => readonly PendingOp[]): void {
    const ops = f(this.state.pending[taskId] ?? NO_OPS);
    this.set({ pending: withOps(this.state.pending, taskId, ops) });
  }
}
