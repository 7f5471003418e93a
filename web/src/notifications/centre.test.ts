import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api';
import type { EventFrame, KeptNotice, NoticePage } from '../api/types';
import { NOTICE_PAGE, NoticeCentre, noticeFrame, noticeIdOf } from './centre';

const kept = (id: string, read = false, type = 'task.mentioned'): KeptNotice => ({
  id,
  type,
  data: { notice_id: id, task_id: `t${id}`, workspace_id: 'w1', title: 'plan' },
  created_at: '2026-12-04T09:00:00Z',
  read,
});

const live = (
  id: string,
  type = 'calendar.invited',
  frame: Partial<EventFrame> = {},
): EventFrame => ({
  type,
  workspace_id: '',
  seq: 0,
  data: { notice_id: id, id: 'e1', title: 'Revue' },
  ...frame,
});

const hello: EventFrame = { type: 'hello', workspace_id: '', seq: 0, data: {} };

/** Ids as a page of `n`, newest first, from `top` down (two digits: they sort as the server's). */
const ids = (top: number, n: number) =>
  Array.from({ length: n }, (_, i) => String(top - i).padStart(2, '0'));

const page = (list: KeptNotice[], unread: number): NoticePage => ({ notices: list, unread });

/** A started centre whose first page is `first`. */
async function started(first: NoticePage) {
  const list = vi.spyOn(api.me, 'notices').mockResolvedValue(first);
  const c = new NoticeCentre();
  c.start();
  await vi.waitFor(() => expect(c.getState().status).toBe('ready'));
  return { c, list };
}

