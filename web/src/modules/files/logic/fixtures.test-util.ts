// Test data for the files module's unit tests.
import type { EventFrame, FileNode } from '../../../api';
import type { ShownNode } from '../sealed';
import type { DirectoryEntryLike, EntryLike, FileEntryLike } from './tree';

export function node(name: string, extra: Partial<FileNode> = {}): FileNode {
  return {
    id: `id-${name}`,
    workspace_id: 'w1',
    parent_id: null,
    name,
    path: `/${name}`,
    kind: 'file',
    size: 10,
    etag: '"e"',
    mtime: '2026-11-01T10:00:00Z',
    created_at: '2026-11-01T10:00:00Z',
    created_by: 'alice',
    updated_at: '2026-11-01T10:00:00Z',
    updated_by: 'alice',
    content_type: 'text/plain',
    version: 1,
    ...extra,
  };
}

export function folder(name: string, extra: Partial<FileNode> = {}): FileNode {
  const n = node(name, { kind: 'folder', size: 0, ...extra });
  delete n.content_type;
  delete n.version;
  return n;
}

/**
 * An armoured entry as the store shows it: `name` opened (or, with `state`,
 * not: its name is then the token), the server's node named by `token`.
 */
export function opened(
  n: FileNode,
  token: string,
  state: 'open' | 'pending' | 'unreadable' | 'bad_signature' = 'open',
): ShownNode {
  const raw = { ...n, name: token };
  return {
    ...n,
    name: state === 'open' ? n.name : token,
    sealed: {
      token,
      name: state,
      content: null,
      verified: state === 'open',
      rolledBack: false,
      raw,
    },
  };
}

export function event(type: string, data: object, seq = 1): EventFrame {
  return { type, workspace_id: 'w1', seq, module: 'files', data: { ...data } };
}

export function fileEntry(name: string, content = 'x', fail = false): FileEntryLike {
  return {
    isFile: true,
    isDirectory: false,
    name,
    file: (ok, err) => {
      if (fail) err?.(new Error('unreadable'));
      else setTimeout(() => ok(new File([content], name)), 0);
    },
  };
}

/** A folder whose reader gives its children in batches of `batch` (browsers: 100). */
export function dirEntry(name: string, children: EntryLike[], batch = 2): DirectoryEntryLike {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok) => {
          const part = children.slice(at, at + batch);
          at += part.length;
          setTimeout(() => ok(part), 0);
        },
      };
    },
  };
}
