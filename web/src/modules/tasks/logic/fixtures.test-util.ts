// Test data for the tasks module's unit tests.
import type { EventFrame, Task, TaskComment } from '../../../api';

export const WS = 'w1';

export function task(id: string, extra: Partial<Task> = {}): Task {
  return {
    id,
    workspace_id: WS,
    title: `Tâche ${id}`,
    description: '',
    status: 'todo',
    position: 1024,
    assignee_ids: [],
    labels: [],
    due: null,
    blocked_by: [],
    blocks: [],
    blocked: false,
    created_by: 'alice',
    created_at: '2026-11-01T10:00:00Z',
    updated_at: '2026-11-01T10:00:00Z',
    completed_at: null,
    version: 1,
    checklist: [],
    comment_count: 0,
    ...extra,
  };
}

export function taskEvent(type: string, data: object, workspace = WS): EventFrame {
  return { type, workspace_id: workspace, seq: 1, module: 'tasks', data: { ...data } };
}

/** A comment of task `t` by alice, made at 09:`minute`. */
export function comment(id: string, minute: number, extra: Partial<TaskComment> = {}): TaskComment {
  return {
    id,
    task_id: 't',
    author_id: 'alice',
    body: `Commentaire ${id}`,
    created_at: `2026-12-01T09:${String(minute).padStart(2, '0')}:00.000Z`,
    edited_at: null,
    ...extra,
  };
}
