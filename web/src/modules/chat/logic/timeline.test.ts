import { describe, expect, it } from 'vitest';
import { nextPins } from '../store';
import { event, msg, must } from './fixtures.test-util';
import {
  EMPTY_TIMELINE,
  applyEvent,
  inChannel,
  inThread,
  lastOwnMessage,
  loadedOlderReplies,
  loadedThread,
  loadedLatest,
  loadedOlder,
  merge,
  upsert,
  upserted,
  withReaction,
  type Timeline,
} from './timeline';

const at = (min: number) => new Date(Date.UTC(2026, 10, 29, 10, min)).toISOString();
const accept = inChannel('c1');

function loaded(n: number, base = 1): Timeline {
  const list = Array.from({ length: n }, (_, i) =>
    msg('alice', at(i), { seq: base + i, id: `s${base + i}` }),
  );
  return loadedLatest(EMPTY_TIMELINE, [...list].reverse(), 50, accept, base + n - 1);
}

describe('merge', () => {
  const m = (seq: number, body = 'x') => msg('alice', at(seq), { seq, id: `s${seq}`, body });
  it('joins a page wholly before or after the list as it is, keeping the objects', () => {
    const list = [m(10), m(11), m(12)];
    const older = [m(7), m(8)];
    const joined = merge(older, list);
    expect(joined.map((x) => x.seq)).toEqual([7, 8, 10, 11, 12]);
    expect(joined[2]).toBe(list[0]);
    expect(joined[0]).toBe(older[0]);
    expect(merge([m(13)], list).map((x) => x.seq)).toEqual([10, 11, 12, 13]);
    expect(merge([], list)).toEqual(list);
    expect(merge([], list)).not.toBe(list);
  });
  it('sorts and lets the second list win when the two overlap or the first is out of order', () => {
    const list = [m(10, 'old'), m(12)];
    expect(merge([m(11), m(10, 'new')], list).map((x) => [x.seq, x.body])).toEqual([
      [10, 'old'],
      [11, 'x'],
      [12, 'x'],
    ]);
    expect(merge([m(9), m(8)], list).map((x) => x.seq)).toEqual([8, 9, 10, 12]);
    expect(merge([m(3), m(1)], []).map((x) => x.seq)).toEqual([1, 3]);
  });
});

