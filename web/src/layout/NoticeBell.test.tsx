// The notification centre's bell (English), in the shell as it is: the
// calendar's and the tasks' notices chunks loaded (they say what their
// notices read and where they lead), toasts, the workspaces "w1"
// (Chantier, tasks) and "w2".
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { api, type EventFrame, type KeptNotice, type NoticePage } from '../api';
import InvitationNotices from '../modules/calendar/components/InvitationNotices';
import TaskNotices from '../modules/tasks/components/TaskNotices';
import { showNotices } from '../test/live';
import { mountPoint } from '../test/mount';
import { NoticeBell } from './NoticeBell';

vi.mock('../session', async (original) => ({
  ...(await original<typeof import('../session')>()),
  useMe: () => ({ id: 'me', name: 'Camille' }),
}));

const ui = mountPoint();

const mention = (id: string, read = false): KeptNotice => ({
  id,
  type: 'task.mentioned',
  data: {
    notice_id: id,
    task_id: 't1',
    workspace_id: 'w1',
    title: 'plan',
    comment_id: 'c1',
    author: { id: 'alix', name: 'Alix Martin' },
  },
  created_at: new Date(Date.now() - 5 * 60_000).toISOString(),
  read,
});

const invited = (id: string, read = false): KeptNotice => ({
  id,
  type: 'calendar.invited',
  data: {
    notice_id: id,
    id: 'e1',
    workspace_id: 'w2',
    title: 'Revue',
    start: '2026-12-10T09:00:00Z',
    end: '2026-12-10T10:00:00Z',
    all_day: false,
    organizer: { email: 'alice@example.org', name: 'Alice' },
  },
  created_at: new Date(Date.now() - 2 * 3600_000).toISOString(),
  read,
});

const strange = (id: string): KeptNotice => ({
  id,
  type: 'wiki.page_shared',
  data: { notice_id: id },
  created_at: new Date().toISOString(),
  read: true,
});

let notices: MockInstance<typeof api.me.notices>;
let readNotices: MockInstance<typeof api.me.readNotices>;

