// The armoured workspace's search in the browser: the tree walked breadth
// first with its names opened, bounded, and stopped by a new query.
import { describe, expect, it, vi } from 'vitest';
import type { FileListing, FileNode } from '../../api';
import { folder, node, opened } from './logic/fixtures.test-util';
import type { ShownNode } from './sealed';
import { searchTree } from './treeSearch';

/** A tree as the server lists it: folder id ("" the root) -> its entries. */
function server(tree: Record<string, FileNode[]>) {
  const listAll = vi.fn(async (id: string): Promise<FileListing> => {
    const items = tree[id];
    if (!items) throw new Error(`no folder ${id}`);
    return { folder: folder(id), items, total: items.length, offset: 0 };
  });
  // Names "opened" as the fixtures' nodes are named; "?…" ones do not open.
  const open = (n: FileNode): ShownNode =>
    n.name.startsWith('?') ? opened(n, n.name.slice(1), 'unreadable') : n;
  return { listAll, open };
}

const tree = {
  '': [
    folder('Projets', { id: 'p' }),
    node('devis 2026.pdf', { id: 'd1' }),
    folder('?tok', { id: 'x' }),
  ],
  p: [folder('Clients', { id: 'c' }), node('plan.png', { id: 'plan' })],
  c: [node('Devis Dupont.odt', { id: 'd2', parent_id: 'c' })],
  x: [node('devis caché.txt', { id: 'd3', parent_id: 'x' })],
};

describe('searchTree', () => {
  it('walks every folder, breadth first, with where each match is in names', async () => {
    const s = server(tree);
    const r = await searchTree(s, 'devis');
    expect(r.hits.map((h) => [h.node.name, h.where])).toEqual([
      ['devis 2026.pdf', '/'],
      // Below a folder whose name does not open: found, its path says "…".
      ['devis caché.txt', '/…'],
      ['Devis Dupont.odt', '/Projets/Clients'],
    ]);
    expect(r).toMatchObject({ scanned: 7, limited: false, done: true });
    expect(s.listAll.mock.calls.map((c) => c[0])).toEqual(['', 'p', 'x', 'c']);
  });

  it('stops at its bounds, and says it did', async () => {
    const byFolders = await searchTree(server(tree), 'devis', { maxFolders: 2 });
    expect(byFolders.hits.map((h) => h.node.name)).toEqual(['devis 2026.pdf']);
    expect(byFolders).toMatchObject({ scanned: 5, limited: true });
    const byEntries = await searchTree(server(tree), 'devis', { maxEntries: 4 });
    expect(byEntries).toMatchObject({ scanned: 4, limited: true });
    // Every folder read, within the bounds: not limited.
    expect(await searchTree(server(tree), 'devis', { maxFolders: 4 })).toMatchObject({
      limited: false,
    });
  });

  it('stops when cancelled (a new query), and reuses the folders already read', async () => {
    const s = server(tree);
    const ctl = new AbortController();
    const listings = new Map<string, readonly FileNode[]>();
    const progress = vi.fn(() => ctl.abort());
    await expect(
      searchTree(s, 'devis', { signal: ctl.signal, listings, onProgress: progress }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(s.listAll).toHaveBeenCalledTimes(2);
    expect(progress).toHaveBeenCalledTimes(1);

    const r = await searchTree(s, 'plan', { listings });
    expect(r.hits.map((h) => [h.node.name, h.where])).toEqual([['plan.png', '/Projets']]);
    // The root and "Projets" were read by the first query.
    expect(s.listAll.mock.calls.map((c) => c[0])).toEqual(['', 'p', 'x', 'c']);
  });

  it('fails when the root cannot be read, skips a folder below that cannot', async () => {
    await expect(searchTree(server({}), 'devis')).rejects.toThrow('no folder');
    const r = await searchTree(server({ ...tree, c: undefined as unknown as FileNode[] }), 'devis');
    expect(r.hits.map((h) => h.node.name)).toEqual(['devis 2026.pdf', 'devis caché.txt']);
  });
});
