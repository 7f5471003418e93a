// The files of one workspace while its screens are open: the caller's
// right, the folder shown, the trash, the quota, people's names, and the
// upload queue. Live events and our own answers go through logic/; the
// components read it with useFilesState (useSyncExternalStore).
//
// One store per workspace for the page's lifetime (storeFor): uploads go on
// while the person looks at another module, and the queue is there when
// they come back.
//
// In an armoured workspace (docs/armoured.md, "Files") the server's nodes
// are opened as they arrive (sealed.ts): the state holds them with their
// real names, the server's node kept inside each. A folder is read whole
// and sorted in the browser; the names that must differ in a folder are
// compared here, since the server cannot read them.
//
// Large uploads outlive a reload: once resumable they are remembered in
// this browser (logic/unfinished.ts) and, on the next page, shown as
// interrupted: a plain one goes on when the person picks its file again
// (or drops it in the same place), an armoured one by itself once the
// workspace's keys open what finishes it (its sealed bytes are kept).
import { api, ApiError, isApiError } from '../../api';
import type { Access, EventFrame, FileNode, FilesUsage, Member } from '../../api';
import { isArmourError, type ContentRecord } from '../../armour/format';
import { awaitingKey } from '../../armour/keyring';
import { workspaceKeys } from '../../armour/keys';
import { liveEvents } from '../../events';
import { memberDirectory } from '../../workspaces/members';
import { Store } from '../../util/store';
import { moduleAccess } from '../../workspaces';
import {
  applyNodeEvent,
  mergedNode,
  nodeEvent,
  touchesFolder,
  type NodeEventData,
} from './logic/events';
import { baseName, freeName, joinPath, parentPath } from './logic/path';
import type { Picked } from './logic/tree';
import {
  EMPTY_UPLOADS,
  added,
  cancelled,
  cleared,
  described,
  failed,
  finished,
  interruptedFor,
  isFileOf,
  nextToStart,
  placed,
  progressed,
  removed,
  restarted,
  restored,
  resumable,
  resumed,
  retried,
  sealing,
  started,
  waiting,
  type KeptUpload,
  type NewUpload,
  type UploadItem,
  type UploadsState,
} from './logic/uploads';
import { RollbackMemory, rollbackKey } from './logic/rollback';
import {
  UnfinishedUploads,
  type UnfinishedSealed,
  type UnfinishedUpload,
} from './logic/unfinished';
import { FilesArmour, rawOf, sealableName, type SealedResume, type ShownNode } from './sealed';
import { TUS_THRESHOLD_BYTES, send, terminate, type Transfer } from './transport';

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
  folder: ShownNode | null;
  items: readonly ShownNode[];
  total: number;
  loaded: boolean;
  loadingMore: boolean;
  error: unknown;
}

export interface TrashState {
  /** Newest first, as many pages as were read. */
  items: readonly ShownNode[];
  loaded: boolean;
  error: unknown;
  /** Older entries are in the trash past the last one read. */
  more: boolean;
}

/** Entries of the trash read at a time; the server's largest page. */
const TRASH_PAGE = 200;
const TRASH_MAX_PAGE = 1000;

export interface FilesState {
  /** The caller's right on files (read: browse and download only). */
  right: Access;
  archived: boolean;
  rightLoaded: boolean;
  listing: Listing;
  /** Folder path -> id, for breadcrumbs. */
  known: ReadonlyMap<string, string>;
  /** Armoured: name token -> the real name opened, for paths (breadcrumbs, the trash). */
  names: ReadonlyMap<string, string>;
  /**
   * Armoured: name tokens of paths that will not show as names: the name
   * record does not open here ('unreadable'), or the folder was not found.
   */
  unnamed: ReadonlyMap<string, Unnamed>;
  usage: FilesUsage | null;
  members: readonly Member[];
  trash: TrashState;
  uploads: UploadsState;
}

/** Why a folder of a path shows as "…" (armoured). */
export type Unnamed = 'unreadable' | 'missing';

/** Armoured: ancestors fetched for their names, kept to open again when keys change. */
const MAX_ANCESTORS = 500;

/**
 * Failures after which an upload cannot go on as it is: the server no
 * longer has it, or (armoured, its file not at hand) it would land
 * elsewhere than it was going.
 */
const PERMANENT_FAILURES: ReadonlySet<string> = new Set(['upload_expired', 'destination_changed']);

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
  names: new Map(),
  unnamed: new Map(),
  usage: null,
  members: [],
  trash: { items: [], loaded: false, error: undefined, more: false },
  uploads: EMPTY_UPLOADS,
};

const FILES_EVENTS = ['file.*', 'folder.*', 'member.*', 'workspace.updated', 'hello'];

