import { describe, expect, it } from 'vitest';
import { channel, event, must } from './fixtures.test-util';
import {
  applyChannelEvent,
  channelLabel,
  chatPeople,
  loadedChannels,
  markedRead,
  mutedChannel,
  neighbour,
  sidebarOrder,
  sidebarSections,
} from './channels';

const ctx = { me: 'me', reading: null };

describe('channel list state', () => {
  it('counts messages from others, and mentions of me or @channel', () => {
    const s = loadedChannels([channel('c1')]);
    const m = (author: string, extra: object = {}) =>
      event('message.created', {
        channel_id: 'c1',
        author_id: author,
        seq: 11,
        thread_id: null,
        in_channel: true,
        mentions: [],
        created_at: '2026-11-29T11:00:00Z',
        ...extra,
      });
    let s2 = applyChannelEvent(s, m('bob'), ctx).state;
    s2 = applyChannelEvent(s2, m('bob', { mentions: ['me'] }), ctx).state;
    s2 = applyChannelEvent(s2, m('bob', { mentions: ['channel'] }), ctx).state;
    s2 = applyChannelEvent(s2, m('bob', { mentions: ['carol'] }), ctx).state;
    // A thread reply not sent to the channel: a mention counts, not an unread message.
    s2 = applyChannelEvent(
      s2,
      m('bob', { thread_id: 'x', in_channel: false, mentions: ['me'] }),
      ctx,
    ).state;
    expect(s2.byId.c1).toMatchObject({ unread: 4, mentions: 3, last_seq: 11 });
  });

  it('a muted channel counts mentions of me, not @channel; channel.muted follows other tabs', () => {
    let s = loadedChannels([channel('c1')]);
    s = applyChannelEvent(s, event('channel.muted', { channel_id: 'c1', muted: true }), ctx).state;
    expect(s.byId.c1?.muted).toBe(true);
    const m = (mentions: string[]) =>
      event('message.created', {
        channel_id: 'c1',
        author_id: 'bob',
        seq: 11,
        thread_id: null,
        in_channel: true,
        mentions,
        created_at: '2026-11-29T11:00:00Z',
      });
    s = applyChannelEvent(s, m(['channel']), ctx).state;
    s = applyChannelEvent(s, m(['me']), ctx).state;
    expect(s.byId.c1).toMatchObject({ unread: 2, mentions: 1 });
    const unmuted = applyChannelEvent(
      s,
      event('channel.muted', { channel_id: 'c1', muted: false }),
      ctx,
    ).state;
    expect(unmuted.byId.c1?.muted).toBe(false);
    // The same state again changes nothing.
    expect(mutedChannel(unmuted, 'c1', false)).toBe(unmuted);
  });

  it('my own message marks the channel read; the channel I am reading does not count', () => {
    const s = loadedChannels([channel('c1', { unread: 5, mentions: 1 })]);
    const mine = event('message.created', {
      channel_id: 'c1',
      author_id: 'me',
      seq: 20,
      mentions: [],
    });
    expect(applyChannelEvent(s, mine, ctx).state.byId.c1).toMatchObject({
      unread: 0,
      mentions: 0,
      last_read_seq: 20,
    });
    const theirs = event('message.created', {
      channel_id: 'c1',
      author_id: 'bob',
      seq: 21,
      mentions: ['me'],
    });
    const reading = applyChannelEvent(s, theirs, { me: 'me', reading: 'c1' }).state.byId.c1;
    expect(reading).toMatchObject({ unread: 5, mentions: 1, last_seq: 21 });
  });

  it('does not count channels I have not joined', () => {
    const s = loadedChannels([channel('c1', { joined: false })]);
    const e = event('message.created', {
      channel_id: 'c1',
      author_id: 'bob',
      seq: 11,
      mentions: ['me'],
    });
    expect(applyChannelEvent(s, e, ctx).state.byId.c1).toMatchObject({ unread: 0, mentions: 0 });
  });

  it('caps counts at 100 like the server', () => {
    const s = loadedChannels([channel('c1', { unread: 100 })]);
    const e = event('message.created', {
      channel_id: 'c1',
      author_id: 'bob',
      seq: 11,
      mentions: [],
    });
    expect(applyChannelEvent(s, e, ctx).state.byId.c1?.unread).toBe(100);
  });

  it('follows reads from other tabs (channel.read)', () => {
    const s = loadedChannels([
      channel('c1', { last_seq: 30, last_read_seq: 10, unread: 20, mentions: 2 }),
    ]);
    const all = applyChannelEvent(
      s,
      event('channel.read', { channel_id: 'c1', last_read_seq: 30 }),
      ctx,
    );
    expect(all.state.byId.c1).toMatchObject({ unread: 0, mentions: 0, last_read_seq: 30 });
    expect(all.refresh).toBeNull();
    const part = applyChannelEvent(
      s,
      event('channel.read', { channel_id: 'c1', last_read_seq: 20 }),
      ctx,
    );
    expect(part.refresh).toBe('c1'); // only the server knows what is left
    const stale = applyChannelEvent(
      s,
      event('channel.read', { channel_id: 'c1', last_read_seq: 5 }),
      ctx,
    );
    expect(stale.state).toBe(s);
    // Marked unread (here or in another tab): a lower position is taken, and
    // the counts from there asked of the server.
    const back = applyChannelEvent(
      s,
      event('channel.read', { channel_id: 'c1', last_read_seq: 5, marked_unread: true }),
      ctx,
    );
    expect(back.state.byId.c1?.last_read_seq).toBe(5);
    expect(back.refresh).toBe('c1');
  });

  it('marks read optimistically', () => {
    const s = loadedChannels([
      channel('c1', { last_seq: 30, last_read_seq: 10, unread: 20, mentions: 2 }),
    ]);
    expect(markedRead(s, 'c1', 30).byId.c1).toMatchObject({
      unread: 0,
      mentions: 0,
      last_read_seq: 30,
    });
    expect(markedRead(markedRead(s, 'c1', 30), 'c1', 30)).toEqual(markedRead(s, 'c1', 30));
  });

  it('adds created channels, keeps my fields on updates, follows my membership', () => {
    const s = loadedChannels([channel('c1', { unread: 3 })]);
    const created = applyChannelEvent(
      s,
      event('channel.created', channel('c2', { created_by: 'bob', joined: true, kind: 'public' })),
      ctx,
    );
    expect(created.state.byId.c2).toMatchObject({ joined: false, unread: 0 });
    expect(created.refresh).toBe('c2');
    const renamed = applyChannelEvent(
      s,
      event(
        'channel.updated',
        channel('c1', { name: 'renamed', topic: 't', unread: 0, joined: false }),
      ),
      ctx,
    ).state.byId.c1;
    expect(renamed).toMatchObject({ name: 'renamed', topic: 't', unread: 3, joined: true });
    const priv = loadedChannels([channel('p', { kind: 'private' }), channel('c1')]);
    const removed = applyChannelEvent(
      priv,
      event('channel.member_removed', { channel_id: 'p', user_id: 'me' }),
      ctx,
    );
    expect(removed.state.byId.p).toBeUndefined();
    const left = applyChannelEvent(
      priv,
      event('channel.member_removed', { channel_id: 'c1', user_id: 'me' }),
      ctx,
    );
    expect(left.state.byId.c1?.joined).toBe(false);
    const other = applyChannelEvent(
      priv,
      event('channel.member_removed', { channel_id: 'c1', user_id: 'bob' }),
      ctx,
    );
    expect(other.state).toBe(priv);
    const added = applyChannelEvent(
      s,
      event('channel.member_added', { channel_id: 'new', user_id: 'me' }),
      ctx,
    );
    expect(added.refresh).toBe('new');
  });

  it('orders the sidebar and moves through it with wrap-around', () => {
    const s = loadedChannels([
      channel('zeta'),
      channel('alpha'),
      channel('gone', { joined: false }),
      channel('d1', {
        kind: 'direct',
        name: '',
        member_ids: ['me', 'bob'],
        last_message_at: '2026-11-01T00:00:00Z',
      }),
      channel('d2', {
        kind: 'direct',
        name: '',
        member_ids: ['me', 'carol'],
        last_message_at: '2026-11-20T00:00:00Z',
      }),
    ]);
    const names: Record<string, string> = { bob: 'Bob', carol: 'Carol', me: 'Me' };
    const label = (c: Parameters<typeof channelLabel>[0]) =>
      channelLabel(c, 'me', (id) => names[id], '?');
    const order = sidebarOrder(sidebarSections(s, label, 'fr'));
    expect(order.map((c) => c.id)).toEqual(['alpha', 'zeta', 'd2', 'd1']);
    expect(neighbour(order, 'zeta', 1)?.id).toBe('d2');
    expect(neighbour(order, 'alpha', -1)?.id).toBe('d1');
    expect(neighbour(order, 'd1', 1)?.id).toBe('alpha');
    expect(neighbour(order, null, 1)?.id).toBe('alpha');
    expect(neighbour([], null, 1)).toBeNull();
    expect(label(must(s.byId.d2))).toBe('Carol');
  });

  it('names direct conversations by their other people', () => {
    const c = channel('d', { kind: 'direct', member_ids: ['me', 'a', 'b'] });
    const names: Record<string, string> = { a: 'Ana', b: 'Ben' };
    expect(channelLabel(c, 'me', (id) => names[id], 'Former')).toBe('Ana, Ben');
    expect(channelLabel({ ...c, member_ids: ['me', 'x'] }, 'me', () => undefined, 'Former')).toBe(
      'Former',
    );
  });

  it('lists the people who can use chat', () => {
    const base = {
      name: 'x',
      email: 'x',
      role: 'member' as const,
      external: false,
      expires_at: null,
    };
    const people = chatPeople([
      { ...base, user_id: 'a', rights: { chat: 'write' } },
      { ...base, user_id: 'b', rights: { chat: 'none' } },
      { ...base, user_id: 'c', rights: { chat: 'read' } },
    ]);
    expect(people.map((p) => p.user_id)).toEqual(['a', 'c']);
  });
});
