// The upload queue: what is waiting, sending, done or failed (or was
// interrupted by a reload, logic/unfinished.ts), and the progress of each
// transfer and of all of them. Pure: the store applies these functions as
// transfers report.
import { sameFile, type PickedFile } from './unfinished';

export type UploadStatus = 'queued' | 'uploading' | 'done' | 'error' | 'cancelled' | 'interrupted';

/**
 * What an interrupted upload (a page reloaded while it was sent) waits for:
 * the person to pick its file again (plain workspaces), the workspace's
 * keys to open what finishes it (armoured), or nothing: that does not open
 * with the keys held here, it can only be discarded.
 */
export type Interruption = 'file' | 'keys' | 'unreadable';

export interface UploadItem {
  id: number;
  /** The file's name in its folder. */
  name: string;
  /** Relative path shown ("photos/a.jpg"); the name for a single file. */
  path: string;
  size: number;
  /** Bytes the server acknowledged or that left the browser. */
  loaded: number;
  status: UploadStatus;
  /** An error code (quota_exceeded, exists, network...) when status is "error". */
  error?: string;
  /** The folder the file goes to ("" the root); null while its folder is being created. */
  parentId: string | null;
  /** Where it lands, for the conflict check and the messages ("/a/b.txt"). */
  target: string;
  /** Overwrite an existing file (a new version) instead of refusing. */
  replace: boolean;
  /** The file once uploaded. */
  fileId?: string;
  /** Resumable upload: its URL on the server, once created. */
  resumeUrl?: string;
  /** A new version of this file (armoured: sent to it, whatever its name). */
  versionOf?: string;
  /** Armoured: being sealed in the browser, before its bytes leave. */
  sealing?: boolean;
  /** Status "interrupted": what it waits for. */
  interrupted?: Interruption;
  /** Plain: the file picked (its own name and modification time), to know it again. */
  fileName?: string;
  lastModified?: number;
}

export interface UploadsState {
  items: readonly UploadItem[];
}

export const EMPTY_UPLOADS: UploadsState = { items: [] };

export type NewUpload = Pick<UploadItem, 'name' | 'path' | 'size' | 'parentId' | 'target'> & {
  replace?: boolean;
  versionOf?: string;
};

/** An upload a reload interrupted, remembered by this browser: its server URL and what is known. */
export type KeptUpload = Pick<
  UploadItem,
  'name' | 'path' | 'size' | 'target' | 'replace' | 'versionOf' | 'fileName' | 'lastModified'
> & { parentId: string; resumeUrl: string; interrupted: Interruption };

export function added(s: UploadsState, list: readonly NewUpload[], firstId: number): UploadsState {
  const items = list.map((u, i): UploadItem => ({
    ...u,
    id: firstId + i,
    replace: !!u.replace,
    loaded: 0,
    status: 'queued',
  }));
  return { items: [...s.items, ...items] };
}

/** Interrupted uploads, shown as such (ids from `firstId`). */
export function restored(
  s: UploadsState,
  list: readonly KeptUpload[],
  firstId: number,
): UploadsState {
  const items = list.map((u, i): UploadItem => ({
    ...u,
    id: firstId + i,
    loaded: 0,
    status: 'interrupted',
  }));
  return items.length ? { items: [...s.items, ...items] } : s;
}

function update(s: UploadsState, id: number, f: (u: UploadItem) => UploadItem): UploadsState {
  let changed = false;
  const items = s.items.map((u) => {
    if (u.id !== id) return u;
    const v = f(u);
    if (v !== u) changed = true;
    return v;
  });
  return changed ? { items } : s;
}

const settled = (u: UploadItem) =>
  u.status === 'done' || u.status === 'error' || u.status === 'cancelled';

export function started(s: UploadsState, id: number): UploadsState {
  return update(s, id, (u) =>
    u.status === 'queued' ? { ...u, status: 'uploading', error: undefined } : u,
  );
}

export function progressed(s: UploadsState, id: number, loaded: number): UploadsState {
  return update(s, id, (u) => {
    if (u.status !== 'uploading') return u;
    const l = Math.min(u.size, Math.max(0, loaded));
    return l === u.loaded ? u : { ...u, loaded: l };
  });
}

/** Armoured: the file is being sealed (`on`), or its sealed bytes started to leave. */
export function sealing(s: UploadsState, id: number, on: boolean): UploadsState {
  return update(s, id, (u) =>
    u.status !== 'uploading' || !!u.sealing === on ? u : { ...u, sealing: on },
  );
}

export function resumable(s: UploadsState, id: number, url: string): UploadsState {
  return update(s, id, (u) => ({ ...u, resumeUrl: url }));
}

export function finished(s: UploadsState, id: number, fileId: string): UploadsState {
  return update(s, id, (u) =>
    u.status === 'cancelled'
      ? u
      : { ...u, status: 'done', loaded: u.size, fileId, sealing: undefined },
  );
}

export function failed(s: UploadsState, id: number, code: string): UploadsState {
  return update(s, id, (u) =>
    settled(u) ? u : { ...u, status: 'error', error: code, sealing: undefined },
  );
}

export function cancelled(s: UploadsState, id: number): UploadsState {
  return update(s, id, (u) =>
    u.status === 'done' || u.status === 'cancelled' ? u : { ...u, status: 'cancelled' },
  );
}

