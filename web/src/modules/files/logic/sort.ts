// The order of a folder's entries: folders first, then by name, size or
// modification date, ascending or descending; ties by name. In an armoured
// workspace the names are those opened in the browser (the server orders
// by token), entries whose name did not open after the others.
import { fold } from '../../../mentions/mentions';
import type { ShownNode } from '../sealed';

export type SortKey = 'name' | 'size' | 'mtime';
export type SortDir = 'asc' | 'desc';
export const SORT_KEYS: readonly SortKey[] = ['name', 'size', 'mtime'];

export interface SortOrder {
  key: SortKey;
  dir: SortDir;
}

export const DEFAULT_ORDER: SortOrder = { key: 'name', dir: 'asc' };

/** A name comparer for the locale: case-insensitive, "2" before "10". */
export function nameComparer(locale: string): (a: string, b: string) => number {
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
  return (a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

const unnamed = (n: ShownNode): boolean => !!n.sealed && n.sealed.name !== 'open';

export function sortNodes<T extends ShownNode>(
  items: readonly T[],
  order: SortOrder,
  locale: string,
): T[] {
  const byName = nameComparer(locale);
  const sign = order.dir === 'desc' ? -1 : 1;
  const value = (n: ShownNode): number =>
    order.key === 'size' ? n.size : order.key === 'mtime' ? Date.parse(n.mtime) || 0 : 0;
  return [...items].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
    if (unnamed(a) !== unnamed(b)) return unnamed(a) ? 1 : -1;
    if (order.key !== 'name') {
      const d = value(a) - value(b);
      if (d !== 0) return sign * d;
    }
    return (order.key === 'name' ? sign : 1) * byName(a.name, b.name);
  });
}

/** Reads a remembered order ("size:desc"); the default for anything else. */
export function parseOrder(s: string | null | undefined): SortOrder {
  const [key, dir] = (s ?? '').split(':');
  if ((SORT_KEYS as readonly string[]).includes(key ?? '') && (dir === 'asc' || dir === 'desc'))
    return { key: key as SortKey, dir };
  return DEFAULT_ORDER;
}

export function formatOrder(o: SortOrder): string {
  return `${o.key}:${o.dir}`;
}

/**
 * The entries whose name holds every word of `query`, case and accents
 * aside: a search in the browser, where the server cannot read the names
 * (armoured workspaces). Entries whose name did not open never match.
 */
export function filterByName<T extends ShownNode>(items: readonly T[], query: string): T[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return [...items];
  return items.filter((n) => {
    if (unnamed(n)) return false;
    const name = fold(n.name);
    return words.every((w) => name.includes(w));
  });
}
