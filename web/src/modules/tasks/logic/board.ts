// A workspace's tasks as the board shows them: every task by id, and the
// three columns sorted by position. Pure functions, unit-tested: what an
// event or an answer does to the board (the newest version wins), where a
// dropped task goes (between its neighbours; a checklist's items move the
// same way), which tasks one waits for.
import { TASK_STATUSES, type Task, type TaskStatus } from '../../../api';
import { fold } from '../../../mentions/mentions';

export interface Board {
  byId: Readonly<Record<string, Task>>;
  /** Each column's tasks, lower position first. */
  columns: Readonly<Record<TaskStatus, readonly Task[]>>;
}

export const EMPTY_BOARD: Board = { byId: {}, columns: { todo: [], doing: [], done: [] } };

/** Room left between the last (or first) task of a column and a task put after (or before) it. */
export const POSITION_STEP = 1024;

/** What has a place in an ordered list: a task in its column, an item in a checklist. */
export interface Positioned {
  id: string;
  position: number;
}

/** A column's order: position, then the oldest first, then the id (every browser agrees). */
export function byPosition(a: Task, b: Task): number {
  return (
    a.position - b.position ||
    (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function boardOf(tasks: readonly Task[]): Board {
  const byId: Record<string, Task> = {};
  for (const t of tasks) byId[t.id] = t;
  return { byId, columns: columnsOf(Object.values(byId)) };
}

function columnsOf(tasks: readonly Task[]): Record<TaskStatus, Task[]> {
  const columns: Record<TaskStatus, Task[]> = { todo: [], doing: [], done: [] };
  for (const t of tasks) (columns[t.status] ?? columns.todo).push(t);
  for (const s of TASK_STATUSES) columns[s].sort(byPosition);
  return columns;
}

/**
 * The board with `task` in it: the same board when it holds this version
 * of it or a newer one (events and answers may come twice, or late), unless
 * `force` (a move taken back).
 */
export function withTask(board: Board, task: Task, force = false): Board {
  const held = board.byId[task.id];
  if (held && !force && held.version >= task.version) return board;
  const byId = { ...board.byId, [task.id]: task };
  const columns = { ...board.columns };
  if (held) columns[held.status] = columns[held.status].filter((t) => t.id !== task.id);
  const into = columns[task.status].filter((t) => t.id !== task.id);
  into.splice(insertionIndex(into, task), 0, task);
  columns[task.status] = into;
  return { byId, columns };
}

function insertionIndex(column: readonly Task[], task: Task): number {
  let lo = 0;
  let hi = column.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byPosition(column[mid] as Task, task) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function withoutTask(board: Board, id: string): Board {
  const held = board.byId[id];
  if (!held) return board;
  const byId = Object.fromEntries(Object.entries(board.byId).filter(([k]) => k !== id));
  return {
    byId,
    columns: {
      ...board.columns,
      [held.status]: board.columns[held.status].filter((t) => t.id !== id),
    },
  };
}

/** Where a task goes in a column: before a task, after one, or at the end (neither). */
export interface Place {
  before?: string | null;
  after?: string | null;
}

/** Where `moving` goes among the column's other tasks (its index there). */
export function placeIndex(column: readonly Positioned[], moving: string, place: Place): number {
  const others = column.filter((t) => t.id !== moving);
  if (place.before) {
    const i = others.findIndex((t) => t.id === place.before);
    if (i >= 0) return i;
  } else if (place.after) {
    const i = others.findIndex((t) => t.id === place.after);
    if (i >= 0) return i + 1;
  }
  return others.length;
}

/** Whether a task dropped at `place` of its own column stays where it is. */
export function staysPut(column: readonly Positioned[], moving: string, place: Place): boolean {
  const at = column.findIndex((t) => t.id === moving);
  return at >= 0 && at === placeIndex(column, moving, place);
}

/**
 * The position for `moving` dropped in `column` at `place`, between its
 * neighbours' (the midpoint; the first's − 1024 at the start, the last's +
 * 1024 at the end); null when two neighbours leave no room between them
 * (the column must be spaced out first: spacedOut).
 */
export function dropPosition(
  column: readonly Positioned[],
  moving: string,
  place: Place,
): number | null {
  const others = column.filter((t) => t.id !== moving);
  const index = placeIndex(column, moving, place);
  const prev = others[index - 1];
  const next = others[index];
  if (!prev && !next) return POSITION_STEP;
  if (!prev) return (next as Positioned).position - POSITION_STEP;
  if (!next) return prev.position + POSITION_STEP;
  const mid = prev.position + (next.position - prev.position) / 2;
  return mid > prev.position && mid < next.position ? mid : null;
}

/** A column spaced out again (1024 apart, in its order): the tasks whose position changes. */
export function spacedOut(column: readonly Positioned[]): Positioned[] {
  return column
    .map((t, i) => ({ id: t.id, position: (i + 1) * POSITION_STEP, was: t.position }))
    .filter((x) => x.position !== x.was)
    .map(({ id, position }) => ({ id, position }));
}

/** The same task moved (what the board shows until the server answers). */
export function moved(task: Task, status: TaskStatus, position: number, now: string): Task {
  const completed_at =
    status === 'done' ? (task.status === 'done' ? task.completed_at : now) : null;
  return { ...task, status, position, completed_at };
}

/**
 * The tasks `task` waits for that are not done, as far as the board knows
 * (a task it does not hold: as the server said, `blocked`).
 */
export function unfinishedBlockers(board: Board, task: Task): Task[] {
  return task.blocked_by
    .map((id) => board.byId[id])
    .filter((t): t is Task => !!t && t.status !== 'done');
}

/** Whether a task waits for one that is not done (the board's tasks first, then the server's word). */
export function isBlocked(board: Board, task: Task): boolean {
  if (unfinishedBlockers(board, task).length > 0) return true;
  return task.blocked && task.blocked_by.some((id) => !board.byId[id]);
}

/**
 * The tasks that wait for `id`, directly or through others (it cannot wait
 * for any of them: a cycle), from each task's `blocked_by`.
 */
export function waitingFor(board: Board, id: string): Set<string> {
  const waiters = new Map<string, string[]>();
  for (const t of Object.values(board.byId)) {
    for (const b of t.blocked_by) {
      const list = waiters.get(b);
      if (list) list.push(t.id);
      else waiters.set(b, [t.id]);
    }
  }
  const out = new Set<string>();
  const stack = [id];
  while (stack.length) {
    for (const w of waiters.get(stack.pop() as string) ?? []) {
      if (!out.has(w)) {
        out.add(w);
        stack.push(w);
      }
    }
  }
  out.delete(id);
  return out;
}

/** Every label of the board, sorted for the locale. */
export function labelsOf(board: Board, locale: string): string[] {
  const set = new Set<string>();
  for (const t of Object.values(board.byId)) for (const l of t.labels) set.add(l);
  return [...set].sort((a, b) => a.localeCompare(b, locale));
}

export interface TaskFilter {
  /** Only the tasks assigned to this person (the reader: "my tasks"). */
  assignee: string | null;
  label: string | null;
  /** Words of the title (case and accents ignored). */
  text: string;
}

export const NO_FILTER: TaskFilter = { assignee: null, label: null, text: '' };

export function isFiltered(f: TaskFilter): boolean {
  return f.assignee !== null || f.label !== null || f.text.trim() !== '';
}

/** A column's tasks that the filter keeps (the same list when it keeps all). */
export function filtered(column: readonly Task[], f: TaskFilter): readonly Task[] {
  if (!isFiltered(f)) return column;
  const words = fold(f.text).split(/\s+/).filter(Boolean);
  return column.filter(
    (t) =>
      (f.assignee === null || t.assignee_ids.includes(f.assignee)) &&
      (f.label === null || t.labels.includes(f.label)) &&
      (words.length === 0 || words.every((w) => fold(t.title).includes(w))),
  );
}

/** Labels as typed: trimmed, no empty one, no duplicate (as the server keeps them). */
export function cleanLabels(labels: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of labels) {
    const x = l.trim();
    if (x && !out.includes(x)) out.push(x);
  }
  return out;
}
