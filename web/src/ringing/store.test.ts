// Incoming calls: a ring shows once its caller's name is read, and stops on
// each of its causes — declined here, declined in another tab, joined in
// any tab, the call ended, its time up — and after a drop of the live
// connection when the call ended or was joined meanwhile; several ring at
// once, the newest first; a ring again of the same call starts its time anew.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type Call, type EventFrame, type Member } from '../api';
import { RingingStore, type RingingApi } from './store';

const ME = 'me';

const MEMBERS = [
  { user_id: 'me', name: 'Camille Durand' },
  { user_id: 'ada', name: 'Ada Lovelace' },
  { user_id: 'bob', name: 'Bob Martin' },
] as unknown as Member[];

function callOf(id: string, o: Partial<Call> = {}): Call {
  return {
    id,
    workspace_id: 'w1',
    title: '',
    started_by: 'ada',
    started_at: '2026-12-10T09:00:00Z',
    ended_at: null,
    mode: 'p2p',
    participants: [],
    ...o,
  };
}

let handlers: Map<string, Set<(e: EventFrame) => void>>;
let api: RingingApi & {
  declined: string[];
  members: ReturnType<typeof vi.fn>;
  get: ReturnType<typeof vi.fn>;
};
let store: RingingStore;

function emit(type: string, data: Record<string, unknown>, workspace = 'w1') {
  const frame: EventFrame = { type, workspace_id: workspace, seq: 0, data };
  handlers.get(type)?.forEach((h) => h(frame));
}

function ring(callId: string, o: Record<string, unknown> = {}, workspace = 'w1') {
  emit(
    'call.ringing',
    {
      call_id: callId,
      workspace_id: workspace,
      title: `Appel ${callId}`,
      from_user_id: 'ada',
      ring_seconds: 30,
      ...o,
    },
    workspace,
  );
}

/** The names read, and anything else pending on promises. */
const settle = () => vi.advanceTimersByTimeAsync(0);
const ringing = () => store.getState().rings.map((r) => r.callId);

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-10T09:00:00Z') });
  handlers = new Map();
  const declined: string[] = [];
  api = {
    declined,
    members: vi.fn(async () => MEMBERS),
    decline: vi.fn(async (cid: string) => {
      declined.push(cid);
    }),
    get: vi.fn(async (cid: string) => callOf(cid)),
  };
  store = new RingingStore(ME, {
    api,
    events: {
      subscribe: (type, h) => {
        const set = handlers.get(type) ?? new Set();
        handlers.set(type, set);
        set.add(h);
        return () => set.delete(h);
      },
    },
    now: () => Date.now(),
  });
  store.start();
});

afterEach(() => {
  store.stop();
  vi.useRealTimers();
});

describe('a ring', () => {
  it('shows once the caller’s name is read, with the call, the workspace and its end', async () => {
    ring('c1', { title: 'Point du lundi' });
    expect(ringing()).toEqual([]);
    await settle();
    expect(api.members).toHaveBeenCalledWith('w1');
    expect(store.getState().rings).toEqual([
      {
        callId: 'c1',
        workspaceId: 'w1',
        title: 'Point du lundi',
        fromUserId: 'ada',
        fromName: 'Ada Lovelace',
        until: Date.now() + 30_000,
        n: 1,
      },
    ]);
  });

  it('still rings when the names cannot be read (the caller unnamed)', async () => {
    api.members.mockRejectedValueOnce(new ApiError(0, 'network', 'down'));
    ring('c1');
    await settle();
    expect(store.getState().rings[0]?.fromName).toBeNull();
  });

  it('ignores a malformed event', async () => {
    emit('call.ringing', { workspace_id: 'w1', from_user_id: 'ada' });
    emit('call.ringing', { call_id: 'c1' });
    await settle();
    expect(ringing()).toEqual([]);
  });
});

