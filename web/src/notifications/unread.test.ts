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
});
