import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventFrame } from '../api/types';
import { EventConnection, isNotice, type SocketLike } from './connection';

/** A WebSocket stand-in the test drives by hand. */
class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  closed: { code?: number; reason?: string } | null = null;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number, reason?: string) {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(frame: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(frame) }));
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}

const last = () => FakeSocket.all[FakeSocket.all.length - 1] as FakeSocket;

function hello(user: string, heads: Record<string, number>) {
  return {
    type: 'hello',
    workspace_id: '',
    seq: 0,
    data: {
      user_id: user,
      workspaces: Object.entries(heads).map(([workspace_id, seq]) => ({ workspace_id, seq })),
    },
  };
}

function ev(type: string, ws: string, seq: number, data: Record<string, unknown> = {}): EventFrame {
  return { type, workspace_id: ws, seq, data };
}

function connection(extra: Partial<ConstructorParameters<typeof EventConnection>[0]> = {}) {
  return new EventConnection({
    url: 'ws://test/api/v1/events',
    createSocket: (url) => new FakeSocket(url),
    random: () => 0, // no jitter: exact delays
    ...extra,
  });
}

describe('EventConnection', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens, reads hello and delivers events to subscribers by type, prefix and *', () => {
    const c = connection();
    const states: string[] = [];
    c.onStateChange((s) => states.push(s));
    const exact = vi.fn();
    const prefix = vi.fn();
    const all = vi.fn();
    c.subscribe('member.added', exact);
    c.subscribe('member.*', prefix);
    c.subscribe('*', all);
    c.start();
    last().open();
    last().receive(hello('me', { w1: 5 }));
    expect(c.state).toBe('open');
    expect(c.userId).toBe('me');
    expect(c.lastSeqOf('w1')).toBe(5);
    last().receive(ev('member.added', 'w1', 6, { user_id: 'u2' }));
    last().receive(ev('workspace.updated', 'w1', 7));
    expect(exact).toHaveBeenCalledTimes(1);
    expect(prefix).toHaveBeenCalledTimes(1);
    expect(all).toHaveBeenCalledTimes(2);
    expect(c.lastSeqOf('w1')).toBe(7);
    expect(states).toEqual(['connecting', 'open']);
  });

  it('resumes every workspace from its last sequence number after a drop', () => {
    const c = connection();
    c.start();
    last().open();
    last().receive(hello('me', { w1: 3, w2: 10 }));
    last().receive(ev('x.y', 'w1', 4));
    last().receive(ev('x.y', 'w2', 12));
    last().drop();
    expect(c.state).toBe('reconnecting');
    vi.advanceTimersByTime(500);
    expect(FakeSocket.all).toHaveLength(2);
    last().open();
    expect(last().sent).toEqual([
      { type: 'resume', workspace_id: 'w1', since: 4 },
      { type: 'resume', workspace_id: 'w2', since: 12 },
    ]);
  });

  it('drops events it already delivered (a resume overlapping the live stream)', () => {
    const c = connection();
    const seen: number[] = [];
    c.subscribe('*', (e) => seen.push(e.seq));
    c.start();
    last().open();
    last().receive(hello('me', { w1: 1 }));
    for (const s of [2, 3, 2, 3, 4, 1]) last().receive(ev('t.x', 'w1', s));
    expect(seen).toEqual([2, 3, 4]);
  });

  it('follows workspaces from hello: new ones start at their head, gone ones are forgotten', () => {
    const c = connection();
    c.start();
    last().open();
    last().receive(hello('me', { w1: 3, w2: 7 }));
    last().drop();
    vi.advanceTimersByTime(500);
    last().open();
    last().receive(hello('me', { w1: 9, w3: 2 }));
    expect(c.lastSeqOf('w1')).toBe(3); // resumed from 3, catch-up follows
    expect(c.lastSeqOf('w2')).toBeUndefined();
    expect(c.lastSeqOf('w3')).toBe(2);
  });

  it('backs off exponentially up to the cap, and resets after a successful hello', () => {
    const c = connection({ initialDelayMs: 100, maxDelayMs: 800 });
    c.start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = FakeSocket.all.length;
      last().drop(); // fails before opening
      let waited = 0;
      while (FakeSocket.all.length === before) {
        vi.advanceTimersByTime(10);
        waited += 10;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([100, 200, 400, 800, 800, 800]);
    last().open();
    last().receive(hello('me', {}));
    last().drop();
    const before = FakeSocket.all.length;
    vi.advanceTimersByTime(99);
    expect(FakeSocket.all.length).toBe(before);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all.length).toBe(before + 1);
    expect(c.state).toBe('reconnecting');
  });

  it('applies jitter below the nominal delay', () => {
    const c = connection({ initialDelayMs: 1000, jitter: 0.5, random: () => 1 });
    c.start();
    last().drop();
    vi.advanceTimersByTime(499);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('spreads the retries when the server closed everyone (1001 going away, 1012 resync)', () => {
    const cases: [number, number][] = [
      [1001, 3000],
      [1012, 600],
    ];
    for (const [code, due] of cases) {
      FakeSocket.all = [];
      const c = connection({ spreadMs: 4000, resyncSpreadMs: 800, random: () => 0.75 });
      c.start();
      last().open();
      last().receive(hello('me', { w1: 5 }));
      last().drop(code);
      vi.advanceTimersByTime(due - 1);
      expect(FakeSocket.all).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(FakeSocket.all).toHaveLength(2);
      // It resumes like after any drop.
      last().open();
      expect(last().sent).toContainEqual({
        type: 'resume',
        workspace_id: 'w1',
        since: 5,
      });
      c.stop();
    }
  });

  it('reports failed attempts so the session can be checked', () => {
    const onConnectFailed = vi.fn();
    const c = connection({ onConnectFailed });
    c.start();
    last().drop();
    vi.advanceTimersByTime(500);
    last().drop();
    expect(onConnectFailed.mock.calls).toEqual([[1], [2]]);
  });

  it('stops for good when the server revokes the credentials (4001)', () => {
    const onRevoked = vi.fn();
    const c = connection({ onRevoked });
    c.start();
    last().open();
    last().receive(hello('me', { w1: 1 }));
    last().drop(4001);
    expect(c.state).toBe('stopped');
    expect(onRevoked).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('pings and replaces a socket that stays silent', () => {
    const c = connection({ pingIntervalMs: 1000, pongTimeoutMs: 500 });
    c.start();
    last().open();
    last().receive(hello('me', { w1: 1 }));
    vi.advanceTimersByTime(1000);
    expect(last().sent).toContainEqual({ type: 'ping' });
    last().receive({ type: 'pong' });
    vi.advanceTimersByTime(1000); // second ping, no answer this time
    const first = last();
    vi.advanceTimersByTime(500);
    expect(first.closed?.code).toBe(4000);
    expect(c.state).toBe('reconnecting');
    vi.advanceTimersByTime(500);
    expect(FakeSocket.all).toHaveLength(2);
    last().open();
    expect(last().sent).toEqual([{ type: 'resume', workspace_id: 'w1', since: 1 }]);
  });

  it('forgets a workspace the person was removed from', () => {
    const c = connection();
    c.start();
    last().open();
    last().receive(hello('me', { w1: 1, w2: 1 }));
    last().receive(ev('member.removed', 'w1', 2, { user_id: 'someone' }));
    expect(c.lastSeqOf('w1')).toBe(2);
    last().receive(ev('member.removed', 'w1', 3, { user_id: 'me' }));
    expect(c.lastSeqOf('w1')).toBeUndefined();
    last().receive(ev('workspace.deleted', 'w2', 0, { workspace_id: 'w2' }));
    expect(c.lastSeqOf('w2')).toBeUndefined();
  });

  it('refresh() reconnects at once and resumes; stop() closes without retrying', () => {
    const c = connection();
    c.start();
    last().open();
    last().receive(hello('me', { w1: 4 }));
    c.refresh();
    expect(FakeSocket.all).toHaveLength(2);
    expect(FakeSocket.all[0]?.closed?.code).toBe(1000);
    last().open();
    expect(last().sent).toEqual([{ type: 'resume', workspace_id: 'w1', since: 4 }]);
    c.stop();
    expect(c.state).toBe('stopped');
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('reconnectNow() skips the wait', () => {
    const c = connection({ initialDelayMs: 10_000 });
    c.start();
    last().drop();
    c.reconnectNow();
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('ignores malformed frames and keeps going', () => {
    const c = connection();
    const all = vi.fn();
    c.subscribe('*', all);
    c.start();
    last().open();
    last().onmessage?.(new MessageEvent('message', { data: 'not json' }));
    last().receive({ nope: true });
    last().receive(hello('me', { w1: 1 }));
    last().receive(ev('a.b', 'w1', 2));
    expect(all).toHaveBeenCalledTimes(1);
  });

  it('sends client messages only while open, and passes ephemeral events (seq 0) through', () => {
    const c = connection();
    const typing = vi.fn();
    c.subscribe('chat.typing', typing);
    c.start();
    expect(c.send({ type: 'chat.typing', workspace_id: 'w1', channel_id: 'c1' })).toBe(false);
    last().open();
    last().receive(hello('me', { w1: 3 }));
    expect(c.send({ type: 'chat.typing', workspace_id: 'w1', channel_id: 'c1' })).toBe(true);
    expect(last().sent).toContainEqual({
      type: 'chat.typing',
      workspace_id: 'w1',
      channel_id: 'c1',
    });
    last().receive(ev('chat.typing', 'w1', 0, { channel_id: 'c1', user_id: 'u2' }));
    last().receive(ev('chat.typing', 'w1', 0, { channel_id: 'c1', user_id: 'u2' }));
    expect(typing).toHaveBeenCalledTimes(2);
    expect(c.lastSeqOf('w1')).toBe(3);
    last().drop();
    expect(c.send({ type: 'chat.typing', workspace_id: 'w1', channel_id: 'c1' })).toBe(false);
  });

  it('delivers notices to one person (no workspace, seq 0) without moving any workspace', () => {
    const c = connection();
    const exact = vi.fn();
    const prefix = vi.fn();
    const all = vi.fn();
    c.subscribe('calendar.invited', exact);
    c.subscribe('calendar.*', prefix);
    c.subscribe('*', all);
    c.start();
    last().open();
    last().receive(hello('me', { w1: 5, w2: 9 }));
    // Its data names a workspace: the frame belongs to none.
    const invited = ev('calendar.invited', '', 0, { id: 'e1', workspace_id: 'w1', title: 'Revue' });
    last().receive(invited);
    last().receive(invited);
    last().receive(ev('calendar.answered', '', 0, { id: 'e1', workspace_id: 'w2' }));
    expect(exact).toHaveBeenCalledTimes(2);
    expect(exact).toHaveBeenLastCalledWith(invited);
    expect(prefix).toHaveBeenCalledTimes(3);
    expect(all).toHaveBeenCalledTimes(3);
    expect([c.lastSeqOf('w1'), c.lastSeqOf('w2'), c.lastSeqOf('')]).toEqual([5, 9, undefined]);
    // Not a gap either: the next event of each workspace comes through.
    last().receive(ev('calendar.event_created', 'w1', 6));
    last().receive(ev('calendar.event_updated', 'w2', 10));
    expect(all).toHaveBeenCalledTimes(5);
    last().receive(ev('calendar.invitation_cancelled', '', 0, { id: 'e1', workspace_id: 'w1' }));
    expect(prefix).toHaveBeenCalledTimes(6);
    expect([c.lastSeqOf('w1'), c.lastSeqOf('w2')]).toEqual([6, 10]);
    // After a drop: each workspace resumes from its own events, and nothing else.
    last().drop();
    vi.advanceTimersByTime(500);
    last().open();
    expect(last().sent).toEqual([
      { type: 'resume', workspace_id: 'w1', since: 6 },
      { type: 'resume', workspace_id: 'w2', since: 10 },
    ]);
    last().receive(hello('me', { w1: 6, w2: 10 }));
    last().receive(invited);
    expect(exact).toHaveBeenCalledTimes(3);
    expect([c.lastSeqOf('w1'), c.lastSeqOf('w2')]).toEqual([6, 10]);
  });

  it('delivers a notice that comes before hello, and keeps the heads hello gives', () => {
    const c = connection();
    const seen = vi.fn();
    c.subscribe('calendar.answered', seen);
    c.start();
    last().open();
    last().receive(ev('calendar.answered', '', 0, { id: 'e1', workspace_id: 'w1' }));
    expect(seen).toHaveBeenCalledTimes(1);
    last().receive(hello('me', { w1: 4 }));
    expect(c.lastSeqOf('w1')).toBe(4);
  });

  it('tells notices from workspace events and control frames', () => {
    expect(isNotice(ev('calendar.invited', '', 0, { workspace_id: 'w1' }))).toBe(true);
    expect(isNotice(ev('calendar.event_created', 'w1', 3))).toBe(false);
    expect(isNotice(ev('chat.typing', 'w1', 0))).toBe(false);
    expect(isNotice(ev('hello', '', 0))).toBe(false);
    expect(isNotice(ev('error', '', 0))).toBe(false);
  });
});
