// The search of an armoured workspace's files (docs/armoured.md, "Files"):
// the server cannot read names, so the browser walks the tree, breadth
// first, reading each folder whole and opening its names, and keeps those
// that match. Bounded (so many folders, so many entries), and stopped by
// its signal (a new query).
import type { FileNode } from '../../api';
import { filterByName } from './logic/sort';
import { UNKNOWN_NAME, joinPath } from './logic/path';
import type { FilesArmour, ShownNode } from './sealed';

/** Entries read at most (then "limited to the first N entries"). */
export const MAX_ENTRIES = 20_000;
/** Folders read at most. */
export const MAX_FOLDERS = 200;
/** Matches kept at most. */
export const MAX_HITS = 500;

export interface TreeHit {
  node: ShownNode;
  /** The folder that holds it, in the names opened ("/Projets/2026"; "/" the root). */
  where: string;
}

export interface TreeSearch {
  hits: readonly TreeHit[];
  /** Entries read so far. */
  scanned: number;
  /** The walk stopped at a bound with folders left: not every entry was read. */
  limited: boolean;
  done: boolean;
}

export interface TreeSearchOptions {
  signal?: AbortSignal;
  /** The results so far, after each folder. */
  onProgress?(s: TreeSearch): void;
  /** Folders' entries already read (by folder id, "" the root), shared by successive queries. */
  listings?: Map<string, readonly FileNode[]>;
  maxEntries?: number;
  maxFolders?: number;
}

const aborted = () => new DOMException('search cancelled', 'AbortError');

/**
 * Walks the tree from the root for entries whose opened name matches
 * `query` (every word, as the folder filter does). Rejects with an
 * AbortError when `signal` aborts, with the server's error when the root
 * cannot be read; a folder that cannot be read below it is skipped.
 */
export async function searchTree(
  armour: Pick<FilesArmour, 'listAll' | 'open'>,
  query: string,
  o: TreeSearchOptions = {},
): Promise<TreeSearch> {
  const maxEntries = o.maxEntries ?? MAX_ENTRIES;
  const maxFolders = o.maxFolders ?? MAX_FOLDERS;
  const hits: TreeHit[] = [];
  const queue: { id: string; where: string }[] = [{ id: '', where: '/' }];
  let scanned = 0;
  let folders = 0;
  let limited = false;
  walk: while (queue.length) {
    if (folders >= maxFolders) {
      limited = true;
      break;
    }
    const { id, where } = queue.shift() as { id: string; where: string };
    let items = o.listings?.get(id);
    if (!items) {
      try {
        items = (await armour.listAll(id)).items;
      } catch (e) {
        if (o.signal?.aborted) throw aborted();
        if (!id) throw e;
        continue;
      }
      o.listings?.set(id, items);
    }
    if (o.signal?.aborted) throw aborted();
    folders++;
    for (const raw of items) {
      if (scanned >= maxEntries) {
        limited = true;
        break walk;
      }
      scanned++;
      const n = armour.open(raw);
      if (hits.length < MAX_HITS && filterByName([n], query).length) hits.push({ node: n, where });
      if (n.kind === 'folder') {
        const name = n.sealed && n.sealed.name !== 'open' ? UNKNOWN_NAME : n.name;
        queue.push({ id: n.id, where: joinPath(where, name) });
      }
    }
    o.onProgress?.({ hits: [...hits], scanned, limited: false, done: false });
  }
  return { hits, scanned, limited, done: true };
}
