// The trash in the store, a page at a time from the newest: older pages on
// demand, a change reading again as many as are shown, and a page that
// arrives after the trash was read again dropped.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, type FileNode } from '../../api';
import { node } from './logic/fixtures.test-util';
import { FilesStore } from './store';
import { MemoryUnfinished } from './logic/unfinished.test-util';

/** `count` trashed files, newest first, several deleted in the same millisecond. */
function trashed(count: number): FileNode[] {
  return Array.from({ length: count }, (_, i) => {
    const second = String(59 - (Math.floor(i / 7) % 60)).padStart(2, '0');
    const minute = String(59 - Math.floor(i / 420)).padStart(2, '0');
    return node(`f${String(count - i).padStart(4, '0')}.txt`, {
      trashed_at: `2026-11-30T10:${minute}:${second}.000Z`,
    });
  });
}

/** The server's GET /files/trash over `all`: (trashed_at, id) descending, after the cursor. */
function serve(all: () => FileNode[]) {
  return vi
    .spyOn(api.files, 'trash')
    .mockImplementation(async (_ws: string, limit: number, before?: FileNode) => {
      const list = all();
      const at = (n: FileNode) => n.trashed_at ?? '';
      const from = before
        ? list.findIndex((n) => at(n) < at(before) || (at(n) === at(before) && n.id < before.id))
        : 0;
      return from < 0 ? [] : list.slice(from, from + limit);
    });
}

const ids = (s: FilesStore) => s.getState().trash.items.map((n) => n.id);

afterEach(() => vi.restoreAllMocks());

describe('the trash, a page at a time', () => {
  it('reads the newest first, then older pages to the end', async () => {
    let all = trashed(450);
    const get = serve(() => all);
    const store = new FilesStore('w1', 'alice', null, new MemoryUnfinished('alice'));
    await store.loadTrash();
    expect(ids(store)).toEqual(all.slice(0, 200).map((n) => n.id));
    expect(store.getState().trash.more).toBe(true);
    await store.loadOlderTrash();
    await store.loadOlderTrash();
    expect(ids(store)).toEqual(all.map((n) => n.id));
    expect(store.getState().trash.more).toBe(false);
    expect(get).toHaveBeenCalledTimes(3);
    await store.loadOlderTrash();
    expect(get).toHaveBeenCalledTimes(3);

    // Read again after a change: every entry shown still is, one gone is not.
    all = all.filter((_, i) => i !== 10);
    await store.loadTrash();
    expect(ids(store)).toEqual(all.map((n) => n.id));
    expect(store.getState().trash.more).toBe(false);
    store.stop();
  });

  it('reads past the server’s largest page when that many are shown', async () => {
    const all = trashed(2600);
    const get = serve(() => all);
    const store = new FilesStore('w1', 'alice', null, new MemoryUnfinished('alice'));
    await store.loadTrash();
    for (let i = 0; i < 6; ++i) await store.loadOlderTrash();
    expect(ids(store)).toHaveLength(1400);
    get.mockClear();
    await store.loadTrash();
    expect(ids(store)).toEqual(all.slice(0, 1400).map((n) => n.id));
    expect(get.mock.calls.map((c) => c[1])).toEqual([1000, 400]);
    expect(store.getState().trash.more).toBe(true);
    store.stop();
  });

  it('drops an older page that arrives after the trash was read again', async () => {
    const all = trashed(300);
    serve(() => all);
    const store = new FilesStore('w1', 'alice', null, new MemoryUnfinished('alice'));
    await store.loadTrash();
    let answer: (page: FileNode[]) => void = () => {};
    vi.spyOn(api.files, 'trash').mockImplementationOnce(
      () => new Promise<FileNode[]>((resolve) => (answer = resolve)),
    );
    const older = store.loadOlderTrash();
    await store.loadTrash();
    answer(all.slice(200, 300));
    await older;
    expect(ids(store)).toEqual(all.slice(0, 200).map((n) => n.id));
    store.stop();
  });
});
