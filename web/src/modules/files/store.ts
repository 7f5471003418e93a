// The files of one workspace while its screens are open: the caller's
// right, the folder shown, the trash, the quota, people's names, and the
// upload queue. Live events and our own answers go through logic/; the
// components read it with useFilesState (useSyncExternalStore).
//
// One store per workspace for the page's lifetime (storeFor): uploads go on
// while the person looks at another module, and the queue is there when
// they come back.
import { api, isApiError } from '../../api';
import type { Access, EventFrame, FileNode, FilesUsage, Member } from '../../api';
import { liveEvents } from '../../events';
import { applyNodeEvent, nodeEvent, touchesFolder } from './logic/events';
import { freeName, joinPath, parentPath } from './logic/path';
import type { Picked } from './logic/tree';
import {
  EMPTY_UPLOADS,
  added,
  cancelled,
  cleared,
  failed,
  finished,
  nextToStart,
  placed,
  progressed,
  resumable,
  retried,
  started,
  type NewUpload,
  type UploadsState,
} from './logic/uploads';
import { TUS_THRESHOLD_BYTES, send, type Transfer } from './transport';

/** Entries read per folder (the server's maximum page). */
export const PAGE_SIZE = 1000;

/** Another folder than the one shown, to upload into (store.dropTarget()). */
export interface DropTarget {
  folder: FileNode;
  names: readonly string[];
}
/** Files sent at the same time. */
export const PARALLEL_UPLOADS = 3;

export interface Listing {
  /** "" for the root. */
  folderId: string;
  folder: FileNode | null;
  items: readonly FileNode[];
  total: number;
  loaded: boolean;
  loadingMore: boolean;
  error: unknown;
}

export interface TrashState {
  items: readonly FileNode[];
  loaded: boolean;
  error: unknown;
}

export interface FilesState {
  /** The caller's right on files (read: browse and download only). */
  right: Access;
  archived: boolean;
  rightLoaded: boolean;
  listing: Listing;
  /** Folder path -> id, for breadcrumbs. */
  known: ReadonlyMap<string, string>;
  usage: FilesUsage | null;
  members: readonly Member[];
  trash: TrashState;
  uploads: UploadsState;
}

/** What to do when uploaded names already exist in the folder. */
export type ConflictChoice = 'replace' | 'keep-both';

const EMPTY_LISTING: Listing = {
  folderId: '',
  folder: null,
  items: [],
  total: 0,
  loaded: false,
  loadingMore: false,
  error: undefined,
};

const INITIAL: FilesState = {
  right: 'read',
  archived: false,
  rightLoaded: false,
  listing: EMPTY_LISTING,
  known: new Map(),
  usage: null,
  members: [],
  trash: { items: [], loaded: false, error: undefined },
  uploads: EMPTY_UPLOADS,
};

const FILES_EVENTS = ['file.*', 'folder.*', 'member.*', 'workspace.updated', 'hello'];

export class FilesStore {
  private state: FilesState = INITIAL;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribes: (() => void)[] = [];
  private readonly transfers = new Map<number, Transfer>();
  private readonly blobs = new Map<number, File>();
  private nextUploadId = 1;
  private generation = 0;
  private usageTimer: ReturnType<typeof setTimeout> | null = null;
  private trashTimer: ReturnType<typeof setTimeout> | null = null;
  private started = false;

  constructor(
    readonly workspaceId: string,
    readonly me: string,
  ) {}

  // ---- subscription ------------------------------------------------------

  getState = (): FilesState => this.state;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  private set(update: Partial<FilesState>) {
    this.state = { ...this.state, ...update };
    this.listeners.forEach((l) => l());
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const conn = liveEvents();
    for (const type of FILES_EVENTS) {
      this.unsubscribes.push(conn.subscribe(type, (e) => this.handleEvent(e)));
    }
    void this.loadRight();
    void this.loadMembers();
    void this.loadUsage();
  }

  stop(): void {
    this.started = false;
    this.unsubscribes.splice(0).forEach((u) => u());
    if (this.usageTimer) clearTimeout(this.usageTimer);
    if (this.trashTimer) clearTimeout(this.trashTimer);
    this.usageTimer = this.trashTimer = null;
  }

  get canWrite(): boolean {
    return this.state.right === 'write' && !this.state.archived;
  }