export class FilesStore extends Store<FilesState> {
  private readonly unsubscribes: (() => void)[] = [];
  private readonly transfers = new Map<number, Transfer>();
  private readonly blobs = new Map<number, File>();
  /**
   * Armoured: the resumable uploads of large files, their sealed bytes
   * held with them (kept, and dropped, with the file in `blobs`).
   */
  private readonly resumes = new Map<number, SealedResume>();
  /** Armoured: interrupted uploads as kept, until their record opens. */
  private readonly kept = new Map<number, UnfinishedSealed>();
  /** This tab's claims on the uploads it sends or shows, by URL (released when forgotten). */
  private readonly claims = new Map<string, () => void>();
  /** The interrupted uploads read back, once per page. */
  private restoring: Promise<void> | null = null;
  private nextUploadId = 1;
  private generation = 0;
  private usageTimer: ReturnType<typeof setTimeout> | null = null;
  private trashTimer: ReturnType<typeof setTimeout> | null = null;
  /** Counts the trash's readings: a page read before the latest is dropped. */
  private trashGeneration = 0;
  private started = false;
  /** Armoured: folders this page made for dropped trees (nothing in them but what it sends). */
  private readonly madeHere = new Set<string>();
  /** Armoured: the key manager's version the shown nodes were opened with. */
  private openedWith = -1;
  /** Armoured: the ancestors fetched for their names (by path, oldest first). */
  private readonly ancestors = new Map<string, FileNode>();
  /** Paths being fetched (resolvePaths): asked once at a time. */
  private readonly asking = new Set<string>();