beforeEach(() => {
  window.history.replaceState(null, '', '/');
  readNotices = vi.spyOn(api.me, 'readNotices').mockResolvedValue({ unread: 0 });
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function show(first: NoticePage) {
  notices = vi.spyOn(api.me, 'notices').mockResolvedValue(first);
  const live = await showNotices(
    ui,
    <>
      <InvitationNotices />
      <TaskNotices />
      <NoticeBell />
    </>,
    'tasks',
  );
  await vi.waitFor(() => expect(notices).toHaveBeenCalled());
  await act(async () => undefined);
  return live;
}

const bell = () => {
  const b = document.querySelector<HTMLButtonElement>('.notice-bell__button');
  if (!b) throw new Error('no bell');
  return b;
};
const badge = () => bell().querySelector('.notice-bell__badge')?.textContent ?? null;
const panel = () => document.querySelector<HTMLElement>('.notice-bell__panel');
const items = () => [...document.querySelectorAll<HTMLButtonElement>('.notice-item')];
const button = (name: string) => {
  const b = [...document.querySelectorAll<HTMLButtonElement>('.notice-bell__panel button')].find(
    (x) => x.textContent === name,
  );
  if (!b) throw new Error(`no button ${name}`);
  return b;
};
const openPanel = () => act(() => bell().click());

describe('the notification centre’s bell', () => {
  it('says how many are unread, in its name and its badge, and nothing when none', async () => {
    await show({ notices: [mention('02'), invited('01', true)], unread: 2 });
    expect(bell().getAttribute('aria-label')).toBe('Notifications, 2 unread');
    expect(badge()).toBe('2');
    expect(bell().querySelector('.notice-bell__badge')?.getAttribute('aria-hidden')).toBe('true');
  });

  it('hides the badge when nothing is unread', async () => {
    await show({ notices: [invited('01', true)], unread: 0 });
    expect(bell().getAttribute('aria-label')).toBe('Notifications, none unread');
    expect(badge()).toBeNull();
  });

  it('opens a panel listing the notices newest first, each a sentence, unread ones marked', async () => {
    await show({ notices: [mention('03'), invited('02', true), strange('01')], unread: 1 });
    expect(panel()?.hidden).toBe(true);
    openPanel();
    expect(bell().getAttribute('aria-expanded')).toBe('true');
    expect(panel()?.hidden).toBe(false);
    expect(document.activeElement).toBe(panel());
    const [first, second, third] = items();
    expect(first?.querySelector('.notice-item__text')?.textContent).toBe(
      'Alix Martin mentioned you in “plan”',
    );
    expect(first?.classList.contains('notice-item--unread')).toBe(true);
    expect(first?.querySelector('.visually-hidden')?.textContent).toBe('Unread: ');
    expect(first?.querySelector('time')?.textContent).toBe('5 minutes ago');
    expect(second?.querySelector('.notice-item__text')?.textContent).toMatch(
      /^Alice invited you to “Revue” — .*10/,
    );
    expect(second?.classList.contains('notice-item--unread')).toBe(false);
    expect(second?.querySelector('.visually-hidden')).toBeNull();
    expect(third?.querySelector('.notice-item__text')?.textContent).toBe(
      'Notification “wiki.page_shared”',
    );
  });

  it('marks a notice read when opened and goes where its toast leads', async () => {
    readNotices.mockResolvedValue({ unread: 0 });
    await show({ notices: [mention('02'), invited('01', true)], unread: 1 });
    openPanel();
    await act(async () => items()[0]?.click());
    expect(readNotices).toHaveBeenCalledWith({ ids: ['02'] });
    expect(window.location.pathname).toBe('/w/w1/tasks/t1');
    expect(panel()?.hidden).toBe(true);
    expect(badge()).toBeNull();
  });

  it('marks every notice read', async () => {
    await show({ notices: [mention('02'), invited('01')], unread: 2 });
    openPanel();
    await act(async () => button('Mark all as read').click());
    expect(readNotices).toHaveBeenCalledWith({ all: true });
    expect(items().some((i) => i.classList.contains('notice-item--unread'))).toBe(false);
    expect(badge()).toBeNull();
    expect(button('Mark all as read').disabled).toBe(true);
  });

  it('says when there is nothing, and pages older notices in', async () => {
    await show({ notices: [], unread: 0 });
    openPanel();
    expect(panel()?.textContent).toContain('No notifications yet.');
    act(() => bell().click());
    const full = Array.from({ length: 30 }, (_, i) =>
      mention(String(99 - i).padStart(2, '0'), true),
    );
    notices.mockResolvedValue({ notices: full, unread: 0 });
    const { notices: centre } = await import('../notifications/centre');
    await act(() => centre.reread());
    openPanel();
    expect(items()).toHaveLength(30);
    notices.mockResolvedValue({ notices: [invited('10', true)], unread: 0 });
    await act(async () => button('Older').click());
    expect(notices).toHaveBeenLastCalledWith({ before: '70', limit: 30 });
    expect(items()).toHaveLength(31);
    expect(document.querySelector('.notice-bell__more')).toBeNull();
  });

  it('closes on Escape, focus back on the bell', async () => {
    await show({ notices: [mention('01')], unread: 1 });
    openPanel();
    act(() => {
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    });
    expect(panel()?.hidden).toBe(true);
    expect(bell().getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(bell());
  });

  it('counts a live notice, still toasts it, and opening the toast marks it read', async () => {
    const { hear, open } = await show({ notices: [], unread: 0 });
    const frame: EventFrame = {
      type: 'task.mentioned',
      workspace_id: '',
      seq: 0,
      data: { ...mention('05').data },
    };
    hear(frame);
    hear(frame); // heard twice (two subscribers, a replay): one notice
    expect(badge()).toBe('1');
    const toast = document.querySelector<HTMLButtonElement>('.toast button.toast__link');
    expect(toast?.textContent).toBe('Alix Martin mentioned you in “plan”');
    await act(async () => toast?.click());
    expect(open).toHaveBeenCalledWith('/w/w1/tasks/t1');
    expect(readNotices).toHaveBeenCalledWith({ ids: ['05'] });
    expect(badge()).toBeNull();
  });

  it('reads the first page again after a reconnection', async () => {
    const { hear } = await show({ notices: [], unread: 0 });
    notices.mockResolvedValue({ notices: [mention('07')], unread: 1 });
    hear({ type: 'hello', workspace_id: '', seq: 0, data: { user_id: 'me', workspaces: [] } });
    await act(async () => undefined);
    expect(badge()).toBe('1');
  });
});