describe('timeline state', () => {
  it('loads the newest page (newest first) oldest first, and knows if more is older', () => {
    const t = loaded(3);
    expect(t.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(t.hasOlder).toBe(false);
    expect(t.syncedSeq).toBe(3);
    const full = loadedLatest(
      EMPTY_TIMELINE,
      Array.from({ length: 50 }, (_, i) => msg('a', at(0), { seq: 100 - i })),
      50,
      accept,
    );
    expect(full.hasOlder).toBe(true);
  });

  it('prepends older pages without duplicates', () => {
    const t = loaded(3, 10);
    const older = [
      msg('bob', at(0), { seq: 9, id: 's9' }),
      msg('bob', at(0), { seq: 8, id: 's8' }),
    ];
    const t2 = loadedOlder(t, [...older, must(t.messages[0])], 100, accept);
    expect(t2.messages.map((m) => m.id)).toEqual(['s8', 's9', 's10', 's11', 's12']);
    expect(t2.hasOlder).toBe(false);
  });

  it('dedupes by id: our POST answer and the event that follows are one message', () => {
    const t = loaded(2);
    const mine = msg('me', at(5), { seq: 3, id: 'new' });
    const t2 = upserted(t, mine, accept);
    const t3 = applyEvent(t2, event('message.created', mine), accept);
    const t4 = applyEvent(t3, event('message.created', mine), accept);
    expect(t4.messages.map((m) => m.id)).toEqual(['s1', 's2', 'new']);
  });

  it('keeps events that arrive while the first page is loading', () => {
    const early = msg('bob', at(9), { seq: 7, id: 'early' });
    const pending = applyEvent(EMPTY_TIMELINE, event('message.created', early), accept);
    const t = loadedLatest(pending, [msg('a', at(1), { seq: 6, id: 'six' }), early], 50, accept);
    expect(t.messages.map((m) => m.id)).toEqual(['six', 'early']);
  });

  it('inserts out-of-order messages at their place', () => {
    const list = upsert(
      upsert(
        upsert([], msg('a', at(0), { seq: 1, id: 'a' })),
        msg('a', at(0), { seq: 5, id: 'e' }),
      ),
      msg('a', at(0), { seq: 3, id: 'c' }),
    );
    expect(list.map((m) => m.id)).toEqual(['a', 'c', 'e']);
  });

  it('applies edits, deletions and pins by id; ignores unknown messages', () => {
    const t = loaded(2);
    const edited = { ...must(t.messages[0]), body: 'edited', edited_at: at(30) };
    const t2 = applyEvent(t, event('message.updated', edited), accept);
    expect(t2.messages[0]?.body).toBe('edited');
    expect(t2.messages[0]?.edited_at).toBe(at(30));
    const t3 = applyEvent(
      t2,
      event('message.deleted', { id: 's1', channel_id: 'c1', thread_id: null }),
      accept,
    );
    expect(t3.messages[0]).toMatchObject({ deleted: true, body: '', reactions: [] });
    expect(applyEvent(t3, event('message.deleted', { id: 's1' }), accept)).toBe(t3);
    const pinned = { ...must(t.messages[1]), pinned: true };
    expect(applyEvent(t3, event('message.pinned', pinned), accept).messages[1]?.pinned).toBe(true);
    const stranger = msg('a', at(0), { id: 'nope', seq: 1 });
    expect(applyEvent(t3, event('message.updated', stranger), accept)).toBe(t3);
  });

  it('adds and removes reactions idempotently', () => {
    const t = loaded(1);
    const add = event('reaction.added', {
      message_id: 's1',
      channel_id: 'c1',
      emoji: '👍',
      user_id: 'bob',
    });
    const t2 = applyEvent(applyEvent(t, add, accept), add, accept);
    expect(t2.messages[0]?.reactions).toEqual([{ emoji: '👍', user_ids: ['bob'] }]);
    const t3 = applyEvent(
      t2,
      event('reaction.added', { message_id: 's1', emoji: '👍', user_id: 'carol' }),
      accept,
    );
    expect(t3.messages[0]?.reactions).toEqual([{ emoji: '👍', user_ids: ['bob', 'carol'] }]);
    const remove = event('reaction.removed', { message_id: 's1', emoji: '👍', user_id: 'bob' });
    const t4 = applyEvent(applyEvent(t3, remove, accept), remove, accept);
    expect(t4.messages[0]?.reactions).toEqual([{ emoji: '👍', user_ids: ['carol'] }]);
    const t5 = applyEvent(
      t4,
      event('reaction.removed', { message_id: 's1', emoji: '👍', user_id: 'carol' }),
      accept,
    );
    expect(t5.messages[0]?.reactions).toEqual([]);
    expect(withReaction([], '🎉', 'x', false)).toEqual([]);
  });

  it('counts a thread reply once on its first message, and only newer replies', () => {
    const t = loaded(2); // synced at seq 2
    const reply = msg('bob', at(40), { seq: 3, id: 'r1', thread_id: 's1', in_channel: false });
    const t2 = applyEvent(t, event('message.created', reply), accept);
    expect(t2.messages.map((m) => m.id)).toEqual(['s1', 's2']); // not shown in the channel
    expect(t2.messages[0]).toMatchObject({ reply_count: 1, last_reply_at: at(40) });
    // The same event again (resume overlap) or an older one: no double count.
    expect(applyEvent(t2, event('message.created', reply), accept).messages[0]?.reply_count).toBe(
      1,
    );
    const old = msg('bob', at(1), { seq: 2, id: 'r0', thread_id: 's1', in_channel: false });
    expect(applyEvent(t2, event('message.created', old), accept).messages[0]?.reply_count).toBe(1);
    // A reply also sent to the channel shows there too.
    const shown = msg('bob', at(41), { seq: 4, id: 'r2', thread_id: 's1', in_channel: true });
    const t3 = applyEvent(t2, event('message.created', shown), accept);
    expect(t3.messages.map((m) => m.id)).toEqual(['s1', 's2', 'r2']);
    expect(t3.messages[0]?.reply_count).toBe(2);
  });

  it('ignores other channels’ messages', () => {
    const t = loaded(1);
    const other = msg('bob', at(3), { seq: 9, channel_id: 'c2' });
    expect(applyEvent(t, event('message.created', other), accept).messages).toHaveLength(1);
  });

  it('keeps a thread: its first message and replies, live', () => {
    const root = msg('alice', at(0), { id: 'root', seq: 1 });
    const r1 = msg('bob', at(1), { id: 'r1', seq: 2, thread_id: 'root', in_channel: false });
    const th = loadedThread(EMPTY_TIMELINE, [root, r1], 50, inThread('root'));
    expect(th.hasOlder).toBe(false);
    const r2 = msg('carol', at(2), { id: 'r2', seq: 3, thread_id: 'root', in_channel: false });
    const th2 = applyEvent(th, event('message.created', r2), inThread('root'));
    expect(th2.messages.map((m) => m.id)).toEqual(['root', 'r1', 'r2']);
    expect(th2.messages[0]?.reply_count).toBe(1);
  });

  describe('a long thread', () => {
    const root = msg('alice', at(0), { id: 'root', seq: 1 });
    const reply = (n: number) =>
      msg('bob', at(n), { id: `r${n}`, seq: n + 1, thread_id: 'root', in_channel: false });
    const replies = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => reply(from + i));
    const ids = (t: Timeline) => t.messages.map((m) => m.id);
    const accepts = inThread('root');

    it('opens on its latest replies, then loads the older ones before them', () => {
      const th = loadedThread(EMPTY_TIMELINE, [root, ...replies(4, 6)], 3, accepts);
      expect(ids(th)).toEqual(['root', 'r4', 'r5', 'r6']);
      expect(th.hasOlder).toBe(true);
      const more = loadedOlderReplies(th, [root, ...replies(1, 3)], 3, accepts);
      expect(ids(more)).toEqual(['root', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
      expect(more.hasOlder).toBe(true); // a full page: perhaps more
      const all = loadedOlderReplies(more, [root], 3, accepts);
      expect(all.hasOlder).toBe(false);
      expect(ids(all)).toEqual(ids(more));
    });

    it('keeps the older pages when opened again over what it holds', () => {
      const th = loadedThread(EMPTY_TIMELINE, [root, ...replies(4, 6)], 3, accepts);
      const all = loadedOlderReplies(th, [root, ...replies(1, 3)], 100, accepts);
      const again = loadedThread(all, [root, ...replies(5, 7)], 3, accepts);
      expect(ids(again)).toEqual(['root', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
      expect(again.hasOlder).toBe(false);
    });

    it('drops older replies rather than show them with a gap', () => {
      const th = loadedThread(EMPTY_TIMELINE, [root, ...replies(1, 3)], 3, accepts);
      // Replies 4 to 6 were missed: the latest page starts after what it held.
      const again = loadedThread(th, [root, ...replies(7, 9)], 3, accepts);
      expect(ids(again)).toEqual(['root', 'r7', 'r8', 'r9']);
      expect(again.hasOlder).toBe(true);
    });
  });

  it('finds the last own message that can be edited', () => {
    const list = [
      msg('me', at(0), { id: 'a', seq: 1 }),
      msg('me', at(1), { id: 'b', seq: 2, deleted: true }),
      msg('bob', at(2), { id: 'c', seq: 3 }),
    ];
    const t = loadedLatest(EMPTY_TIMELINE, [...list].reverse(), 50, accept);
    expect(lastOwnMessage(t, 'me')?.id).toBe('a');
    expect(lastOwnMessage(t, 'nobody')).toBeUndefined();
  });

  it('keeps the pins list in step', () => {
    const a = msg('a', at(0), { id: 'a', pinned: true });
    const b = msg('b', at(0), { id: 'b', pinned: true });
    let pins = nextPins([a], event('message.pinned', b));
    expect(pins.map((m) => m.id)).toEqual(['b', 'a']);
    pins = nextPins(pins, event('message.unpinned', { ...a, pinned: false }));
    expect(pins.map((m) => m.id)).toEqual(['b']);
    pins = nextPins(pins, event('message.deleted', { id: 'b' }));
    expect(pins).toEqual([]);
  });
});
