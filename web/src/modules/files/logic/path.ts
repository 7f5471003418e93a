// Paths of the workspace's tree ("/a/b", "/" for the root) and the
// breadcrumbs built from them.

export function joinPath(parent: string, name: string): string {
  return parent === '/' || parent === '' ? `/${name}` : `${parent}/${name}`;
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `path` is `root` or lies beneath it. */
export function isWithin(path: string, root: string): boolean {
  if (root === '/') return path.startsWith('/');
  return path === root || path.startsWith(`${root}/`);
}

/** How a path shows a folder whose name this browser has not opened (armoured). */
export const UNKNOWN_NAME = '…';

/**
 * A path in the names people read: in an armoured workspace (`names`: the
 * name tokens this browser opened) each token as its name, one not opened
 * as "…"; without `names`, the path as it is.
 */
export function shownPath(path: string, names?: ReadonlyMap<string, string>): string {
  if (!names) return path;
  const parts = path.split('/').filter(Boolean);
  return parts.length ? `/${parts.map((p) => names.get(p) ?? UNKNOWN_NAME).join('/')}` : '/';
}

export interface Crumb {
  /** "" for the root. */
  name: string;
  path: string;
  /** The folder's id; "" for the root; undefined while unknown. */
  id: string | undefined;
}

/**
 * The breadcrumbs of a folder: the root, then each ancestor, then the
 * folder itself. Ids come from `known` (path -> id), the folder's own id
 * from `current`.
 */
export function crumbsOf(
  path: string,
  current: string,
  known: ReadonlyMap<string, string> = new Map(),
): Crumb[] {
  const crumbs: Crumb[] = [{ name: '', path: '/', id: '' }];
  if (path === '/' || path === '') return crumbs;
  const names = path.split('/').filter(Boolean);
  let p = '';
  names.forEach((name, i) => {
    p = `${p}/${name}`;
    const id = i === names.length - 1 ? current : known.get(p);
    crumbs.push({ name, path: p, id });
  });
  return crumbs;
}

/** Splits a relative path from a drop ("photos/2026/a.jpg") into its folders and name. */
export function splitRelative(rel: string): { dirs: string[]; name: string } {
  const parts = rel.split('/').filter((s) => s !== '' && s !== '.');
  const name = parts.pop() ?? '';
  return { dirs: parts, name };
}

/** "photo.jpg" -> "photo (2).jpg", "notes" -> "notes (2)". */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  if (dot > 0) return `${name.slice(0, dot)} (${n})${name.slice(dot)}`;
  return `${name} (${n})`;
}

/** The first "name (n)" not in `taken`. */
export function freeName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const candidate = numberedName(name, n);
    if (!taken.has(candidate)) return candidate;
  }
}
