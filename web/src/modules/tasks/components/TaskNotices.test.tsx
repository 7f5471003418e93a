// The app shell's task notices (English): a toast per mention in a task
// comment or task falling due, whose title opens the task — in its
// workspace's tasks when the person opens them, else the home page;
// workspace events are not notices. A task due shows by the system too
// while the tab is hidden.
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type EventFrame } from '../../../api';
import { showNotices } from '../../../test/live';
import { mountPoint } from '../../../test/mount';
import { FakeNotification, hideTab, stubNotifications } from '../../../test/system-notifications';
import TaskNotices from './TaskNotices';

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

const show = () => showNotices(ui, <TaskNotices />, 'tasks');

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

describe('tasks due', () => {
  beforeEach(stubNotifications);
  afterEach(() => hideTab(false));

  const due = (data: Record<string, unknown> = {}) =>
    ({
      type: 'task.due',
      workspace_id: '',
      seq: 0,
      data: {
        notice_id: 'n1',
        task_id: 't1',
        workspace_id: 'w1',
        title: 'plan',
        due: '2027-01-16',
        ...data,
      },
    }) as EventFrame;

  it('toasts a task due today, which opens it, and shows it by the system while hidden', async () => {
    const { hear, open } = await show();
    hear(due());
    let t = lastToast();
    expect(t.title).toBe('“plan” is due today');
    expect(t.el.querySelector('.toast__body')).toBeNull();
    act(() => t.action?.click());
    expect(open).toHaveBeenLastCalledWith('/w/w1/tasks/t1');
    expect(FakeNotification.shown).toEqual([]);
    hideTab(true);
    // A due time is said; an armoured task's title is sealed.
    hear(due({ notice_id: 'n2', title: '', due: '2027-01-16T16:00:00Z' }));
    t = lastToast();
    expect(t.title).toBe('A task of yours is due today');
    expect(t.el.querySelector('.toast__body')?.textContent).toMatch(/^At \d\d:00/);
    expect(FakeNotification.shown.map((n) => [n.title, n.options.tag])).toEqual([
      ['A task of yours is due today', 'ruche-due-n2'],
    ]);
    act(() => FakeNotification.shown[0]?.onclick?.());
    expect(window.location.pathname).toBe('/w/w1/tasks/t1');
  });

  it('leaves due notices that name no task', async () => {
    const { hear } = await show();
    hear(due({ task_id: '' }));
    hear(due({ workspace_id: '' }));
    expect(toasts()).toHaveLength(0);
  });
});

describe('tasks assigned', () => {
  it('toasts who assigned which task, which opens it', async () => {
    const { hear, open } = await show();
    hear({
      type: 'task.assigned',
      workspace_id: '',
      seq: 0,
      data: {
        notice_id: 'n3',
        task_id: 't1',
        workspace_id: 'w1',
        title: 'plan',
        due: null,
        by: { id: 'alix', name: 'Alix Martin' },
      },
    } as EventFrame);
    const t = lastToast();
    expect(t.title).toBe('Alix Martin assigned you “plan”');
    act(() => t.action?.click());
    expect(open).toHaveBeenLastCalledWith('/w/w1/tasks/t1');
  });
});
