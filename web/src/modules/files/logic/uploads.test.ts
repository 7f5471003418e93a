import { describe, expect, it } from 'vitest';
import {
  EMPTY_UPLOADS,
  added,
  cancelled,
  cleared,
  failed,
  finished,
  nextToStart,
  placed,
  progressed,
  retried,
  started,
  totals,
  type NewUpload,
} from './uploads';

const file = (name: string, size: number, parentId: string | null = ''): NewUpload => ({
  name,
  path: name,
  size,
  parentId,
  target: `/${name}`,
});

describe('upload queue', () => {
  it('starts at most `parallel` files, oldest first, once their folder exists', () => {
    let s = added(
      EMPTY_UPLOADS,
      [file('a', 10), file('b', 10, null), file('c', 10), file('d', 10)],
      1,
    );
    expect(nextToStart(s, 2).map((u) => u.name)).toEqual(['a', 'c']);
    s = started(started(s, 1), 3);
    expect(nextToStart(s, 2)).toEqual([]);
    s = finished(s, 1, 'f1');
    expect(nextToStart(s, 2).map((u) => u.name)).toEqual(['d']);
    s = placed(s, [2], 'folder-1');
    expect(nextToStart(s, 3).map((u) => u.name)).toEqual(['b', 'd']);
    expect(s.items.find((u) => u.id === 2)?.parentId).toBe('folder-1');
  });

  it('aggregates bytes over the files still counted', () => {
    let s = added(EMPTY_UPLOADS, [file('a', 100), file('b', 300), file('c', 600)], 1);
    s = started(started(started(s, 1), 2), 3);
    s = progressed(s, 1, 50);
    s = progressed(s, 2, 150);
    expect(totals(s)).toMatchObject({ count: 3, active: 3, loaded: 200, size: 1000, percent: 20 });
    s = finished(s, 1, 'x');
    expect(totals(s)).toMatchObject({ done: 1, loaded: 250, percent: 25 });
    // A cancelled file no longer counts; a failed one stops counting bytes.
    s = cancelled(s, 3);
    s = failed(s, 2, 'quota_exceeded');
    expect(totals(s)).toMatchObject({ count: 2, done: 1, failed: 1, active: 0, size: 100 });
    expect(totals(s).percent).toBe(100);
    expect(s.items[1]).toMatchObject({ status: 'error', error: 'quota_exceeded' });
  });

  it('clamps progress and ignores reports about settled files', () => {
    let s = started(added(EMPTY_UPLOADS, [file('a', 10)], 1), 1);
    s = progressed(s, 1, 99);
    expect(s.items[0]?.loaded).toBe(10);
    s = cancelled(s, 1);
    const after = finished(progressed(s, 1, 3), 1, 'late');
    expect(after.items[0]?.status).toBe('cancelled');
    expect(failed(after, 1, 'network')).toBe(after);
  });

  it('counts empty files by number', () => {
    let s = added(EMPTY_UPLOADS, [file('a', 0), file('b', 0)], 1);
    expect(totals(s).percent).toBe(0);
    s = finished(started(s, 1), 1, 'f');
    expect(totals(s).percent).toBe(50);
  });

  it('retries a failed file, as a new version when asked', () => {
    let s = failed(started(added(EMPTY_UPLOADS, [file('a', 10)], 1), 1), 1, 'exists');
    s = retried(s, 1, true);
    expect(s.items[0]).toMatchObject({ status: 'queued', replace: true, loaded: 0 });
    expect(s.items[0]?.error).toBeUndefined();
  });

  it('clears what is over, errors only on request', () => {
    let s = added(EMPTY_UPLOADS, [file('a', 1), file('b', 1), file('c', 1), file('d', 1)], 1);
    s = finished(started(s, 1), 1, 'f');
    s = failed(started(s, 2), 2, 'network');
    s = cancelled(s, 3);
    expect(cleared(s).items.map((u) => u.name)).toEqual(['b', 'd']);
    expect(cleared(s, true).items.map((u) => u.name)).toEqual(['d']);
  });
});
