// What the task form edits, and what it sends: a new task's fields, or only
// the fields changed since the form was filled from a task (so that a
// change by someone else to another field is not overwritten).
import type { NewTask, Task, TaskChange, TaskStatus } from '../../../api';
import { cleanLabels } from './board';
import { dueInputValue } from './due';

export interface Draft {
  title: string;
  description: string;
  status: TaskStatus;
  assignee_ids: readonly string[];
  /** As a date input holds it: "2026-12-10", or '' for none. */
  due: string;
  labels: readonly string[];
  blocked_by: readonly string[];
}

export function draftOf(t: Task): Draft {
  return {
    title: t.title,
    description: t.description,
    status: t.status,
    assignee_ids: t.assignee_ids,
    due: dueInputValue(t.due),
    labels: t.labels,
    blocked_by: t.blocked_by,
  };
}

export function emptyDraft(status: TaskStatus = 'todo'): Draft {
  return {
    title: '',
    description: '',
    status,
    assignee_ids: [],
    due: '',
    labels: [],
    blocked_by: [],
  };
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.includes(x));

/** What changed from `base` (the task the form was filled from); {} when nothing did. */
export function changesOf(base: Task, d: Draft): TaskChange {
  const c: TaskChange = {};
  const title = d.title.trim();
  if (title !== base.title) c.title = title;
  if (d.description !== base.description) c.description = d.description;
  if (d.status !== base.status) c.status = d.status;
  if (!sameSet(d.assignee_ids, base.assignee_ids)) c.assignee_ids = [...d.assignee_ids];
  // A due date and time is kept as it is unless its day is changed.
  if (d.due !== dueInputValue(base.due)) c.due = d.due || null;
  const labels = cleanLabels(d.labels);
  if (labels.length !== base.labels.length || labels.some((l, i) => l !== base.labels[i]))
    c.labels = labels;
  if (!sameSet(d.blocked_by, base.blocked_by)) c.blocked_by = [...d.blocked_by];
  return c;
}

export function isChanged(base: Task, d: Draft): boolean {
  return Object.keys(changesOf(base, d)).length > 0;
}

/** POST body: the fields given (empty ones left out). */
export function newTaskOf(d: Draft): NewTask {
  const b: NewTask = { title: d.title.trim(), status: d.status };
  if (d.description.trim()) b.description = d.description;
  if (d.assignee_ids.length) b.assignee_ids = [...d.assignee_ids];
  if (d.due) b.due = d.due;
  const labels = cleanLabels(d.labels);
  if (labels.length) b.labels = labels;
  if (d.blocked_by.length) b.blocked_by = [...d.blocked_by];
  return b;
}

/**
 * The form moved onto a newer version of its task (`current`, changed
 * elsewhere while it was being edited): the fields the person changed keep
 * their value, the others take the new one. `conflicts`: the fields both
 * changed (saving overwrites what the other person wrote there).
 */
export function rebased(
  base: Task,
  draft: Draft,
  current: Task,
): { draft: Draft; conflicts: (keyof Draft)[] } {
  const mine = Object.keys(changesOf(base, draft)) as (keyof Draft)[];
  const theirs = new Set(Object.keys(changesOf(base, draftOf(current))));
  const next: Draft = { ...draftOf(current) };
  for (const k of mine) (next as unknown as Record<string, unknown>)[k] = draft[k];
  return { draft: next, conflicts: mine.filter((k) => theirs.has(k)) };
}