/** Armoured: an interrupted upload waits for something else (keys, or nothing: `unreadable`). */
export function waiting(s: UploadsState, id: number, why: Interruption): UploadsState {
  return update(s, id, (u) =>
    u.status !== 'interrupted' || u.interrupted === why ? u : { ...u, interrupted: why },
  );
}

/** Armoured: what an interrupted upload's record opened to (its real name, path, place). */
export function described(
  s: UploadsState,
  id: number,
  d: Pick<
    UploadItem,
    'name' | 'path' | 'parentId' | 'size' | 'replace' | 'versionOf' | 'interrupted'
  >,
): UploadsState {
  return update(s, id, (u) => ({ ...u, ...d }));
}

/** An interrupted upload goes on (its file is at hand again, or its keys opened it). */
export function resumed(s: UploadsState, id: number): UploadsState {
  return update(s, id, (u) =>
    u.status === 'interrupted'
      ? { ...u, status: 'queued', interrupted: undefined, error: undefined }
      : u,
  );
}

/** A failed upload starts over as a new one: the server no longer has the old one. */
export function restarted(s: UploadsState, id: number): UploadsState {
  return update(s, id, (u) =>
    u.status === 'error'
      ? { ...u, status: 'queued', error: undefined, loaded: 0, resumeUrl: undefined }
      : u,
  );
}

/** An upload taken out of the queue (discarded). */
export function removed(s: UploadsState, id: number): UploadsState {
  const items = s.items.filter((u) => u.id !== id);
  return items.length === s.items.length ? s : { items };
}

/**
 * The interrupted upload (plain: waiting for its file) that `file`, put into
 * `target`, continues: same name, size and modification time, same place.
 */
export function interruptedFor(
  s: UploadsState,
  file: PickedFile,
  target: string,
): UploadItem | undefined {
  return s.items.find(
    (u) =>
      u.status === 'interrupted' &&
      u.interrupted === 'file' &&
      u.target === target &&
      isFileOf(u, file),
  );
}

/** Whether `file` is the one the plain upload `u` was sending (its name, size and date). */
export function isFileOf(u: UploadItem, file: PickedFile): boolean {
  return (
    u.fileName !== undefined &&
    u.lastModified !== undefined &&
    sameFile({ name: u.fileName, size: u.size, lastModified: u.lastModified }, file)
  );
}

/** The folder of waiting files under a folder just created (relative dir -> id). */
export function placed(s: UploadsState, ids: readonly number[], parentId: string): UploadsState {
  const set = new Set(ids);
  let changed = false;
  const items = s.items.map((u) => {
    if (!set.has(u.id) || u.parentId !== null) return u;
    changed = true;
    return { ...u, parentId };
  });
  return changed ? { items } : s;
}

/** Sends a failed file again, as a new version when `replace`. */
export function retried(s: UploadsState, id: number, replace: boolean): UploadsState {
  return update(s, id, (u) =>
    u.status === 'error'
      ? { ...u, status: 'queued', error: undefined, loaded: 0, replace: replace || u.replace }
      : u,
  );
}

/** Forgets what is over (done, cancelled); keeps errors unless `all`, and interrupted ones. */
export function cleared(s: UploadsState, all = false): UploadsState {
  const items = s.items.filter(
    (u) => !(u.status === 'done' || u.status === 'cancelled' || (all && u.status === 'error')),
  );
  return items.length === s.items.length ? s : { items };
}

/** The queued files that may start now, oldest first, `parallel` at most in flight. */
export function nextToStart(s: UploadsState, parallel: number): UploadItem[] {
  const running = s.items.filter((u) => u.status === 'uploading').length;
  const room = Math.max(0, parallel - running);
  if (room === 0) return [];
  return s.items.filter((u) => u.status === 'queued' && u.parentId !== null).slice(0, room);
}

export interface UploadTotals {
  /** Files counted (cancelled and interrupted ones are not). */
  count: number;
  done: number;
  failed: number;
  /** Waiting or sending. */
  active: number;
  /** Interrupted by a reload, waiting for their file or keys. */
  interrupted: number;
  loaded: number;
  size: number;
  /** 0..100, by bytes (by files when every file is empty). */
  percent: number;
}

export function totals(s: UploadsState): UploadTotals {
  let count = 0;
  let done = 0;
  let failedCount = 0;
  let active = 0;
  let interrupted = 0;
  let loaded = 0;
  let size = 0;
  for (const u of s.items) {
    if (u.status === 'cancelled') continue;
    if (u.status === 'interrupted') {
      interrupted++;
      continue;
    }
    count++;
    if (u.status === 'done') done++;
    else if (u.status === 'error') failedCount++;
    else active++;
    // A failed file no longer counts towards what remains to send.
    if (u.status === 'error') continue;
    loaded += u.status === 'done' ? u.size : u.loaded;
    size += u.size;
  }
  const counted = count - failedCount;
  const pct =
    size > 0
      ? Math.floor((loaded / size) * 100)
      : counted > 0
        ? Math.floor((done / counted) * 100)
        : 0;
  return {
    count,
    done,
    failed: failedCount,
    active,
    interrupted,
    loaded,
    size,
    percent: Math.min(100, pct),
  };
}
