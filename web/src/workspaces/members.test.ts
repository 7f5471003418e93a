// The member directory: one read per workspace, then the events.
import { describe, expect, it, vi } from 'vitest';
import type { EventFrame, Member, MemberList } from '../api';
import type { ConnectionState } from '../events';
import { member } from '../test/members';
import { MemberDirectory } from './members';

const ALICE = member('u1', 'Alice', { rights: { chat: 'write' } });
const BOB = member('u2', 'Bob');
const CAMILLE = member('u3', 'Camille');

/** A directory over a fake server and a fake live connection. */
function setup(o: { following?: boolean; keep?: number } = {}) {
  const handlers: [string, (e: EventFrame) => void][] = [];
  const states: ((s: ConnectionState) => void)[] = [];
  const answers: (() => Promise<MemberList>)[] = [];
  const read = vi.fn((ws: string): Promise<MemberList> => {
    const next = answers.shift();
    if (!next) throw new Error(`unexpected read of ${ws}`);
    return next();
  });
  let following = o.following ?? true;
  let now = Date.parse('2026-12-06T12:00:00Z');
  const d = new MemberDirectory(
    {
      read,
      subscribe: (type, h) => {
        handlers.push([type, h]);
        return () => undefined;
      },
      onStateChange: (l) => {
        states.push(l);
        return () => undefined;
      },
      following: () => following,
      me: () => 'me',
      now: () => now,
    },
    o.keep,
  );
  return {
    d,
    read,
    /** The next read answers this (or the returned function, later). */
    answer(members: Member[], seq: number | null) {
      answers.push(() => Promise.resolve({ members, seq }));
    },
    answerLater(): { give(members: Member[], seq: number | null): void; fail(): void } {
      let give: (l: MemberList) => void = () => undefined;
      let fail: (e: unknown) => void = () => undefined;
      answers.push(
        () =>
          new Promise<MemberList>((res, rej) => {
            give = res;
            fail = rej;
          }),
      );
      return {
        give: (members, seq) => give({ members, seq }),
        fail: () => fail(new Error('down')),
      };
    },
    failNext() {
      answers.push(() => Promise.reject(new Error('down')));
    },
    hear(type: string, seq: number, data: unknown, ws = 'w1') {
      const e = { type, workspace_id: ws, seq, data } as EventFrame;
      for (const [t, h] of [...handlers]) if (t === type) h(e);
    },
    hello(heads: Record<string, number>) {
      following = true;
      const data = {
        user_id: 'me',
        workspaces: Object.entries(heads).map(([w, s]) => ({ workspace_id: w, seq: s })),
      };
      for (const [t, h] of [...handlers])
        if (t === 'hello') h({ type: 'hello', workspace_id: '', seq: 0, data } as EventFrame);
    },
    stopped() {
      for (const l of states) l('stopped');
    },
    setFollowing(v: boolean) {
      following = v;
    },
    later(ms: number) {
      now += ms;
    },
  };
}

const names = (list: Member[] | undefined) => list?.map((m) => m.name);