  // ---- loading -----------------------------------------------------------

  async loadRight(): Promise<void> {
    try {
      const w = await api.workspaces.get(this.workspaceId);
      const right = w.rights?.files ?? (w.role === 'guest' ? 'read' : 'write');
      this.set({ right, archived: w.archived, rightLoaded: true });
    } catch {
      this.set({ rightLoaded: true });
    }
  }

  async loadMembers(): Promise<void> {
    try {
      this.set({ members: await api.workspaces.members(this.workspaceId) });
    } catch {
      // Names fall back to "someone".
    }
  }

  async loadUsage(): Promise<void> {
    try {
      this.set({ usage: await api.files.usage(this.workspaceId) });
    } catch {
      // The gauge stays hidden.
    }
  }

  private usageSoon() {
    if (this.usageTimer) clearTimeout(this.usageTimer);
    this.usageTimer = setTimeout(() => {
      this.usageTimer = null;
      void this.loadUsage();
    }, 300);
  }

  /** Shows a folder ("" the root): its first page, and the ids of its ancestors. */
  async open(folderId: string): Promise<void> {
    const g = ++this.generation;
    const same = this.state.listing.folderId === folderId && this.state.listing.loaded;
    if (!same) this.set({ listing: { ...EMPTY_LISTING, folderId } });
    try {
      const page = await api.files.list(this.workspaceId, folderId, { limit: PAGE_SIZE });
      if (g !== this.generation) return;
      const known = new Map(this.state.known);
      if (folderId) known.set(page.folder.path, folderId);
      for (const n of page.items) if (n.kind === 'folder') known.set(n.path, n.id);
      this.set({
        listing: {
          folderId,
          folder: page.folder,
          items: page.items,
          total: page.total,
          loaded: true,
          loadingMore: false,
          error: undefined,
        },
        known,
      });
      void this.resolveAncestors(page.folder.path);
    } catch (e) {
      if (g !== this.generation) return;
      this.set({ listing: { ...EMPTY_LISTING, folderId, loaded: true, error: e } });
    }
  }

  reload(): Promise<void> {
    return this.open(this.state.listing.folderId);
  }

  /** The next page of a folder with more than PAGE_SIZE entries. */
  async loadMore(): Promise<void> {
    const l = this.state.listing;
    if (!l.loaded || l.loadingMore || l.items.length >= l.total) return;
    this.set({ listing: { ...l, loadingMore: true } });
    try {
      const page = await api.files.list(this.workspaceId, l.folderId, {
        limit: PAGE_SIZE,
        offset: l.items.length,
      });
      const cur = this.state.listing;
      if (cur.folderId !== l.folderId) return;
      const ids = new Set(cur.items.map((n) => n.id));
      this.set({
        listing: {
          ...cur,
          items: [...cur.items, ...page.items.filter((n) => !ids.has(n.id))],
          total: page.total,
          loadingMore: false,
        },
      });
    } catch {
      this.set({ listing: { ...this.state.listing, loadingMore: false } });
    }
  }

  /** Finds the ids of the ancestors of `path` not met yet (a link into a deep folder). */
  private async resolveAncestors(path: string): Promise<void> {
    const missing: string[] = [];
    for (let p = parentPath(path); p !== '/'; p = parentPath(p)) {
      if (!this.state.known.has(p)) missing.push(p);
    }
    if (!missing.length) return;
    const found = await Promise.all(
      missing.map((p) =>
        api.files.byPath(this.workspaceId, p).then(
          (n) => [p, n.id] as const,
          () => null,
        ),
      ),
    );
    const known = new Map(this.state.known);
    for (const f of found) if (f) known.set(f[0], f[1]);
    this.set({ known });
  }

  async loadTrash(): Promise<void> {
    try {
      const items = await api.files.trash(this.workspaceId);
      this.set({ trash: { items, loaded: true, error: undefined } });
    } catch (e) {
      this.set({ trash: { ...this.state.trash, loaded: true, error: e } });
    }
  }

  private trashSoon() {
    if (!this.state.trash.loaded) return;
    if (this.trashTimer) clearTimeout(this.trashTimer);
    this.trashTimer = setTimeout(() => {
      this.trashTimer = null;
      void this.loadTrash();
    }, 200);
  }

  // ---- writing -----------------------------------------------------------