  constructor(
    readonly workspaceId: string,
    readonly me: string,
    /** Armoured workspaces: opens what is listed, seals what is written. */
    readonly armour: FilesArmour | null = null,
    /** The resumable uploads this browser remembers for the person. */
    readonly unfinished: UnfinishedUploads = new UnfinishedUploads(me),
  ) {
    super(INITIAL);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const conn = liveEvents();
    for (const type of FILES_EVENTS) {
      this.unsubscribes.push(conn.subscribe(type, (e) => this.handleEvent(e)));
    }
    const armour = this.armour;
    if (armour) {
      // Keys arrived, or someone's keys were trusted: what did not open may now.
      this.unsubscribes.push(
        armour.keys.subscribe(() => {
          if (armour.keys.getState().version !== this.openedWith) this.reopen();
          // Interrupted uploads go on once the keys open them, and allow writing.
          this.openKept();
        }),
      );
      const flush = () => armour.memory.flush();
      window.addEventListener('pagehide', flush);
      this.unsubscribes.push(() => {
        window.removeEventListener('pagehide', flush);
        flush();
      });
    }
    void this.loadRight();
    this.unsubscribes.push(
      memberDirectory().watch(this.workspaceId, () => void this.loadMembers()),
    );
    void this.loadMembers();
    void this.loadUsage();
    void this.restoreUploads();
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

  // ---- armoured: opened nodes ---------------------------------------------

  /** Server nodes as the screens show them (armoured: opened). */
  private shown(nodes: readonly FileNode[]): ShownNode[] {
    const armour = this.armour;
    return armour ? nodes.map((n) => armour.open(n)) : [...nodes];
  }

  private shownOne(n: FileNode): ShownNode {
    return this.armour ? this.armour.open(n) : n;
  }

  /**
   * A change made on the server's nodes of a list (events, answers), shown
   * again; the same list when nothing changed.
   */
  private changed(
    items: readonly ShownNode[],
    change: (raw: readonly FileNode[]) => readonly FileNode[],
  ): readonly ShownNode[] {
    if (!this.armour) return change(items);
    const raw = items.map(rawOf);
    const next = change(raw);
    return next === raw ? items : this.shown(next);
  }

  /**
   * The names of opened entries, for paths, and the tokens whose name does
   * not open: the same maps when nothing is new.
   */
  private learned(nodes: readonly ShownNode[]): Pick<FilesState, 'names' | 'unnamed'> {
    const { names, unnamed } = this.state;
    let outNames: Map<string, string> | null = null;
    let outUnnamed: Map<string, Unnamed> | null = null;
    for (const n of nodes) {
      const s = n.sealed;
      if (!s || s.name === 'pending') continue;
      if (s.name === 'open') {
        if (unnamed.has(s.token)) (outUnnamed ??= new Map(unnamed)).delete(s.token);
        if (names.get(s.token) !== n.name) (outNames ??= new Map(names)).set(s.token, n.name);
      } else {
        // A name that opened before (an older record) is not shown for this one.
        if (names.has(s.token)) (outNames ??= new Map(names)).delete(s.token);
        if (unnamed.get(s.token) !== 'unreadable')
          (outUnnamed ??= new Map(unnamed)).set(s.token, 'unreadable');
      }
    }
    return { names: outNames ?? names, unnamed: outUnnamed ?? unnamed };
  }

  /** Opens again what is shown (keys changed): what did not open may now. */
  private reopen(): void {
    const armour = this.armour;
    if (!armour) return;
    this.openedWith = armour.keys.getState().version;
    const l = this.state.listing;
    const again = (n: ShownNode) => armour.open(rawOf(n));
    const folder = l.folder && again(l.folder);
    const items = l.items.map(again);
    const trash = this.state.trash.items.map(again);
    const ancestors = [...this.ancestors.values()].map((n) => armour.open(n));
    // What did not open is learned again from what is opened now; a folder
    // no longer at hand is asked again when a path needs it.
    const missing = [...this.state.unnamed].filter(([, why]) => why === 'missing');
    this.state = { ...this.state, unnamed: new Map(missing) };
    this.set({
      listing: { ...l, folder, items },
      trash: { ...this.state.trash, items: trash },
      ...this.learned([...ancestors, ...(folder ? [folder] : []), ...items, ...trash]),
    });
  }

  // ---- loading -----------------------------------------------------------

  async loadRight(): Promise<void> {
    const access = await moduleAccess(this.workspaceId, 'files');
    this.set({ ...access, rightLoaded: true });
  }

  async loadMembers(): Promise<void> {
    try {
      this.set({ members: await memberDirectory().members(this.workspaceId) });
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

  /**
   * Shows a folder ("" the root): its first page, and the ids of its
   * ancestors. Armoured: all its pages (the server orders them by token).
   */
  async open(folderId: string): Promise<void> {
    const g = ++this.generation;
    const same = this.state.listing.folderId === folderId && this.state.listing.loaded;
    if (!same) this.set({ listing: { ...EMPTY_LISTING, folderId } });
    try {
      if (this.armour) this.openedWith = this.armour.keys.getState().version;
      const page = this.armour
        ? await this.armour.listAll(folderId)
        : await api.files.list(this.workspaceId, folderId, { limit: PAGE_SIZE });
      // A first visit's records, their signatures checked off this thread.
      await this.armour?.checkAhead([page.folder, ...page.items]);
      if (g !== this.generation) return;
      const known = new Map(this.state.known);
      if (folderId) known.set(page.folder.path, folderId);
      for (const n of page.items) if (n.kind === 'folder') known.set(n.path, n.id);
      const folder = this.shownOne(page.folder);
      const items = this.shown(page.items);
      this.set({
        listing: {
          folderId,
          folder,
          items,
          total: page.total,
          loaded: true,
          loadingMore: false,
          error: undefined,
        },
        known,
        ...this.learned([folder, ...items]),
      });
      void this.resolvePaths([page.folder.path]);
    } catch (e) {
      if (g !== this.generation) return;
      this.set({ listing: { ...EMPTY_LISTING, folderId, loaded: true, error: e } });
    }
  }

  reload(): Promise<void> {
    return this.open(this.state.listing.folderId);
  }

  /** The next page of a folder with more than PAGE_SIZE entries (never armoured: read whole). */
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

  /**
   * Fetches the folders on the way to `paths` that this page cannot show
   * yet: their ids, for the breadcrumbs (a link into a deep folder), and,
   * armoured, their names, opened (the server's paths are name tokens).
   * By id when one is known (`hints`: path -> id, or met before), else by
   * path. Each path is asked once at a time; a name that does not open, or
   * a folder not found, is remembered (`unnamed`) for the paths to say why.
   */
  async resolvePaths(
    paths: readonly string[],
    hints: ReadonlyMap<string, string> = new Map(),
  ): Promise<void> {
    const { known, names, unnamed } = this.state;
    const armour = this.armour;
    const wanted = new Set<string>();
    for (const path of paths) {
      for (let p = parentPath(path); p !== '/'; p = parentPath(p)) {
        if (wanted.has(p) || this.asking.has(p)) continue;
        const token = baseName(p);
        const named = !armour || names.has(token) || unnamed.get(token) === 'unreadable';
        if (!named || !known.has(p)) wanted.add(p);
      }
    }
    if (!wanted.size) return;
    for (const p of wanted) this.asking.add(p);
    const found = await Promise.all(
      [...wanted].map(async (p) => {
        const id = hints.get(p) ?? known.get(p);
        try {
          return {
            p,
            node: id ? await api.files.node(id) : await api.files.byPath(this.workspaceId, p),
          };
        } catch {
          return { p, node: null };
        } finally {
          this.asking.delete(p);
        }
      }),
    );
    const nextKnown = new Map(this.state.known);
    const missing: string[] = [];
    const opened: ShownNode[] = [];
    for (const { p, node } of found) {
      // The node must be the one asked for (an id may have moved since).
      if (!node || node.path !== p) {
        missing.push(baseName(p));
        continue;
      }
      nextKnown.set(p, node.id);
      if (armour) {
        this.keepAncestor(p, node);
        opened.push(armour.open(node));
      }
    }
    const learned = this.learned(opened);
    let unnamedNext = learned.unnamed;
    if (armour && missing.length) {
      const m = new Map(unnamedNext);
      for (const token of missing) if (!learned.names.has(token)) m.set(token, 'missing');
      unnamedNext = m;
    }
    this.set({ known: nextKnown, names: learned.names, unnamed: unnamedNext });
  }

  /** Armoured: keeps a folder fetched (or heard of) for its name, the most recent last. */
  private keepAncestor(path: string, node: FileNode): void {
    this.ancestors.delete(path);
    this.ancestors.set(path, node);
    if (this.ancestors.size > MAX_ANCESTORS) {
      const oldest = this.ancestors.keys().next().value;
      if (oldest !== undefined) this.ancestors.delete(oldest);
    }
  }

  /**
   * Armoured: a folder's name record as a live event brings it (renamed,
   * moved, made or restored, anywhere): the name its token shows in paths
   * (breadcrumbs, the trash's origins, favourites' folders) and the folder
   * shown (its title) take it, and the folder is kept to open again when
   * keys change. Only for a folder this page shows a name for (or why
   * not), or keeps: another is fetched when a path needs it.
   */
  private heardFolder(d: NodeEventData): void {
    const armour = this.armour;
    if (!armour || d.kind !== 'folder' || !d.id || typeof d.sealed_name !== 'string') return;
    const { names, unnamed, listing } = this.state;
    let keptAt: string | undefined;
    for (const [p, n] of this.ancestors) {
      if (n.id === d.id) {
        keptAt = p;
        break;
      }
    }
    const shown = listing.folder?.id === d.id ? listing.folder : null;
    if (keptAt === undefined && !shown && !names.has(d.name) && !unnamed.has(d.name)) return;
    const kept = keptAt === undefined ? undefined : this.ancestors.get(keptAt);
    const raw = mergedNode(kept ?? (shown ? rawOf(shown) : undefined), d, this.workspaceId);
    if (keptAt !== undefined) this.ancestors.delete(keptAt);
    this.keepAncestor(d.path, raw);
    const opened = armour.open(raw);
    const update: Partial<FilesState> = this.learned([opened]);
    if (shown) {
      update.listing = {
        ...listing,
        folder: armour.open(mergedNode(rawOf(shown), d, this.workspaceId)),
      };
    }
    this.set(update);
  }

  /**
   * Reads the trash again: as many entries as are shown (a change while older
   * pages are open keeps them open), a first page at least.
   */
  async loadTrash(): Promise<void> {
    const generation = ++this.trashGeneration;
    const want = Math.max(TRASH_PAGE, this.state.trash.items.length);
    try {
      const raw: FileNode[] = [];
      let more = true;
      while (more && raw.length < want) {
        const limit = Math.min(TRASH_MAX_PAGE, want - raw.length);
        const page = await api.files.trash(this.workspaceId, limit, raw[raw.length - 1]);
        raw.push(...page);
        more = page.length === limit;
      }
      if (generation !== this.trashGeneration) return;
      const items = this.shown(raw);
      this.set({ trash: { items, loaded: true, error: undefined, more }, ...this.learned(items) });
      this.trashPaths(items);
    } catch (e) {
      if (generation === this.trashGeneration)
        this.set({ trash: { ...this.state.trash, loaded: true, error: e } });
    }
  }

  /** The next page of the trash, older than the last entry shown. */
  async loadOlderTrash(): Promise<void> {
    const t = this.state.trash;
    if (!t.loaded || !t.more) return;
    const generation = this.trashGeneration;
    const last = t.items[t.items.length - 1];
    const page = await api.files.trash(this.workspaceId, TRASH_PAGE, last && rawOf(last));
    if (generation !== this.trashGeneration) return; // read again meanwhile
    const had = new Set(t.items.map((n) => n.id));
    const items = this.shown(page.filter((n) => !had.has(n.id)));
    this.set({
      trash: {
        ...this.state.trash,
        items: [...this.state.trash.items, ...items],
        more: page.length === TRASH_PAGE,
      },
      ...this.learned(items),
    });
    this.trashPaths(items);
  }

  /** Armoured: where trashed entries came from, in names (each folder is known by id). */
  private trashPaths(items: readonly ShownNode[]) {
    if (!this.armour) return;
    const hints = new Map<string, string>();
    for (const n of items) if (n.parent_id) hints.set(parentPath(n.path), n.parent_id);
    void this.resolvePaths(
      items.map((n) => n.path),
      hints,
    );
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
    const items = this.changed(l.items, (raw) => {
      const next = applyNodeEvent(
        raw,
        {
          type: `${n.kind}.${action}`,
          workspace_id: this.workspaceId,
          seq: 0,
          data: { ...n },
        },
        l.folderId,
      );
      if (next === raw) return raw;
      const i = next.findIndex((x) => x.id === n.id);
      // The answer is complete: keep all of it (events carry fewer fields).
      return i >= 0 && action !== 'deleted' ? next.map((x) => (x.id === n.id ? n : x)) : next;
    });
    if (items === l.items) return;
    const total = l.total + (items.length - l.items.length);
    this.set({ listing: { ...l, items, total }, ...this.learned(items) });
  }

  /**
   * Armoured: the server cannot tell that two names of a folder are the
   * same, so the browser refuses a name it shows there already (409 exists).
   */
  private refuseTaken(siblings: readonly ShownNode[], name: string, except?: string): void {
    const clean = sealableName(name);
    if (siblings.some((x) => x.id !== except && x.name === clean))
      throw new ApiError(409, 'exists', 'a name taken in this folder');
  }

  /**
   * Armoured: the opened entries of a folder, to compare names: the one
   * shown as it is, a folder this page made for a dropped tree as nothing
   * but what it sent, any other one read whole.
   */
  private async siblingsOf(folderId: string): Promise<readonly ShownNode[]> {
    const l = this.state.listing;
    if (l.loaded && !l.error && l.folderId === folderId) return l.items;
    if (this.madeHere.has(folderId) || !this.armour) return [];
    return this.armour.children(folderId);
  }

  async createFolder(name: string): Promise<FileNode> {
    const parent = this.state.listing.folderId;
    let n: FileNode;
    if (this.armour) {
      this.refuseTaken(this.state.listing.items, name);
      n = await this.armour.createFolder(parent, name);
    } else {
      n = await api.files.createFolder(this.workspaceId, name, parent || null);
    }
    this.applyNode(n, 'created');
    return n;
  }

  async rename(n: ShownNode, name: string): Promise<ShownNode> {
    let r: FileNode;
    if (this.armour) {
      this.refuseTaken(await this.siblingsOf(n.parent_id ?? ''), name, n.id);
      r = await this.armour.rename(n, name);
    } else {
      r = await api.files.update(n.id, { name });
    }
    this.applyNode(r, 'moved');
    return this.shownOne(r);
  }

  /** Moves into a folder ("" the root). */
  async move(n: ShownNode, parentId: string): Promise<ShownNode> {
    if (this.armour) this.refuseTaken(await this.siblingsOf(parentId), n.name, n.id);
    const r = await api.files.update(n.id, { parent_id: parentId || null });
    this.applyNode(r, 'moved');
    this.trashSoon();
    return this.shownOne(r);
  }

  /**
   * Copies into a folder ("" the root); beside the original it is named
   * "… (copy)". Not in an armoured workspace (the server would have to
   * seal the copy: 400 armoured_unsupported).
   */
  async copy(n: ShownNode, parentId: string): Promise<ShownNode> {
    if (this.armour) throw new ApiError(400, 'armoured_unsupported', 'no copies here');
    const same = (n.parent_id ?? '') === parentId;
    const r = await api.files.copy(n.id, same ? {} : { parent_id: parentId || null });
    this.applyNode(r, 'created');
    this.usageSoon();
    return r;
  }

  async trashNode(n: ShownNode): Promise<void> {
    await api.files.remove(n.id);
    this.applyNode(rawOf(n), 'deleted');
    this.trashSoon();
  }

  async restore(n: ShownNode): Promise<ShownNode> {
    const r = await api.files.restore(n.id);
    this.set({
      trash: { ...this.state.trash, items: this.state.trash.items.filter((x) => x.id !== n.id) },
    });
    this.applyNode(r, 'created');
    return this.shownOne(r);
  }

  async purge(n: ShownNode): Promise<void> {
    await api.files.purge(n.id);
    this.set({
      trash: { ...this.state.trash, items: this.state.trash.items.filter((x) => x.id !== n.id) },
    });
    this.usageSoon();
  }

  /**
   * Makes version `version` the newest again. Armoured: `record` is that
   * version's content record, opened (its key is sealed for the new number).
   */
  async restoreVersion(n: ShownNode, version: number, record?: ContentRecord): Promise<ShownNode> {
    let r: FileNode;
    if (this.armour) {
      if (!record) throw new ApiError(400, 'sealed_required', 'the version does not open');
      r = await this.armour.restoreVersion(n, version, record);
    } else {
      r = await api.files.restoreVersion(n.id, version);
    }
    this.applyNode(r, 'updated');
    this.usageSoon();
    return this.shownOne(r);
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
      const target = joinPath(base, rel);
      // The file of an interrupted upload, to the same place: that upload goes on.
      const again = this.armour ? undefined : interruptedFor(this.state.uploads, f.file, target);
      if (again && this.resumeWith(again.id, f.file)) continue;
      list.push({
        name: rel.slice(rel.lastIndexOf('/') + 1),
        path: rel,
        size: f.file.size,
        parentId: dir ? null : folderId,
        target,
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
  async dropTarget(folder: ShownNode): Promise<DropTarget> {
    if (this.armour) {
      return { folder, names: (await this.armour.children(folder.id)).map((n) => n.name) };
    }
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
  uploadVersion(n: ShownNode, file: File): void {
    const id = this.nextUploadId++;
    this.blobs.set(id, file);
    const upload: NewUpload = {
      name: n.name,
      path: n.name,
      size: file.size,
      parentId: n.parent_id ?? '',
      target: n.path,
      replace: true,
      versionOf: n.id,
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
        const made = this.armour
          ? await this.armourFolder(parent, name)
          : await api.files.createFolder(this.workspaceId, name, parent || null);
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

  /**
   * Armoured: the folder `name` of a dropped tree in `parent`: the one of
   * that name there already (merged, as the person chose), else a new one.
   * ApiError 'exists' when a file has the name.
   */
  private async armourFolder(parent: string, name: string): Promise<FileNode> {
    const armour = this.armour as FilesArmour;
    const clean = sealableName(name);
    const there = (await this.siblingsOf(parent)).find((n) => n.name === clean);
    if (there?.kind === 'folder') return rawOf(there);
    if (there) throw new ApiError(409, 'exists', 'a file has this name');
    const made = await armour.createFolder(parent, clean);
    this.madeHere.add(made.id);
    return made;
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

  /**
   * Armoured: the sealed upload of `u` (tus for a large file: resumed, with
   * the bytes sealed the first time, when it was created), after the check
   * the server cannot make: its name must not be taken in its folder,
   * unless it replaces that file (a new version).
   */
  private async sealedTransfer(
    armour: FilesArmour,
    u: UploadItem & { parentId: string },
    file: File | null,
  ): Promise<Transfer | null> {
    const resume = this.resumes.get(u.id);
    let existing: ShownNode | undefined;
    if (u.versionOf) {
      existing = armour.open(await api.files.node(u.versionOf));
    } else {
      const clean = sealableName(u.name);
      const same = (await this.siblingsOf(u.parentId)).find((n) => n.name === clean);
      // The new file this very upload made, its answer lost (a reload): it finishes.
      const ours =
        !!resume?.url && resume.replaces === null && same?.sealed?.token === resume.token;
      if (same && !ours && (!u.replace || same.kind === 'folder')) {
        this.set({
          uploads: failed(
            this.state.uploads,
            u.id,
            same.kind === 'folder' ? 'is_a_folder' : 'exists',
          ),
        });
        return null;
      }
      existing = ours ? undefined : same;
    }
    if (this.state.uploads.items.find((x) => x.id === u.id)?.status !== 'uploading') return null;
    this.set({ uploads: sealing(this.state.uploads, u.id, true) });
    return armour.upload({
      parentId: u.parentId,
      name: u.name,
      file,
      existing,
      onSealed: () => this.set({ uploads: sealing(this.state.uploads, u.id, false) }),
      onProgress: (n) => this.set({ uploads: progressed(this.state.uploads, u.id, n) }),
      resume,
      onResumable: (r) => {
        this.resumes.set(u.id, r);
        this.becameResumable(u.id, r.url);
      },
    });
  }

  /** The upload of `u` as it is: one PUT, or tus for a large file (which looks for its name first). */
  private async plainTransfer(
    u: UploadItem & { parentId: string },
    file: File,
  ): Promise<Transfer | null> {
    // tus replaces an existing file: look first when the person did not choose to.
    if (!u.replace && !u.resumeUrl && file.size >= TUS_THRESHOLD_BYTES) {
      const siblings = await api.files.list(this.workspaceId, u.parentId, { limit: PAGE_SIZE });
      if (siblings.items.some((n) => n.name === u.name)) {
        this.set({ uploads: failed(this.state.uploads, u.id, 'exists') });
        return null;
      }
    }
    if (this.state.uploads.items.find((x) => x.id === u.id)?.status !== 'uploading') return null;
    return send({
      workspaceId: this.workspaceId,
      parentId: u.parentId,
      name: u.name,
      file,
      replace: u.replace,
      resumeUrl: u.resumeUrl,
      onProgress: (n) => this.set({ uploads: progressed(this.state.uploads, u.id, n) }),
      onResumable: (url) => this.becameResumable(u.id, url),
    });
  }

  private async transfer(id: number): Promise<void> {
    const u = this.state.uploads.items.find((x) => x.id === id);
    const file = this.blobs.get(id) ?? null;
    // Armoured, after a reload: no file, the sealed bytes kept with its resume.
    if (!u || u.parentId === null || (!file && !this.resumes.has(id))) return;
    const to = { ...u, parentId: u.parentId };
    try {
      const t = this.armour
        ? await this.sealedTransfer(this.armour, to, file)
        : file && (await this.plainTransfer(to, file));
      if (!t) return;
      this.transfers.set(id, t);
      const fileId = await t.done;
      this.set({ uploads: finished(this.state.uploads, id, fileId) });
      this.forget(id);
      this.usageSoon();
    } catch (e) {
      if (!(isApiError(e) && e.code === 'aborted')) {
        const code = isApiError(e) ? e.code : isArmourError(e) ? e.code : 'generic';
        this.set({ uploads: failed(this.state.uploads, id, code) });
        if (code === 'quota_exceeded') this.usageSoon();
        // For good (the server no longer has it; it would land elsewhere): this browser
        // forgets it too; it starts over, or is discarded, on request only.
        const url = this.state.uploads.items.find((x) => x.id === id)?.resumeUrl;
        if (PERMANENT_FAILURES.has(code) && url) this.unremember(url);
      }
    } finally {
      this.transfers.delete(id);
      this.pump();
    }
  }

  // ---- uploads that outlive the page ------------------------------------

  /** Upload `id` has a resumable upload on the server, at `url`: remembered. */
  private becameResumable(id: number, url: string): void {
    const before = this.state.uploads.items.find((x) => x.id === id)?.resumeUrl;
    this.set({ uploads: resumable(this.state.uploads, id, url) });
    // Sealed again elsewhere, or started over: the old one is not to resume.
    if (before && before !== url) this.unremember(before);
    void this.remember(id);
  }

  /**
   * Remembers upload `id` in this browser now that it is resumable, for a
   * reload to show it interrupted: plain, where it lands and how to know
   * its file again; armoured, its sealed bytes and, sealed under the
   * workspace's key, what finishes it. Storage failing changes nothing: the
   * upload goes on, unremembered.
   */
  private async remember(id: number): Promise<void> {
    const u = this.state.uploads.items.find((x) => x.id === id);
    const url = u?.resumeUrl;
    if (!u || !url || u.parentId === null) return;
    const common = {
      userId: this.me,
      workspaceId: this.workspaceId,
      url,
      size: u.size,
      createdAt: Date.now(),
    };
    let record: UnfinishedUpload;
    if (this.armour) {
      const resume = this.resumes.get(id);
      if (!resume) return;
      try {
        const box = await this.armour.sealResume(resume, u);
        record = { ...common, kind: 'sealed', sealed: resume.sealed, box };
      } catch {
        return; // No key to seal it with now: not remembered.
      }
    } else {
      const file = this.blobs.get(id);
      if (!file) return;
      record = {
        ...common,
        kind: 'plain',
        parentId: u.parentId,
        target: u.target,
        name: u.name,
        path: u.path,
        fileName: file.name,
        lastModified: file.lastModified,
        replace: u.replace,
        ...(u.versionOf ? { versionOf: u.versionOf } : {}),
      };
    }
    if (!this.claims.has(url)) {
      const release = await this.unfinished.claim(url);
      if (release) this.claims.set(url, release);
    }
    const { dropped } = await this.unfinished.put(record);
    for (const old of dropped) void this.letGo(old);
    // Over meanwhile (sent, cancelled, started over, failed for good): not to remember after all.
    const now = this.state.uploads.items.find((x) => x.id === id);
    const over =
      now?.resumeUrl !== url ||
      now.status === 'done' ||
      now.status === 'cancelled' ||
      PERMANENT_FAILURES.has(now.error ?? '');
    if (over) this.unremember(url);
  }

  /** Forgets the upload at `url` in this browser, and this tab's claim on it. */
  private unremember(url: string): void {
    void this.unfinished.remove(url);
    this.claims.get(url)?.();
    this.claims.delete(url);
  }

  /**
   * An upload no longer remembered (past MAX_UNFINISHED): the server lets
   * it go (best-effort), unless a tab is sending it, this one or another.
   */
  private async letGo(url: string): Promise<void> {
    if (this.claims.has(url)) return;
    const release = await this.unfinished.claim(url);
    if (!release) return;
    terminate(url);
    release();
  }

  /**
   * Shows the uploads a reload interrupted, as this browser remembers them
   * for the workspace (once per page; start() asks): a plain one waits for
   * its file, an armoured one goes on by itself once the keys open it
   * (openKept). Those another tab sends or shows are that tab's.
   */
  restoreUploads(): Promise<void> {
    this.restoring ??= (async () => {
      const known = new Set(this.state.uploads.items.map((u) => u.resumeUrl));
      const list: KeptUpload[] = [];
      const sealed: (UnfinishedSealed | null)[] = [];
      for (const k of await this.unfinished.list(this.workspaceId)) {
        if (known.has(k.url) || (k.kind === 'sealed') !== !!this.armour) continue;
        const release = await this.unfinished.claim(k.url);
        if (!release) continue;
        this.claims.set(k.url, release);
        if (k.kind === 'plain') {
          list.push({
            name: k.name,
            path: k.path,
            size: k.size,
            parentId: k.parentId,
            target: k.target,
            replace: k.replace,
            ...(k.versionOf ? { versionOf: k.versionOf } : {}),
            fileName: k.fileName,
            lastModified: k.lastModified,
            resumeUrl: k.url,
            interrupted: 'file',
          });
          sealed.push(null);
        } else {
          // Its name, place and key are sealed: known once opened.
          list.push({
            name: '',
            path: '',
            size: k.size,
            parentId: '',
            target: '',
            replace: false,
            resumeUrl: k.url,
            interrupted: 'keys',
          });
          sealed.push(k);
        }
      }
      if (!list.length) return;
      const first = this.nextUploadId;
      this.nextUploadId += list.length;
      sealed.forEach((k, i) => {
        if (k) this.kept.set(first + i, k);
      });
      this.set({ uploads: restored(this.state.uploads, list, first) });
      this.openKept();
    })();
    return this.restoring;
  }

  /**
   * Armoured: opens what finishes the interrupted uploads (sealed under the
   * workspace's key) and sends them on with their sealed bytes as kept,
   * once this browser holds the current key (their records are sealed for
   * the server at the end). Opened, they show their names; what does not
   * open here ('unreadable': the keys are gone) can only be discarded.
   */
  private openKept(): void {
    const armour = this.armour;
    if (!armour || !this.kept.size) return;
    const blocked = awaitingKey(armour.keys.getState());
    let s = this.state.uploads;
    for (const [id, k] of this.kept) {
      if (s.items.find((x) => x.id === id)?.status !== 'interrupted') {
        this.kept.delete(id);
        continue;
      }
      if (!this.resumes.has(id)) {
        const opened = armour.openResume(k.url, k.box, k.sealed);
        if (opened.kind === 'pending') continue;
        if (opened.kind !== 'open') {
          s = waiting(s, id, 'unreadable');
          continue;
        }
        const { resume, ...shown } = opened.value;
        this.resumes.set(id, resume);
        s = described(s, id, {
          ...shown,
          parentId: resume.parentId,
          size: resume.record.size,
          interrupted: 'keys',
        });
      }
      if (blocked) continue;
      this.kept.delete(id);
      s = resumed(s, id);
    }
    if (s === this.state.uploads) return;
    this.set({ uploads: s });
    this.pump();
  }

  /**
   * Continues the interrupted upload `id` (plain) with `file`, picked
   * again, from where the server is: only the same file (name, size,
   * modification time) — else nothing is sent, and false.
   */
  resumeWith(id: number, file: File): boolean {
    const u = this.state.uploads.items.find((x) => x.id === id);
    if (u?.status !== 'interrupted' || u.interrupted !== 'file' || !isFileOf(u, file)) return false;
    this.blobs.set(id, file);
    this.set({ uploads: resumed(this.state.uploads, id) });
    this.pump();
    return true;
  }

  /**
   * Sends again, as a new upload from the first byte, one the server no
   * longer has (upload_expired): only when the person asks. Armoured: the
   * same sealed bytes, to the same place.
   */
  startOver(id: number): void {
    const u = this.state.uploads.items.find((x) => x.id === id);
    const resume = this.resumes.get(id);
    if (u?.status !== 'error' || u.error !== 'upload_expired') return;
    if (!this.blobs.has(id) && !resume) return;
    if (u.resumeUrl) this.unremember(u.resumeUrl);
    if (resume) this.resumes.set(id, { ...resume, url: '' });
    this.set({ uploads: restarted(this.state.uploads, id) });
    this.pump();
  }

  /**
   * Drops an interrupted or failed upload: the server lets it go
   * (best-effort) and this browser forgets it.
   */
  discardUpload(id: number): void {
    const u = this.state.uploads.items.find((x) => x.id === id);
    if (!u || (u.status !== 'interrupted' && u.status !== 'error')) return;
    if (u.resumeUrl && u.error !== 'upload_expired') terminate(u.resumeUrl);
    this.forget(id);
    this.set({ uploads: removed(this.state.uploads, id) });
  }

  /** Drops what the store kept to send file `id` (again), here and in this browser. */
  private forget(id: number): void {
    this.blobs.delete(id);
    this.resumes.delete(id);
    this.kept.delete(id);
    const url = this.state.uploads.items.find((x) => x.id === id)?.resumeUrl;
    if (url) this.unremember(url);
  }

  cancelUpload(id: number): void {
    this.set({ uploads: cancelled(this.state.uploads, id) });
    this.transfers.get(id)?.abort();
    this.forget(id);
    this.pump();
  }

  cancelAll(): void {
    for (const u of this.state.uploads.items) {
      if (u.status === 'queued' || u.status === 'uploading') this.cancelUpload(u.id);
    }
  }

  /** Sends a failed file again; `replace` makes it a new version of the existing one. */
  retryUpload(id: number, replace: boolean): void {
    if (!this.blobs.has(id) && !this.resumes.has(id)) return;
    this.set({ uploads: retried(this.state.uploads, id, replace) });
    this.pump();
  }

  /**
   * Closes what is over: done, cancelled and failed uploads (a failed one
   * still on the server is let go there); interrupted ones stay.
   */
  clearUploads(): void {
    const s = cleared(this.state.uploads, true);
    for (const u of this.state.uploads.items) {
      if (s.items.includes(u)) continue;
      if (u.status === 'error' && u.resumeUrl) terminate(u.resumeUrl);
      this.forget(u.id);
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
      return;
    }
    const ev = nodeEvent(e);
    if (!ev) return;
    const l = this.state.listing;
    if (l.loaded && l.folder && touchesFolder(e, l.folderId, l.folder.path)) {
      void this.reload();
    } else if (l.loaded) {
      const items = this.changed(l.items, (raw) => applyNodeEvent(raw, e, l.folderId));
      if (items !== l.items) {
        this.set({
          listing: { ...l, items, total: l.total + (items.length - l.items.length) },
          ...this.learned(items),
        });
      }
    }
    if (ev.data.kind === 'folder' && ev.action !== 'deleted' && ev.action !== 'purged') {
      const known = new Map(this.state.known);
      known.set(ev.data.path, ev.data.id);
      this.set({ known });
      this.heardFolder(ev.data);
    }
    if (ev.action === 'deleted' || ev.action === 'restored' || ev.action === 'purged')
      this.trashSoon();
    this.usageSoon();
  }
}

const stores = new Map<string, FilesStore>();

/**
 * The store of a workspace, made once per page (uploads outlive the
 * screen). Armoured: with the workspace's key manager, and made again when
 * that one is (after a sign-out, keys and what they opened are gone).
 */
export function storeFor(workspaceId: string, me: string, armoured = false): FilesStore {
  const key = `${workspaceId}:${me}`;
  const keys = armoured ? workspaceKeys(workspaceId, me) : null;
  let s = stores.get(key);
  if (s && (s.armour?.keys ?? null) !== keys) {
    s.stop();
    s = undefined;
  }
  if (!s) {
    const armour = keys
      ? new FilesArmour(workspaceId, keys, new RollbackMemory(rollbackKey(me, workspaceId)))
      : null;
    s = new FilesStore(workspaceId, me, armour);
    stores.set(key, s);
  }
  return s;
}
