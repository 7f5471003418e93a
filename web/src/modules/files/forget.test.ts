// @vitest-environment node
// An explicit sign-out forgets the uploads kept to resume, against
// fake-indexeddb (see logic/unfinished.test.ts); the server's side is a
// function given to it.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { UnfinishedUploads } from './logic/unfinished';
import { plain, sealed } from './logic/unfinished.test-util';

// The real transport needs a browser's window (its CSRF store); these tests give their own.
vi.mock('./transport', () => ({ terminated: vi.fn(async () => undefined) }));
const { forgetUploads } = await import('./forget');

describe('signing out', () => {
  it('forgets every upload of one person at sign-out, in every workspace, and lets them go on the server', async () => {
    const db = new IDBFactory();
    const mine = new UnfinishedUploads('u1', db, null);
    await mine.put(plain('/u/a'));
    await mine.put(plain('/u/b', { workspaceId: 'ws2', createdAt: 1500 }));
    await mine.put(sealed('/u/s', new Uint8Array([1, 2, 3])));
    const theirs = new UnfinishedUploads('u2', db, null);
    await theirs.put(plain('/u/t', { userId: 'u2' }));

    const ended: string[] = [];
    const forgotten = await forgetUploads(
      'u1',
      new UnfinishedUploads('u1', db, null),
      async (url) => {
        ended.push(url);
      },
    );
    expect(forgotten.sort()).toEqual(['/u/a', '/u/b', '/u/s']);
    expect(ended.sort()).toEqual(['/u/a', '/u/b', '/u/s']);
    expect(await mine.list('ws1')).toEqual([]);
    expect(await mine.list('ws2')).toEqual([]);
    // Another person's stay theirs.
    expect((await theirs.list('ws1')).map((u) => u.url)).toEqual(['/u/t']);
    // A server that does not answer does not hold the sign-out past the wait.
    await mine.put(plain('/u/c'));
    const stuck = await forgetUploads('u1', mine, () => new Promise(() => undefined), 10);
    expect(stuck).toEqual(['/u/c']);
    expect(await forgetUploads('u1', mine, async () => undefined)).toEqual([]);
  });
});
