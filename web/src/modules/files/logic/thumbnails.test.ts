import { describe, expect, it } from 'vitest';
import { ThumbnailQueue, coverRect } from './thumbnails';

// A loader whose loads the test settles by hand.
function manualLoader() {
  const pending = new Map<string, { resolve(v: string): void; reject(e: unknown): void }>();
  const calls: string[] = [];
  const load = (id: string, signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      calls.push(id);
      pending.set(id, { resolve, reject });
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
  return { load, calls, pending };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('ThumbnailQueue', () => {
  it('loads a few at a time, in order, and keeps the results', async () => {
    const { load, calls, pending } = manualLoader();
    const q = new ThumbnailQueue(load, () => {}, 2);
    const signal = new AbortController().signal;
    const a = q.request('a:1', 'a', signal);
    const b = q.request('b:1', 'b', signal);
    const c = q.request('c:1', 'c', signal);
    expect(calls).toEqual(['a', 'b']);
    expect(q.active).toBe(2);
    pending.get('a')?.resolve('A');
    expect(await a).toBe('A');
    await tick();
    expect(calls).toEqual(['a', 'b', 'c']);
    pending.get('b')?.resolve('B');
    pending.get('c')?.resolve('C');
    expect([await b, await c]).toEqual(['B', 'C']);
    // Cached: no second load.
    expect(await q.request('a:1', 'a', signal)).toBe('A');
    expect(q.cached('c:1')).toBe('C');
    expect(calls).toEqual(['a', 'b', 'c']);
  });

  it('a new version is a new key: loaded again', async () => {
    const { load, calls, pending } = manualLoader();
    const q = new ThumbnailQueue(load, () => {});
    const signal = new AbortController().signal;
    const first = q.request('a:1', 'a', signal);
    pending.get('a')?.resolve('A1');
    await first;
    const second = q.request('a:2', 'a', signal);
    pending.get('a')?.resolve('A2');
    expect(await second).toBe('A2');
    expect(calls).toEqual(['a', 'a']);
  });

  it('drops the least recently used beyond its size, and disposes it', async () => {
    const disposed: string[] = [];
    const q = new ThumbnailQueue(
      async (id: string) => id.toUpperCase(),
      (v) => disposed.push(v),
      2,
      2,
    );
    const signal = new AbortController().signal;
    await q.request('a', 'a', signal);
    await q.request('b', 'b', signal);
    expect(q.cached('a')).toBe('A'); // a is now more recent than b
    await q.request('c', 'c', signal);
    expect(disposed).toEqual(['B']);
    expect(q.cached('b')).toBeUndefined();
    expect(q.cached('a')).toBe('A');
    expect(q.cached('c')).toBe('C');
  });

  it('a failure answers null and is not retried; an abort is retried later', async () => {
    const { load, calls, pending } = manualLoader();
    const q = new ThumbnailQueue(load, () => {}, 1);
    const signal = new AbortController().signal;
    const bad = q.request('bad', 'bad', signal);
    pending.get('bad')?.reject(new Error('not an image'));
    expect(await bad).toBeNull();
    expect(await q.request('bad', 'bad', signal)).toBeNull();
    expect(calls).toEqual(['bad']);

    const ctl = new AbortController();
    const gone = q.request('img', 'img', ctl.signal);
    ctl.abort();
    expect(await gone).toBeNull();
    await tick();
    const again = q.request('img', 'img', signal);
    await tick();
    pending.get('img')?.resolve('IMG');
    expect(await again).toBe('IMG');
    expect(calls).toEqual(['bad', 'img', 'img']);
  });

  it('a request aborted while it waits never loads', async () => {
    const { load, calls, pending } = manualLoader();
    const q = new ThumbnailQueue(load, () => {}, 1);
    const signal = new AbortController().signal;
    const first = q.request('a', 'a', signal);
    const ctl = new AbortController();
    const waiting = q.request('b', 'b', ctl.signal);
    ctl.abort();
    pending.get('a')?.resolve('A');
    await first;
    expect(await waiting).toBeNull();
    expect(calls).toEqual(['a']);
    expect(q.active).toBe(0);
  });
});

describe('coverRect', () => {
  it('covers the box and centres the overflow', () => {
    // A wide picture: the height fills, the sides are cut evenly.
    expect(coverRect(400, 100, 240, 180)).toEqual({ x: -240, y: 0, w: 720, h: 180 });
    // A tall one: the width fills.
    expect(coverRect(100, 400, 240, 180)).toEqual({ x: 0, y: -390, w: 240, h: 960 });
    // A small one is scaled up to cover.
    expect(coverRect(16, 12, 240, 180)).toEqual({ x: 0, y: 0, w: 240, h: 180 });
  });
});
