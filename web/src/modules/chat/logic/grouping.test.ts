import { describe, expect, it } from 'vitest';
import { msg, must } from './fixtures.test-util';
import { buildRows, continues } from './grouping';

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
});