const idsOf = (c: NoticeCentre) => c.getState().notices.map((n) => n.id);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the notification centre', () => {
  it('reads the first page on start, with the unread count of all', async () => {
    const { c, list } = await started(page([kept('03'), kept('02', true), kept('01')], 7));
    expect(list).toHaveBeenCalledWith({ limit: NOTICE_PAGE });
    expect(idsOf(c)).toEqual(['03', '02', '01']);
    expect(c.getState().unread).toBe(7);
    expect(c.getState().more).toBe(false);
  });

  it('says so when the first page is refused', async () => {
    vi.spyOn(api.me, 'notices').mockRejectedValue(new Error('down'));
    const c = new NoticeCentre();
    c.start();
    await vi.waitFor(() => expect(c.getState().status).toBe('failed'));
  });

  it('prepends live notices once each, counting them unread', async () => {
    const { c } = await started(page([kept('01')], 1));
    c.hear(live('02'));
    c.hear(live('02')); // the same notice again
    c.hear(live('01', 'task.mentioned')); // already listed
    expect(idsOf(c)).toEqual(['02', '01']);
    expect(c.getState().unread).toBe(2);
    expect(c.getState().notices[0]).toMatchObject({ type: 'calendar.invited', read: false });
    // Workspace events, notices the server did not keep, control frames: not listed.
    c.hear(live('03', 'task.updated', { workspace_id: 'w1', seq: 4 }));
    c.hear({ type: 'calendar.invited', workspace_id: '', seq: 0, data: { id: 'e1' } });
    c.hear({ type: 'error', workspace_id: '', seq: 0, data: { notice_id: '04' } });
    expect(idsOf(c)).toEqual(['02', '01']);
    expect(c.getState().unread).toBe(2);
  });

  it('lists a type no module knows, as it came', async () => {
    const { c } = await started(page([kept('01', false, 'wiki.page_shared')], 1));
    c.hear(live('02', 'reports.ready'));
    expect(c.getState().notices.map((n) => n.type)).toEqual(['reports.ready', 'wiki.page_shared']);
    expect(c.getState().kinds.get('reports.ready')).toBeUndefined();
  });

  it('marks one read: at once here, then as the server counts', async () => {
    const { c } = await started(page([kept('02'), kept('01')], 5));
    const read = vi.spyOn(api.me, 'readNotices').mockResolvedValue({ unread: 3 });
    const done = c.markRead('02');
    expect(c.getState().notices[0]?.read).toBe(true);
    expect(c.getState().unread).toBe(4);
    await done;
    expect(read).toHaveBeenCalledWith({ ids: ['02'] });
    expect(c.getState().unread).toBe(3);
    // Already read: nothing to send.
    await c.markRead('02');
    expect(read).toHaveBeenCalledTimes(1);
    // One not listed (a toast's): sent all the same.
    await c.markRead('09');
    expect(read).toHaveBeenLastCalledWith({ ids: ['09'] });
  });

  it('marks every one read', async () => {
    const { c } = await started(page([kept('02'), kept('01', true)], 9));
    const read = vi.spyOn(api.me, 'readNotices').mockResolvedValue({ unread: 0 });
    await c.markAllRead();
    expect(read).toHaveBeenCalledWith({ all: true });
    expect(c.getState().notices.every((n) => n.read)).toBe(true);
    expect(c.getState().unread).toBe(0);
  });

  it('reads the server again when marking fails', async () => {
    const { c, list } = await started(page([kept('01')], 1));
    vi.spyOn(api.me, 'readNotices').mockRejectedValue(new Error('down'));
    await c.markRead('01');
    expect(list).toHaveBeenCalledTimes(2);
    expect(c.getState().notices[0]?.read).toBe(false);
    expect(c.getState().unread).toBe(1);
  });

  it('pages older notices in, before the oldest listed', async () => {
    const first = ids(90, NOTICE_PAGE).map((id) => kept(id));
    const { c, list } = await started(page(first, 40));
    expect(c.getState().more).toBe(true);
    const oldest = first.at(-1)?.id;
    list.mockResolvedValue(page([kept('50'), kept('49', true)], 40));
    await c.more();
    expect(list).toHaveBeenLastCalledWith({ before: oldest, limit: NOTICE_PAGE });
    expect(idsOf(c).slice(-3)).toEqual([oldest, '50', '49']);
    expect(c.getState().more).toBe(false);
    await c.more(); // nothing older
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('reads the first page again on hello: what came while away, what went', async () => {
    const { c, list } = await started(page([kept('02'), kept('01')], 2));
    list.mockResolvedValue(page([kept('04'), kept('03'), kept('01', true)], 2));
    c.hear(hello);
    await vi.waitFor(() => expect(idsOf(c)).toEqual(['04', '03', '01']));
    expect(c.getState().unread).toBe(2);
    expect(c.getState().notices[2]?.read).toBe(true);
  });

  it('keeps, on hello, older pages and what was heard while reading', async () => {
    const first = ids(90, NOTICE_PAGE).map((id) => kept(id));
    const { c, list } = await started(page(first, 0));
    list.mockResolvedValue(page([kept('10')], 0));
    await c.more();
    let answer: (p: NoticePage) => void = () => undefined;
    list.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    c.hear(hello);
    c.hear(live('95')); // the server answers without it
    answer(
      page(
        ids(94, NOTICE_PAGE).map((id) => kept(id)),
        3,
      ),
    );
    await vi.waitFor(() => expect(idsOf(c)[0]).toBe('95'));
    // 95, the page (94 to 65), then what was loaded older than it: 64 to 61, and 10.
    expect(idsOf(c)).toHaveLength(1 + NOTICE_PAGE + 5);
    expect(idsOf(c).slice(-6)).toEqual(['65', '64', '63', '62', '61', '10']);
    expect(c.getState().unread).toBe(4);
    expect(c.getState().more).toBe(false);
  });

  it('forgets everything on stop, and drops answers that come after', async () => {
    const { c, list } = await started(page([kept('01')], 1));
    c.describeNotices(['task.mentioned'], () => null);
    let answer: (p: NoticePage) => void = () => undefined;
    list.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    c.hear(hello);
    c.stop();
    answer(page([kept('02')], 1));
    await Promise.resolve();
    expect(c.getState()).toMatchObject({ notices: [], unread: 0, status: 'idle' });
    expect(c.getState().kinds.has('task.mentioned')).toBe(true);
    c.hear(live('03')); // not signed in: not heard
    expect(c.getState().notices).toEqual([]);
  });

  it('turns a kept notice back into the frame that told it', () => {
    const f = noticeFrame(kept('07'));
    expect(f).toMatchObject({ type: 'task.mentioned', workspace_id: '', seq: 0 });
    expect(noticeIdOf(f)).toBe('07');
    expect(noticeIdOf({ ...f, workspace_id: 'w1', seq: 3 })).toBeUndefined();
  });
});