  /** Applies a node the server answered with to the folder shown. */
  private applyNode(n: FileNode, action: 'created' | 'updated' | 'moved' | 'deleted') {
    const l = this.state.listing;
    const items = applyNodeEvent(
      l.items,
      {
        type: `${n.kind}.${action}`,
        workspace_id: this.workspaceId,
        seq: 0,
        data: { ...n },
      },
      l.folderId,
    );
    if (items === l.items) return;
    const i = items.findIndex((x) => x.id === n.id);
    // The answer is complete: keep all of it (events carry fewer fields).
    const full = i >= 0 && action !== 'deleted' ? items.map((x) => (x.id === n.id ? n : x)) : items;
    const total = l.total + (full.length - l.items.length);
    this.set({ listing: { ...l, items: full, total } });
  }

  async createFolder(name: string): Promise<FileNode> {
    const n = await api.files.createFolder(
      this.workspaceId,
      name,
      this.state.listing.folderId || null,
    );
    this.applyNode(n, 'created');
    return n;
  }

  async rename(n: FileNode, name: string): Promise<FileNode> {
    const r = await api.files.update(n.id, { name });
    this.applyNode(r, 'moved');
    return r;
  }

  /** Moves into a folder ("" the root). */
  async move(n: FileNode, parentId: string): Promise<FileNode> {
    const r = await api.files.update(n.id, { parent_id: parentId || null });
    this.applyNode(r, 'moved');
    this.trashSoon();
    return r;
  }

  /** Copies into a folder ("" the root); beside the original it is named "… (copy)". */
  async copy(n: FileNode, parentId: string): Promise<FileNode> {
    const same = (n.parent_id ?? '') === parentId;
    const r = await api.files.copy(n.id, same ? {} : { parent_id: parentId || null });
    this.applyNode(r, 'created');
    this.usageSoon();
    return r;
  }

  async trashNode(n: FileNode): Promise<void> {
    await api.files.remove(n.id);
    this.applyNode(n, 'deleted');
    this.trashSoon();
  }

  async restore(n: FileNode): Promise<FileNode> {
    const r = await api.files.restore(n.id);
    this.set({
      trash: { ...this.state.trash, items: this.state.trash.items.filter((x) => x.id !== n.id) },
    });
    this.applyNode(r, 'created');
    return r;
  }

  async purge(n: FileNode): Promise<void> {
    await api.files.purge(n.id);
    this.set({
      trash: { ...this.state.trash, items: this.state.trash.items.filter((x) => x.id !== n.id) },
    });
    this.usageSoon();
  }

  async restoreVersion(n: FileNode, version: number): Promise<FileNode> {
    const r = await api.files.restoreVersion(n.id, version);
    this.applyNode(r, 'updated');
    this.usageSoon();
    return r;
  }

  // ---- uploads -----------------------------------------------------------

  /**
   * Uploads what was dropped or picked into the folder shown, or `into`
   * another one (a folder row something was dropped on, with the names it
   * holds). Names that exist already are replaced (new versions, folders
   * merged) or kept beside as "name (2)", as the person chose; with no
   * choice an existing name fails ('exists').
   */
  upload(picked: Picked, choice?: ConflictChoice, into?: DropTarget): void {
    const l = this.state.listing;
    const folderId = into ? into.folder.id : l.folderId;
    const base = into ? into.folder.path : (l.folder?.path ?? '/');
    // Keep both: rename the top-level names that clash.
    const rename = new Map<string, string>();
    if (choice === 'keep-both') {
      const taken = new Set(into ? into.names : l.items.map((n) => n.name));
      const tops = new Set([
        ...picked.files.map((f) => f.path.split('/')[0] ?? ''),
        ...picked.folders.map((f) => f.split('/')[0] ?? ''),
      ]);
      for (const top of tops) {
        if (!taken.has(top)) continue;
        const free = freeName(top, taken);
        taken.add(free);
        rename.set(top, free);
      }
    }
    const renamed = (rel: string) => {
      const [top, ...rest] = rel.split('/');
      const t = rename.get(top ?? '') ?? top ?? '';
      return [t, ...rest].join('/');
    };
    const list: NewUpload[] = [];
    const blobs: File[] = [];
    for (const f of picked.files) {
      const rel = renamed(f.path);
      const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      list.push({
        name: rel.slice(rel.lastIndexOf('/') + 1),
        path: rel,
        size: f.file.size,
        parentId: dir ? null : folderId,
        target: joinPath(base, rel),
        replace: choice === 'replace',
      });
      blobs.push(f.file);
    }
    const first = this.nextUploadId;
    this.nextUploadId += list.length;
    blobs.forEach((b, i) => this.blobs.set(first + i, b));
    this.set({ uploads: added(this.state.uploads, list, first) });
    const waiting = new Map<string, number[]>();
    list.forEach((u, i) => {
      if (u.parentId !== null) return;
      const dir = u.path.slice(0, u.path.lastIndexOf('/'));
      waiting.set(dir, [...(waiting.get(dir) ?? []), first + i]);
    });
    this.pump();
    if (picked.folders.length)
      void this.makeFolders(picked.folders.map(renamed), folderId, base, waiting);
  }

