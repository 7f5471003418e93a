// What a files event does to the folder on screen. Events carry
// {id, kind, path, parent_id, name, etag, size, mtime, version, old_path?},
// and in an armoured workspace the entry's sealed records (sealed_name,
// sealed_name_by; files: sealed_content, sealed_content_by).
import type { EventFrame, FileNode } from '../../../api';
import { isWithin } from './path';

export interface NodeEventData {
  id: string;
  kind: 'file' | 'folder';
  path: string;
  parent_id: string | null;
  name: string;
  etag?: string;
  size?: number;
  mtime?: string;
  version?: number;
  old_path?: string;
  sealed_name?: string;
  sealed_name_by?: string;
  sealed_content?: string;
  sealed_content_by?: string;
}

const SEALED_FIELDS = [
  'sealed_name',
  'sealed_name_by',
  'sealed_content',
  'sealed_content_by',
] as const;

const NODE_EVENT = /^(file|folder)\.(created|updated|moved|deleted|restored|purged)$/;

/** The node an event is about, or null for other events (share.*, malformed). */
export function nodeEvent(e: EventFrame): { action: string; data: NodeEventData } | null {
  const m = NODE_EVENT.exec(e.type);
  if (!m) return null;
  const d = (e.data ?? {}) as Partial<NodeEventData>;
  if (typeof d.id !== 'string' || typeof d.name !== 'string' || typeof d.path !== 'string')
    return null;
  return {
    action: m[2] ?? '',
    data: {
      ...d,
      id: d.id,
      name: d.name,
      path: d.path,
      kind: m[1] === 'folder' ? 'folder' : 'file',
      parent_id: typeof d.parent_id === 'string' && d.parent_id ? d.parent_id : null,
    },
  };
}

/** The node an event describes: `old` (what was known of it) with the event's fields. */
export function mergedNode(
  old: FileNode | undefined,
  d: NodeEventData,
  workspaceId: string,
): FileNode {
  const base: FileNode = old ?? {
    id: d.id,
    workspace_id: workspaceId,
    parent_id: d.parent_id,
    name: d.name,
    path: d.path,
    kind: d.kind,
    size: 0,
    etag: '',
    mtime: '',
    created_at: '',
    created_by: '',
    updated_at: '',
    updated_by: '',
  };
  const next: FileNode = { ...base, parent_id: d.parent_id, name: d.name, path: d.path };
  if (d.etag !== undefined) next.etag = d.etag;
  if (typeof d.size === 'number') next.size = d.size;
  if (typeof d.mtime === 'string') next.mtime = d.mtime;
  if (typeof d.version === 'number' && d.kind === 'file') next.version = d.version;
  for (const k of SEALED_FIELDS) if (typeof d[k] === 'string') next[k] = d[k];
  return next;
}

/**
 * The folders of `items` above what the event changed (where it is, and
 * where it was) take the event's time as their date, as the server dates
 * a folder: by the last change anywhere beneath it.
 */
function dateAncestors(
  items: readonly FileNode[],
  e: EventFrame,
  d: NodeEventData,
): readonly FileNode[] {
  const at = e.at;
  const when = at ? Date.parse(at) : NaN;
  if (!at || Number.isNaN(when)) return items;
  const paths = d.old_path ? [d.path, d.old_path] : [d.path];
  let copy: FileNode[] | null = null;
  items.forEach((n, i) => {
    if (n.kind !== 'folder' || !paths.some((p) => p !== n.path && isWithin(p, n.path))) return;
    if (Date.parse(n.mtime) >= when) return;
    copy ??= [...items];
    copy[i] = { ...n, mtime: at };
  });
  return copy ?? items;
}

/**
 * The items of folder `folderId` ("" the root) after the event: a node
 * that arrives is added or updated, one that leaves (moved elsewhere,
 * deleted, purged) is removed, and the folders above it are dated anew.
 * The same list when nothing changes.
 */
export function applyNodeEvent(
  items: readonly FileNode[],
  e: EventFrame,
  folderId: string,
): readonly FileNode[] {
  const ev = nodeEvent(e);
  if (!ev) return items;
  const { action, data } = ev;
  const i = items.findIndex((n) => n.id === data.id);
  const here = (data.parent_id ?? '') === folderId;
  const gone = action === 'deleted' || action === 'purged' || !here;
  let next: readonly FileNode[];
  if (gone) {
    next = i >= 0 ? items.filter((n) => n.id !== data.id) : items;
  } else {
    const node = mergedNode(items[i], data, e.workspace_id);
    const copy = [...items];
    if (i < 0) copy.push(node);
    else copy[i] = node;
    next = copy;
  }
  return dateAncestors(next, e, data);
}

/**
 * Whether the event changes the folder being shown or its ancestors (a
 * rename, move or deletion of one of them): then it is read again.
 */
export function touchesFolder(e: EventFrame, folderId: string, folderPath: string): boolean {
  const ev = nodeEvent(e);
  if (!ev || ev.data.kind !== 'folder' || !folderId) return false;
  if (ev.data.id === folderId) return ev.action !== 'updated' && ev.action !== 'created';
  if (ev.action !== 'moved' && ev.action !== 'deleted' && ev.action !== 'purged') return false;
  const was = ev.data.old_path ?? ev.data.path;
  return isWithin(folderPath, was);
}
