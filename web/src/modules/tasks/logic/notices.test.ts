import { describe, expect, it } from 'vitest';
import type { EventFrame } from '../../../api';
import {
  assignedText,
  dueText,
  readAssigned,
  readDue,
  taskTarget,
  mentionText,
  readMention,
} from './notices';

const frame = (data: Record<string, unknown>, o: Partial<EventFrame> = {}): EventFrame => ({
  type: 'task.mentioned',
  workspace_id: '',
  seq: 0,
  data,
  ...o,
});
/** A notice read, failing the test when it is not one. */
function read(e: EventFrame) {
  const n = readMention(e);
  if (!n) throw new Error('not a mention');
  return n;
}
const t = (key: string, vars?: Record<string, unknown>) => `${key} ${JSON.stringify(vars ?? {})}`;

describe('task.mentioned notices', () => {
  const data = {
    task_id: 't1',
    workspace_id: 'w1',
    title: 'plan',
    comment_id: 'c1',
    author: { id: 'a', name: 'Alix Martin' },
  };

  it('reads what the notice says', () => {
    expect(readMention(frame(data))).toEqual(data);
    expect(readMention(frame({ ...data, author: null }))?.author).toEqual({ id: '', name: '' });
  });

  it('leaves other frames, workspace events and notices that name no task', () => {
    expect(readMention(frame(data, { type: 'task.comment_created' }))).toBeNull();
    expect(readMention(frame(data, { workspace_id: 'w1', seq: 3 }))).toBeNull();
    expect(readMention(frame({ ...data, task_id: 1 }))).toBeNull();
    expect(readMention(frame({ ...data, workspace_id: '' }))).toBeNull();
  });

  it('leads to the task where the person opens the tasks, else home', () => {
    const n = read(frame({ ...data, task_id: 'a/b' }));
    expect(taskTarget(n, new Set(['w1']))).toBe('/w/w1/tasks/a%2Fb');
    expect(taskTarget(n, new Set(['w2']))).toBe('/');
  });

  it('names the author and the task', () => {
    const n = read(frame(data));
    expect(mentionText(n, t as never).title).toBe(
      'tasks.notice.mentioned {"name":"Alix Martin","title":"plan"}',
    );
    const bare = read(frame({ ...data, title: ' ', author: {} }));
    expect(mentionText(bare, t as never).title).toBe(
      'tasks.notice.mentioned_untitled {"name":"tasks.notice.someone {}"}',
    );
  });
});

describe('task.due notices', () => {
  const data = { task_id: 't1', workspace_id: 'w1', title: 'plan', due: '2027-01-16' };
  const due = (d: Record<string, unknown>) => frame(d, { type: 'task.due' });

  it('reads what the notice says, and leaves what names no task', () => {
    expect(readDue(due(data))).toEqual({ ...data, by: { id: '', name: '' } });
    expect(readDue(due({ ...data, title: null }))?.title).toBe('');
    expect(readDue(due({ ...data, task_id: '' }))).toBeNull();
    expect(readDue(frame(data))).toBeNull();
  });

  it('says the task is due today, at its time when it has one', () => {
    const n = { ...data, by: { id: '', name: '' } };
    expect(dueText(n, t, 'en')).toEqual({ title: 'tasks.notice.due {"title":"plan"}' });
    const timed = dueText({ ...n, title: ' ', due: '2027-01-16T16:00:00Z' }, t, 'en');
    expect(timed.title).toBe('tasks.notice.due_untitled {}');
    expect(timed.body).toMatch(/^tasks\.notice\.due_at \{"time":"\d\d:00/);
  });
});

describe('task.assigned notices', () => {
  const data = {
    task_id: 't1',
    workspace_id: 'w1',
    title: 'plan',
    due: null,
    by: { id: 'a', name: 'Alix Martin' },
  };
  const assigned = (d: Record<string, unknown>) => frame(d, { type: 'task.assigned' });

  it('reads who assigned which task, and leaves what names none', () => {
    expect(readAssigned(assigned(data))).toEqual({ ...data, due: '' });
    expect(readAssigned(assigned({ ...data, workspace_id: '' }))).toBeNull();
    expect(readAssigned(frame(data))).toBeNull();
  });

  it('says who assigned it, someone when unnamed, a task when sealed', () => {
    const n = readAssigned(assigned(data));
    if (!n) throw new Error('not read');
    expect(assignedText(n, t).title).toBe(
      'tasks.notice.assigned {"name":"Alix Martin","title":"plan"}',
    );
    expect(assignedText({ ...n, title: '', by: { id: 'a', name: ' ' } }, t).title).toBe(
      'tasks.notice.assigned_untitled {"name":"tasks.notice.someone {}"}',
    );
  });
});
