// @vitest-environment node
// The uploads a browser remembers, against fake-indexeddb: a real
// IndexedDB's behaviour (schema, indexes, transactions, aborts) in memory.
// Node's environment, not jsdom's: jsdom's Blob does not survive the
// structured clone every IndexedDB makes of what it stores.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_UNFINISHED, UnfinishedUploads, sameFile, type UnfinishedPlain } from './unfinished';
import { plain, sealed } from './unfinished.test-util';

afterEach(() => vi.restoreAllMocks());

/** A fake Web Locks manager: one holder per name, `ifAvailable` only. */
function fakeLocks(): LockManager {
  const held = new Set<string>();
  return {
    request: async (
      name: string,
      _o: LockOptions,
      cb: (lock: Lock | null) => Promise<void> | undefined,
    ) => {
      if (held.has(name)) return cb(null);
      held.add(name);
      try {
        return await cb({ name, mode: 'exclusive' } as Lock);
      } finally {
        held.delete(name);
      }
    },
  } as unknown as LockManager;
}

describe('the uploads a browser remembers', () => {
  it('keeps, reads back and forgets, per person and workspace, the oldest first', async () => {
    const db = new IDBFactory();
    const mine = new UnfinishedUploads('u1', db, null);
    expect(await mine.put(plain('/u/b', { createdAt: 2000 }))).toEqual({ kept: true, dropped: [] });
    await mine.put(plain('/u/a', { createdAt: 1000, versionOf: 'f9', replace: true }));
    await mine.put(plain('/u/c', { workspaceId: 'ws2' }));
    // Another person's record is theirs: written through their own memory only.
    const theirs = new UnfinishedUploads('u2', db, null);
    await theirs.put(plain('/u/d', { userId: 'u2' }));
    expect(await mine.put(plain('/u/e', { userId: 'u2' }))).toEqual({ kept: false, dropped: [] });

    // Read back by another page (a new memory over the same database).
    const again = new UnfinishedUploads('u1', db, null);
    const list = await again.list('ws1');
    expect(list.map((u) => u.url)).toEqual(['/u/a', '/u/b']);
    expect(list[0]).toEqual(plain('/u/a', { createdAt: 1000, versionOf: 'f9', replace: true }));
    expect((await again.list('ws2')).map((u) => u.url)).toEqual(['/u/c']);
    expect((await theirs.list('ws1')).map((u) => u.url)).toEqual(['/u/d']);

    // The same URL again replaces it; removing forgets it (and nothing else).
    await again.put(plain('/u/b', { createdAt: 3000, name: 'renamed.bin' }));
    await again.remove('/u/a');
    await again.remove('/u/never');
    expect(await mine.list('ws1')).toEqual([
      plain('/u/b', { createdAt: 3000, name: 'renamed.bin' }),
    ]);
    expect((await theirs.list('ws1')).map((u) => u.url)).toEqual(['/u/d']);
  });

  it('keeps an armoured upload’s sealed bytes as a Blob', async () => {
    const m = new UnfinishedUploads('u1', new IDBFactory(), null);
    await m.put(sealed('/u/s', new Uint8Array([7, 8, 9])));
    const [back] = await m.list('ws1');
    if (back?.kind !== 'sealed') throw new Error('not kept');
    expect(back.box).toBe('e2e1:1:nonce:ciphertext:signature');
    expect(back.sealed).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await back.sealed.arrayBuffer())]).toEqual([7, 8, 9]);
  });

  it('is bounded: past the most per person, the oldest go, and says which', async () => {
    const db = new IDBFactory();
    const m = new UnfinishedUploads('u1', db, null, 3);
    const other = new UnfinishedUploads('u2', db, null, 3);
    await other.put(plain('/u/theirs', { userId: 'u2', createdAt: 1 }));
    for (const [url, at] of [
      ['/u/2', 20],
      ['/u/1', 10],
      ['/u/3', 30],
    ] as const)
      expect((await m.put(plain(url, { createdAt: at }))).dropped).toEqual([]);
    // Over the bound, in another workspace too: the oldest of the person's go.
    expect(await m.put(plain('/u/4', { createdAt: 40, workspaceId: 'ws2' }))).toEqual({
      kept: true,
      dropped: ['/u/1'],
    });
    expect(await m.put(plain('/u/5', { createdAt: 50 }))).toEqual({
      kept: true,
      dropped: ['/u/2'],
    });
    expect((await m.list('ws1')).map((u) => u.url)).toEqual(['/u/3', '/u/5']);
    expect((await m.list('ws2')).map((u) => u.url)).toEqual(['/u/4']);
    // Another person's count is theirs.
    expect((await other.list('ws1')).map((u) => u.url)).toEqual(['/u/theirs']);
    expect(MAX_UNFINISHED).toBe(50);
  });

  it('without IndexedDB, keeps nothing and never fails', async () => {
    const m = new UnfinishedUploads('u1', null, null);
    expect(await m.put(plain('/u/a'))).toEqual({ kept: false, dropped: [] });
    expect(await m.list('ws1')).toEqual([]);
    await expect(m.remove('/u/a')).resolves.toBeUndefined();
    // A browser that refuses to open it (private mode) is the same.
    const refusing = {
      open: () => {
        throw new DOMException('no', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const r = new UnfinishedUploads('u1', refusing, null);
    expect(await r.put(plain('/u/a'))).toEqual({ kept: false, dropped: [] });
    expect(await r.list('ws1')).toEqual([]);
  });

  it('a full disk (QuotaExceededError) keeps nothing of that write, the rest stays', async () => {
    const db = new IDBFactory();
    const m = new UnfinishedUploads('u1', db, null);
    await m.put(plain('/u/a'));
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
    ) {
      throw new DOMException('the disk is full', 'QuotaExceededError');
    });
    expect(await m.put(plain('/u/b'))).toEqual({ kept: false, dropped: [] });
    put.mockRestore();
    // Or the transaction aborts later, as a browser does when the quota is met.
    const abort = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
    ) {
      this.transaction.abort();
      return {} as IDBRequest<IDBValidKey>;
    });
    expect(await m.put(plain('/u/c'))).toEqual({ kept: false, dropped: [] });
    abort.mockRestore();
    expect((await m.list('ws1')).map((u) => u.url)).toEqual(['/u/a']);
  });

  it('reads what is not a record of its own as nothing', async () => {
    const db = new IDBFactory();
    const m = new UnfinishedUploads('u1', db, null);
    await m.put(plain('/u/good'));
    // Written by a broken or older page: the same keys, not the same shape.
    await m.put({ ...plain('/u/bad'), lastModified: 'yesterday' } as unknown as UnfinishedPlain);
    await m.put({ ...sealed('/u/nobytes', new Uint8Array(1)), sealed: 'x' } as never);
    expect((await m.list('ws1')).map((u) => u.url)).toEqual(['/u/good']);
  });

  it('lets one tab claim an upload at a time', async () => {
    const locks = fakeLocks();
    const tabA = new UnfinishedUploads('u1', null, locks);
    const tabB = new UnfinishedUploads('u1', null, locks);
    const release = await tabA.claim('/u/a');
    expect(release).not.toBeNull();
    expect(await tabB.claim('/u/a')).toBeNull();
    expect(await tabB.claim('/u/other')).not.toBeNull();
    release?.();
    await Promise.resolve();
    expect(await tabB.claim('/u/a')).not.toBeNull();
    // Without Web Locks, every claim succeeds.
    expect(await new UnfinishedUploads('u1', null, null).claim('/u/a')).not.toBeNull();
  });
});

describe('knowing a file again', () => {
  const kept = { name: 'big.bin', size: 9_000_000, lastModified: 1_700_000_000_000 };

  it('takes the same name, size and modification time, nothing else', () => {
    expect(sameFile(kept, { ...kept })).toBe(true);
    expect(sameFile(kept, { ...kept, name: 'Big.bin' })).toBe(false);
    expect(sameFile(kept, { ...kept, size: kept.size + 1 })).toBe(false);
    expect(sameFile(kept, { ...kept, lastModified: kept.lastModified + 1 })).toBe(false);
  });
});
