// Test data for the tasks module's unit tests.
import type { EventFrame, Task } from '../../../api';

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
