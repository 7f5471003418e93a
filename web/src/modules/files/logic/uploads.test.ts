import { describe, expect, it } from 'vitest';
import {
  EMPTY_UPLOADS,
  added,
  cancelled,
  cleared,
  failed,
  finished,
  nextToStart,
  described,
  interruptedFor,
  placed,
  progressed,
  removed,
  restarted,
  restored,
  resumed,
  retried,
  started,
  totals,
  waiting,
  type KeptUpload,
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

describe('uploads a reload interrupted', () => {
  const MODIFIED = 1_700_000_000_000;
  const kept = (name: string, o: Partial<KeptUpload> = {}): KeptUpload => ({
    name,
    path: name,
    size: 100,
    parentId: 'folder-1',
    target: `/Archives/${name}`,
    replace: false,
    fileName: name,
    lastModified: MODIFIED,
    resumeUrl: `/api/v1/uploads/${name}`,
    interrupted: 'file',
    ...o,
  });
  const picked = (name: string, o: { size?: number; lastModified?: number } = {}) => ({
    name,
    size: 100,
    lastModified: MODIFIED,
    ...o,
  });

  it('show as interrupted, apart from what is sent, and stay when the list is closed', () => {
    let s = added(EMPTY_UPLOADS, [file('a', 10)], 1);
    s = restored(s, [kept('big.bin'), kept('other.bin', { interrupted: 'keys' })], 2);
    expect(s.items.map((u) => [u.id, u.status, u.interrupted])).toEqual([
      [1, 'queued', undefined],
      [2, 'interrupted', 'file'],
      [3, 'interrupted', 'keys'],
    ]);
    expect(s.items[1]).toMatchObject({ resumeUrl: '/api/v1/uploads/big.bin', loaded: 0 });
    // Neither waiting nor sent: counted apart, no bytes in the total.
    expect(totals(s)).toMatchObject({ count: 1, active: 1, interrupted: 2, size: 10 });
    expect(nextToStart(s, 3).map((u) => u.id)).toEqual([1]);
    s = finished(started(s, 1), 1, 'f');
    expect(cleared(s, true).items.map((u) => u.id)).toEqual([2, 3]);
    expect(restored(EMPTY_UPLOADS, [], 1)).toBe(EMPTY_UPLOADS);
  });

  it('know their file again by its name, size and modification time, put in the same place', () => {
    const s = restored(
      EMPTY_UPLOADS,
      [kept('big.bin'), kept('sealed', { interrupted: 'keys' })],
      1,
    );
    const target = '/Archives/big.bin';
    expect(interruptedFor(s, picked('big.bin'), target)?.id).toBe(1);
    expect(interruptedFor(s, picked('big.bin'), '/Elsewhere/big.bin')).toBeUndefined();
    expect(interruptedFor(s, picked('big.bin', { size: 101 }), target)).toBeUndefined();
    expect(
      interruptedFor(s, picked('big.bin', { lastModified: MODIFIED + 1 }), target),
    ).toBeUndefined();
    expect(interruptedFor(s, picked('Big.bin'), target)).toBeUndefined();
    // Kept both: its name in the folder is not the file's own.
    const renamed = restored(
      EMPTY_UPLOADS,
      [kept('big (2).bin', { fileName: 'big.bin', target: '/Archives/big (2).bin' })],
      1,
    );
    expect(interruptedFor(renamed, picked('big.bin'), '/Archives/big (2).bin')?.id).toBe(1);
    // Armoured ones are not picked again: they go on with their sealed bytes.
    expect(interruptedFor(s, picked('sealed'), '/Archives/sealed')).toBeUndefined();
    // Once going on, it is no longer waiting for its file.
    expect(interruptedFor(resumed(s, 1), picked('big.bin'), target)).toBeUndefined();
  });

  it('go on (queued, from the server’s offset), or start over only from an error', () => {
    let s = restored(EMPTY_UPLOADS, [kept('big.bin')], 1);
    s = resumed(s, 1);
    expect(s.items[0]).toMatchObject({ status: 'queued', resumeUrl: '/api/v1/uploads/big.bin' });
    expect(s.items[0]?.interrupted).toBeUndefined();
    expect(restarted(s, 1)).toBe(s);
    s = failed(started(s, 1), 1, 'upload_expired');
    s = restarted(s, 1);
    expect(s.items[0]).toMatchObject({ status: 'queued', loaded: 0 });
    expect(s.items[0]?.resumeUrl).toBeUndefined();
    expect(s.items[0]?.error).toBeUndefined();
  });

  it('armoured: wait for keys, show what their record opened to, or cannot go on', () => {
    let s = restored(
      EMPTY_UPLOADS,
      [kept('', { path: '', interrupted: 'keys', fileName: undefined })],
      1,
    );
    s = waiting(s, 1, 'unreadable');
    expect(s.items[0]?.interrupted).toBe('unreadable');
    s = described(s, 1, {
      name: 'plan.pdf',
      path: 'docs/plan.pdf',
      parentId: 'folder-2',
      size: 42,
      replace: true,
      versionOf: 'f1',
      interrupted: 'keys',
    });
    expect(s.items[0]).toMatchObject({
      status: 'interrupted',
      interrupted: 'keys',
      name: 'plan.pdf',
      path: 'docs/plan.pdf',
      parentId: 'folder-2',
      size: 42,
    });
    // Waiting applies to interrupted uploads only.
    const going = resumed(s, 1);
    expect(waiting(going, 1, 'unreadable')).toBe(going);
    expect(removed(s, 1).items).toEqual([]);
    expect(removed(s, 9)).toBe(s);
  });
});