describe('stops ringing', () => {
  beforeEach(async () => {
    ring('c1');
    await settle();
    expect(ringing()).toEqual(['c1']);
  });

  it('when declined here: at once, and the server is told', async () => {
    store.decline('c1');
    expect(ringing()).toEqual([]);
    expect(api.declined).toEqual(['c1']);
  });

  it('when declined here even if the server refuses (the call ended meanwhile)', async () => {
    (api.decline as ReturnType<typeof vi.fn>).mockRejectedValueOnce(
      new ApiError(410, 'call_ended', 'ended'),
    );
    store.decline('c1');
    await settle();
    expect(ringing()).toEqual([]);
  });

  it('when declined in another tab of the person’s (call.declined with their id)', () => {
    emit('call.declined', { call_id: 'c1', user_id: 'bob' });
    expect(ringing()).toEqual(['c1']);
    emit('call.declined', { call_id: 'c2', user_id: ME });
    expect(ringing()).toEqual(['c1']);
    emit('call.declined', { call_id: 'c1', user_id: ME });
    expect(ringing()).toEqual([]);
    expect(api.declined).toEqual([]);
  });

  it('when the person joins, from any tab (call.participant_joined about them)', () => {
    emit('call.participant_joined', { call_id: 'c1', participant: { id: 'p2', user_id: 'bob' } });
    expect(ringing()).toEqual(['c1']);
    emit('call.participant_joined', { call_id: 'c1', participant: { id: 'p3', user_id: ME } });
    expect(ringing()).toEqual([]);
  });

  it('when joined here (accept gives the ring to open)', () => {
    const r = store.accept('c1');
    expect(r?.callId).toBe('c1');
    expect(ringing()).toEqual([]);
    expect(store.accept('c1')).toBeUndefined();
    expect(api.declined).toEqual([]);
  });

  it('when the call ends', () => {
    emit('call.ended', { call_id: 'c2' });
    expect(ringing()).toEqual(['c1']);
    emit('call.ended', { call_id: 'c1' });
    expect(ringing()).toEqual([]);
  });

  it('after ring_seconds', async () => {
    await vi.advanceTimersByTimeAsync(29_999);
    expect(ringing()).toEqual(['c1']);
    await vi.advanceTimersByTimeAsync(1);
    expect(ringing()).toEqual([]);
  });

  it('when the person leaves the workspace, or it is deleted', async () => {
    ring('c2', {}, 'w2');
    await settle();
    emit('member.removed', { user_id: 'bob' });
    expect(ringing()).toEqual(['c2', 'c1']);
    emit('member.removed', { user_id: ME });
    expect(ringing()).toEqual(['c2']);
    emit('workspace.deleted', {}, 'w2');
    expect(ringing()).toEqual([]);
  });

  it('after a drop of the live connection, when the call ended or was joined meanwhile', async () => {
    ring('c2');
    ring('c3');
    ring('c4');
    await settle();
    api.get.mockImplementation(async (cid: string) => {
      if (cid === 'c1') return callOf(cid, { ended_at: '2026-12-10T09:00:10Z' });
      if (cid === 'c2')
        return callOf(cid, {
          participants: [{ id: 'p9', call_id: cid, user_id: ME, joined_at: '', sending: false }],
        });
      if (cid === 'c3') throw new ApiError(404, 'not_found', 'gone');
      throw new ApiError(0, 'network', 'still down');
    });
    emit('hello', {}, '');
    await settle();
    // c4 could not be checked: it rings on, for its time.
    expect(ringing()).toEqual(['c4']);
  });
});

describe('several rings', () => {
  it('ring at once, the newest first, each stopping on its own', async () => {
    ring('c1');
    await settle();
    await vi.advanceTimersByTimeAsync(10_000);
    ring('c2', { from_user_id: 'bob', workspace_id: 'w2' }, 'w2');
    await settle();
    expect(ringing()).toEqual(['c2', 'c1']);
    expect(store.getState().rings.map((r) => r.fromName)).toEqual(['Bob Martin', 'Ada Lovelace']);
    emit('call.ended', { call_id: 'c2' });
    expect(ringing()).toEqual(['c1']);
    ring('c3');
    await settle();
    expect(ringing()).toEqual(['c3', 'c1']);
    // c1's 30 s are up: c3 rings on.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ringing()).toEqual(['c3']);
  });

  it('a ring again of the same call replaces it, its time starting anew', async () => {
    ring('c1');
    await settle();
    await vi.advanceTimersByTimeAsync(20_000);
    ring('c1', { title: 'Encore' });
    await settle();
    expect(store.getState().rings.map((r) => [r.callId, r.title])).toEqual([['c1', 'Encore']]);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ringing()).toEqual(['c1']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ringing()).toEqual([]);
  });

  it('a ring stopped while its caller’s name is read never shows', async () => {
    let release: (m: Member[]) => void = () => undefined;
    api.members.mockImplementationOnce(() => new Promise<Member[]>((r) => (release = r)));
    ring('c1');
    emit('call.ended', { call_id: 'c1' });
    release(MEMBERS);
    await settle();
    expect(ringing()).toEqual([]);
  });

  it('stop() silences everything and listens no more', async () => {
    ring('c1');
    await settle();
    store.stop();
    expect(ringing()).toEqual([]);
    ring('c2');
    await settle();
    expect(ringing()).toEqual([]);
  });
});
