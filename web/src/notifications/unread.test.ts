import { describe, expect, it } from 'vitest';
import type { EventFrame } from '../api/types';
import { UnreadStore } from './unread';

const ev = (type: string, ws: string, seq = 1): EventFrame => ({
  type,
  workspace_id: ws,
  seq,
  data: {},
});

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

describe('unread counts', () => {
  it('leaves muted channels out, as the chat screen or another tab says', () => {
    const s = new UnreadStore(memoryStorage());
    s.setUser('me');
    const msg = (channel: string): EventFrame => ({
      type: 'message.created',
      workspace_id: 'w1',
      seq: 5,
      data: { channel_id: channel, author_id: 'bob' },
    });
    const muted = (channel: string, on: boolean): EventFrame => ({
      type: 'channel.muted',
      workspace_id: 'w1',
      seq: 6,
      data: { channel_id: channel, muted: on },
    });
    s.record(msg('c1'));
    s.record(msg('c2'));
    s.record(muted('c1', true)); // its count goes
    expect(s.get('w1').modules).toEqual({ chat: 1 });
    expect(s.isMuted('w1', 'c1')).toBe(true);
    s.record(msg('c1'));
    expect(s.get('w1').total).toBe(1);
    s.record(muted('c1', false));
    s.record(msg('c1'));
    expect(s.get('w1').total).toBe(2);
    // The chat screen knows the exact counts and which channels are muted.
    s.setChatCounts('w1', { c1: 4, c2: 3 }, ['c2']);
    expect(s.get('w1').total).toBe(4);
    expect(s.isMuted('w1', 'c2')).toBe(true);
    expect(s.isMuted('w1', 'c1')).toBe(false);
  });

  it('counts per workspace and per module while not looking', () => {
    const s = new UnreadStore(memoryStorage());
    s.setUser('me');
    s.record(ev('member.added', 'w1'));
    s.record(ev('message.created', 'w1'));
    s.record(ev('message.created', 'w1'));
    s.record(ev('task.updated', 'w2'));
    expect(s.get('w1')).toEqual({ total: 3, general: 1, modules: { chat: 2 } });
    expect(s.get('w2').modules).toEqual({ tasks: 1 });
    s.record(ev('hello', ''));
    s.record(ev('error', 'w1'));
    expect(s.get('w1').total).toBe(3);
  });

  it('does not count what is on screen, and clears it when opened', () => {
    const s = new UnreadStore(memoryStorage());
    s.setUser('me');
    s.record(ev('member.added', 'w1'));
    s.record(ev('message.created', 'w1'));
    s.setViewing('w1', null); // the workspace home: general news seen, modules not
    expect(s.get('w1')).toEqual({ total: 1, general: 0, modules: { chat: 1 } });
    s.record(ev('member.updated', 'w1'));
    s.record(ev('task.created', 'w1'));
    expect(s.get('w1')).toEqual({ total: 2, general: 0, modules: { chat: 1, tasks: 1 } });
    s.setViewing('w1', 'chat');
    s.record(ev('message.created', 'w1'));
    expect(s.get('w1')).toEqual({ total: 1, general: 0, modules: { tasks: 1 } });
  });

  it('keeps counts per user across reloads', () => {
    const storage = memoryStorage();
    const a = new UnreadStore(storage);
    a.setUser('me');
    a.record(ev('message.created', 'w1'));
    const b = new UnreadStore(storage);
    b.setUser('me');
    expect(b.get('w1').total).toBe(1);
    b.setUser('someone-else');
    expect(b.get('w1').total).toBe(0);
  });

  it('notifies subscribers and forgets deleted workspaces', () => {
    const s = new UnreadStore(memoryStorage());
    s.setUser('me');
    let calls = 0;
    s.subscribe(() => calls++);
    s.record(ev('message.created', 'w1'));
    s.forget('w1');
    expect(calls).toBe(2);
    expect(s.get('w1').total).toBe(0);
  });

  it('counts chat news per channel: messages from others, not typing, own messages or edits', () => {
    const s = new UnreadStore(memoryStorage());
    s.setUser('me');
    const msg = (channel: string, author: string, extra: Record<string, unknown> = {}) => ({
      type: 'message.created',
      workspace_id: 'w1',
      seq: 5,
      module: 'chat',
      data: { channel_id: channel, author_id: author, in_channel: true, ...extra },
    });
    s.record(msg('c1', 'alice'));
    s.record(msg('c1', 'alice'));
    s.record(msg('c2', 'bob'));
    s.record(msg('c2', 'me'));
    s.record(msg('c2', 'bob', { in_channel: false }));
    s.record({ type: 'chat.typing', workspace_id: 'w1', seq: 0, data: { channel_id: 'c1' } });
    s.record({ ...msg('c1', 'alice'), type: 'reaction.added' });
    s.record({ ...msg('c1', 'alice'), type: 'message.updated' });
    expect(s.get('w1')).toEqual({ total: 3, general: 0, modules: { chat: 3 } });
    // Read in another tab.
    s.record({ type: 'channel.read', workspace_id: 'w1', seq: 9, data: { channel_id: 'c1' } });
    expect(s.get('w1').modules).toEqual({ chat: 1 });
    // Someone else leaving changes nothing; leaving (in another tab) drops the channel.
    const removed = (user: string) => ({
      type: 'channel.member_removed',
      workspace_id: 'w1',
      seq: 10,
      module: 'chat',
      data: { channel_id: 'c2', user_id: user },
    });
    s.record(removed('bob'));
    expect(s.get('w1').modules).toEqual({ chat: 1 });
    s.record(removed('me'));
    expect(s.get('w1')).toEqual({ total: 0, general: 0, modules: {} });
  });

  it('lets an open chat screen own the counts of its workspace', () => {
    const s = new UnreadStore(memoryStorage());
    s.setUser('me');
    s.record({ ...ev('message.created', 'w1'), data: { channel_id: 'c1', author_id: 'a' } });
    const release = s.claimChat('w1');
    s.setViewing('w1', 'chat'); // not cleared: the screen knows better
    expect(s.get('w1').modules).toEqual({ chat: 1 });
    s.setChatCounts('w1', { c1: 0, c2: 4, c3: 2 });
    expect(s.get('w1')).toEqual({ total: 6, general: 0, modules: { chat: 6 } });
    s.record({ ...ev('message.created', 'w1'), data: { channel_id: 'c2', author_id: 'a' } });
    expect(s.get('w1').total).toBe(6);
    release();
    s.setViewing('w1', null);
    s.record({ ...ev('message.created', 'w1'), data: { channel_id: 'c2', author_id: 'a' } });
    expect(s.get('w1').modules).toEqual({ chat: 7 });
  });

  it('reads counts stored by the previous version', () => {
    const storage = memoryStorage();
    storage.setItem(
      'ruche.unread.me',
      JSON.stringify({ w1: { total: 3, general: 1, modules: { chat: 2 } } }),
    );
    const s = new UnreadStore(storage);
    s.setUser('me');
    expect(s.get('w1')).toEqual({ total: 3, general: 1, modules: { chat: 2 } });
  });
});