  /** A folder of the listing something is dropped on, with the names in it. */
  async dropTarget(folder: FileNode): Promise<DropTarget> {
    const names: string[] = [];
    for (let offset = 0; ;) {
      const page = await api.files.list(this.workspaceId, folder.id, { limit: PAGE_SIZE, offset });
      names.push(...page.items.map((n) => n.name));
      offset += page.items.length;
      if (!page.items.length || offset >= page.total) break;
    }
    return { folder, names };
  }

  /** Uploads `file` as a new version of `n` (whatever its own name). */
  uploadVersion(n: FileNode, file: File): void {
    const id = this.nextUploadId++;
    this.blobs.set(id, file);
    const upload: NewUpload = {
      name: n.name,
      path: n.name,
      size: file.size,
      parentId: n.parent_id ?? '',
      target: n.path,
      replace: true,
    };
    this.set({ uploads: added(this.state.uploads, [upload], id) });
    this.pump();
  }

  /** Creates the dropped folders (or finds them), then releases their files. */
  private async makeFolders(
    folders: readonly string[],
    rootId: string,
    basePath: string,
    waiting: ReadonlyMap<string, number[]>,
  ): Promise<void> {
    const ids = new Map<string, string>([['', rootId]]);
    const failedDirs = new Set<string>();
    for (const rel of folders) {
      const cut = rel.lastIndexOf('/');
      const parentRel = cut > 0 ? rel.slice(0, cut) : '';
      const name = rel.slice(cut + 1);
      const parent = ids.get(parentRel);
      const files = waiting.get(rel) ?? [];
      if (parent === undefined || failedDirs.has(parentRel)) {
        failedDirs.add(rel);
        this.failMany(files, 'no_parent');
        continue;
      }
      try {
        const made = await api.files.createFolder(this.workspaceId, name, parent || null);
        ids.set(rel, made.id);
        if (parent === this.state.listing.folderId) this.applyNode(made, 'created');
      } catch (e) {
        if (isApiError(e, 'exists')) {
          try {
            const found = await api.files.byPath(this.workspaceId, joinPath(basePath, rel));
            if (found.kind !== 'folder') throw e;
            ids.set(rel, found.id);
          } catch {
            failedDirs.add(rel);
            this.failMany(files, 'exists');
            continue;
          }
        } else {
          failedDirs.add(rel);
          this.failMany(files, isApiError(e) ? e.code : 'generic');
          continue;
        }
      }
      const id = ids.get(rel);
      if (id !== undefined && files.length) {
        this.set({ uploads: placed(this.state.uploads, files, id) });
        this.pump();
      }
    }
  }

  private failMany(ids: readonly number[], code: string) {
    let s = this.state.uploads;
    for (const id of ids) s = failed(s, id, code);
    this.set({ uploads: s });
  }

  private pump(): void {
    for (const u of nextToStart(this.state.uploads, PARALLEL_UPLOADS)) {
      this.set({ uploads: started(this.state.uploads, u.id) });
      void this.transfer(u.id);
    }
  }

