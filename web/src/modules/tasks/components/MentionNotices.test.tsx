// The app shell's mention notices (English): a toast per mention in a task
// comment, whose title opens the task — in its workspace's tasks when the
// person opens them, else the home page; workspace events are not notices.
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type EventFrame } from '../../../api';
import { showNotices } from '../../../test/live';
import { mountPoint } from '../../../test/mount';
import MentionNotices from './MentionNotices';

const ui = mountPoint();

const mentioned = (data: Record<string, unknown> = {}, frame: Partial<EventFrame> = {}) =>
  ({
    type: 'task.mentioned',
    workspace_id: '',
    seq: 0,
    data: {
      task_id: 't1',
      workspace_id: 'w1',
      title: 'plan',
      comment_id: 'c1',
      author: { id: 'alix', name: 'Alix Martin' },
      ...data,
    },
    ...frame,
  }) as EventFrame;

afterEach(() => {
  vi.restoreAllMocks();
});

const show = () => showNotices(ui, <MentionNotices />, 'tasks');

const toasts = () => [...document.querySelectorAll<HTMLElement>('.toast')];
const lastToast = () => {
  const t = toasts().at(-1);
  if (!t) throw new Error('no toast');
  return {
    el: t,
    title: t.querySelector('.toast__title')?.textContent,
    action: t.querySelector<HTMLButtonElement>('button.toast__link'),
  };
};

describe('mention notices', () => {
  it('toasts a mention, in the polite region, whose title opens the task', async () => {
    const { hear, open } = await show();
    hear(mentioned());
    const t = lastToast();
    expect(t.title).toBe('Alix Martin mentioned you in “plan”');
    expect(t.el.classList.contains('toast--mention')).toBe(true);
    expect(t.el.closest('[aria-live="polite"]')).not.toBeNull();
    act(() => t.action?.click());
    expect(open).toHaveBeenCalledWith('/w/w1/tasks/t1');
  });

  it('leads to the home page when the person does not open that workspace’s tasks', async () => {
    const { hear, open } = await show();
    hear(mentioned({ workspace_id: 'w2', author: { id: 'x', name: '' }, title: '' }));
    expect(lastToast().title).toBe('Someone mentioned you in a task’s comment');
    act(() => lastToast().action?.click());
    expect(open).toHaveBeenLastCalledWith('/');
  });

  it('leaves frames that are not notices, or name no task', async () => {
    const { hear } = await show();
    hear(mentioned({}, { workspace_id: 'w1', seq: 4 }));
    hear(mentioned({ task_id: '' }));
    hear({ type: 'task.comment_created', workspace_id: '', seq: 0, data: {} });
    expect(toasts()).toHaveLength(0);
  });
});
