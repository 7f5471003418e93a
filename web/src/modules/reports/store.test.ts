// The reports store: the period asked read (the last one kept), and live
// changes reading it again once per burst, at most every 5 seconds.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type EventFrame, type Member, type ReportSummary } from '../../api';
import { hearLive } from '../../test/live';
import { localDay } from '../tasks/logic/due';
import { summary, WS } from './logic/fixtures.test-util';
import { REFRESH_DELAY_MS, REFRESH_INTERVAL_MS, ReportsStore } from './store';

const frame = (type: string, o: Partial<EventFrame> = {}): EventFrame => ({
  type,
  workspace_id: WS,
  seq: 12,
  data: {},
  ...o,
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('reading a period', () => {
  it('reads the period shown, once', async () => {
    const read = vi.spyOn(api.reports, 'summary').mockResolvedValue(summary());
    const s = new ReportsStore(WS);
    await s.show(30);
    expect(read).toHaveBeenCalledWith(WS, 30, localDay(new Date()));
    expect(s.getState()).toMatchObject({ days: 30, loading: false, failed: undefined });
    expect(s.getState().summary?.members.total).toBe(7);
    await s.show(30);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('asks as of the reader’s date: tasks due on a day before it are late', async () => {
    const read = vi.spyOn(api.reports, 'summary').mockResolvedValue(summary());
    // Half past midnight here: already the 5th, whatever the UTC date.
    vi.setSystemTime(new Date(2026, 11, 5, 0, 30));
    await new ReportsStore(WS).show(7);
    expect(read).toHaveBeenCalledWith(WS, 7, '2026-12-05');
  });

  it('keeps the answer of the last period asked, whatever the order answers come in', async () => {
    let first: (r: ReportSummary) => void = () => undefined;
    vi.spyOn(api.reports, 'summary')
      .mockImplementationOnce(() => new Promise((r) => (first = r)))
      .mockResolvedValueOnce(summary({ days: 7 }));
    const s = new ReportsStore(WS);
    const a = s.show(30);
    await s.show(7);
    first(summary({ days: 30 }));
    await a;
    expect(s.getState().summary?.days).toBe(7);
    expect(s.getState().loading).toBe(false);
  });

  it('says when the report cannot be read, and keeps what it had', async () => {
    const read = vi.spyOn(api.reports, 'summary').mockResolvedValueOnce(summary());
    const s = new ReportsStore(WS);
    await s.show(30);
    read.mockRejectedValueOnce(new ApiError(404, 'not_found', 'x'));
    await s.show(7);
    expect(s.getState()).toMatchObject({ days: 7, loading: false, failed: { status: 404 } });
    expect(s.getState().summary?.days).toBe(30);
  });
});

describe('live', () => {
  async function started() {
    vi.spyOn(api.workspaces, 'members').mockResolvedValue({ members: [], seq: null });
    const read = vi.spyOn(api.reports, 'summary').mockResolvedValue(summary());
    const s = new ReportsStore(WS);
    s.start();
    await s.show(30);
    return { s, read };
  }

  it('reads again after a burst of the workspace’s changes, once, 5 s after the last reading at most', async () => {
    const { s, read } = await started();
    s.handleEvent(frame('message.created'));
    s.handleEvent(frame('task.updated'));
    s.handleEvent(frame('member.added'));
    await vi.advanceTimersByTimeAsync(REFRESH_INTERVAL_MS - 1);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(read).toHaveBeenCalledTimes(2);
    expect(read).toHaveBeenLastCalledWith(WS, 30, expect.any(String));
    // Long after: one burst waits REFRESH_DELAY_MS only.
    await vi.advanceTimersByTimeAsync(REFRESH_INTERVAL_MS * 3);
    s.handleEvent(frame('file.created'));
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    expect(read).toHaveBeenCalledTimes(3);
    s.stop();
  });

  it('reads the members once, then follows their events; a failure keeps the names held', async () => {
    const hear = hearLive();
    const members = vi.spyOn(api.workspaces, 'members');
    const alice = {
      user_id: 'u1',
      name: 'Alice',
      email: 'a@x',
      role: 'member',
      rights: {},
    } as unknown as Member;
    const bob = {
      user_id: 'u2',
      name: 'Bob',
      email: 'b@x',
      role: 'member',
      rights: {},
    } as unknown as Member;
    members.mockResolvedValueOnce({ members: [alice], seq: 10 });
    const { s } = await started();
    await vi.waitFor(() => expect(s.getState().members).toEqual([alice]));
    hear(frame('member.added', { seq: 13, data: bob as never }));
    await vi.waitFor(() => expect(s.getState().members).toEqual([alice, bob]));
    // An event the list held already changes nothing; a later one does.
    hear(frame('member.added', { seq: 9, data: alice as never }));
    hear(frame('member.removed', { seq: 14, data: { user_id: 'u1' } }));
    await vi.waitFor(() => expect(s.getState().members).toEqual([bob]));
    expect(members).toHaveBeenCalledTimes(1);
    // The modules changed (members' rights name them): read again; a failure keeps what is held.
    members.mockRejectedValueOnce(new ApiError(500, 'internal', 'x'));
    hear(frame('workspace.updated', { seq: 15 }));
    await vi.waitFor(() => expect(members).toHaveBeenCalledTimes(2));
    expect(s.getState().members).toEqual([bob]);
    s.stop();
  });

  it('leaves other workspaces, typing and presence alone', async () => {
    const { s, read } = await started();
    s.handleEvent(frame('message.created', { workspace_id: 'other' }));
    s.handleEvent(frame('chat.typing', { seq: 0 }));
    await vi.advanceTimersByTimeAsync(REFRESH_INTERVAL_MS * 2);
    expect(read).toHaveBeenCalledTimes(1);
    s.stop();
  });

  it('reads again when the connection comes back', async () => {
    const { s, read } = await started();
    s.handleEvent({ type: 'hello', workspace_id: '', seq: 0, data: {} });
    await vi.advanceTimersByTimeAsync(REFRESH_INTERVAL_MS);
    expect(read).toHaveBeenCalledTimes(2);
    s.stop();
  });

  it('a period asked meanwhile is read at once, and the pending reading dropped', async () => {
    const { s, read } = await started();
    s.handleEvent(frame('message.created'));
    await s.show(90);
    expect(read).toHaveBeenLastCalledWith(WS, 90, expect.any(String));
    await vi.advanceTimersByTimeAsync(REFRESH_INTERVAL_MS * 2);
    expect(read).toHaveBeenCalledTimes(2);
    s.stop();
  });

  it('stops listening when stopped', async () => {
    const { s, read } = await started();
    s.handleEvent(frame('message.created'));
    s.stop();
    await vi.advanceTimersByTimeAsync(REFRESH_INTERVAL_MS * 2);
    expect(read).toHaveBeenCalledTimes(1);
  });
});
