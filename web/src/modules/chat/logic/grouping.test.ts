import { describe, expect, it } from 'vitest';
import { msg, must } from './fixtures.test-util';
import { buildRows, continues, extendRows, type BuiltRows, type RowOptions } from './grouping';

const dayOf = (iso: string) => iso.slice(0, 10);

describe('message grouping', () => {
  it('groups consecutive messages of one author within five minutes', () => {
    const list = [
      msg('alice', '2026-11-29T10:00:00Z'),
      msg('alice', '2026-11-29T10:04:00Z'),
      msg('alice', '2026-11-29T10:10:00Z'), // 6 min later
      msg('bob', '2026-11-29T10:11:00Z'),
      msg('alice', '2026-11-29T10:12:00Z'),
    ];
    const rows = buildRows(list, { dayOf });
    expect(
      rows.map((r) => (r.kind === 'message' ? `${r.message.author_id}:${r.continued}` : r.kind)),
    ).toEqual([
      'start',
      'day',
      'alice:false',
      'alice:true',
      'alice:false',
      'bob:false',
      'alice:false',
    ]);
  });

  it('separates days, and a day separator starts a new group', () => {
    const list = [msg('alice', '2026-11-29T23:59:00Z'), msg('alice', '2026-11-30T00:01:00Z')];
    const rows = buildRows(list, { dayOf, withStart: false });
    expect(rows.map((r) => r.key)).toEqual([
      'day:2026-11-29',
      must(list[0]).id,
      'day:2026-11-30',
      must(list[1]).id,
    ]);
    expect(rows.every((r) => r.kind !== 'message' || !r.continued)).toBe(true);
  });

  it('puts the "new messages" line before the first unread message from someone else', () => {
    const list = [
      msg('alice', '2026-11-29T10:00:00Z'),
      msg('me', '2026-11-29T10:01:00Z'),
      msg('alice', '2026-11-29T10:02:00Z'),
      msg('alice', '2026-11-29T10:03:00Z'),
    ];
    const rows = buildRows(list, {
      dayOf,
      unreadAfterSeq: must(list[0]).seq,
      me: 'me',
      withStart: false,
    });
    const kinds = rows.map((r) => (r.kind === 'message' ? r.message.id : r.kind));
    expect(kinds).toEqual([
      'day',
      must(list[0]).id,
      must(list[1]).id,
      'new',
      must(list[2]).id,
      must(list[3]).id,
    ]);
    // The line breaks the group.
    const third = rows[4];
    expect(third?.kind === 'message' && third.continued).toBe(false);
  });

  it('does not group deleted messages or replies shown in the channel', () => {
    const a = msg('alice', '2026-11-29T10:00:00Z');
    expect(continues(a, msg('alice', '2026-11-29T10:01:00Z', { deleted: true }))).toBe(false);
    expect(continues(a, msg('alice', '2026-11-29T10:01:00Z', { thread_id: 'x' }))).toBe(false);
    expect(continues(a, msg('alice', '2026-11-29T09:59:00Z'))).toBe(false);
    expect(continues(undefined, a)).toBe(false);
  });

  it('keeps row keys stable when older messages are added', () => {
    const list = [msg('alice', '2026-11-29T10:00:00Z'), msg('bob', '2026-11-29T10:01:00Z')];
    const before = buildRows(list, { dayOf }).map((r) => r.key);
    const older = msg('carol', '2026-11-29T09:00:00Z', { seq: 0, id: 'older' });
    const after = buildRows([older, ...list], { dayOf }).map((r) => r.key);
    expect(after.slice(-2)).toEqual(before.slice(-2));
    expect(after).toContain('older');
  });

  it('replaces edited, reacted and deleted messages in place, regrouping their neighbours', () => {
    const list = [
      msg('alice', '2026-11-29T10:00:00Z'),
      msg('alice', '2026-11-29T10:01:00Z'),
      msg('alice', '2026-11-29T10:02:00Z'),
      msg('alice', '2026-11-29T10:03:00Z'),
    ];
    const grouping = (rows: ReturnType<typeof buildRows>) =>
      rows.flatMap((r) => (r.kind === 'message' ? [r.continued] : []));
    const first = extendRows(null, list, { dayOf });
    expect(grouping(first.rows)).toEqual([false, true, true, true]);
    // The second one deleted: it stands alone, and the third starts a group.
    const deleted = list.map((m, i) => (i === 1 ? { ...m, deleted: true, body: '' } : m));
    const second = extendRows(first, deleted, { dayOf });
    expect(grouping(second.rows)).toEqual([false, false, false, true]);
    expect(second.rows).toEqual(buildRows(deleted, { dayOf }));
    // A reaction on the third: the same grouping, the new object in its row.
    const reacted = deleted.map((m, i) =>
      i === 2 ? { ...m, reactions: [{ emoji: '🎉', user_ids: ['bob'] }] } : m,
    );
    const third = extendRows(second, reacted, { dayOf });
    expect(grouping(third.rows)).toEqual([false, false, false, true]);
    const row = third.rows.find((r) => r.key === must(list[2]).id);
    expect(row?.kind === 'message' && row.message).toBe(reacted[2]);
    // Another message in the same place (not an edit of it): built whole.
    const other = reacted.map((m, i) => (i === 3 ? msg('bob', '2026-11-29T10:03:00Z') : m));
    expect(extendRows(third, other, { dayOf }).rows).toEqual(buildRows(other, { dayOf }));
  });

  it('extends rows page by page and message by message exactly as a whole build would', () => {
    // A history of 400 messages over several days, three authors, some
    // replies shown in the channel and deleted messages; pages of older
    // messages and new messages arrive in a random order, with an edit now
    // and then (new objects in the middle: an edit, a deletion, a reaction).
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const authors = ['alice', 'bob', 'me'];
    let t = Date.parse('2026-11-20T22:00:00Z');
    const all = Array.from({ length: 400 }, () => {
      t += rand(5) === 0 ? 3_600_000 * (1 + rand(12)) : 60_000 * rand(7);
      return msg(authors[rand(3)] as string, new Date(t).toISOString(), {
        deleted: rand(20) === 0,
        thread_id: rand(15) === 0 ? 'root' : null,
      });
    });
    const variants: RowOptions[] = [
      { dayOf },
      { dayOf, withStart: false },
      { dayOf, unreadAfterSeq: must(all[150]).seq, me: 'me' },
      { dayOf, unreadAfterSeq: must(all[30]).seq, me: 'me' },
      { dayOf, unreadAfterSeq: must(all[399]).seq, me: 'me' },
    ];
    for (const options of variants) {
      let lo = 200;
      let hi = 240;
      let list = all.slice(lo, hi);
      let built: BuiltRows = extendRows(null, list, options);
      let steps = 0;
      while (lo > 0 || hi < all.length) {
        const r = rand(10);
        if (r < 5 && lo > 0) {
          const from = Math.max(0, lo - 1 - rand(30));
          list = [...all.slice(from, lo), ...list];
          lo = from;
        } else if (r < 9 && hi < all.length) {
          const n = 1 + rand(3);
          list = [...list, ...all.slice(hi, hi + n)];
          hi = Math.min(all.length, hi + n);
        } else {
          // An edit, a deletion or a reaction: new objects of the same messages.
          for (let k = 1 + rand(3); k > 0; k--) {
            const i = rand(list.length);
            const kind = rand(3);
            list = list.map((m, j) =>
              j !== i
                ? m
                : kind === 0
                  ? { ...m, body: 'edited' }
                  : kind === 1
                    ? { ...m, deleted: !m.deleted }
                    : { ...m, reactions: [{ emoji: '👍', user_ids: ['bob'] }] },
            );
          }
        }
        built = extendRows(built, list, options);
        expect(built.rows).toEqual(buildRows(list, options));
        steps += 1;
      }
      expect(steps).toBeGreaterThan(10);
    }
    // The same messages again: the same rows, not rebuilt.
    const list = all.slice(0, 50);
    const once = extendRows(null, list, { dayOf });
    expect(extendRows(once, list, { dayOf })).toBe(once);
    // Other options: rebuilt.
    expect(extendRows(once, list, { dayOf, unreadAfterSeq: 3 }).rows).toEqual(
      buildRows(list, { dayOf, unreadAfterSeq: 3 }),
    );
  });
});
