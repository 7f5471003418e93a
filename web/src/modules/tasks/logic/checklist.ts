// A task's checklist as it shows: the server's items with the changes made
// here that it has not answered yet (a tick, a new text, a move, an item
// added or deleted), so that a change shows at once and goes away by
// itself when refused. Pure functions, unit-tested.
import type { ChecklistItem, ChecklistItemChange, Task } from '../../../api';
import { POSITION_STEP } from './board';

/** The server's limits (docs/tasks.md). */
export const MAX_CHECKLIST_ITEMS = 100;
/** An item's text, in UTF-8 bytes. */
export const MAX_ITEM_BYTES = 500;

/** A change to a checklist made here, not answered yet; `seq` tells them apart. */
export type ChecklistOp =
  /** `known`: the ids of the items there when it was added (see shownChecklist). */
  | { seq: number; kind: 'add'; item: ChecklistItem; known: readonly string[] }
  | { seq: number; kind: 'change'; id: string; change: ChecklistItemChange; by: string; at: string }
  | { seq: number; kind: 'remove'; id: string };

/**
 * A change waiting: until the server answers, then (`until`, the task's
 * version that holds it) until the board holds that version of the task.
 */
export type PendingOp = ChecklistOp & { until?: number };

/** The id an item added here has until the server gives it its own. */
export function pendingId(seq: number): string {
  return `pending:${seq}`;
}

export function isPendingItem(item: Pick<ChecklistItem, 'id'>): boolean {
  return item.id.startsWith('pending:');
}

/** Items in their order: lower position first, ties as the server listed them. */
function ordered(items: ChecklistItem[]): ChecklistItem[] {
  return items.sort((a, b) => a.position - b.position);
}

/** The item with a change applied; ticked, by `by` at `at` (unticked: by nobody). */
export function changedItem(
  item: ChecklistItem,
  change: ChecklistItemChange,
  by: string,
  at: string,
): ChecklistItem {
  const next = { ...item, ...change };
  if (change.done !== undefined && change.done !== item.done) {
    next.done_by = change.done ? by : null;
    next.done_at = change.done ? at : null;
  }
  return next;
}

/**
 * The checklist as shown: the server's items, then each change waiting, in
 * order. An item added here is shown until the server's list has a new item
 * with its text (the task's event may come before the answer that names it).
 */
export function shownChecklist(
  items: readonly ChecklistItem[],
  ops: readonly PendingOp[] = [],
): readonly ChecklistItem[] {
  if (ops.length === 0) return items;
  let list = [...items];
  for (const op of ops) {
    if (op.kind === 'add') {
      const landed = items.some((x) => x.text === op.item.text && !op.known.includes(x.id));
      if (!landed) list.push(op.item);
    } else if (op.kind === 'change') {
      list = list.map((x) => (x.id === op.id ? changedItem(x, op.change, op.by, op.at) : x));
    } else {
      list = list.filter((x) => x.id !== op.id);
    }
  }
  return ordered(list);
}

/** How many items are done, of how many. */
export function progressOf(items: readonly ChecklistItem[]): { done: number; total: number } {
  return { done: items.filter((x) => x.done).length, total: items.length };
}

/** Where an item added at the end goes (after the last one shown). */
export function endPosition(items: readonly ChecklistItem[]): number {
  const last = items[items.length - 1];
  return last ? last.position + POSITION_STEP : POSITION_STEP;
}

/**
 * The task once the server made a change to its checklist, at `version`:
 * `item` added or changed (as the server answered it), or the item `removed`.
 */
export function withChecklistChange(
  task: Task,
  version: number,
  change: { item: ChecklistItem } | { removed: string },
): Task {
  let list: ChecklistItem[];
  if ('item' in change) {
    const item = change.item;
    const i = task.checklist.findIndex((x) => x.id === item.id);
    list =
      i >= 0 ? task.checklist.map((x) => (x.id === item.id ? item : x)) : [...task.checklist, item];
  } else {
    list = task.checklist.filter((x) => x.id !== change.removed);
  }
  return { ...task, version, checklist: ordered(list) };
}

/** The changes still waiting once the board holds `version` of the task (null: none). */
export function unsettled(ops: readonly PendingOp[], version: number | null): readonly PendingOp[] {
  if (version === null) return ops;
  const left = ops.filter((op) => op.until === undefined || op.until > version);
  return left.length === ops.length ? ops : left;
}

/** Every task's changes waiting. */
export type PendingByTask = Readonly<Record<string, readonly PendingOp[]>>;

/** `pending` with a task's changes replaced (none: the task left out). */
export function withOps(
  pending: PendingByTask,
  taskId: string,
  ops: readonly PendingOp[],
): PendingByTask {
  const rest = Object.fromEntries(Object.entries(pending).filter(([id]) => id !== taskId));
  return ops.length ? { ...rest, [taskId]: ops } : rest;
}

/**
 * The changes still waiting once the board holds the tasks' versions
 * (`versionOf`; null: a task it does not hold), for task `only` or every
 * task: the same object when none is settled.
 */
export function settledOps(
  pending: PendingByTask,
  versionOf: (taskId: string) => number | null,
  only?: string,
): PendingByTask {
  let next = pending;
  for (const id of only === undefined ? Object.keys(pending) : [only]) {
    const ops = next[id];
    if (!ops) continue;
    const left = unsettled(ops, versionOf(id));
    if (left !== ops) next = withOps(next, id, left);
  }
  return next;
}

/** A new task's checklist, typed one item per line: blank lines left out, 100 at most. */
export function checklistLines(text: string): { text: string }[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, MAX_CHECKLIST_ITEMS)
    .map((l) => ({ text: l }));
}
