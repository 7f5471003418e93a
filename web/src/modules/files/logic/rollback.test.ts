import { afterEach, describe, expect, it, vi } from 'vitest';
import { RollbackMemory, rollbackKey, type KeyValueStorage } from './rollback';

function memoryStorage(): KeyValueStorage & { data: Map<string, string>; writes: number } {
  const data = new Map<string, string>();
  const s = {
    data,
    writes: 0,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => {
      s.writes++;
      data.set(k, v);
    },
  };
  return s;
}

const KEY = rollbackKey('u1', 'ws1');

afterEach(() => {
  vi.useRealTimers();
});

describe('the rollback memory', () => {
  it('warns when a file shows an older version than one it saw', () => {
    const m = new RollbackMemory(KEY, memoryStorage());
    expect(m.seen('f1', 3, true)).toBe(false);
    expect(m.seen('f1', 3, true)).toBe(false);
    expect(m.seen('f1', 2, true)).toBe(true);
    expect(m.seen('f1', 4, true)).toBe(false);
    expect(m.seen('f1', 3, false)).toBe(true);
    expect(m.highestOf('f1')).toBe(4);
    // Another file is another story.
    expect(m.seen('f2', 1, true)).toBe(false);
  });

  it('remembers only versions whose record opened', () => {
    const m = new RollbackMemory(KEY, memoryStorage());
    // A server that shows a made-up version 9 cannot make version 2 look old.
    expect(m.seen('f1', 9, false)).toBe(false);
    expect(m.highestOf('f1')).toBe(0);
    expect(m.seen('f1', 2, true)).toBe(false);
    expect(m.highestOf('f1')).toBe(2);
  });

  it('is kept per person and workspace, gathered into one write, across pages', () => {
    vi.useFakeTimers();
    const storage = memoryStorage();
    const m = new RollbackMemory(KEY, storage);
    for (let i = 1; i <= 50; i++) m.seen(`f${i}`, i, true);
    expect(storage.writes).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(storage.writes).toBe(1);
    const again = new RollbackMemory(KEY, storage);
    expect(again.seen('f7', 6, true)).toBe(true);
    expect(again.highestOf('f50')).toBe(50);
    // Someone else, or another workspace: nothing known.
    expect(new RollbackMemory(rollbackKey('u2', 'ws1'), storage).highestOf('f7')).toBe(0);
    expect(new RollbackMemory(rollbackKey('u1', 'ws2'), storage).highestOf('f7')).toBe(0);
  });

  it('is bounded: the files seen longest ago are forgotten first', () => {
    const storage = memoryStorage();
    const m = new RollbackMemory(KEY, storage, 3);
    m.seen('a', 1, true);
    m.seen('b', 1, true);
    m.seen('c', 1, true);
    m.seen('a', 1, true); // seen again: now the most recent
    m.seen('d', 1, true);
    expect(m.highestOf('b')).toBe(0);
    expect(['a', 'c', 'd'].map((id) => m.highestOf(id))).toEqual([1, 1, 1]);
    m.flush();
    expect(JSON.parse(storage.data.get(KEY) ?? '[]')).toHaveLength(3);
  });

  it('merges with what another tab wrote, the higher number winning', () => {
    const storage = memoryStorage();
    const one = new RollbackMemory(KEY, storage);
    const two = new RollbackMemory(KEY, storage);
    one.seen('f1', 2, true);
    two.seen('f1', 5, true);
    two.seen('f2', 1, true);
    two.flush();
    one.flush();
    const fresh = new RollbackMemory(KEY, storage);
    expect(fresh.highestOf('f1')).toBe(5);
    expect(fresh.highestOf('f2')).toBe(1);
  });

  it('reads anything else in its place as nothing', () => {
    const storage = memoryStorage();
    storage.setItem(KEY, '{"f1": 3}');
    expect(new RollbackMemory(KEY, storage).highestOf('f1')).toBe(0);
    storage.setItem(KEY, 'not json');
    expect(new RollbackMemory(KEY, storage).seen('f1', 1, true)).toBe(false);
    storage.setItem(KEY, JSON.stringify([['f1', 2], ['f2', -1], ['f3'], 7]));
    const m = new RollbackMemory(KEY, storage);
    expect([m.highestOf('f1'), m.highestOf('f2'), m.highestOf('f3')]).toEqual([2, 0, 0]);
  });
});
