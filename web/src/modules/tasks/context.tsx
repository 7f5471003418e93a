// What every tasks component needs: the store, the workspace, the caller's
// right, the people who can be assigned, names, and the screen's navigation;
// in an armoured workspace, why nothing can be sealed now, and tasks'
// titles as they show (sealed ones may not open).
import { createContext, useContext, useMemo, useSyncExternalStore } from 'react';
import type { ChecklistItem, Me, Member, Task, TaskStatus, Workspace } from '../../api';
import { isApiError } from '../../api';
import { useArmourErrorText, useArmourText } from '../../armour/i18n';
import { useAwaitingKey } from '../../armour/KeysStatus';
import type { Keyring } from '../../armour/keyring';
import { useI18n, type MessageKey } from '../../i18n';
import type { MentionView } from '../../markdown/render';
import { shownChecklist } from './logic/checklist';
import type { TasksState, TasksStore } from './store';

/** A move from the keyboard: within the column shown, or to the next column. */
export type MoveDirection = 'up' | 'down' | 'left' | 'right';

export interface TasksContextValue {
  store: TasksStore;
  workspace: Workspace;
  me: Me;
  /** The caller may create, change, move and delete tasks (write right, not archived). */
  canWrite: boolean;
  /** Workspace owner or admin: deletes anyone's comment (with the write right). */
  canManage: boolean;
  /**
   * Armoured: why nothing new can be sealed now (the workspace's current
   * key not received yet: no new task, no new title, description or
   * labels, no item's text, no comment), else null. From useSealBlocked.
   */
  sealBlocked: string | null;
  /** A task's title as shown: its own, or (armoured) why it does not show. */
  titleOf(task: Task): string;
  /** Members who see the workspace's tasks: who can be assigned one. */
  people: readonly Member[];
  /** A person's name, or "Former member". */
  nameOf(id: string): string;
  /** A person mentioned in a comment (`<@ID>`): their name, and whether it is the reader. */
  mentionView(id: string): MentionView | null;
  /** Opens a task's details (null closes them). */
  openTask(id: string | null): void;
  /** Opens the new task dialog, for a column. */
  newTask(status: TaskStatus): void;
  /** The columns as shown (the filters applied). */
  columns: Readonly<Record<TaskStatus, readonly Task[]>>;
  /**
   * Moves a task one place up or down its column as shown, or to the end
   * of the column before or after; a refusal is said (toast), and the
   * move announced to screen readers.
   */
  move(task: Task, dir: MoveDirection): Promise<void>;
}

const Ctx = createContext<TasksContextValue | null>(null);

export const TasksProvider = Ctx.Provider;

export function useTasks(): TasksContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useTasks outside the tasks screen');
  return v;
}

/** A slice of the tasks state; `select` must return a part of the state, not a new object. */
export function useTasksState<T>(select: (s: TasksState) => T): T {
  const { store } = useTasks();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

/** A task's checklist as shown: its items, with the changes made here not yet answered. */
export function useChecklist(task: Task): readonly ChecklistItem[] {
  const ops = useTasksState((s) => s.pending[task.id]);
  return useMemo(() => shownChecklist(task.checklist, ops), [task.checklist, ops]);
}

const TASKS_ERRORS: Record<string, MessageKey> = {
  blocked: 'tasks.error.blocked',
  dependency_cycle: 'tasks.error.dependency_cycle',
  precondition_failed: 'tasks.error.precondition_failed',
  invalid_title: 'tasks.error.invalid_title',
  invalid_description: 'tasks.error.invalid_description',
  invalid_due: 'tasks.error.invalid_due',
  invalid_labels: 'tasks.error.invalid_labels',
  invalid_assignees: 'tasks.error.invalid_assignees',
  invalid_blocked_by: 'tasks.error.invalid_blocked_by',
  invalid_status: 'error.invalid',
  invalid_position: 'error.invalid',
  invalid_checklist: 'tasks.error.invalid_checklist',
  checklist_full: 'tasks.error.checklist_full',
  invalid_body: 'tasks.error.invalid_comment',
  too_many_comments: 'tasks.error.too_many_comments',
  not_author: 'tasks.error.not_author',
  read_only: 'tasks.read_only',
};

/**
 * Server error codes in tasks words (a task that waits, a cycle, a change
 * made meanwhile...); armour errors (keys locked or not received yet, a
 * card that does not open here) in the armour's.
 */
export function useTasksErrorText(): (e: unknown) => string {
  const armourText = useArmourErrorText();
  const { t } = useI18n();
  return (e) => {
    const key = isApiError(e) ? TASKS_ERRORS[e.code] : undefined;
    return key ? t(key) : armourText(e);
  };
}

/**
 * Armoured: why nothing can be sealed with `keys` now (their current key
 * not held yet), else null (and in a plain workspace, `keys` null).
 */
export function useSealBlocked(keys: Keyring | null): string | null {
  const ta = useArmourText();
  return useAwaitingKey(keys) ? ta('tasks.no_key') : null;
}
