// The calls list: read once, patched by live events (a call started, who
// joins and leaves, a call ended and not brought back by a late event),
// read again after a drop of the live connection, the right to start.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type Call, type EventFrame } from '../../api';
import { CallsStore, REFETCH_DELAY_MS } from './store';

const WS = 'w1';

function call(id: string, participants: string[] = [], started = '2026-12-10T09:00:00Z'): Call {
  return {
    id,
    workspace_id: WS,
    title: `Appel ${id}`,
    started_by: 'u1',
    started_at: started,
    ended_at: null,
    mode: 'p2p',
    participants: participants.map((p) => ({
      id: p,
      call_id: id,
      user_id: `u-${p}`,
      joined_at: started,
      sending: false,
    })),
  };
}

const frame = (type: string, data: Record<string, unknown>, ws = WS): EventFrame => ({
  type,
  workspace_id: ws,
  seq: 1,
  data,
});

const summary = (s: CallsStore) =>
  s.getState().calls.map((c) => `${c.id}:${c.participants.map((p) => p.id).join(',')}`);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('the list', () => {
  it('reads the calls going on, the newest first', async () => {
    vi.spyOn(api.calls, 'list').mockResolvedValue([
      call('a', ['p1'], '2026-12-10T09:00:00Z'),
      call('b', [], '2026-12-10T10:00:00Z'),
    ]);
    const s = new CallsStore(WS, 'me');
    await s.load();
    expect(summary(s)).toEqual(['b:', 'a:p1']);
    expect(s.getState()).toMatchObject({ loaded: true, failed: undefined });
  });

  it('says when calls are off for the caller (404)', async () => {
    vi.spyOn(api.calls, 'list').mockRejectedValue(new ApiError(404, 'not_found', 'x'));
    const s = new CallsStore(WS, 'me');
    await s.load();
    expect(s.getState()).toMatchObject({ loaded: true, failed: { status: 404 } });
  });

  it('follows the live events: started, joined, left, ended', async () => {
    vi.spyOn(api.calls, 'list').mockResolvedValue([call('a', ['p1'])]);
    const s = new CallsStore(WS, 'me');
    await s.load();
    s.handleEvent(frame('call.started', { ...call('b', [], '2026-12-10T11:00:00Z') }));
    expect(summary(s)).toEqual(['b:', 'a:p1']);
    const joined = call('b', ['p2']).participants[0];
    s.handleEvent(frame('call.participant_joined', { call_id: 'b', participant: joined }));
    // Told twice (a resume overlapping the live stream): once in the list.
    s.handleEvent(frame('call.participant_joined', { call_id: 'b', participant: joined }));
    expect(summary(s)).toEqual(['b:p2', 'a:p1']);
    s.handleEvent(frame('call.participant_left', { call_id: 'a', participant_id: 'p1' }));
    expect(summary(s)).toEqual(['b:p2', 'a:']);
    s.handleEvent(frame('call.ended', { call_id: 'a' }));
    expect(summary(s)).toEqual(['b:p2']);
    // A late event of the ended call does not bring it back.
    s.handleEvent(frame('call.started', { ...call('a') }));
    expect(summary(s)).toEqual(['b:p2']);
    // Other workspaces' calls are not ours; signals are not the list's business.
    s.handleEvent(frame('call.started', { ...call('z') }, 'w2'));
    s.handleEvent(frame('call.signal', { call_id: 'b', from: 'p9', to: 'p2', kind: 'offer' }));
    expect(summary(s)).toEqual(['b:p2']);
  });

  it('reads again when someone joins a call it has not seen, and after a reconnection', async () => {
    const list = vi.spyOn(api.calls, 'list').mockResolvedValue([call('a')]);
    const s = new CallsStore(WS, 'me');
    await s.load();
    list.mockResolvedValue([call('a'), call('c', ['p5'])]);
    s.handleEvent(
      frame('call.participant_joined', {
        call_id: 'c',
        participant: call('c', ['p5']).participants[0],
      }),
    );
    s.handleEvent({ type: 'hello', workspace_id: '', seq: 0, data: {} });
    expect(list).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS);
    // One reading for the burst.
    expect(list).toHaveBeenCalledTimes(2);
    expect(summary(s)).toEqual(['c:p5', 'a:']);
  });

  it('starts a call, shown at once', async () => {
    vi.spyOn(api.calls, 'list').mockResolvedValue([]);
    const start = vi.spyOn(api.calls, 'start').mockResolvedValue(call('n'));
    const s = new CallsStore(WS, 'me');
    await s.load();
    await s.startCall('  Point du lundi ');
    expect(start).toHaveBeenCalledWith(WS, 'Point du lundi');
    await s.startCall('   ');
    expect(start).toHaveBeenLastCalledWith(WS, undefined);
    expect(summary(s)).toEqual(['n:']);
  });
});

describe('the right', () => {
  it('write starts calls; read only joins; an archived workspace starts none', async () => {
    vi.spyOn(api.workspaces, 'get')
      .mockResolvedValueOnce({
        role: 'member',
        rights: { calls: 'read' },
        archived: false,
      } as never)
      .mockResolvedValueOnce({
        role: 'member',
        rights: { calls: 'write' },
        archived: true,
      } as never)
      .mockResolvedValueOnce({ role: 'member', rights: {}, archived: false } as never);
    const s = new CallsStore(WS, 'me');
    await s.loadRight();
    expect(s.canStart).toBe(false);
    await s.loadRight();
    expect(s.canStart).toBe(false);
    await s.loadRight();
    expect(s.canStart).toBe(true);
  });

  it('reads the right again when the caller’s membership changes', async () => {
    const get = vi
      .spyOn(api.workspaces, 'get')
      .mockResolvedValue({ role: 'member', rights: {}, archived: false } as never);
    vi.spyOn(api.workspaces, 'members').mockResolvedValue({ members: [], seq: null });
    const s = new CallsStore(WS, 'me');
    s.handleEvent(frame('member.updated', { user_id: 'someone else' }));
    expect(get).not.toHaveBeenCalled();
    s.handleEvent(frame('member.updated', { user_id: 'me' }));
    expect(get).toHaveBeenCalledTimes(1);
  });
});