  private async transfer(id: number): Promise<void> {
    const u = this.state.uploads.items.find((x) => x.id === id);
    const file = this.blobs.get(id);
    if (!u || !file || u.parentId === null) return;
    try {
      // tus replaces an existing file: look first when the person did not choose to.
      if (!u.replace && !u.resumeUrl && file.size >= TUS_THRESHOLD_BYTES) {
        const siblings = await api.files.list(this.workspaceId, u.parentId, { limit: PAGE_SIZE });
        const exists = siblings.items.some((n) => n.name === u.name);
        if (exists) {
          this.set({ uploads: failed(this.state.uploads, id, 'exists') });
          return;
        }
      }
      const current = this.state.uploads.items.find((x) => x.id === id);
      if (current?.status !== 'uploading') return;
      const t = send({
        workspaceId: this.workspaceId,
        parentId: u.parentId,
        name: u.name,
        file,
        replace: u.replace,
        resumeUrl: u.resumeUrl,
        onProgress: (n) => this.set({ uploads: progressed(this.state.uploads, id, n) }),
        onResumable: (url) => this.set({ uploads: resumable(this.state.uploads, id, url) }),
      });
      this.transfers.set(id, t);
      const fileId = await t.done;
      this.set({ uploads: finished(this.state.uploads, id, fileId) });
      this.blobs.delete(id);
      this.usageSoon();
    } catch (e) {
      if (!(isApiError(e) && e.code === 'aborted')) {
        const code = isApiError(e) ? e.code : 'generic';
        this.set({ uploads: failed(this.state.uploads, id, code) });
        if (code === 'quota_exceeded') this.usageSoon();
      }
    } finally {
      this.transfers.delete(id);
      this.pump();
    }
  }

  cancelUpload(id: number): void {
    this.set({ uploads: cancelled(this.state.uploads, id) });
    this.transfers.get(id)?.abort();
    this.blobs.delete(id);
    this.pump();
  }

  cancelAll(): void {
    for (const u of this.state.uploads.items) {
      if (u.status === 'queued' || u.status === 'uploading') this.cancelUpload(u.id);
    }
  }

  /** Sends a failed file again; `replace` makes it a new version of the existing one. */
  retryUpload(id: number, replace: boolean): void {
    if (!this.blobs.has(id)) return;
    this.set({ uploads: retried(this.state.uploads, id, replace) });
    this.pump();
  }

  clearUploads(): void {
    const s = cleared(this.state.uploads, true);
    for (const u of this.state.uploads.items) {
      if (!s.items.includes(u)) this.blobs.delete(u.id);
    }
    this.set({ uploads: s });
  }

  /** Whether uploads are waiting or in flight (leaving the page would drop them). */
  get uploading(): boolean {
    return this.state.uploads.items.some((u) => u.status === 'queued' || u.status === 'uploading');
  }

  // ---- live events -------------------------------------------------------

  handleEvent(e: EventFrame): void {
    if (e.type === 'hello') {
      // Back after a drop: resume replays what was missed; read the folder again anyway.
      if (this.state.listing.loaded) void this.reload();
      return;
    }
    if (e.workspace_id !== this.workspaceId) return;
    if (e.type.startsWith('member.') || e.type === 'workspace.updated') {
      const d = (e.data ?? {}) as { user_id?: unknown };
      if (e.type === 'workspace.updated' || d.user_id === this.me) void this.loadRight();
      if (e.type.startsWith('member.')) void this.loadMembers();
      return;
    }
    const ev = nodeEvent(e);
    if (!ev) return;
    const l = this.state.listing;
    if (l.loaded && l.folder && touchesFolder(e, l.folderId, l.folder.path)) {
      void this.reload();
    } else if (l.loaded) {
      const items = applyNodeEvent(l.items, e, l.folderId);
      if (items !== l.items) {
        this.set({ listing: { ...l, items, total: l.total + (items.length - l.items.length) } });
      }
    }
    if (ev.data.kind === 'folder' && ev.action !== 'deleted' && ev.action !== 'purged') {
      const known = new Map(this.state.known);
      known.set(ev.data.path, ev.data.id);
      this.set({ known });
    }
    if (ev.action === 'deleted' || ev.action === 'restored' || ev.action === 'purged')
      this.trashSoon();
    this.usageSoon();
  }
}

const stores = new Map<string, FilesStore>();

/** The store of a workspace, made once per page (uploads outlive the screen). */
export function storeFor(workspaceId: string, me: string): FilesStore {
  const key = `${workspaceId}:${me}`;
  let s = stores.get(key);
  if (!s) {
    s = new FilesStore(workspaceId, me);
    stores.set(key, s);
  }
  return s;
}