describe('MemberDirectory', () => {
  it('reads a workspace once, for every caller at once and after', async () => {
    const t = setup();
    t.answer([ALICE, BOB], 5);
    const [a, b] = await Promise.all([t.d.members('w1'), t.d.members('w1')]);
    expect(names(a)).toEqual(['Alice', 'Bob']);
    expect(b).toBe(a);
    expect(await t.d.members('w1')).toBe(a);
    expect(t.read).toHaveBeenCalledTimes(1);
  });

  it('applies the events after its list, in the server’s order, and skips those it holds', async () => {
    const t = setup();
    t.answer([ALICE, CAMILLE], 5);
    await t.d.members('w1');
    const told = vi.fn();
    t.d.watch('w1', told);
    t.hear('member.added', 5, BOB); // in the list already (5): nothing
    expect(told).not.toHaveBeenCalled();
    t.hear('member.added', 6, BOB);
    expect(names(t.d.peek('w1'))).toEqual(['Alice', 'Bob', 'Camille']);
    t.hear('member.updated', 7, { ...ALICE, name: 'Zélie', role: 'admin' });
    expect(names(t.d.peek('w1'))).toEqual(['Bob', 'Camille', 'Zélie']);
    expect(t.d.peek('w1')?.[2]?.role).toBe('admin');
    t.hear('member.removed', 8, { user_id: 'u3' });
    expect(names(t.d.peek('w1'))).toEqual(['Bob', 'Zélie']);
    // Other workspaces' events, and malformed ones, change nothing.
    t.hear('member.added', 9, CAMILLE, 'w2');
    t.hear('member.updated', 10, { user_id: 'u2' });
    expect(names(t.d.peek('w1'))).toEqual(['Bob', 'Zélie']);
    expect(told).toHaveBeenCalledTimes(3);
    expect(t.read).toHaveBeenCalledTimes(1);
  });

  it('applies what is heard while it reads to what the read brings, after its list', async () => {
    const t = setup();
    const answer = t.answerLater();
    const pending = t.d.members('w1');
    t.hear('member.added', 6, BOB); // before the list: in it
    t.hear('member.added', 8, CAMILLE); // after it
    t.hear('member.removed', 9, { user_id: 'u1' });
    answer.give([ALICE, BOB], 7);
    expect(names(await pending)).toEqual(['Bob', 'Camille']);
    // Its place follows the last event applied: an older one changes nothing.
    t.hear('member.added', 9, ALICE);
    expect(names(t.d.peek('w1'))).toEqual(['Bob', 'Camille']);
  });

  it('checks a list read before the connection followed against the head hello gives', async () => {
    const t = setup({ following: false });
    t.answer([ALICE], 5);
    await t.d.members('w1');
    t.answer([ALICE], 5);
    await t.d.members('w2');
    t.d.watch('w1', () => undefined);
    // w1 (watched) is older than its head: read again; w2 (not watched) is as recent: kept.
    t.answer([ALICE, BOB], 7);
    t.hello({ w1: 7, w2: 5 });
    await vi.waitFor(() => expect(names(t.d.peek('w1'))).toEqual(['Alice', 'Bob']));
    expect(names(t.d.peek('w2'))).toEqual(['Alice']);
    expect(t.read).toHaveBeenCalledTimes(3);
    // Complete from then on: a drop and its hello read nothing again (resume replays).
    t.hello({ w1: 9, w2: 9 });
    expect(t.read).toHaveBeenCalledTimes(3);
    // An older list nobody watches is dropped, read when asked.
    const u = setup({ following: false });
    u.answer([ALICE], 5);
    await u.d.members('w1');
    u.hello({ w1: 6 });
    expect(u.d.peek('w1')).toBeUndefined();
  });

  it('reads a list read while following once, whatever the hellos', async () => {
    const t = setup({ following: true });
    t.answer([ALICE], 3);
    await t.d.members('w1');
    t.d.watch('w1', () => undefined);
    t.hello({ w1: 40 });
    expect(t.read).toHaveBeenCalledTimes(1);
    expect(names(t.d.peek('w1'))).toEqual(['Alice']);
  });

  it('reads a watched list again when the modules changed, showing the one held meanwhile', async () => {
    const t = setup();
    t.answer([ALICE], 3);
    await t.d.members('w1');
    const told = vi.fn();
    t.d.watch('w1', told);
    const answer = t.answerLater();
    t.hear('workspace.updated', 4, {});
    expect(names(t.d.peek('w1'))).toEqual(['Alice']);
    answer.give([{ ...ALICE, rights: {} }], 4);
    await vi.waitFor(() => expect(t.d.peek('w1')?.[0]?.rights).toEqual({}));
    expect(told).toHaveBeenCalledTimes(1);
    // A failed read keeps what is held; unwatched, the list is dropped instead.
    t.failNext();
    t.hear('workspace.updated', 5, {});
    await vi.waitFor(() => expect(t.read).toHaveBeenCalledTimes(3));
    expect(names(t.d.peek('w1'))).toEqual(['Alice']);
    t.answer([BOB], 1);
    await t.d.members('w2');
    t.hear('workspace.updated', 2, {}, 'w2');
    expect(t.d.peek('w2')).toBeUndefined();
  });

  it('forgets a workspace left, deleted, missing from hello, and everything on sign-out', async () => {
    const t = setup();
    for (const ws of ['w1', 'w2', 'w3', 'w4']) {
      t.answer([ALICE], 1);
      await t.d.members(ws);
    }
    const told = vi.fn();
    t.d.watch('w1', told);
    t.hear('member.removed', 2, { user_id: 'someone' });
    expect(t.d.peek('w1')).toBeDefined();
    t.hear('member.removed', 3, { user_id: 'me' });
    expect(t.d.peek('w1')).toBeUndefined();
    expect(told).not.toHaveBeenCalled(); // nothing read again (a 404 now, a 401 once signed out)
    t.hear('workspace.deleted', 0, { workspace_id: 'w2' }, '');
    expect(t.d.peek('w2')).toBeUndefined();
    t.hello({ w4: 1 });
    expect(t.d.peek('w3')).toBeUndefined();
    expect(t.d.peek('w4')).toBeDefined();
    const signedOut = vi.fn();
    t.d.watch('w4', signedOut);
    t.stopped();
    expect(t.d.peek('w4')).toBeUndefined();
    expect(signedOut).not.toHaveBeenCalled();
    expect(t.read).toHaveBeenCalledTimes(4);
  });

  it('lists no membership that expired', async () => {
    const t = setup();
    const until = new Date(Date.parse('2026-12-06T13:00:00Z')).toISOString();
    t.answer([ALICE, { ...BOB, expires_at: until }], 1);
    expect(names(await t.d.members('w1'))).toEqual(['Alice', 'Bob']);
    t.later(2 * 3600_000);
    expect(names(await t.d.members('w1'))).toEqual(['Alice']);
  });

  it('keeps the last used lists nobody watches, and every watched one', async () => {
    const t = setup({ keep: 2 });
    t.answer([ALICE], 1);
    await t.d.members('w1');
    t.d.watch('w1', () => undefined);
    for (const ws of ['w2', 'w3', 'w4']) {
      t.answer([BOB], 1);
      await t.d.members(ws);
    }
    expect(t.d.peek('w1')).toBeDefined();
    expect(t.d.peek('w2')).toBeUndefined();
    expect(t.d.peek('w3')).toBeDefined();
    expect(t.d.peek('w4')).toBeDefined();
  });

  it('says when a read fails, and reads again at the next call', async () => {
    const t = setup();
    t.failNext();
    await expect(t.d.members('w1')).rejects.toThrow('down');
    t.answer([ALICE], 1);
    expect(names(await t.d.members('w1'))).toEqual(['Alice']);
  });
});
